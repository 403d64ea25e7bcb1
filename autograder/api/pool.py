"""Grade many submissions at once: long-lived worker processes, one writer to the gradebook.

Design (``autograder grade --workers N``):

- **Workers** are N spawned processes that live for the whole batch. Each builds one
  ``NbGraderAPI`` (paying nbgrader's start-up once, not once per learner) and, per
  submission, takes it in (:func:`autograder.grading.intake.take_in`) and runs nbgrader's
  own ``Autograde`` — the configured confined kernel, trusted verdicts and scoring — into a
  **private gradebook**: a copy of the course gradebook's assignment structure (notebooks,
  cells, points) with no learners in it, fresh for every submission.
- **The parent** is the only process that writes the course gradebook. Each worker returns
  the scores nbgrader saved in its private gradebook as plain values, and the parent commits
  a learner's submission in one transaction, applying nbgrader's own rule for manual grades
  (a manual score is never touched; a cell with one is marked for review, as
  ``SaveAutoGrades`` does). So workers never contend for the gradebook (no "database is
  locked"), a kill leaves every learner either fully committed or untouched, and the same
  code serves SQLite and PostgreSQL gradebooks.
- **Port collisions.** Kernels started at the same moment in different processes can pick
  the same random port; the kernel then dies at start. Such a start failure is retried, and a
  submission only counts as graded when every notebook taken in was written to autograded/
  by this attempt and its scores came from a private gradebook that started empty — a stale
  grade cannot pass for a fresh one.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.util
import os
import re
import shutil
import signal
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from autograder.api.gradebook import build_template, read_scores, share_engines
from autograder.course import nbgrader_api, state_directory
from autograder.grading.intake import take_in
from autograder.grading.phases import phase, recording
from autograder.grading.threads import one_thread_each
from autograder.grading.verdicts import CannotGradeError
from autograder.imports import skip_slow_imports

INTAKE_DIRECTORY = ".intake"  # repaired copies of submissions, the ones nbgrader grades
TEMPLATE = "template.db"
KERNEL_START_FAILED = re.compile(
    r"Address already in use|Kernel died before replying|Kernel didn't respond|ZMQError"
)
ATTEMPTS = 3  # tries per submission when its kernel fails to start


@dataclass
class Task:
    student: str
    assignment: str
    extension: timedelta | None = None  # granted in the gradebook; matters for late penalties
    lost_workers: int = 0


@dataclass
class Outcome:
    student: str
    assignment: str
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    scores: dict | None = None  # what nbgrader saved; None when there is nothing to commit
    taken: list[str] = field(default_factory=list)
    transient: bool = False  # the grader, not the submission, failed: grade again on resume
    seconds: float = 0.0
    worker_rss_mb: float = 0.0  # peak resident memory of the worker process so far
    kernel_rss_mb: float = 0.0  # largest peak of the kernels and checkers it has started
    phases: dict | None = None  # seconds per grading phase, when profiling (grading/phases.py)


def taken_in(course: Path, student: str, assignment: str) -> Outcome:
    """Take one submission in (into .intake/); its outcome so far: notes, problems, notebooks."""
    intake = take_in(
        course / "submitted" / student / assignment,
        course / "release" / assignment,
        course / INTAKE_DIRECTORY / student / assignment,
    )
    return Outcome(student, assignment, intake.notes, list(intake.problems), taken=intake.taken)


# --------------------------------------------------------------------------- autograde, once


_EXCEPTION_LINE = re.compile(r"^\s*([\w.]+(?:Error|Exception|Invalid)): (.*)$")
_CONVERTING = re.compile(r"Converting notebook (\S+)")


def failure_reason(result: dict) -> str:
    """The specific error behind a failed autograde (nbgrader's last line only says 'see above')."""
    text = "\n".join(filter(None, (result.get("log"), result.get("error"))))
    notebook, reason = None, None
    for line in text.splitlines():
        if match := _CONVERTING.search(line):
            notebook = Path(match.group(1)).name
        match = _EXCEPTION_LINE.match(line)
        if match and not match.group(1).endswith("NbGraderException"):
            reason = f"{match.group(1).rsplit('.', 1)[-1]}: {match.group(2).strip()}"
            break
    if reason is None:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        reason = lines[-1] if lines else "nbgrader gave no reason"
    return f"{notebook}: {reason}" if notebook else reason


def run_autograde(
    api, course: Path, student: str, assignment: str, taken: list[str]
) -> tuple[bool, str | None, bool]:
    """nbgrader's Autograde for one submission: (ok, failure reason, transient).

    A kernel that failed to start (a port taken by a kernel started at the same moment) is
    retried. Success also requires every notebook taken in to have been written by this
    attempt, so nothing stale is reported as graded.
    """
    reason = None
    for _ in range(ATTEMPTS):
        started = time.time()
        try:
            with warnings.catch_warnings():
                # nbgrader's gradebook session emits SQLAlchemy warnings that are not ours to fix
                warnings.simplefilter("ignore")
                result = api.autograde(assignment, student, force=True, create=True)
        except Exception as error:  # nbgrader raising is one learner's problem, not the batch's
            result = {"success": False, "error": f"{type(error).__name__}: {error}"}
        text = "\n".join(filter(None, (result.get("log"), result.get("error"))))
        if result.get("success"):
            stale = [
                name
                for name in taken
                if not _written_since(course, student, assignment, name, started)
            ]
            if not stale:
                return True, None, False
            reason = f"{', '.join(stale)}: nbgrader reported success but did not write the graded notebook"
        else:
            reason = failure_reason(result)
            if CannotGradeError.__name__ in text:  # the grader's fault: kept for the next run
                return False, reason, True
        if not KERNEL_START_FAILED.search(text) and not reason.endswith(
            "did not write the graded notebook"
        ):
            return False, reason, False
    return False, f"{reason} (after {ATTEMPTS} attempts)", True


def _written_since(course: Path, student: str, assignment: str, name: str, since: float) -> bool:
    path = course / "autograded" / student / assignment / name
    return path.is_file() and path.stat().st_mtime >= since - 1


# --------------------------------------------------------------------------- worker processes

_WORKER: dict = {}


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive a killed grader (it would keep writing a learner's folders)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:  # not Linux: the worker notices a closed pipe instead
        return
    if os.getppid() != parent:
        os._exit(1)


def _init_worker(course: str, parent: int) -> None:
    _die_with_parent(parent)
    skip_slow_imports()
    one_thread_each()  # the worker judges while its learner's kernel and verdict worker run
    open_worker(Path(course))


def open_worker(root: Path) -> None:
    """Make this process grade the course at ``root`` (:func:`grade_submission`), which
    holds release/, the keys, the configuration and ``.grading/template.db``."""
    private = state_directory(root) / f"worker-{os.getpid()}.db"
    url = f"sqlite:///{private}"
    api = nbgrader_api(
        root,
        **{"CourseDirectory.submitted_directory": INTAKE_DIRECTORY, "CourseDirectory.db_url": url},
    )
    api.log.setLevel("ERROR")
    _unsynced(private)
    share_engines()
    _WORKER.update(course=root, private=private, url=url, api=api)


def _unsynced(private: Path) -> None:
    """No fsync for this worker's private gradebook: it is rebuilt for every submission and
    read back at once, and a crash only means grading that submission again; nbgrader's
    SaveAutoGrades commits once per grade cell, and each fsync cost ~10 ms. The course
    gradebook, written by the parent alone, keeps its durability."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def connected(connection, _record) -> None:
        if not isinstance(connection, sqlite3.Connection):
            return
        cursor = connection.cursor()
        try:
            files = [row[2] for row in cursor.execute("PRAGMA database_list")]
            if files and files[0] and Path(files[0]) == private:
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA journal_mode=MEMORY")
        finally:
            cursor.close()

    event.listen(Engine, "connect", connected)


def grade_submission(task: Task) -> Outcome:
    """In a worker: take one submission in and autograde it into a fresh private gradebook."""
    import resource

    from nbgrader.api import Gradebook

    course, private, url, api = (_WORKER[k] for k in ("course", "private", "url", "api"))
    course_id = api.coursedir.course_id
    clock = time.monotonic()
    with recording() as record:
        with phase("intake"):
            outcome = taken_in(course, task.student, task.assignment)
        if outcome.taken:
            with phase("gradebook"):
                shutil.copyfile(state_directory(course) / TEMPLATE, private)
                if task.extension:
                    with Gradebook(url, course_id) as gradebook:
                        gradebook.add_student(task.student)
                        gradebook.add_submission(
                            task.assignment, task.student, extension=task.extension
                        )
            with phase("nbgrader"):
                ok, reason, transient = run_autograde(
                    api, course, task.student, task.assignment, outcome.taken
                )
            if ok:
                with phase("gradebook"):
                    outcome.scores = read_scores(url, course_id, task.student, task.assignment)
            else:
                outcome.failures.append(reason)
                outcome.transient = transient
    outcome.phases = record
    outcome.seconds = time.monotonic() - clock
    outcome.worker_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcome.kernel_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return outcome


# --------------------------------------------------------------------------- the pool


def prepare(course: Path, main_url: str, course_id: str) -> None:
    """Before a pooled batch: a fresh template gradebook, no private gradebooks left over."""
    folder = state_directory(course)
    for stale in folder.glob("worker-*.db"):
        stale.unlink()
    build_template(main_url, course_id, folder / TEMPLATE)


def cleanup(course: Path) -> None:
    folder = state_directory(course)
    for path in [*folder.glob("worker-*.db"), folder / TEMPLATE]:
        path.unlink(missing_ok=True)


_KEPT: dict[tuple[str, int], ProcessPoolExecutor] = {}


def _new_executor(course: Path, workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(str(course), os.getpid()),
    )


def kept_executor(course: Path, workers: int) -> ProcessPoolExecutor:
    """This process's long-lived pool for ``course``: a process that grades batch after batch
    (the course server) keeps its workers, their imports and warm templates between batches."""
    key = (str(Path(course).resolve()), workers)
    if key not in _KEPT:
        if not _KEPT:
            # a spawned process (the server's grading process) joins its children at exit
            # before executors tell their workers to stop, and closes queues' feeder threads
            # (finalizers of priority 10): stop the workers before both, or exit hangs
            multiprocessing.util.Finalize(None, _drop_all_kept, exitpriority=100)
        _KEPT[key] = _new_executor(course, workers)
    return _KEPT[key]


def _drop_all_kept() -> None:
    for executor in list(_KEPT.values()):
        drop_kept(executor)


def _warm_worker() -> int:
    from autograder.grading.template import template

    template()  # started now rather than on the first submission
    return os.getpid()


def warm_kept(course: Path, workers: int) -> None:
    """Start the kept pool's workers and their warm templates (one task per worker: each
    waits for the others, so no worker takes two)."""
    executor = kept_executor(course, workers)
    barrier = [executor.submit(_warm_worker) for _ in range(workers)]
    for future in barrier:
        future.result()


def drop_kept(executor: ProcessPoolExecutor) -> None:
    for key, kept in list(_KEPT.items()):
        if kept is executor:
            del _KEPT[key]
    executor.shutdown(wait=True, cancel_futures=True)


def run_pool(
    course: Path,
    tasks: list[Task],
    workers: int,
    on_start: Callable[[Task], None] | None = None,
    keep: bool = False,
) -> Iterator[Outcome]:
    """Grade ``tasks`` with ``workers`` processes, yielding each outcome as it arrives.

    At most ``workers`` submissions are in flight, so if a worker process dies (the pool then
    breaks) the ones it could have been grading are known: they are graded again once in a
    fresh pool, and reported as failures if that pool breaks too. With ``keep`` the pool
    outlives the batch (:func:`kept_executor`), unless it broke.
    """
    pending = deque(tasks)
    while pending:
        if keep:
            executor = kept_executor(course, workers)
        else:
            executor = _new_executor(course, min(workers, len(pending)))
        outstanding: dict = {}
        broken = False
        try:
            while outstanding or (pending and not broken):
                while pending and not broken and len(outstanding) < workers:
                    task = pending.popleft()
                    if on_start:
                        on_start(task)
                    outstanding[executor.submit(grade_submission, task)] = task
                finished, _ = wait(outstanding, return_when=FIRST_COMPLETED)
                for future in finished:
                    task = outstanding.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken = True
                        task.lost_workers += 1
                        if task.lost_workers < 2:
                            pending.appendleft(task)
                        else:
                            yield Outcome(
                                task.student,
                                task.assignment,
                                failures=["the grading process died while grading this submission"],
                                transient=True,
                            )
                    except Exception as error:  # a bug of ours must not end the batch
                        yield Outcome(
                            task.student,
                            task.assignment,
                            failures=[f"{type(error).__name__}: {error}"],
                            transient=True,
                        )
        finally:
            if broken or not keep:
                drop_kept(executor)
