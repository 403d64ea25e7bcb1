"""Benchmark: simulated learners submitting to a real ``autograder serve`` over HTTP.

    python benchmarks/serve_load.py [--learners 20] [--interval 60] [--duration 300]
                                    [--seed 7] [--weeks week01 week02] [--workers 1]
                                    [--burst] [--quick] [--keep] [--hub]

Builds a throwaway course (the weeks released, a token per simulated learner), starts
``autograder serve`` on it on a free loopback port and, in phases:

1. **load**: ``--learners`` threads, each submitting one notebook every ``--interval``
   seconds (seeded jitter of ±25 %, first submission at a random moment of the first
   interval) for ``--duration`` seconds, then waiting for its verdict (long poll). A
   notebook is *right* (the model answers), *wrong* (each exercise a random answer from the
   bank in tests/fixtures/answers, a ``fail_`` one at least), *hostile* (an attack of
   tests/security/attacks.py on week 1's Python notebook) or *malformed* (a body the server
   must refuse with a 4xx and store nothing). Halfway through, the server and its grading
   processes are killed with SIGKILL and started again; learners whose requests are refused
   meanwhile retry. Afterwards every accepted submission must have its verdict: none lost.
2. **burst** (``--burst``): every learner submits at the same moment; each must be accepted
   or refused with a reason, each accepted one answered, in the order received.
3. **ramp**: open-loop submission rates rising step by step (a fresh set of learners, each
   under the hourly limit) until the p95 latency of a step passes 10 s: the highest rate
   that kept it under is printed (it depends on the step's length: a queue that grows
   grows for the whole step).
4. **verdicts**: every distinct notebook the server graded is graded again by
   ``autograder grade`` in one batch, in a copy of the course; each exercise's score must
   equal the server's.

``--hub`` runs the same learners through a real JupyterHub instead
(deploy/jupyterhub_config.py on loopback ports, the course server its managed service, the
pip configurable-http-proxy): each simulated learner is a Hub user created over the Hub's
REST API and submits with their own Hub API token through the Hub's proxy. The Hub owns the
server's process there, so the SIGKILL and restart of the load phase are left out; the other
checks stand.

``--quick`` (4 learners, one submission every 15 s for 45 s, ramp 6 to 48 a minute, 15 s a
step) finishes in about two to three minutes on two cores; the default run takes about
fifteen.

It prints p50/p95/max latency from upload to verdict (the moment the 202 was asked for to
the moment the final status was read), throughput, rejected requests by status, and the
checks; it exits 1 when a check fails. Attacks whose cost is the grader's time limits
(infinite loops, a wedged kernel, 50 MB of output, the memory bomb) are left out unless
``--slow-attacks``: each holds a worker for a full cell time-out by design.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "security"))

from attacks import NOTEBOOK as ATTACKED  # noqa: E402
from attacks import corpus  # noqa: E402

from autograder import cohort, notebooks  # noqa: E402
from autograder.api.release import release  # noqa: E402
from autograder.course import Course, copy_configuration, copy_course_data  # noqa: E402

FINAL = ("graded", "failed")
P95_GOAL = 10.0  # seconds: the ramp's bar
START_SECONDS = 180  # a server that does not listen by then has failed
VERDICT_SECONDS = 600  # after the load, how long the last verdicts may take
SLOW_ATTACKS = {"infinite_loop_cell", "infinite_loop_call", "wedged_kernel", "huge_output"}
SLOW_ATTACKS |= {"memory_bomb"}
MIX = (("right", 0.4), ("wrong", 0.4), ("hostile", 0.15), ("malformed", 0.05))
QUICK = {"learners": 4, "interval": 15.0, "duration": 45.0, "ramp_step": 15.0}
QUICK_RAMP = [6, 12, 24, 48]
REFERENCE_WORKERS = 2  # autograder grade --workers 2 grades the verdicts again


# --------------------------------------------------------------------------- the course


@dataclass(frozen=True)
class Candidate:
    kind: str  # right, wrong, hostile:<attack>, malformed:<what>
    week: str
    notebook: str
    body: dict  # the JSON body of the POST


def build_course(course: Path, weeks: list[str]) -> None:
    course.mkdir(parents=True)
    copy_configuration(ROOT, course)
    copy_course_data(ROOT, course)
    shutil.copytree(ROOT / "source", course / "source")
    shutil.copytree(ROOT / cohort.ANSWER_BANK, course / cohort.ANSWER_BANK)
    release(root=course, assignments=weeks, time_solutions=True)  # as `autograder release`


def candidates(course: Path, weeks: list[str], seed: int, slow_attacks: bool) -> dict:
    """``{kind: [Candidate]}``: what the simulated learners choose from."""
    rng = random.Random(seed)
    found: dict[str, list[Candidate]] = {"right": [], "wrong": [], "hostile": [], "malformed": []}
    loaded = Course.load(course)
    for week in weeks:
        bank = cohort.answer_bank(loaded, week)
        for source in sorted((course / "source" / week).glob("*.ipynb")):
            released = notebooks.read(course / "release" / week / source.name)
            solution = cohort.solutions(notebooks.read(source))
            right = cohort.fill(released, solution)
            found["right"].append(_candidate("right", week, source.name, right))
            for _ in range(4):
                answers = dict(solution)
                failing = [
                    (exercise, text)
                    for exercise in solution
                    for name, text in bank.get(exercise, {}).items()
                    if name.startswith("fail_")
                ]
                if not failing:
                    break
                exercise, text = rng.choice(failing)
                answers[exercise] = text
                for other in solution:  # and some others at random: right, wrong or blank
                    roll = rng.random()
                    options = sorted(bank.get(other, {}).items())
                    if other != exercise and roll < 0.3 and options:
                        answers[other] = rng.choice(options)[1]
                    elif other != exercise and roll < 0.4:
                        answers.pop(other)
                wrong = cohort.fill(released, answers)
                found["wrong"].append(_candidate("wrong", week, source.name, wrong))
            if source.name == ATTACKED and week == "week01":
                solved = json.loads(notebooks.dumps(notebooks.normalize(notebooks.read(source))))
                for attack in corpus(network_port=_closed_port()):
                    if attack.edit is None or (attack.id in SLOW_ATTACKS and not slow_attacks):
                        continue
                    nb = attack.edit(copy.deepcopy(solved))
                    found["hostile"].append(
                        Candidate(
                            f"hostile:{attack.id}", week, ATTACKED, {"notebooks": {ATTACKED: nb}}
                        )
                    )
    week = weeks[0]
    name = sorted(p.name for p in (course / "release" / week).glob("*.ipynb"))[0]
    found["malformed"] = [
        Candidate("malformed:not-a-notebook", week, name, {"notebooks": {name: "{'cells': ["}}),
        Candidate(
            "malformed:unknown-notebook",
            week,
            "scratch.ipynb",
            {"notebooks": {"scratch.ipynb": {}}},
        ),
        Candidate("malformed:no-notebooks", week, name, {"notebooks": {}}),
    ]
    if not found["hostile"]:
        found.pop("hostile")
    return found


def _candidate(kind: str, week: str, name: str, nb) -> Candidate:
    return Candidate(kind, week, name, {"notebooks": {name: json.loads(notebooks.dumps(nb))}})


def _closed_port() -> int:
    """A loopback port nothing listens on: the network attack must find it refused anyway."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def digest(candidate: Candidate) -> str:
    return hashlib.sha256(json.dumps(candidate.body, sort_keys=True).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- the server


def add_tokens(course: Path, learners: list[str]) -> dict[str, str]:
    """A token for each learner, as ``autograder token add`` makes them (in one process)."""
    from autograder.server.tokens import add_token

    return {learner: add_token(root=course, learner=learner) for learner in learners}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``autograder serve`` as a subprocess in its own process group."""

    def __init__(self, course: Path, options: list[str]):
        self.course, self.options = course, options
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> float:
        """Start and wait until it answers; the seconds that took."""
        self.starts += 1
        log = (self.course.parent / f"serve-{self.starts}.log").open("wb")
        command = [sys.executable, "-m", "autograder.cli.main", "serve", "--root", str(self.course)]
        command += ["--ip", "127.0.0.1", "--port", str(self.port), *self.options]
        began = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        while time.perf_counter() - began < START_SECONDS:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited at start; see {log.name}")
            try:
                requests.get(f"{self.url}/api/whoami", timeout=2)
                return time.perf_counter() - began
            except requests.ConnectionError:
                time.sleep(0.2)
        raise SystemExit(f"the server did not answer within {START_SECONDS} s")

    def kill(self) -> None:
        """SIGKILL the server and the grading processes it started, as a crash would."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(120)
        except subprocess.TimeoutExpired:
            self.kill()
            return None


class HubServer:
    """The course server as a JupyterHub service (tests/hub/hubbing.py), spoken to by its proxy."""

    def __init__(self, course: Path, options: list[str]):
        self.course, self.options = course, options
        self.hub = None
        self.url = ""

    def start(self) -> float:
        from tests.hub.hubbing import INSTRUCTOR, Hub

        os.environ["AUTOGRADER_SERVE_ARGS"] = " ".join(self.options)
        began = time.perf_counter()
        folder = self.course.parent / "hub"
        folder.mkdir(exist_ok=True)
        self.hub = Hub(self.course, folder)
        self.url = f"{self.hub.url}/services/course"
        teacher = self.hub.add_user(INSTRUCTOR)
        for week in sorted(p.name for p in (self.course / "release").iterdir()):
            reply = requests.post(
                f"{self.url}/api/assignments/{week}/release",
                headers={"Authorization": f"token {teacher}"},
                timeout=60,
            )
            reply.raise_for_status()
        return time.perf_counter() - began

    def tokens(self, learners: list[str]) -> dict[str, str]:
        """A Hub user and a Hub API token for each learner, made over the Hub's REST API."""
        return {learner: self.hub.add_user(learner) for learner in learners}

    def kill(self) -> None:
        raise RuntimeError("the Hub manages the course server's process")

    def stop(self) -> int | None:
        return None if self.hub is None else self.hub.stop()


# --------------------------------------------------------------------------- learners


@dataclass
class Sent:
    learner: str
    candidate: Candidate
    phase: str
    started: float = 0.0  # perf_counter when the POST was made
    status: int | None = None  # of the POST (None: no answer)
    refused: list[int | str] = field(default_factory=list)  # earlier tries: status or error
    id: str | None = None
    received_at: str | None = None
    answered: float | None = None  # perf_counter when the final status was read
    final: dict | None = None
    restarted: bool = False  # the server was killed between upload and verdict
    error: str | None = None

    @property
    def latency(self) -> float | None:
        return None if self.answered is None else self.answered - self.started


class Learner:
    def __init__(self, name: str, token: str, url: str):
        self.name, self.url = name, url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {token}"

    def submit(self, sent: Sent, deadline: float) -> None:
        """POST; a refused connection (the server is down) is retried until ``deadline``."""
        week = sent.candidate.week
        while True:
            sent.started = time.perf_counter()
            try:
                reply = self.session.post(
                    f"{self.url}/api/assignments/{week}/submissions",
                    json=sent.candidate.body,
                    timeout=60,
                )
            except requests.RequestException as error:
                sent.refused.append(type(error).__name__)
                if time.perf_counter() > deadline:
                    sent.error = f"no answer to the upload: {error}"
                    return
                time.sleep(0.5)
                continue
            sent.status = reply.status_code
            if reply.status_code == 202:
                body = reply.json()
                sent.id, sent.received_at = body["id"], body["received_at"]
            else:
                sent.error = _error_of(reply)
            return

    def wait(self, sent: Sent, deadline: float) -> None:
        """Long-poll the verdict, through a restart, until ``deadline``."""
        while time.perf_counter() < deadline:
            try:
                reply = self.session.get(
                    f"{self.url}/api/submissions/{sent.id}", params={"wait": 30}, timeout=45
                )
            except requests.RequestException:
                time.sleep(0.5)
                continue
            if reply.status_code != 200:
                sent.error = f"verdict: HTTP {reply.status_code} {_error_of(reply)}"
                if reply.status_code == 404:  # the server forgot it: lost
                    return
                time.sleep(0.5)
                continue
            body = reply.json()
            if body["status"] in FINAL:
                sent.answered, sent.final, sent.error = time.perf_counter(), body, None
                return
        sent.error = sent.error or "no verdict before the benchmark's deadline"

    def run(self, sent: Sent) -> None:
        """Upload, then wait for the verdict."""
        self.submit(sent, time.perf_counter() + VERDICT_SECONDS)
        if sent.id:
            self.wait(sent, time.perf_counter() + VERDICT_SECONDS)


def _error_of(reply: requests.Response) -> str:
    try:
        return reply.json().get("error", reply.text[:200])
    except ValueError:
        return reply.text[:200]


def choose(pool: dict, rng: random.Random) -> Candidate:
    kinds = [kind for kind, _ in MIX if kind in pool]
    weights = [weight for kind, weight in MIX if kind in pool]
    return rng.choice(pool[rng.choices(kinds, weights)[0]])


def load_phase(server, tokens, pool, args, seed) -> tuple[list[Sent], dict]:
    """Learners submitting every ``interval`` s; SIGKILL and restart at half time (not --hub)."""
    sent: list[Sent] = []
    lock = threading.Lock()
    began = time.perf_counter()
    end = began + args.duration

    def learner_loop(name: str, token: str) -> None:
        rng = random.Random(f"{seed}-{name}")
        learner = Learner(name, token, server.url)
        at = began + rng.uniform(0, args.interval)
        while at < end:
            time.sleep(max(0.0, at - time.perf_counter()))
            item = Sent(name, choose(pool, rng), "load")
            with lock:
                sent.append(item)
            learner.run(item)
            at += args.interval * rng.uniform(0.75, 1.25)

    threads = [
        threading.Thread(target=learner_loop, args=(name, token), daemon=True)
        for name, token in tokens.items()
    ]
    for thread in threads:
        thread.start()
    if args.hub:
        for thread in threads:
            thread.join()
        return sent, None
    time.sleep(args.duration / 2)
    # killed while a submission waits for its verdict, so the restart has something to keep
    while time.perf_counter() < end and not any(s.id and s.final is None for s in list(sent)):
        time.sleep(0.05)
    killed = time.perf_counter()
    server.kill()
    restart = server.start()
    for thread in threads:
        thread.join()
    for item in sent:  # uploaded before the kill, answered after: its latency holds a restart
        item.restarted = item.started <= killed and (item.answered or killed) >= killed
    return sent, {"restart_seconds": restart, "killed_at": killed - began}


def burst_phase(server, tokens, pool, seed) -> list[Sent]:
    """Every learner submits at the same moment."""
    rng = random.Random(f"{seed}-burst")
    graded_pool = {k: v for k, v in pool.items() if k in ("right", "wrong")}
    sent = [Sent(name, choose(graded_pool, rng), "burst") for name in tokens]
    gate = threading.Barrier(len(sent))

    def go(item: Sent) -> None:
        learner = Learner(item.learner, tokens[item.learner], server.url)
        gate.wait()
        learner.run(item)

    run_threads([threading.Thread(target=go, args=(item,), daemon=True) for item in sent])
    return sent


def ramp_phase(server, make_tokens, pool, args, seed) -> list[tuple[float, list[Sent]]]:
    """Open-loop steps of rising rate (submissions per minute) until p95 passes the goal."""
    graded_pool = {k: v for k, v in pool.items() if k != "malformed"}
    steps = []
    rng = random.Random(f"{seed}-ramp")
    per_learner = max(1, args.max_per_hour - 1)  # each learner stays under the hourly limit
    for step, rate in enumerate(args.ramp):
        count = max(2, round(rate * args.ramp_step / 60))
        names = [f"ramp{step}x{n:03d}" for n in range(-(-count // per_learner))]
        tokens = make_tokens(names)
        sent = [
            Sent(names[i % len(names)], choose(graded_pool, rng), f"ramp {rate:g}/min")
            for i in range(count)
        ]
        began = time.perf_counter()

        def one(i: int, item: Sent, tokens=tokens, began=began, rate=rate) -> None:
            time.sleep(max(0.0, began + i * 60 / rate - time.perf_counter()))
            Learner(item.learner, tokens[item.learner], server.url).run(item)

        run_threads(
            [
                threading.Thread(target=one, args=(i, item), daemon=True)
                for i, item in enumerate(sent)
            ]
        )
        steps.append((rate, sent))
        p95 = percentile([s.latency for s in sent if s.latency is not None], 95)
        shown = "no verdicts" if p95 is None else f"p95 {p95:.1f} s"
        print(f"  ramp {rate:g}/min: {len(sent)} submissions, {shown}", flush=True)
        if p95 is None or p95 > P95_GOAL:
            break
    return steps


def run_threads(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --------------------------------------------------------------------------- checks


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def server_scores(final: dict, notebook: str) -> dict[str, float]:
    result = final.get("result") or {}
    for entry in result.get("notebooks", []):
        if entry["notebook"] == notebook:
            return {e["exercise"]: float(e["score"]) for e in entry["exercises"]}
    return {}


def reference_scores(reference: Path, graded: list[Sent], workers: int) -> tuple[dict, float]:
    """``autograder grade`` of each distinct graded notebook, in one batch: per-exercise scores
    keyed by (week, notebook, digest); and the seconds the batch took."""
    from autograder.api.grade import grade

    learners = {}
    for item in graded:
        key = (item.candidate.week, item.candidate.notebook, digest(item.candidate))
        if key in learners:
            continue
        learner = learners[key] = f"v{len(learners):04d}"
        folder = reference / "submitted" / learner / item.candidate.week
        folder.mkdir(parents=True)
        for name, nb in item.candidate.body["notebooks"].items():
            (folder / name).write_text(json.dumps(nb), encoding="utf-8")
    weeks = sorted({key[0] for key in learners})
    began = time.perf_counter()
    report = grade(root=reference, assignments=weeks, workers=workers, resume=False)
    seconds = time.perf_counter() - began
    found = {}
    for key, learner in learners.items():
        week, name, _ = key
        found[key] = {
            row["exercise"]: float(row["score"])
            for row in report.rows
            if row["student_id"] == learner
            and row["assignment"] == week
            and row["notebook"] == name.removesuffix(".ipynb")
            and not row["needs_manual_grade"]
            and row["max_score"]
        }
    return found, seconds


def compare(graded: list[Sent], reference: dict) -> list[str]:
    differences = []
    for item in graded:
        key = (item.candidate.week, item.candidate.notebook, digest(item.candidate))
        expected = reference[key]
        got = server_scores(item.final, item.candidate.notebook)
        if item.final["status"] == "failed":
            if any(expected.values()):
                differences.append(
                    f"{item.candidate.kind}: server failed it, grade scored {expected}"
                )
            continue
        mine = {name: got.get(name) for name in expected}
        if mine != expected:
            differences.append(
                f"{item.candidate.kind} ({item.id}): server {mine}, autograder grade {expected}"
            )
    return differences


def lost(server, tokens, sent: list[Sent]) -> list[str]:
    """Accepted submissions the server does not list or never answered."""
    missing = []
    listed: set[str] = set()
    for token in tokens.values():
        reply = requests.get(
            f"{server.url}/api/submissions",
            headers={"Authorization": f"token {token}"},
            timeout=60,
        )
        reply.raise_for_status()
        listed |= {entry["id"] for entry in reply.json()["submissions"]}
    for item in sent:
        if item.id and item.learner in tokens and item.id not in listed:
            missing.append(f"{item.id} ({item.learner}): not listed after the restart")
        elif item.id and item.final is None:
            missing.append(f"{item.id} ({item.learner}): {item.error}")
    return missing


def order_displacement(sent: list[Sent]) -> int:
    """How many places the latest verdict came after its turn (by time received)."""
    answered = [s for s in sent if s.final and s.received_at]
    by_receipt = sorted(answered, key=lambda s: s.received_at)
    by_answer = sorted(answered, key=lambda s: s.answered)
    turn = {s.id: i for i, s in enumerate(by_receipt)}
    return max((i - turn[s.id] for i, s in enumerate(by_answer)), default=0)


def summary(label: str, sent: list[Sent], seconds: float | None = None) -> None:
    latencies = sorted(s.latency for s in sent if s.latency is not None and not s.restarted)
    statuses: dict = {}
    for item in sent:
        for refusal in item.refused:
            statuses[refusal] = statuses.get(refusal, 0) + 1
        if item.status != 202:
            key = item.status or "no answer"
            statuses[key] = statuses.get(key, 0) + 1
    accepted = [s for s in sent if s.id]
    line = f"{label}: {len(sent)} uploads, {len(accepted)} accepted"
    if latencies:
        line += (
            f"; latency upload->verdict p50 {percentile(latencies, 50):.2f} s, "
            f"p95 {percentile(latencies, 95):.2f} s, max {latencies[-1]:.2f} s "
            f"({len(latencies)} verdicts"
        )
        crossed = sum(s.restarted and s.final is not None for s in sent)
        line += f"; {crossed} more answered across the restart)" if crossed else ")"
    if seconds:
        answered = sum(s.final is not None for s in sent)
        line += f"; throughput {answered / seconds * 60:.1f} verdicts/min"
    print(line)
    if statuses:
        print(
            "  rejected or refused: "
            + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
        )


def slowest(sent: list[Sent], began: float, shown: int = 5) -> None:
    """The longest waits (not across the restart): when each was uploaded and how many
    other submissions were then uploaded and still unanswered (the queue it joined)."""
    timed = [s for s in sent if s.latency is not None and not s.restarted]
    for item in sorted(timed, key=lambda s: -s.latency)[:shown]:
        ahead = sum(
            1
            for other in sent
            if other is not item
            and other.id
            and other.started < item.started < (other.answered or float("inf"))
        )
        print(
            f"  slow: {item.latency:.1f} s, {item.candidate.kind} uploaded at "
            f"{item.started - began:.0f} s, {ahead} other(s) then unanswered"
        )


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument(
        "--interval", type=float, default=60.0, help="seconds between a learner's submissions"
    )
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--weeks", nargs="*", default=["week01", "week02"])
    parser.add_argument(
        "--workers", type=int, default=1, help="the server's --workers (its default: 1)"
    )
    parser.add_argument("--max-per-hour", type=int, default=10, help="the server's hourly limit")
    parser.add_argument("--burst", action="store_true", help="also: every learner at once")
    parser.add_argument(
        "--ramp",
        type=float,
        nargs="*",
        default=[20, 40, 60, 90, 120, 180],
        help="ramp rates, submissions per minute (none: no ramp)",
    )
    parser.add_argument("--ramp-step", type=float, default=60.0, help="seconds per ramp rate")
    parser.add_argument("--slow-attacks", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help=f"a short run: {QUICK}, ramp {QUICK_RAMP}/min"
    )
    parser.add_argument("--keep", action="store_true", help="keep the course and server logs")
    parser.add_argument(
        "--hub",
        action="store_true",
        help="through a real JupyterHub: Hub users, Hub tokens, the Hub's proxy (no SIGKILL)",
    )
    args = parser.parse_args()
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
        args.ramp = QUICK_RAMP
    if args.learners < 1 or args.interval <= 0 or args.duration <= 0:
        parser.error("--learners, --interval and --duration need positive numbers")

    base = Path(tempfile.mkdtemp(prefix="serve-load-"))
    server = None
    failed = []
    try:
        began = time.perf_counter()
        course, reference = base / "course", base / "reference"
        build_course(course, args.weeks)
        shutil.copytree(course, reference)  # graded afterwards by autograder grade
        pool = candidates(course, args.weeks, args.seed, args.slow_attacks)
        names = [f"learner{n:03d}" for n in range(args.learners)]
        print(
            f"course: {', '.join(args.weeks)}; notebooks to choose from: "
            + ", ".join(f"{len(v)} {k}" for k, v in pool.items())
            + f"; built in {time.perf_counter() - began:.0f} s",
            flush=True,
        )
        options = ["--workers", str(args.workers), "--max-per-hour", str(args.max_per_hour)]
        server = (HubServer if args.hub else Server)(course, options)
        where = "JupyterHub and its course service" if args.hub else "server"
        print(
            f"{where} ({' '.join(options)}) started in {server.start():.1f} s; "
            f"{os.cpu_count()} cores",
            flush=True,
        )
        if args.hub:
            make_tokens = server.tokens
        else:

            def make_tokens(learners):
                return add_tokens(course, learners)

        tokens = make_tokens(names)

        load_began = time.perf_counter()
        sent, kill = load_phase(server, tokens, pool, args, args.seed)
        summary(
            f"load ({args.learners} learners, one every {args.interval:g} s, {args.duration:g} s)",
            sent,
            time.perf_counter() - load_began,
        )
        if kill:
            print(
                f"  SIGKILL at {kill['killed_at']:.0f} s, answering again "
                f"{kill['restart_seconds']:.1f} s later"
            )
        slowest(sent, load_began)
        missing = lost(server, tokens, sent)
        print(f"  accepted submissions lost: {len(missing)} of {sum(bool(s.id) for s in sent)}")
        failed += [f"lost: {m}" for m in missing]
        for item in sent:
            if item.candidate.kind.startswith("malformed") and (item.id or item.status is None):
                failed.append(f"{item.candidate.kind} was not refused: {item.status}")
            elif not item.candidate.kind.startswith("malformed") and item.status not in (202, 429):
                failed.append(f"{item.candidate.kind}: HTTP {item.status} {item.error}")
        everything = list(sent)

        if args.burst:
            burst = burst_phase(server, tokens, pool, args.seed)
            summary(f"burst ({len(burst)} at once)", burst)
            silent = [s for s in burst if s.final is None and not (s.status and s.status >= 400)]
            print(
                f"  answered or refused with a reason: {len(burst) - len(silent)} of "
                f"{len(burst)}; latest verdict {order_displacement(burst)} place(s) after its "
                f"turn ({args.workers} workers grade side by side)"
            )
            failed += [f"burst: {s.learner} {s.error}" for s in silent]
            if args.workers == 1 and order_displacement(burst):  # one at a time: strict order
                failed.append("burst: a verdict came before one received earlier")
            everything += burst

        if args.ramp:
            steps = ramp_phase(server, make_tokens, pool, args, args.seed)
            good = [
                rate
                for rate, items in steps
                if (p := percentile([s.latency for s in items if s.latency], 95)) is not None
                and p <= P95_GOAL
            ]
            for rate, items in steps:
                summary(f"ramp {rate:g}/min ({args.ramp_step:g} s)", items, args.ramp_step)
                everything += items
            print(
                f"highest rate with p95 <= {P95_GOAL:g} s: "
                + (f"{max(good):g} submissions/min" if good else "none of the rates tried")
                + (" (the highest tried)" if good and max(good) == max(args.ramp) else "")
            )

        graded = [s for s in everything if s.final]
        reference_found, seconds = reference_scores(reference, graded, REFERENCE_WORKERS)
        differences = compare(graded, reference_found)
        print(
            f"verdicts identical to autograder grade: {not differences} ({len(graded)} verdicts, "
            f"{len(reference_found)} distinct notebooks graded again in {seconds:.0f} s)"
        )
        for line in differences[:20]:
            print(f"  differs: {line}")
        failed += differences
        code = server.stop()
        print(f"{where} stopped with SIGTERM: exit code {code}")
        print(f"total {time.perf_counter() - began:.0f} s")
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"course and logs kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    if failed:
        print(f"FAILED: {len(failed)} check(s)")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
