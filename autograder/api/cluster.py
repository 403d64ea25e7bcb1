"""Grade a batch on a Dask cluster (``autograder grade --scheduler tcp://HOST:PORT``).

- **What a worker gets.** A worker plugin places the instructor-only content grading needs
  (nbgrader_config.py, course.toml, data/, release/ of the batch's weeks, the keys and other
  non-notebook files of source/, and the gradebook's course structure as an empty template)
  once in each worker's own scratch folder. Each task then carries one learner's submitted
  files for one week. A worker never sees the gradebook or another learner's submission.
- **How a worker grades.** Exactly as a pool worker does (:func:`autograder.api.pool.
  grade_submission`): intake, then nbgrader's ``Autograde`` with the course's confined kernel
  into a private gradebook. One submission at a time per worker process; the learner's
  folders are removed before the next one.
- **What comes back.** Scores, intake notes and the graded notebooks. This process writes
  autograded/ and is the gradebook's only writer, so commits and the journal work as with
  the pool.
- **Faults.** At most one submission per worker is in flight. A worker that dies takes its
  submission back to the scheduler, which runs it elsewhere; the result reaches this
  process once, so a learner is committed once. A submission on which
  ``distributed.scheduler.allowed-failures`` + 1 workers died (4 by default) is recorded as
  that learner's failure, and the batch goes on.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.api import pool
from autograder.api.pool import INTAKE_DIRECTORY, TEMPLATE, Outcome, Task
from autograder.course import (
    STATE_DIRECTORY,
    Course,
    CourseError,
    configuration_files,
    source_assignments,
)
from autograder.grading.intake import MAX_EXTRA_FILE_BYTES, MAX_NOTEBOOK_BYTES
from autograder.imports import skip_slow_imports

LOCAL = "local:"  # --scheduler local:N starts N workers on this machine
CONNECT_SECONDS = 30
WORKERS_SECONDS = 120  # how long a scheduler with no worker is waited for
SKIPPED = ("__pycache__", ".ipynb_checkpoints")
KILLED = "the grading worker died each time it graded this submission ({tries} tries): not graded"


@dataclass
class Handed:
    """One learner's submitted files for one week, as a task carries them."""

    files: dict[str, bytes] = field(default_factory=dict)
    # too large to grade: only the size travels, and intake refuses it as it would locally
    oversized: dict[str, int] = field(default_factory=dict)


@dataclass
class Graded:
    outcome: Outcome
    files: dict[str, bytes] | None = None  # autograded/<student>/<week>/, if nbgrader made it


# --------------------------------------------------------------------------- the course


def _files(folder: Path, *, notebooks: bool = True) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part in SKIPPED for part in relative.parts) or not path.is_file():
            continue
        if notebooks or path.suffix != ".ipynb":
            yield path


def course_bundle(course: Course, assignments: list[str]) -> dict[str, bytes]:
    """What a worker needs to grade ``assignments``, by path relative to the course root.

    Source notebooks (the solutions) stay behind: nbgrader only copies source/'s other files.
    """
    root = course.root
    paths = configuration_files(root)
    if (root / "data").is_dir():
        paths += _files(root / "data")
    for assignment in source_assignments(root):  # a notebook may load another week's checks
        paths += _files(root / "source" / assignment, notebooks=False)
    for assignment in assignments:
        paths += _files(root / "release" / assignment)
    paths.append(root / STATE_DIRECTORY / TEMPLATE)
    return {str(path.relative_to(root)): path.read_bytes() for path in paths}


def digest(files: dict[str, bytes]) -> str:
    hashed = hashlib.sha256()
    for name in sorted(files):
        hashed.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return hashed.hexdigest()[:16]


def handed_in(course: Path, student: str, assignment: str) -> Handed:
    """The files intake reads from submitted/<student>/<assignment>/ (its top level)."""
    handed = Handed()
    folder = course / "submitted" / student / assignment
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        size = path.stat().st_size
        limit = MAX_NOTEBOOK_BYTES if path.suffix == ".ipynb" else MAX_EXTRA_FILE_BYTES
        if size > limit:
            handed.oversized[path.name] = size
        else:
            handed.files[path.name] = path.read_bytes()
    return handed


def write_handed(folder: Path, handed: Handed) -> None:
    """The submission as handed in; an oversized file is as large, but empty (sparse)."""
    folder.mkdir(parents=True)
    for name, content in handed.files.items():
        (folder / name).write_bytes(content)
    for name, size in handed.oversized.items():
        with (folder / name).open("wb") as sparse:
            sparse.truncate(size)


# --------------------------------------------------------------------------- on a worker

_PLACED: dict[str, Path] = {}  # course digest -> its copy in this worker process
_GRADING = threading.Lock()  # nbgrader's API is not thread-safe: one submission at a time


def place(worker, files: dict[str, bytes], key: str) -> None:
    """Write the course bundle into the worker's scratch folder."""
    skip_slow_imports()
    folder = Path(worker.local_directory) / "autograder-course" / key
    shutil.rmtree(folder, ignore_errors=True)
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    _PLACED[key] = folder


def remove(key: str) -> None:
    folder = _PLACED.pop(key, None)
    if folder is not None:  # nothing of the course stays behind on a worker
        shutil.rmtree(folder, ignore_errors=True)


