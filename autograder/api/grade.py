"""Autograde what is in submitted/ with nbgrader and export per-exercise grades as CSV."""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from autograder.api.batch import Done, Journal, batch_lock, fingerprint
from autograder.api.cluster import run_cluster
from autograder.api.gradebook import (
    GRADE_COLUMNS,
    commit_with_retries,
    gradebook_rows,
    share_engines,
    writer_url,
)
from autograder.api.pool import (
    INTAKE_DIRECTORY,
    Outcome,
    Task,
    cleanup,
    prepare,
    run_autograde,
    run_pool,
    taken_in,
)
from autograder.course import (
    SETTINGS_FILE,
    Course,
    CourseError,
    check_assignments,
    nbgrader_api,
)
from autograder.grading import phases
from autograder.grading.deadline import assignment_seconds


@dataclass
class GradeReport:
    rows: list[dict] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (student, assignment, why)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # repairs made at intake
    csv_path: Path | None = None
    graded: list[tuple[str, str]] = field(default_factory=list)  # graded by this run
    resumed: list[tuple[str, str]] = field(default_factory=list)  # committed by an interrupted run
    timings: list[dict] = field(default_factory=list)  # per submission graded: seconds, memory

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class Progress:
    """Where a batch is: submissions and learners finished (skipped ones count as finished)."""

    done: int
    total: int
    learners_done: int
    learners_total: int
    resumed: int  # finished by an interrupted earlier run, not graded again
    student: str | None = None  # the submission just finished (None for the first report)
    assignment: str | None = None
    ok: bool = True


class _Tracker:
    def __init__(self, planned: list[tuple[str, str]], listener):
        self.left = Counter(student for student, _ in planned)
        self.total, self.learners_total = len(planned), len(self.left)
        self.done = self.resumed = 0
        self.listener = listener

    def finish(self, student: str, assignment: str, *, ok: bool, resumed: bool = False) -> None:
        self.done += 1
        self.resumed += resumed
        self.left[student] -= 1
        if not resumed:
            self.report(student, assignment, ok)

    def report(self, student=None, assignment=None, ok=True) -> None:
        if self.listener:
            learners_done = sum(1 for left in self.left.values() if left == 0)
            self.listener(
                Progress(
                    self.done,
                    self.total,
                    learners_done,
                    self.learners_total,
                    self.resumed,
                    student,
                    assignment,
                    ok,
                )
            )


def submitted_students(course: Path, assignment: str) -> list[str]:
    folder = course / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.parent.name for p in folder.glob(f"*/{assignment}") if p.is_dir())


def grade(
    *,
    root: str | Path | None = None,
    assignments: list[str] | None = None,
    csv_path: str | Path | None = None,
    on_progress: Callable[[str, str], None] | None = None,
    workers: int = 1,
    resume: bool = True,
    on_graded: Callable[[Progress], None] | None = None,
    scheduler: str | None = None,
    students: list[str] | None = None,
    keep_workers: bool = False,
) -> GradeReport:
    """Autograde every submission of the given assignments (all weeks when none are named).

    Submissions are taken in first (:mod:`autograder.grading.intake`): only answers come
    from the learner; the rest is restored from release/. A notebook that cannot be read, or
    that nbgrader cannot grade, is recorded in ``failures`` and the batch goes on.

    ``workers`` > 1 grades in that many long-lived processes (:mod:`autograder.api.pool`)
    with this process as the gradebook's only writer. A batch that was killed is resumed
    (:mod:`autograder.api.batch`): submissions it committed, unchanged since, are not graded
    again; ``resume=False`` grades everything. ``on_progress(student, assignment)`` is called
    as each submission starts, ``on_graded(Progress)`` once the plan is known and as each
    submission is finished.

    ``scheduler`` grades on a Dask cluster instead (:mod:`autograder.api.cluster`): a
    scheduler address (``tcp://HOST:PORT``) or ``local:N`` for N workers on this machine;
    commits and the journal stay here, as with ``workers``.

    ``students`` grades only those learners' submissions (the course server grades one).
    ``keep_workers`` keeps the ``workers`` processes for this process's next call, and grades
    even a single submission with them (the course server, which grades batch after batch).

    Workers are spawned processes, so a script calling this with ``workers`` > 1 or a
    scheduler must guard its entry point with ``if __name__ == "__main__":`` (as for any
    multiprocessing code).
    """
    if scheduler is not None and workers > 1:
        raise CourseError("grade with --workers or on a --scheduler, not both")
    config = Course.load(root)
    course = config.root
    if not (course / SETTINGS_FILE).is_file():
        # without it every hidden check would fail quietly, for every learner
        raise CourseError(
            f"no {SETTINGS_FILE} in {course}: hidden checks are built from its [grading] "
            f"hidden_seeds (write `hidden_seeds = []` there if the course has no hidden data)"
        )
    wanted = check_assignments(course, assignments)
    planned = []
    for assignment in wanted:
        found = submitted_students(course, assignment)
        found = [s for s in found if students is None or s in students]
        if found and not (course / "release" / assignment).is_dir():
            raise CourseError(f"release/{assignment} is missing: run `autograder release` first")
        planned += [(student, assignment) for student in found]
    planned.sort()  # a learner's weeks one after another, so learners finish steadily
    report = GradeReport()
    with batch_lock(course):
        journal = Journal(course, resume=resume)
        complete = False
        try:
            tracker = _Tracker(planned, on_graded)
            prints, todo = {}, []
            for student, assignment in planned:
                key = (student, assignment)
                prints[key] = fingerprint(
                    course / "submitted" / student / assignment, course / "release" / assignment
                )
                entry = journal.finished(student, assignment, prints[key])
                if entry is None:
                    todo.append(key)
                    continue
                report.resumed.append(key)
                report.notes += [(student, assignment, note) for note in entry.notes]
                report.failures += [(student, assignment, why) for why in entry.failures]
                tracker.finish(student, assignment, ok=not entry.failures, resumed=True)
            tracker.report()

            def finish(outcome: Outcome) -> None:
                key = (outcome.student, outcome.assignment)
                report.graded.append(key)
                report.notes += [(*key, note) for note in outcome.notes]
                report.failures += [(*key, why) for why in outcome.failures]
                if outcome.taken:
                    report.timings.append(
                        {
                            "student": outcome.student,
                            "assignment": outcome.assignment,
                            "notebooks": len(outcome.taken),
                            "seconds": outcome.seconds,
                            "worker_rss_mb": outcome.worker_rss_mb,
                            "kernel_rss_mb": outcome.kernel_rss_mb,
                        }
                    )
                if not outcome.transient:  # a grader failure is tried again on resume
                    journal.record(
                        Done(*key, prints[key], list(outcome.notes), list(outcome.failures))
                    )
                tracker.finish(*key, ok=not outcome.failures)

            if scheduler is not None and todo:
                run = partial(run_cluster, config, scheduler=scheduler)
                _grade_pooled(course, todo, run, on_progress, finish)
            elif workers > 1 and todo and (len(todo) > 1 or keep_workers):
                run = partial(run_pool, course, workers=workers, keep=keep_workers)
                _grade_pooled(course, todo, run, on_progress, finish)
            else:
                _grade_here(course, todo, on_progress, finish)
            complete = True
        finally:
            journal.close(complete=complete)
    report.rows = gradebook_rows(course, wanted)
    report.csv_path = Path(csv_path) if csv_path else course / "grades.csv"
    write_csv(report.rows, report.csv_path)
    return report


