"""The grading loop: queued submissions graded in order by the course's own grader.

A submission is graded exactly as ``autograder grade`` grades a learner: its notebooks are
staged into ``submitted/<learner>/<assignment>/`` (notebooks it does not include are kept
from the learner's earlier hand-in, and nbgrader's ``timestamp.txt`` is the time it was
received), then :func:`autograder.api.grade.grade` grades that learner alone — intake,
confined warm-started kernel, trusted verdicts, gradebook commit. The result is read from the
gradebook and the autograded notebook, and the course's leak-free feedback is generated into
``serve/feedback/<id>/``. With ``keep="best"`` an attempt scoring below the learner's best is
replaced again by the best one (staged from ``serve/attempts/<best id>/`` and graded again),
so ``submitted/`` and the gradebook always hold the attempt that counts.

The verdict is published before its feedback page is written (a page takes about a quarter
of a second, most of a short grading): the pages wait while submissions are queued and are
written when the queue is empty, before the same learner's next attempt of that assignment
is graded (it would replace the autograded notebook the page is made from), when a learner
asks for one, or once one has waited ``FEEDBACK_DELAY`` seconds.

Grading runs in one long-lived spawned process (nbgrader imported once, kernels forked from
the warm template), driven by one thread of the server, so the IOLoop never waits on it.
Up to ``workers`` queued submissions of one assignment from different learners are graded
in one batch; with ``workers`` > 1 that process keeps a pool of that many grading processes
for its whole life (each with its warm template) and only commits what they grade.
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from pathlib import Path

from autograder.server.store import Store, parse_time, serve_directory

log = logging.getLogger("autograder.serve")

BUSY = "another `autograder grade` is running"
BUSY_PAUSE = 2.0  # seconds before trying again when an instructor's batch holds the course
CRASHES = 2  # a batch whose grading process died this often fails instead of looping
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's timestamp.txt
FEEDBACK_DELAY = 10.0  # seconds a feedback page may wait behind queued submissions


def inbox(course: Path, submission: str) -> Path:
    return serve_directory(course) / "inbox" / submission


def attempt_folder(course: Path, submission: str) -> Path:
    return serve_directory(course) / "attempts" / submission


def feedback_folder(course: Path, submission: str, learner: str, assignment: str) -> Path:
    return serve_directory(course) / "feedback" / submission / learner / assignment


# --------------------------------------------------------------- in the grading process


def _stage(course: Path, job: dict) -> None:
    """The submission into submitted/ (and a copy kept as this attempt's hand-in)."""
    target = course / "submitted" / job["learner"] / job["assignment"]
    kept = {}
    if target.is_dir():
        kept = {p.name: p.read_bytes() for p in target.glob("*.ipynb") if p.is_file()}
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name, data in kept.items():
        (target / name).write_bytes(data)
    for path in sorted(inbox(course, job["id"]).glob("*.ipynb")):
        shutil.copy2(path, target / path.name)
    received = parse_time(job["received_at"])
    (target / "timestamp.txt").write_text(received.strftime(TIMESTAMP_FORMAT), encoding="utf-8")
    copy = attempt_folder(course, job["id"])
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(target, copy)


def _restore(course: Path, learner: str, assignment: str, submission: str) -> None:
    target = course / "submitted" / learner / assignment
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(attempt_folder(course, submission), target)


def _feedback(course: Path, job: dict) -> None:
    """The course's leak-free feedback for this attempt, beside the instructor's feedback/."""
    from autograder.course import nbgrader_api

    folder = feedback_folder(course, job["id"], job["learner"], job["assignment"])
    shutil.rmtree(folder.parents[1], ignore_errors=True)
    step = str(folder.parents[1].relative_to(course))
    api = nbgrader_api(course, **{"CourseDirectory.feedback_directory": step})
    api.generate_feedback(job["assignment"], job["learner"])


def write_feedback(root: str, jobs: list[dict]) -> None:
    """The feedback pages of graded submissions, each from its learner's autograded notebook
    (so before that learner's next attempt of the assignment is graded)."""
    for job in jobs:
        try:
            _feedback(Path(root), job)
        except Exception as error:  # feedback is a courtesy; the verdicts stand without it
            log.warning("feedback for %s failed: %s", job["id"], error)


def grade_batch(
    root: str, assignment: str, jobs: list[dict], keep: str, scheduler: str | None, workers: int
) -> dict:
    """Grade ``jobs`` (one per learner) of ``assignment``; outcomes by submission id. An
    outcome with ``feedback_pending`` needs :func:`write_feedback` once its verdict is out.

    ``{"busy": True}`` when an instructor's ``autograder grade`` holds the course: nothing
    was changed and the batch is to be tried again.
    """
    from autograder.api.batch import batch_lock
    from autograder.api.grade import grade
    from autograder.course import CourseError
    from autograder.server import results

    course = Path(root)
    learners = [job["learner"] for job in jobs]
    try:
        with batch_lock(course):
            for job in jobs:
                _stage(course, job)
        started = time.time()
        report = grade(
            root=course,
            assignments=[assignment],
            students=learners,
            scheduler=scheduler,
            workers=workers,
            keep_workers=True,  # batch after batch: the same pool (with several workers)
        )
    except CourseError as error:
        if BUSY in str(error):
            return {"busy": True}
        return {job["id"]: {"status": "failed", "error": str(error)} for job in jobs}
    outcomes, restore = {}, []
    for job in jobs:
        learner = job["learner"]
        failures = [why for who, _, why in report.failures if who == learner]
        graded = course / "autograded" / learner / assignment
        fresh = [
            name
            for name in job["notebooks"]
            if (graded / name).is_file() and (graded / name).stat().st_mtime >= started - 1
        ]
        resumed = (learner, assignment) in report.resumed
        if not fresh and not resumed:
            why = "; ".join(failures) or "the grader could not grade this submission"
            outcomes[job["id"]] = {"status": "failed", "error": why}
            continue
        total = results.total(report.rows, learner, assignment)
        counted = not (keep == "best" and job.get("best") and job["best"]["total"] > total)
        outcomes[job["id"]] = {
            "status": "graded",
            "error": "; ".join(failures) or None,
            "result": results.result(course, learner, assignment, job["notebooks"], report.rows),
            "total": total,
            "counted": counted,
        }
        if counted:
            outcomes[job["id"]]["feedback_pending"] = True  # written by write_feedback
        else:  # its page first: the best attempt's grading replaces its autograded notebook
            write_feedback(root, [job])
            restore.append(job)
    if restore:
        # the best attempt goes back into submitted/ and the gradebook (grading is deterministic)
        with batch_lock(course):
            for job in restore:
                _restore(course, job["learner"], assignment, job["best"]["id"])
        grade(
            root=course,
            assignments=[assignment],
            students=[job["learner"] for job in restore],
            scheduler=scheduler,
            workers=workers,
            keep_workers=True,  # batch after batch: the same pool (with several workers)
        )
    return outcomes


_UNWARMED: list[str] = []  # assignments whose hidden data this grading process has not built


def _warm_up(course: str, workers: int, scheduler: str | None, assignments: list[str]) -> None:
    """Import the grading stack and start the warm template once, at the server's start,
    so the first submission does not wait for them (later ones reuse both). With several
    workers, they grade and this process only commits: their templates are started instead.
    The template (a process of its own) starts while this one imports and then builds the
    hidden data of ``assignments`` (in that order) until the template is ready: after a
    restart the queued submissions wait for the longer of the two, not their sum, and the
    first of each assignment does not wait for its hidden data (the rest is built while idle,
    :func:`warm_next`)."""
    from concurrent.futures import ThreadPoolExecutor

    from autograder.grading.template import template
    from autograder.grading.threads import one_thread_each
    from autograder.imports import skip_slow_imports

    skip_slow_imports()  # a spawned process: nothing the server skipped is skipped here
    one_thread_each()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm-up") as starter:
        started = starter.submit(template) if scheduler is None and workers == 1 else None
        import nbgrader.apps  # noqa: F401

        import autograder.api.grade  # noqa: F401
        from autograder.api.pool import warm_kept
        from autograder.grading.verdicts import warm_hidden

        try:
            if scheduler is None and workers > 1:
                warm_kept(Path(course), workers)
            elif started is not None:
                _UNWARMED[:] = warm_hidden(course, assignments, stop=started.done)
                started.result()
        except Exception as error:  # a cold start still works; say why warm ones will not
            log.warning("the grading processes did not warm up: %s", error)


def warm_next(root: str) -> bool:
    """Build the hidden data of one more assignment (the grading process, while idle);
    whether any is left."""
    from autograder.grading.verdicts import warm_hidden

    if _UNWARMED:
        _UNWARMED[:] = warm_hidden(root, _UNWARMED[:1]) + _UNWARMED[1:]
    return bool(_UNWARMED)


def time_next_solution(root: str) -> bool:
    """Time one released notebook's model solution that has no time cached (a course
    released without `autograder release`'s timing), so no learner's first submission of
    that notebook waits for the run. Whether any may be left to time."""
    from autograder.grading.deadline import untimed
    from autograder.grading.kernel import time_solution

    left = untimed(Path(root))
    if not left:
        return False
    if time_solution(Path(root), *left[0]) is None:
        return False  # the course measures no solutions: nothing to time
    return len(left) > 1


def _ready() -> bool:
    """A task that only makes the executor start its process (and run ``_warm_up``)."""
    return True


# --------------------------------------------------------------- in the server process


class Grader:
    """One thread feeding the grading process, first received first graded."""

    def __init__(
        self,
        course: Path,
        store: Store,
        *,
        keep: str = "latest",
        scheduler: str | None = None,
        workers: int = 1,
        grace: float = 30.0,
    ):
        self.course, self.store = Path(course), store
        self.keep, self.scheduler, self.workers = keep, scheduler, max(1, workers)
        self.grace = grace
        self.on_finish: Callable[[], None] | None = None  # told of each submission finished
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.wanted = threading.Event()  # a learner waits for a feedback page not yet written
        self.started_at = datetime.now(UTC)
        self.crashes: dict[str, int] = {}
        # while idle, the one grading process times model solutions grading would otherwise
        # time on a first submission (with a pool or a cluster, their workers do that)
        self.untimed = scheduler is None and self.workers == 1
        self.executor = self._executor()
        self.thread = threading.Thread(target=self._run, name="grader", daemon=True)

    def _executor(self) -> ProcessPoolExecutor:
        # a new grading process builds the hidden data again (what its start leaves, while idle)
        self.unwarmed = self.scheduler is None and self.workers == 1
        executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_up,
            initargs=(str(self.course), self.workers, self.scheduler, self._warm_order()),
        )
        return executor

    def _warm_order(self) -> list[str]:
        """Released assignments, those of queued submissions first, then by the newest
        submission received (a restart warms what learners are working on)."""
        release = self.course / "release"
        found = sorted(p.name for p in release.iterdir() if p.is_dir()) if release.is_dir() else []
        recent = [row["assignment"] for row in self.store.unfinished()]
        recent += [row["assignment"] for row in self.store.submissions(None, None)]
        order = {name: index for index, name in reversed(list(enumerate(recent)))}
        return sorted(found, key=lambda name: (order.get(name, len(recent)), name))

    def start(self) -> None:
        self.executor.submit(_ready)  # the grading process starts warming up now
        self.thread.start()

    def notify(self) -> None:
        self.wake.set()

    def want_feedback(self) -> None:
        """A learner asked for a page still to be written: write the pages before grading on."""
        self.wanted.set()
        self.wake.set()

    def stop(self) -> None:
        """Stop taking submissions; the one being graded may finish within ``grace`` seconds.

        One still grading after that is left as it is and graded again on the next start.
        """
        self.stopping.set()
        self.wake.set()
        self.thread.join(self.grace)
        if self.thread.is_alive():
            for process in list((self.executor._processes or {}).values()):
                process.kill()
            self.thread.join(10)
        self.executor.shutdown(wait=False, cancel_futures=True)

    def _next_batch(self) -> list:
        """The oldest unfinished submission and, up to ``workers``, later ones of the same
        assignment from other learners (a learner's own submissions stay in order)."""
        waiting = self.store.unfinished()
        if not waiting:
            return []
        head = waiting[0]
        batch, learners, blocked = [head], {head["learner"]}, set()
        for row in waiting[1:]:
            if len(batch) >= self.workers:
                break
            if row["assignment"] != head["assignment"] or row["learner"] in learners:
                blocked.add(row["learner"])
                continue
            if row["learner"] not in blocked:
                batch.append(row)
                learners.add(row["learner"])
        return batch

    def _job(self, row) -> dict:
        import json

        best = None
        if self.keep == "best":
            counted = self.store.counted(row["learner"], row["assignment"])
            if counted is not None and counted["total"] is not None:
                best = {"id": counted["id"], "total": counted["total"]}
        return {
            "id": row["id"],
            "learner": row["learner"],
            "assignment": row["assignment"],
            "notebooks": json.loads(row["notebooks"]),
            "received_at": row["received_at"],
            "best": best,
        }

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                batch = self._next_batch()
                pending = self.store.feedback_pending()
                if pending and self._feedback_first(batch, pending):
                    self._write_feedback(pending)
                    continue
                if not batch and self.untimed:
                    self.untimed = self._idle(time_next_solution, "time the model solutions")
                    continue
                if not batch and self.unwarmed:
                    self.unwarmed = self._idle(warm_next, "build the hidden data")
                    continue
                if not batch:
                    self.wake.wait(1.0)
                    self.wake.clear()
                    continue
                self._grade(batch)
            except Exception:  # the loop must outlive any one submission
                log.exception("grading loop error")
                self.stopping.wait(BUSY_PAUSE)
        try:  # a clean stop leaves no page unwritten (a kill leaves them to the next start)
            if pending := self.store.feedback_pending():
                self._write_feedback(pending)
        except Exception:
            log.exception("feedback not written before the stop")

    def _feedback_first(self, batch: list, pending: list) -> bool:
        """Whether the pending feedback pages are written before ``batch`` is graded."""
        if not batch or self.wanted.is_set():
            return True
        if {(r["learner"], r["assignment"]) for r in batch} & {
            (r["learner"], r["assignment"]) for r in pending
        }:
            return True  # that grading replaces the autograded notebook a page is made from
        # pages a kill left unwritten wait from this start, not ahead of the queue it found
        since = max(parse_time(pending[0]["graded_at"]), self.started_at)
        return (datetime.now(UTC) - since).total_seconds() >= FEEDBACK_DELAY

    def _write_feedback(self, pending: list) -> None:
        self.wanted.clear()
        jobs = [{k: row[k] for k in ("id", "learner", "assignment")} for row in pending]
        try:
            self.executor.submit(write_feedback, str(self.course), jobs).result()
        except BrokenProcessPool:
            self.executor = self._executor()
            self.executor.submit(_ready)
            if self.stopping.is_set():
                return  # written on the next start
            given_up = []
            for job in jobs:
                self.crashes[job["id"]] = self.crashes.get(job["id"], 0) + 1
                if self.crashes[job["id"]] >= CRASHES:
                    log.warning("feedback for %s given up: the grader stopped", job["id"])
                    given_up.append(job["id"])
            self.store.feedback_written(given_up)
            return
        self.store.feedback_written([job["id"] for job in jobs])
        if self.on_finish is not None:
            self.on_finish()

    def _idle(self, task: Callable[[str], bool], what: str) -> bool:
        """One step of idle-time ``task`` in the grading process; whether to go on."""
        try:
            return self.executor.submit(task, str(self.course)).result()
        except BrokenProcessPool:
            self.executor = self._executor()
            self.executor.submit(_ready)
        except Exception as error:  # grading does it on a first submission instead
            log.warning("could not %s: %s", what, error)
        return False

    def _grade(self, batch: list) -> None:
        for row in batch:
            self.store.start_grading(row["id"])
        jobs = [self._job(row) for row in batch]
        clock = time.monotonic()
        try:
            future = self.executor.submit(
                grade_batch,
                str(self.course),
                batch[0]["assignment"],
                jobs,
                self.keep,
                self.scheduler,
                self.workers,
            )
            outcomes = future.result()
        except BrokenProcessPool:
            self.executor = self._executor()
            self.executor.submit(_ready)
            if self.stopping.is_set():
                return  # killed by stop(): graded again on the next start
            for job in jobs:
                self.crashes[job["id"]] = self.crashes.get(job["id"], 0) + 1
                if self.crashes[job["id"]] >= CRASHES:
                    self._finish(
                        job, {"status": "failed", "error": "the grader stopped unexpectedly"}
                    )
            return
        if outcomes.get("busy"):
            self.stopping.wait(BUSY_PAUSE)
            return
        for job in jobs:
            self._finish(job, outcomes[job["id"]])
        log.info(
            "graded %d submission(s) of %s in %.1f s",
            len(jobs),
            batch[0]["assignment"],
            time.monotonic() - clock,
        )

    def _finish(self, job: dict, outcome: dict) -> None:
        self.store.finish(
            job["id"],
            status=outcome["status"],
            error=outcome.get("error"),
            result=outcome.get("result"),
            total=outcome.get("total"),
            counted=bool(outcome.get("counted")),
            feedback_pending=bool(outcome.get("feedback_pending")),
        )
        if self.on_finish is not None:
            self.on_finish()
