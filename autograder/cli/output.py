"""Shared console output: errors in one line, grade tables as rich tables."""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder.course import CourseError

console = Console()
errors = Console(stderr=True)


def labelled(label: str, text: object, style: str = "red") -> str:
    """``label`` in ``style``, then ``text`` as it is: brackets in a message ("[postgresql]",
    "df[col]") are text, not rich markup."""
    return f"[{style}]{label}[/{style}] {escape(str(text))}"


@contextmanager
def course_errors():
    """Turn a CourseError into a one-line message and exit status 2."""
    try:
        yield
    except CourseError as error:
        errors.print(labelled("error:", error))
        raise typer.Exit(2) from None


def show_progress(student: str, assignment: str) -> None:
    """Progress line for each submission the grader starts."""
    console.print(escape(f"grading {assignment} of {student}"), style="dim")


def show_failures(failures: list[tuple[str, str, str]]) -> None:
    """One line per submission nbgrader could not grade, with its reason."""
    for student, assignment, why in failures:
        errors.print(labelled("could not grade", f"{assignment} of {student}: {why}"))


def show_notes(notes: list[tuple[str, str, str]]) -> None:
    """One line per repair made when a submission was taken in (renamed, restored cells...)."""
    for student, assignment, note in notes:
        console.print(labelled("note", f"{assignment} of {student}: {note}", "yellow"))


def grade_table(rows: list[dict], *, title: str) -> Table:
    """Exercises down, learners across, ``score/max`` in each cell (``?`` awaits a manual grade)."""
    exercises = list(dict.fromkeys((r["assignment"], r["exercise"]) for r in rows))
    students = sorted({r["student_id"] for r in rows})
    cells: dict[tuple, str] = {}
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        mark = "?" if row["needs_manual_grade"] else f"{row['score']:g}"
        cells[(row["assignment"], row["exercise"], row["student_id"])] = (
            f"{mark}/{row['max_score']:g}"
        )
        totals[row["student_id"]][0] += row["score"]
        totals[row["student_id"]][1] += row["max_score"]
    table = Table(title=title)
    table.add_column("assignment")
    table.add_column("exercise", no_wrap=True)
    for student in students:
        table.add_column(student, justify="right")
    for assignment, exercise in exercises:
        table.add_row(
            assignment, exercise, *(cells.get((assignment, exercise, s), "-") for s in students)
        )
    table.add_section()
    table.add_row(
        "", "total", *(f"{totals[s][0]:g}/{totals[s][1]:g}" for s in students), style="bold"
    )
    return table
