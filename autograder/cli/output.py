"""Shared console output: errors in one line, grade tables as rich tables."""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table

from autograder.course import CourseError

console = Console()
errors = Console(stderr=True)


@contextmanager
def course_errors():
    """Turn a CourseError into a one-line message and exit status 2."""
    try:
        yield
    except CourseError as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None


def grade_table(rows: list[dict], *, title: str) -> Table:
    """Learners down, exercises across, ``score/max`` in each cell (``?`` awaits a manual grade)."""
    exercises = list(dict.fromkeys((r["assignment"], r["exercise"]) for r in rows))
    cells: dict[str, dict] = defaultdict(dict)
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        key = (row["assignment"], row["exercise"])
        mark = "?" if row["needs_manual_grade"] else f"{row['score']:g}"
        cells[row["student_id"]][key] = f"{mark}/{row['max_score']:g}"
        totals[row["student_id"]][0] += row["score"]
        totals[row["student_id"]][1] += row["max_score"]
    table = Table(title=title, show_lines=False)
    table.add_column("learner", style="bold")
    for assignment, exercise in exercises:
        table.add_column(f"{assignment}\n{exercise}", justify="right")
    table.add_column("total", justify="right", style="bold")
    for student in sorted(cells):
        score, maximum = totals[student]
        table.add_row(
            student,
            *(cells[student].get(key, "-") for key in exercises),
            f"{score:g}/{maximum:g}",
        )
    return table
