"""Benchmark: one synthetic cohort graded by stock nbgrader, by nbgrader with the course's
configuration, by the parallel grader and, optionally, on a Dask cluster.

    python benchmarks/grade_cohort.py [--learners 40] [--workers 2] [--weeks week01 week02]
                                      [--seed 7] [--profile] [--pool-only]
                                      [--scheduler local:2 | --scheduler tcp://HOST:PORT]

Builds a throwaway course with ``--learners`` learners handing in every week that exists
(each exercise answered at random, seeded: the reference answer, an alternative correct or a
plausible wrong answer from the answer bank, or left blank), then grades identical copies:

1. **stock**: ``nbgrader autograde WEEK`` for each week, one after another, with nbgrader's
   own default autograde steps and kernel manager (the course's ConfinedExecute and trusted
   verdicts are switched off): what an instructor would run without this course's grader;
2. **course config**: the same ``nbgrader autograde`` with the course's nbgrader_config.py
   (confined kernel, trusted verdicts);
3. **pool**: ``autograder grade --workers N`` (long-lived worker processes, one gradebook
   writer);
4. **cluster**, only with ``--scheduler``: ``autograder grade --scheduler ...``, the same
   grading on a Dask cluster (``local:N`` starts N single-threaded workers on this machine as
   part of the timed run; a ``tcp://`` address uses a cluster already running).

It checks that every grade cell of every learner scores the same in 3 (and 4) as in 2 (a cell
that differs is graded three more times sequentially, to tell an answer that is itself
random, such as an unseeded bootstrap, from a fault of the grader), reports how many cells
stock nbgrader scores differently (it trusts what the kernel prints), then prints wall time
of each run, the ratios (1 and 2 over 3; 2 over 4), seconds per notebook, and peak resident
memory: of each run's whole process tree on this machine, and of each pool worker (alone, and
with the kernels and checkers it starts). With ``--scheduler`` it also prints what the cluster
adds per notebook over the pool, the part of it paid once per batch (starting or reaching the
cluster, placing the course on its workers) and, for ``local:N``, the peak memory of each Dask
worker. Memory is sampled from /proc every 0.2 s, so very short peaks can be missed.

``--seed`` builds a different cohort (each learner's answers are drawn from it). ``--profile``
records where the pool's time goes (:mod:`autograder.grading.phases`) and prints, by week,
each phase's seconds per notebook (mean, 95th percentile, share of the total) beside the
notebook's own compute: the model solution's cells run once in an already-started plain
kernel. What is not that compute is grading overhead. ``--pool-only`` skips the nbgrader runs
and the comparison of scores (for profiling).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import cohort, notebooks  # noqa: E402
from autograder.api.release import generate  # noqa: E402
from autograder.course import (  # noqa: E402
    CONFIG_FILE,
    Course,
    CourseError,
    copy_configuration,
    copy_course_data,
    source_assignments,
)
from autograder.grading.kernel import time_solutions  # noqa: E402
from autograder.grading.phases import ENV as PROFILE  # noqa: E402

IDLE = {"verdict_wait"}  # the grader waiting for the verdicts judged on their own thread
LOCAL = "local:"  # as autograder.api.cluster.LOCAL (imported lazily: Dask is an extra)


def build(course: Path, weeks: list[str], learners: int, seed: int) -> int:
    """Write the cohort into ``course``/submitted; returns the number of notebooks."""
    copy_configuration(ROOT, course)
    copy_course_data(ROOT, course)
    shutil.copytree(ROOT / "source", course / "source")
    shutil.copytree(ROOT / cohort.ANSWER_BANK, course / cohort.ANSWER_BANK)
    generate(course, weeks)
    count = 0
    for week in weeks:
        bank = cohort.answer_bank(course, week)
        for source in sorted((course / "source" / week).glob("*.ipynb")):
            released = notebooks.read(course / "release" / week / source.name)
            solution = cohort.solutions(notebooks.read(source))
            for n in range(learners):
                rng = random.Random(f"{seed}-{n}-{week}-{source.name}")
                answers = {}
                for exercise, text in solution.items():
                    options = sorted(bank.get(exercise, {}).items())
                    roll = rng.random()
                    if roll < 0.45:
                        answers[exercise] = text
                    elif roll < 0.85 and options:
                        answers[exercise] = rng.choice(options)[1]
                    # else: left blank
                target = course / "submitted" / f"learner{n:03d}" / week / source.name
                target.parent.mkdir(parents=True, exist_ok=True)
                notebooks.write_normalized(cohort.fill(released, answers), target)
                count += 1
    return count


def cells(course: Path) -> dict:
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in gradebook.assignment_submissions(assignment.name):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        key = (submission.student.id, assignment.name, notebook.name, grade.name)
                        found[key] = (grade.auto_score, grade.needs_manual_grade)
    return found


def regrade(course: Path, key: tuple, scratch: Path, times: int = 3) -> list:
    """Grade one learner's week ``times`` more times, one after another: is the grade stable?

    A submission whose own answer is random (say, unseeded) can score differently on every
    run, whatever the grader; such a difference says nothing about the parallel grader.
    """
    from autograder.api.grade import grade

    learner, week, notebook, cell = key
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(course, scratch, ignore=shutil.ignore_patterns("autograded", ".intake"))
    for other in (scratch / "submitted").iterdir():
        if other.name != learner:
            shutil.rmtree(other)
    found = []
    for _ in range(times):
        grade(root=scratch, assignments=[week], resume=False)
        found.append(cells(scratch).get(key))
    return found


class MemorySampler:
    """Peak RSS of the tree under ``pid``; and of each direct child (a worker), alone and with
    its descendants."""

    def __init__(self, pid: int):
        self.pid, self.alone, self.tree = pid, {}, {}
        self.total = 0.0  # peak of the whole tree, ``pid`` included
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                found += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    @staticmethod
    def _rss_mb(pid: int) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def _subtree(self, pid: int) -> float:
        total, todo = self._rss_mb(pid), self._children(pid)
        while todo:
            child = todo.pop()
            total += self._rss_mb(child)
            todo += self._children(child)
        return total

    def _run(self):
        while self.running:
            everything = self._rss_mb(self.pid)
            for child in self._children(self.pid):
                alone, tree = self._rss_mb(child), self._subtree(child)
                everything += tree
                self.alone[child] = max(self.alone.get(child, 0.0), alone)
                self.tree[child] = max(self.tree.get(child, 0.0), tree)
            self.total = max(self.total, everything)
            time.sleep(0.2)

    def stop(self):
        self.running = False
        self.thread.join()


@dataclass
class Run:
    label: str
    seconds: float = 0.0
    peak_mb: float = 0.0  # the largest process tree seen (one week at a time for nbgrader)
    sampler: MemorySampler | None = None

    def add(self, seconds: float, sampler: MemorySampler) -> None:
        self.seconds += seconds
        self.peak_mb = max(self.peak_mb, sampler.total)
        self.sampler = sampler


def timed(command: list[str], cwd: Path) -> tuple[float, MemorySampler]:
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sampler = MemorySampler(process.pid)
    _, err = process.communicate()
    seconds = time.perf_counter() - start
    sampler.stop()
    if process.returncode not in (0, 1):  # 1: some learner failed, reported in the gradebook
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-3000:]}")
    return seconds, sampler


def stock_configuration(course: Path) -> None:
    """Make ``course`` grade as stock nbgrader: its default sanitize and autograde steps (plain
    Execute with its default kernel manager), none of the course's confined kernel, trusted
    verdicts or compiled metadata check."""
    from nbgrader.converters import Autograde

    lines = ["\n# Benchmark baseline: stock nbgrader."]
    for name in ("sanitize_preprocessors", "autograde_preprocessors"):
        steps = [f"{s.__module__}.{s.__name__}" for s in getattr(Autograde, name).default()]
        lines.append(f"c.Autograde.{name} = {steps!r}")
    with (course / CONFIG_FILE).open("a", encoding="utf-8") as config:
        config.write("\n".join(lines) + "\n")


def measure(label: str, course: Path, commands: list[list[str]]) -> Run:
    """Run ``commands`` one after another in ``course`` as one timed run; its time is printed
    at once, as each run takes minutes."""
    run = Run(label)
    for command in commands:
        run.add(*timed(command, course))
    print(f"{run.label}: {run.seconds:7.1f} s", flush=True)
    return run


def nbgrader_autograde(label: str, course: Path, weeks: list[str]) -> Run:
    """``nbgrader autograde WEEK`` for each week in turn, as an instructor would run it."""
    nbgrader = shutil.which("nbgrader") or "nbgrader"
    return measure(label, course, [[nbgrader, "autograde", week, "--force"] for week in weeks])


def autograder_grade(course: Path, weeks: list[str], *options: str) -> Run:
    """``autograder grade`` with ``options`` (``--workers N`` or ``--scheduler ...``)."""
    command = [sys.executable, "-m", "autograder.cli.main", "grade", *options, "--fresh", *weeks]
    return measure(f"autograder grade {' '.join(options)}", course, [command])


# --------------------------------------------------------------------------- --profile


def own_compute(course: Path, weeks: list[str]) -> dict[str, list[float]]:
    """Per week, each model solution's cells' run time in an already-started plain kernel:
    the compute a notebook needs whatever grades it (imports, solutions, its checks)."""
    import nbformat
    from nbclient import NotebookClient

    from autograder.grading.intake import take_in

    found = {}
    for week in weeks:
        folder = course / ".grading" / "own-compute" / week
        take_in(course / "source" / week, course / "release" / week, folder)
        found[week] = []
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(
                nb, timeout=600, allow_errors=True, resources={"metadata": {"path": str(folder)}}
            )
            with client.setup_kernel():
                seconds = 0.0
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type == "code":
                        start = time.perf_counter()
                        client.execute_cell(cell, index)
                        seconds += time.perf_counter() - start
            found[week].append(seconds)
        shutil.rmtree(folder, ignore_errors=True)
    return found


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def profile_table(records: list[dict], own: dict[str, list[float]], wall: float, workers: int):
    """Print each phase's seconds per notebook by week, beside the notebooks' own compute."""
    by_week = defaultdict(list)
    for record in records:
        by_week[record["assignment"]].append(record)
    count = sum(r["notebooks"] for r in records)
    for week, chosen in [*sorted(by_week.items()), ("all weeks", records)]:
        notebooks = sum(r["notebooks"] for r in chosen)
        per = defaultdict(list)  # phase -> seconds per notebook of each submission
        for record in chosen:
            for name, seconds in record["phases"].items():
                if not name.startswith("#"):
                    per[name].append(seconds / record["notebooks"])
        # waiting for the verdicts judged alongside the kernel is idle: their spans count
        total = sum(sum(v) for k, v in per.items() if k not in IDLE) / len(chosen)
        mine = [s for w in ([week] if week in own else own) for s in own.get(w, [])]
        compute = sum(mine) / len(mine) if mine else 0.0
        cells = sum(r["phases"].get("#test_cells", 0) for r in chosen) / notebooks
        print(
            f"\n{week}: {notebooks} notebooks, {total:.2f} s of grading per notebook, "
            f"{cells:.1f} test cells per notebook; own compute {compute:.2f} s per notebook "
            f"(overhead {total - compute:+.2f} s)"
        )
        print(f"  {'phase':<16} {'mean s':>7} {'p95 s':>7} {'share':>6}")
        for name, values in sorted(per.items(), key=lambda item: -sum(item[1])):
            mean = sum(values) / len(chosen)
            share = "idle" if name in IDLE else f"{mean / total if total else 0:6.1%}"
            print(f"  {name:<16} {mean:7.3f} {_p95(values):7.3f} {share:>6}")
    recorded = sum(
        sum(v for k, v in r["phases"].items() if k not in ("parent", *IDLE) and not k[0] == "#")
        for r in records
    )
    print(
        f"\npool: {wall * workers / count:.2f} worker-seconds per notebook; the phases above "
        f"(the verdicts' alongside the kernel's) add up to {recorded / count:.2f} s of work per "
        "notebook; the rest of the worker-seconds is workers starting, batch set-up and waiting"
    )


def cluster_workers(scheduler: str) -> int:
    """How many submissions the cluster grades at once (the grader keeps one per worker)."""
    if scheduler.startswith(LOCAL):
        return int(scheduler[len(LOCAL) :])
    from autograder.api.cluster import connect

    with connect(scheduler) as client:
        return len(client.nthreads())


def cluster_setup(course: Path, scheduler: str, weeks: list[str]) -> float:
    """Seconds to start (or reach) the cluster, place the course on it and let go: what a
    batch pays once, whatever its size."""
    from autograder.api.cluster import connect, placed
    from autograder.api.pool import cleanup, prepare
    from autograder.course import nbgrader_api

    coursedir = nbgrader_api(course).coursedir
    prepare(course, coursedir.db_url, coursedir.course_id)  # the pool pays this too: not timed
    try:
        start = time.perf_counter()
        with connect(scheduler) as client, placed(client, Course.load(course), weeks):
            pass
        return time.perf_counter() - start
    finally:
        cleanup(course)


def compare(sequential: Path, graded: Path, name: str, scratch: Path) -> bool:
    """Print whether ``graded`` scored every cell as sequential nbgrader; False if a
    difference is not explained by an answer whose grade varies between runs."""
    expected, got = cells(sequential), cells(graded)
    differing = sorted(k for k in set(expected) | set(got) if expected.get(k) != got.get(k))
    print(
        f"{name} scores identical: {expected == got} ({len(expected)} grade cells, "
        f"{len({k[0] for k in expected})} learners)"
    )
    unexplained = []
    for key in differing[:10]:
        runs = regrade(sequential, key, scratch)
        why = "its grade varies between sequential runs too" if len(set(runs)) > 1 else ""
        print(
            f"  differs: {key}: sequential {expected.get(key)} {name} {got.get(key)}; "
            f"3 more sequential gradings: {runs} {why}"
        )
        if not why:
            unexplained.append(key)
    return not unexplained and len(differing) <= 10


def report(
    runs: list[Run], count: int, workers: int, distributed_workers: int, setup: float
) -> None:
    """``runs``: stock, course config, pool and, with ``--scheduler``, the cluster (of
    ``distributed_workers`` workers, paying ``setup`` seconds once per batch)."""
    stock, sequential, pool, *cluster = runs
    distributed = cluster[0] if cluster else None
    for run in runs:
        print(
            f"{run.label:>40}: {run.seconds:7.1f} s, {run.seconds / count:5.2f} s/notebook, "
            f"peak memory {run.peak_mb:5.0f} MB"
        )
    for run in (stock, sequential):
        print(f"ratio {run.label} / {pool.label}: {run.seconds / pool.seconds:.2f}")
    if distributed:
        print(
            f"ratio {sequential.label} / {distributed.label}: "
            f"{sequential.seconds / distributed.seconds:.2f}"
        )
    print(f"parallel: {pool.seconds * workers / count:.2f} worker-seconds per notebook")
    if distributed:
        added = distributed.seconds * distributed_workers - pool.seconds * workers
        print(
            f"distributed ({distributed_workers} workers): "
            f"{distributed.seconds * distributed_workers / count:.2f} worker-seconds per notebook; "
            f"the cluster adds {(distributed.seconds - pool.seconds) / count:+.2f} s wall per "
            f"notebook over the pool ({added / count:+.2f} worker-seconds); "
            f"once per batch it pays {setup:.1f} s to start or reach the cluster and "
            f"place the course ({setup / count:.2f} s per notebook of this cohort)"
        )
    sampler = pool.sampler
    for pid in sorted(sampler.alone, key=lambda pid: -sampler.tree[pid])[:workers]:
        print(
            f"peak memory of worker {pid}: {sampler.alone[pid]:.0f} MB alone, "
            f"{sampler.tree[pid]:.0f} MB with its kernel and checker"
        )
    if distributed and distributed.sampler.tree:  # local:N: nannies are the children
        trees = sorted(distributed.sampler.tree.values(), reverse=True)[:distributed_workers]
        print(
            "peak memory of each local Dask worker (nanny, worker, kernel and checker): "
            + ", ".join(f"{mb:.0f} MB" for mb in trees)
        )


def check_scheduler(parser: argparse.ArgumentParser, scheduler: str | None) -> None:
    if scheduler is None:
        return
    if scheduler.startswith(LOCAL):
        count = scheduler[len(LOCAL) :]
        if not count.isdigit() or int(count) < 1:
            parser.error(f"--scheduler {scheduler}: local:N needs a number of workers >= 1")
    elif "://" not in scheduler:
        parser.error(
            f"--scheduler {scheduler}: give the scheduler's address (tcp://HOST:PORT) or local:N"
        )
    try:
        import distributed  # noqa: F401
    except ImportError:
        parser.error("--scheduler needs Dask: pip install 'ds-interview-loop[cluster]'")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--weeks", nargs="*", default=None, help="default: every week in source/")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--scheduler",
        default=None,
        help="also grade on a Dask cluster: local:N (N workers here) or tcp://HOST:PORT",
    )
    parser.add_argument("--keep", action="store_true", help="keep the graded courses")
    parser.add_argument(
        "--profile", action="store_true", help="print where the pool's time goes, by phase"
    )
    parser.add_argument(
        "--pool-only", action="store_true", help="grade only with the pool (no nbgrader runs)"
    )
    args = parser.parse_args()
    if args.workers < 1 or args.learners < 1:
        parser.error("--workers and --learners need a number >= 1")
    check_scheduler(parser, args.scheduler)
    # a tcp:// cluster is reached before the long sequential run: a wrong address fails now
    try:
        distributed_workers = cluster_workers(args.scheduler) if args.scheduler else 0
    except CourseError as error:
        parser.error(str(error))
    weeks = args.weeks or source_assignments(ROOT)
    base = Path(tempfile.mkdtemp(prefix="grade-cohort-"))
    try:
        stock, sequential, parallel = base / "stock", base / "sequential", base / "parallel"
        on_cluster = base / "distributed"
        sequential.mkdir()
        count = build(sequential, weeks, args.learners, args.seed)
        # as `autograder release` does: each model solution timed once, before any grading
        clock = time.perf_counter()
        timed = time_solutions(sequential, weeks)
        print(
            f"model solutions timed at release: {len(timed)} notebooks in "
            f"{time.perf_counter() - clock:.1f} s (once per notebook version, not per learner)",
            flush=True,
        )
        shutil.copytree(sequential, parallel)
        shutil.copytree(sequential, stock)
        if args.scheduler:
            shutil.copytree(sequential, on_cluster)
        stock_configuration(stock)
        print(
            f"cohort: {args.learners} learners x {', '.join(weeks)} = {count} notebooks",
            flush=True,
        )
        profile = base / "profile.jsonl"
        if args.profile:
            os.environ[PROFILE] = str(profile)  # inherited by the pool's run only
        pool = autograder_grade(parallel, weeks, "--workers", str(args.workers))
        os.environ.pop(PROFILE, None)
        if args.profile:
            records = [json.loads(line) for line in profile.read_text().splitlines()]
            profile_table(records, own_compute(stock, weeks), pool.seconds, args.workers)
        if args.pool_only:
            print(f"{pool.label}: {pool.seconds / count:.2f} s/notebook")
            return
        runs = [
            nbgrader_autograde("stock `nbgrader autograde`", stock, weeks),
            nbgrader_autograde("`nbgrader autograde`, course config", sequential, weeks),
            pool,
        ]
        if args.scheduler:
            runs.append(autograder_grade(on_cluster, weeks, "--scheduler", args.scheduler))

        # the reference is the course-config run: the pool and the cluster must grade exactly as
        # it does, while stock nbgrader is expected to differ (it trusts the kernel's output)
        scratch = base / "scratch"
        consistent = compare(sequential, parallel, "parallel", scratch)
        if args.scheduler:
            consistent = compare(sequential, on_cluster, "distributed", scratch) and consistent
        expected, trusting = cells(sequential), cells(stock)
        print(
            f"stock nbgrader scores {sum(trusting.get(k) != v for k, v in expected.items())} "
            f"of {len(expected)} grade cells differently (it trusts the kernel's output)"
        )
        setup = cluster_setup(on_cluster, args.scheduler, weeks) if args.scheduler else 0.0
        report(runs, count, args.workers, distributed_workers, setup)
        if not consistent:
            raise SystemExit(1)
    finally:
        if args.keep:
            print(f"courses kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
