"""A real course server for tests: a course copy, tokens made by the CLI, a served subprocess.

- ``make_course(tmp_path)``: week01 released in a throwaway course with tight limits.
- ``answered(course, notebook, wrong)``: a notebook's model solution (JSON), some answers wrong.
- ``submit(server, token, {name: notebook})``: POST a submission; the reply.
- ``add_token(course, learner, instructor=False)``: ``autograder token add``; the token.
- ``start_server(course, *extra_args)``: ``python -m autograder serve`` on a free loopback
  port, waited for; a :class:`Server` with ``.url``, ``.stop()`` (SIGTERM), ``.kill()``.
- ``call(server, method, path, token=..., body=...)``: one real HTTP request; a :class:`Reply`.
- ``wait_graded(server, token, id)``: the submission once graded (or failed).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from autograder import cohort, notebooks
from autograder.api.release import generate
from autograder.course import CONFIG_FILE, copy_configuration, copy_course_data

ROOT = Path(__file__).resolve().parents[2]
WEEK = "week01"
NOTEBOOK = "python_fundamentals.ipynb"
# Tight limits so hostile notebooks cost seconds, not minutes (as tests/security uses).
FAST_LIMITS = """
c.Execute.timeout = 8
c.ConfinedExecute.notebook_timeout = 60
c.ConfinedExecute.deadline_floor = 60
c.TrustedVerdicts.cell_timeout = 8
c.TrustedVerdicts.timeout = 60
c.ConfinedKernelManager.cpu_seconds = 60
c.TrustedVerdicts.cpu_seconds = 60
"""
START_SECONDS = 60  # how long a server may take to listen before the test gives up


def make_course(tmp_path: Path) -> Path:
    """A course copy with week01 released (the gradebook holds its structure), no learners.

    Generating release/ takes a while, so it is done once per test process and copied.
    """
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="serve-course-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        base = folder / "course"
        base.mkdir()
        copy_configuration(ROOT, base)
        copy_course_data(ROOT, base)
        with (base / CONFIG_FILE).open("a", encoding="utf-8") as config:
            config.write(FAST_LIMITS)
        shutil.copytree(ROOT / "source" / WEEK, base / "source" / WEEK)
        generate(base, [WEEK])
        _template = base
    course = Path(tmp_path) / "course"
    shutil.copytree(_template, course)
    return course


_template: Path | None = None


def answered(course: Path, notebook: str = NOTEBOOK, wrong: dict | None = None) -> dict:
    """The model solution of ``notebook`` as a learner saves it, ``wrong`` answers put in.

    ``wrong`` maps an exercise to an answer text (e.g. :func:`bank_answer`'s).
    """
    solved = notebooks.read(Path(course) / "source" / WEEK / notebook)
    if wrong:
        solved = cohort.fill(solved, wrong)
    return json.loads(notebooks.dumps(notebooks.normalize(solved)))


def bank_answer(exercise: str, name: str) -> str:
    """An answer from the course's answer bank (e.g. "fail_population_variance")."""
    from tests.keys import COURSE

    return cohort.answer_bank(COURSE, WEEK)[exercise][name]


def autograder(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """``python -m autograder ARGS`` (PYTHONPATH is inherited, so this worktree's code runs)."""
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        capture_output=True,
        text=True,
        check=check,
    )


def add_token(course: Path, learner: str, instructor: bool = False) -> str:
    """A new token for ``learner`` made by ``autograder token add`` (its last stdout line)."""
    flags = ["--instructor"] if instructor else []
    done = autograder("token", "add", learner, *flags, "--root", str(course))
    return done.stdout.strip().splitlines()[-1].strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


class Server:
    """A running ``autograder serve`` subprocess."""

    def __init__(self, course: Path, *extra_args: str):
        self.course = Path(course)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.course / f"serve-{self.port}.log"
        command = [sys.executable, "-m", "autograder", "serve", "--root", str(self.course)]
        command += ["--ip", "127.0.0.1", "--port", str(self.port), *extra_args]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait_listening()

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"the server did not listen within {START_SECONDS} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 120) -> int:
        """SIGTERM, then wait for the exit code (killed if it does not exit in time)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL the server and the grading processes it started (its process group)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.stop()


def start_server(course: Path, *extra_args: str) -> Server:
    return Server(course, *extra_args)


def call(
    server: Server | str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: object = None,
    data: bytes | None = None,
    timeout: float = 120,
) -> Reply:
    """One HTTP request; ``body`` is sent as JSON, ``data`` as raw bytes."""
    url = (server.url if isinstance(server, Server) else server) + path
    headers = {"Authorization": f"token {token}"} if token else {}
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read())


def submit(server: Server, token: str, notebooks_: dict, assignment: str = WEEK) -> Reply:
    return call(
        server,
        "POST",
        f"/api/assignments/{assignment}/submissions",
        token=token,
        body={"notebooks": notebooks_},
    )


def wait_graded(server: Server, token: str, submission: str, rounds: int = 20) -> dict:
    """The submission once its status is final (long polls of up to 60 s each)."""
    for _ in range(rounds):
        reply = call(server, "GET", f"/api/submissions/{submission}?wait=60", token=token)
        assert reply.status == 200, reply.body
        if reply.json["status"] in ("graded", "failed"):
            return reply.json
    raise AssertionError(f"submission {submission} was not graded: {reply.json}")
