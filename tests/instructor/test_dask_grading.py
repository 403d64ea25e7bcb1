"""``grade(scheduler=...)`` on a real Dask cluster: a ``dask scheduler`` and two ``dask worker``
processes on loopback give exactly the grades of sequential grading, cell by cell.

The cohort is small but mixed: honest, partial, wrong, a notebook that is not JSON, and a
notebook whose code kills its own kernel. The cluster is the local recipe of
docs/grading-at-scale.md, whose ``autograder grade --scheduler`` command is run too. Workers
then fail in two ways: one is killed with SIGKILL (with its nanny and kernels) while it
grades, and one submission takes down every worker that grades it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import cloudpickle
import nbformat
import pytest
from distributed import Client
from distributed.diagnostics.plugin import WorkerPlugin
from instructor_course import WEEK, gradebook_cells, integrity, new_course

from autograder.api.cluster import KILLED
from autograder.api.demo import build_cohort
from autograder.api.grade import grade

pytestmark = pytest.mark.pipeline

DASK = str(Path(sys.executable).with_name("dask"))
AUTOGRADER = str(Path(sys.executable).with_name("autograder"))
LEARNERS = ("ada_full", "ben_partial", "dee_wrong", "kim_exits", "zed_broken")
CRASHER = "una_crash"
BY_COMMAND = ("ada_full", "zed_broken")  # graded by the documented command line


def cohort(course: Path) -> None:
    build_cohort(course, [WEEK])
    submitted = course / "submitted"
    shutil.rmtree(submitted / "cy_blank")
    broken = submitted / "zed_broken" / WEEK
    shutil.copytree(submitted / "ben_partial" / WEEK, broken)
    (broken / "python_fundamentals.ipynb").write_text('{"cells": [', encoding="utf-8")
    # the first answer kills its own kernel: the cells after it fail, the batch goes on
    exits = submitted / "kim_exits" / WEEK
    shutil.copytree(submitted / "ada_full" / WEEK, exits)
    path = exits / "python_fundamentals.ipynb"
    notebook = nbformat.read(path, as_version=4)
    answer = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n" + answer.source
    nbformat.write(notebook, path)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def loopback_cluster(folder: Path, **env: str):
    """``dask scheduler`` and two ``dask worker`` (one thread each), each in its own session."""
    folder.mkdir(parents=True)
    address = f"tcp://127.0.0.1:{free_port()}"
    environment = {**os.environ, **env}
    processes = {}

    def start(name: str, *args: str) -> None:
        log = (folder / f"{name}.log").open("w")
        processes[name] = subprocess.Popen(
            [DASK, *args],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    try:
        port = address.rsplit(":", 1)[-1]
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard")
        for name in ("w1", "w2"):
            start(name, "worker", address, "--name", name, "--nthreads", "1", "--no-dashboard",
                  "--local-directory", str(folder / name))  # fmt: skip
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            yield address, processes, client
    finally:
        for process in processes.values():
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    course = new_course(tmp_path_factory.mktemp("dask") / "pristine")
    cohort(course)
    return course


def copy_of(course: Path, target: Path) -> Path:
    shutil.copytree(course, target)
    return target


@pytest.fixture(scope="module")
def sequential(pristine):
    course = copy_of(pristine, pristine.parent / "sequential")
    return course, grade(root=course, assignments=[WEEK], workers=1)


@pytest.fixture(scope="module")
def on_cluster(pristine, sequential):
    """The API and, on the same cluster, ``autograder grade --scheduler ADDRESS WEEK``."""
    course = copy_of(pristine, pristine.parent / "cluster")
    by_command = copy_of(pristine, pristine.parent / "command")
    for learner in set(LEARNERS) - set(BY_COMMAND):
        shutil.rmtree(by_command / "submitted" / learner)
    seen = []
    with loopback_cluster(pristine.parent / "dask") as (address, _, _):
        report = grade(root=course, assignments=[WEEK], scheduler=address, on_graded=seen.append)
        command = subprocess.run(
            [AUTOGRADER, "grade", "--scheduler", address, WEEK],
            cwd=by_command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=900,
        )
    return course, report, seen, (by_command, command)


def test_a_dask_cluster_grades_every_cell_as_sequential_grading(sequential, on_cluster):
    (expected_course, expected), (course, report, _, _) = sequential, on_cluster
    cells = gradebook_cells(expected_course)
    assert {key[0] for key in cells} == set(LEARNERS)
    assert gradebook_cells(course) == cells
    assert report.rows == expected.rows
    assert sorted(report.notes) == sorted(expected.notes)
    assert sorted(report.failures) == sorted(expected.failures)
    assert [(s, w) for s, w, _ in report.failures] == [("zed_broken", WEEK)]
    # the kernel that killed itself cost its learner the cells it could not run
    kim = {k[3]: v[0] or 0 for k, v in cells.items() if k[0] == "kim_exits"}
    ada = {k[3]: v[0] or 0 for k, v in cells.items() if k[0] == "ada_full"}
    assert kim.keys() == ada.keys() and sum(kim.values()) < sum(ada.values())


def test_graded_notebooks_come_back_to_the_course(sequential, on_cluster):
    (expected_course, _), (course, _, _, _) = sequential, on_cluster

    def graded(root: Path) -> list[Path]:
        return sorted(p.relative_to(root) for p in (root / "autograded").rglob("*") if p.is_file())

    assert graded(course) == graded(expected_course)
    assert len(graded(course)) >= 2 * (len(LEARNERS) - 1)
    assert integrity(course) == "ok"
    assert not (course / ".grading" / "journal.jsonl").exists()
    assert not list((course / ".grading").glob("*.db"))


def test_progress_counts_every_learner_once(on_cluster):
    _, report, seen, _ = on_cluster
    assert [p.done for p in seen] == list(range(len(LEARNERS) + 1))
    assert sorted(report.graded) == sorted((learner, WEEK) for learner in LEARNERS)


def test_the_documented_command_grades_on_the_cluster(sequential, on_cluster):
    """docs/grading-at-scale.md's ``autograder grade --scheduler tcp://...`` from the course."""
    (expected_course, _), (_, _, _, (course, command)) = sequential, on_cluster
    output = command.stdout + command.stderr
    assert command.returncode == 1, output  # zed_broken's notebook is not JSON
    assert f"failed {WEEK} of zed_broken" in " ".join(output.split())
    assert "grades written to" in output and (course / "grades.csv").is_file()
    expected = {k: v for k, v in gradebook_cells(expected_course).items() if k[0] in BY_COMMAND}
    assert gradebook_cells(course) == expected
    assert integrity(course) == "ok"