def _grade_here(course: Path, todo, on_progress, finish) -> None:
    """One submission after another in this process, nbgrader writing the gradebook itself."""
    api = nbgrader_api(course, **{"CourseDirectory.submitted_directory": INTAKE_DIRECTORY})
    share_engines()
    for student, assignment in todo:
        if on_progress:
            on_progress(student, assignment)
        clock = time.monotonic()
        with phases.recording() as record:
            with phases.phase("intake"):
                outcome = taken_in(course, student, assignment)
            if outcome.taken:
                with phases.phase("nbgrader"):
                    ok, reason, transient = run_autograde(
                        api, course, student, assignment, outcome.taken
                    )
                if not ok:
                    outcome.failures.append(reason)
                    outcome.transient = transient
        outcome.seconds = time.monotonic() - clock
        outcome.phases = record
        parent = time.perf_counter()
        finish(outcome)
        _profiled(outcome, time.perf_counter() - parent)


def _profiled(outcome: Outcome, parent: float) -> None:
    """With profiling on, one JSON line per graded submission: its phases and the seconds
    this process spent committing and journalling it."""
    if outcome.phases is None or not outcome.taken:
        return
    phases.write(
        {
            "student": outcome.student,
            "assignment": outcome.assignment,
            "notebooks": len(outcome.taken),
            "seconds": outcome.seconds,
            "phases": {**outcome.phases, "parent": parent},
        }
    )


def heaviest_first(todo: list[tuple[str, str]], seconds: dict[str, float]) -> list:
    """``(student, assignment)`` pairs, the costliest assignments first (stable otherwise).

    Several workers finish a batch when its last submission is done: started last, a long
    one keeps every other worker idle until it ends; started first, the short ones fill in
    around it. An assignment with no time known goes first (its first grading also times
    its model solution).
    """
    return sorted(todo, key=lambda key: -seconds.get(key[1], float("inf")))


def _grade_pooled(course: Path, todo, run: Callable, on_progress, finish) -> None:
    """Workers (``run(tasks, on_start=...)``) grade; this process alone commits."""
    from nbgrader.api import Gradebook, MissingEntry

    coursedir = nbgrader_api(course).coursedir
    url, course_id = coursedir.db_url, coursedir.course_id
    todo = heaviest_first(todo, assignment_seconds(course))
    prepare(course, url, course_id)
    try:
        with Gradebook(writer_url(url), course_id) as gradebook:
            tasks = []
            for student, assignment in todo:
                try:
                    extension = gradebook.find_submission(assignment, student).extension
                except MissingEntry:
                    extension = None
                tasks.append(Task(student, assignment, extension))
            started = (
                (lambda task: on_progress(task.student, task.assignment)) if on_progress else None
            )
            for outcome in run(tasks, on_start=started):
                parent = time.perf_counter()
                if outcome.scores is not None:
                    why = commit_with_retries(gradebook, outcome)
                    if why:
                        outcome.failures.append(why)
                        outcome.transient = True
                finish(outcome)
                _profiled(outcome, time.perf_counter() - parent)
    finally:
        cleanup(course)


def write_csv(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=GRADE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


__all__ = ["INTAKE_DIRECTORY", "CourseError", "GradeReport", "Progress", "grade", "gradebook_rows"]
