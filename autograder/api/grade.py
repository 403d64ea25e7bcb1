"""Autograde what is in submitted/ with nbgrader and export per-exercise grades as CSV."""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import CourseError, check_assignments, find_course_root, nbgrader_api
from autograder.grading.intake import take_in
from autograder.notebooks import exercise_of

GRADE_COLUMNS = (
    "student_id",
    "assignment",
    "notebook",
    "exercise",
    "score",
    "max_score",
    "needs_manual_grade",
)


INTAKE_DIRECTORY = ".intake"  # repaired copies of submissions, the ones nbgrader grades


@dataclass
class GradeReport:
    rows: list[dict] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (student, assignment, why)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # repairs made at intake
    csv_path: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.failures


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
) -> GradeReport:
    """Autograde every submission of the given assignments (all weeks when none are named).

    Submissions are taken in first (:mod:`autograder.grading.intake`): only answers come
    from the learner; the rest is restored from release/. A notebook that cannot be read, or
    that nbgrader cannot grade, is recorded in ``failures`` and the batch goes on.
    """
    course = find_course_root(root)
    wanted = check_assignments(course, assignments)
    api = nbgrader_api(course, **{"CourseDirectory.submitted_directory": INTAKE_DIRECTORY})
    report = GradeReport()
    for assignment in wanted:
        release = course / "release" / assignment
        students = submitted_students(course, assignment)
        if students and not release.is_dir():
            raise CourseError(f"release/{assignment} is missing: run `autograder release` first")
        for student in students:
            if on_progress:
                on_progress(student, assignment)
            intake = take_in(
                course / "submitted" / student / assignment,
                release,
                course / INTAKE_DIRECTORY / student / assignment,
            )
            report.notes += [(student, assignment, note) for note in intake.notes]
            report.failures += [(student, assignment, why) for why in intake.problems]
            if not intake.taken:
                continue
            try:
                with warnings.catch_warnings():
                    # nbgrader's gradebook session emits SQLAlchemy warnings that are not ours to fix
                    warnings.simplefilter("ignore")
                    result = api.autograde(assignment, student, force=True, create=True)
            except Exception as error:  # nbgrader raising is one learner's problem, not the batch's
                result = {"success": False, "error": f"{type(error).__name__}: {error}"}
            if not result.get("success"):
                report.failures.append((student, assignment, _reason(result)))
    report.rows = gradebook_rows(course, wanted)
    report.csv_path = Path(csv_path) if csv_path else course / "grades.csv"
    write_csv(report.rows, report.csv_path)
    return report


_EXCEPTION_LINE = re.compile(r"^\s*([\w.]+(?:Error|Exception|Invalid)): (.*)$")
_CONVERTING = re.compile(r"Converting notebook (\S+)")


def _reason(result: dict) -> str:
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


def gradebook_rows(course: Path, assignments: list[str], db_url: str | None = None) -> list[dict]:
    """One row per student, assignment and exercise, summed over the exercise's grade cells."""
    from nbgrader.api import Gradebook, MissingEntry

    url = db_url or nbgrader_api(course).coursedir.db_url
    rows: dict[tuple, dict] = {}
    with Gradebook(url) as gradebook:
        for assignment in assignments:
            try:
                submissions = gradebook.assignment_submissions(assignment)
            except MissingEntry:
                continue
            for submission in submissions:
                for notebook in submission.notebooks:
                    source = gradebook.find_notebook(notebook.name, assignment)
                    exercise_ids = [cell.name for cell in source.solution_cells]
                    for grade in notebook.grades:
                        exercise = exercise_of(grade.name, exercise_ids)
                        key = (submission.student.id, assignment, notebook.name, exercise)
                        row = rows.setdefault(
                            key,
                            dict(zip(GRADE_COLUMNS, (*key, 0.0, 0.0, False), strict=True)),
                        )
                        row["score"] += grade.score or 0.0
                        row["max_score"] += grade.max_score or 0.0
                        row["needs_manual_grade"] = row["needs_manual_grade"] or bool(
                            grade.needs_manual_grade
                        )
    return [rows[key] for key in sorted(rows)]


def write_csv(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=GRADE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


__all__ = ["CourseError", "GradeReport", "grade", "gradebook_rows"]