@pytest.fixture(scope="module")
def worker_killed(pristine, sequential):
    """A worker (its nanny, process and kernels) is SIGKILLed while it grades a learner."""
    course = copy_of(pristine, pristine.parent / "killed")
    found = {}
    with loopback_cluster(pristine.parent / "dask-killed") as (address, processes, client):
        batch = threading.Thread(
            target=lambda: found.update(
                report=grade(root=course, assignments=[WEEK], scheduler=address)
            )
        )
        batch.start()
        deadline = time.monotonic() + 300
        while "victim" not in found and time.monotonic() < deadline:
            for worker, keys in client.call_stack().items():
                if keys and batch.is_alive():
                    name = client.scheduler_info()["workers"][worker]["name"]
                    found.update(victim=name, holding=list(keys))
                    os.killpg(processes[name].pid, signal.SIGKILL)
                    break
            time.sleep(0.05)
        batch.join()
    return course, found


def test_a_worker_killed_mid_task_loses_and_duplicates_nothing(sequential, worker_killed):
    (expected_course, expected), (course, found) = sequential, worker_killed
    assert found.get("victim"), "no worker was seen grading"
    report = found["report"]
    assert any(learner in key for key in found["holding"] for learner in LEARNERS)
    assert sorted(report.graded) == sorted((learner, WEEK) for learner in LEARNERS)
    assert sorted(report.failures) == sorted(expected.failures)
    assert gradebook_cells(course) == gradebook_cells(expected_course)
    assert integrity(course) == "ok"


class CrashOn(WorkerPlugin):
    """Kills the worker process as it starts grading one learner: a submission that takes
    down every worker it lands on (as a crash in native code would)."""

    def __init__(self, learner: str, log: str):
        self.learner, self.log = learner, log

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing" and self.learner in str(key):
            with open(self.log, "a") as log:
                log.write(f"{key}\n")
            os._exit(1)


@pytest.fixture(scope="module")
def crashing(pristine):
    course = copy_of(pristine, pristine.parent / "crashing")
    submitted = course / "submitted"
    for learner in LEARNERS:
        if learner != "ada_full":
            shutil.rmtree(submitted / learner)
    shutil.copytree(submitted / "ada_full", submitted / CRASHER)
    crashes = pristine.parent / "crashes.log"
    folder = pristine.parent / "dask-crashing"
    allowed = {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests
    with loopback_cluster(folder, **allowed) as (address, _, client):
        client.register_plugin(CrashOn(CRASHER, str(crashes)), name="crash")
        report = grade(root=course, assignments=[WEEK], scheduler=address)
    return course, report, crashes.read_text().splitlines()


def test_a_submission_that_kills_every_worker_fails_after_bounded_tries(sequential, crashing):
    (expected_course, _), (course, report, crashes) = sequential, crashing
    assert len(crashes) == 2  # allowed-failures + 1 tries, then it is given up
    assert report.failures == [(CRASHER, WEEK, KILLED.format(tries=2))]
    ada = {k: v for k, v in gradebook_cells(expected_course).items() if k[0] == "ada_full"}
    assert {k: v for k, v in gradebook_cells(course).items() if k[0] == "ada_full"} == ada
    assert not any(k[0] == CRASHER for k in gradebook_cells(course))
    assert integrity(course) == "ok"