def _plugin(files: dict[str, bytes], key: str):
    from distributed.diagnostics.plugin import WorkerPlugin

    # Defined here so that this module imports without Dask. Pickled by value, so it reaches
    # this module's state through an import on the worker.
    class CourseOnWorker(WorkerPlugin):
        def __init__(self, files: dict[str, bytes], key: str):
            self.files, self.key = files, key

        def setup(self, worker):
            from autograder.api.cluster import place

            place(worker, self.files, self.key)

        def teardown(self, worker):
            from autograder.api.cluster import remove

            remove(self.key)

    return CourseOnWorker(files, key)


def _clear_learner(root: Path) -> None:
    for name in ("submitted", INTAKE_DIRECTORY, "autograded"):
        shutil.rmtree(root / name, ignore_errors=True)


def grade_remote(key: str, task: Task, handed: Handed) -> Graded:
    """In a worker: grade one learner's week with the placed course, as a pool worker would."""
    root = _PLACED.get(key)
    if root is None:
        raise RuntimeError("the course was not placed on this worker (its plugin failed)")
    with _GRADING:
        if pool._WORKER.get("course") != root:
            pool.open_worker(root)
        _clear_learner(root)
        try:
            write_handed(root / "submitted" / task.student / task.assignment, handed)
            outcome = pool.grade_submission(task)
            graded = root / "autograded" / task.student / task.assignment
            files = None
            if graded.is_dir():
                files = {
                    str(path.relative_to(graded)): path.read_bytes() for path in _files(graded)
                }
            return Graded(outcome, files)
        finally:
            _clear_learner(root)


# --------------------------------------------------------------------------- the submitter


@contextmanager
def connect(scheduler: str) -> Iterator[object]:
    """A Dask client for ``tcp://HOST:PORT`` (any Dask address) or ``local:N``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise CourseError(
            "grading on a cluster needs Dask: pip install 'ds-interview-loop[cluster]'"
        ) from None
    if scheduler.startswith(LOCAL):
        count = scheduler[len(LOCAL) :]
        if not count.isdigit() or int(count) < 1:
            raise CourseError(f"--scheduler {scheduler}: local:N needs a number of workers ≥ 1")
        with (
            LocalCluster(
                n_workers=int(count),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    if "://" not in scheduler:
        raise CourseError(
            f"--scheduler {scheduler}: give the scheduler's address (tcp://HOST:PORT) or local:N"
        )
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except OSError as error:
        raise CourseError(f"no Dask scheduler answered at {scheduler}: {error}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKERS_SECONDS)
        except TimeoutError:
            raise CourseError(
                f"the Dask scheduler at {scheduler} has no worker (waited {WORKERS_SECONDS} s)"
            ) from None
        yield client


@contextmanager
def placed(client, course: Course, assignments: list[str]) -> Iterator[str]:
    """The course bundle on every worker, present and future, for the ``with`` block."""
    files = course_bundle(course, assignments)
    key = digest(files)
    name = f"autograder-course-{key}"
    replies = client.register_plugin(_plugin(files, key), name=name)
    failed = {
        worker: reply.get("exception") or reply.get("text") or reply
        for worker, reply in (replies or {}).items()
        if isinstance(reply, dict) and reply.get("status") not in (None, "OK")
    }
    try:
        if failed and len(failed) == len(replies):
            raise CourseError(f"the course could not be placed on the workers: {failed}")
        yield key
    finally:
        try:
            client.unregister_worker_plugin(name)
        except Exception:  # a worker gone or a closing cluster: its scratch folder goes with it
            pass


def _workers(client) -> int:
    try:
        return max(1, len(client.nthreads()))
    except OSError:
        return 1


def run_cluster(
    course: Course,
    tasks: list[Task],
    *,
    scheduler: str,
    on_start: Callable[[Task], None] | None = None,
) -> Iterator[Outcome]:
    """Grade ``tasks`` on the cluster, writing autograded/ here and yielding each outcome."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    assignments = sorted({task.assignment for task in tasks})
    with connect(scheduler) as client, placed(client, course, assignments) as key:
        pending = deque(tasks)
        running = as_completed()
        in_flight: dict = {}
        batch = uuid.uuid4().hex[:8]
        while pending or in_flight:
            room = _workers(client) - len(in_flight)
            while pending and (room > 0 or not in_flight):
                task = pending.popleft()
                if on_start:
                    on_start(task)
                handed = handed_in(course.root, task.student, task.assignment)
                future = client.submit(
                    grade_remote,
                    key,
                    task,
                    handed,
                    key=f"grade-{task.assignment}-{task.student}-{batch}",
                    pure=False,
                    retries=0,
                )
                in_flight[future] = task
                running.add(future)
                room -= 1
            future = next(running)
            task = in_flight.pop(future)
            try:
                graded = future.result()
            except KilledWorker as error:
                tries = error.allowed_failures + 1
                yield Outcome(task.student, task.assignment, failures=[KILLED.format(tries=tries)])
                continue
            except Exception as error:  # the cluster, not the learner: graded again on resume
                yield Outcome(
                    task.student,
                    task.assignment,
                    failures=[f"{type(error).__name__}: {error}"],
                    transient=True,
                )
                continue
            finally:
                future.release()
            write_graded(course.root, task, graded.files)
            yield graded.outcome


def write_graded(course: Path, task: Task, files: dict[str, bytes] | None) -> None:
    """autograded/<student>/<assignment>/ as the worker left it (None: it wrote none)."""
    if files is None:
        return
    folder = course / "autograded" / task.student / task.assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
