"""The per-exercise table a learner reads: ``autograder check``, ``autograder submit``, ``q.submit()``.

One rich table for all three, so a verdict from the server reads like a self-check: one row
per exercise, its result, and what the checks said (a submission adds its points and the
hidden checks' lines).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from autograder.api.check import FAIL, NOT_ATTEMPTED, PASS, ExerciseResult
from autograder.client import SubmissionResult

BY_HAND = "graded by hand"
STYLE = {PASS: "green", FAIL: "red", NOT_ATTEMPTED: "yellow"}


@dataclass(frozen=True)
class Row:
    notebook: str
    exercise: str
    status: str
    message: str = ""
    points: str | None = None  # "score/max" for a graded submission


def exercise_table(rows: list[Row], *, title: str, detail: str = "what to do") -> Table:
    with_points = any(row.points is not None for row in rows)
    table = Table(title=title)
    for column in ("notebook", "exercise", *(["points"] if with_points else []), "result", detail):
        table.add_column(column, overflow="fold", justify="right" if column == "points" else "left")
    for row in rows:
        style = STYLE.get(row.status, "")
        # plain Text: a message may hold brackets ("[postgresql]", "df[col]") that are not markup
        cells = [row.notebook, row.exercise, *([row.points or ""] if with_points else [])]
        table.add_row(*map(Text, cells), Text(row.status, style=style), Text(row.message))
    return table


def check_rows(results: list[ExerciseResult]) -> list[Row]:
    return [Row(r.notebook, r.exercise, r.status, r.message) for r in results]


def check_line(kind: str, passed: bool, message: str) -> str:
    """``✓ hidden: ...``: the grader's own line with its kind, and one mark."""
    return f"{'✓' if passed else '✗'} {kind}: {message.strip().lstrip('✓✗').strip()}"


def submission_rows(result: SubmissionResult) -> list[Row]:
    rows = []
    for e in result.exercises:
        lines = [check_line(c.kind, c.passed, c.message) for c in e.checks]
        if not e.auto:
            status = BY_HAND
        elif e.full_marks:
            status = PASS
        elif e.score == 0 and any("not written yet" in line for line in lines):
            status = NOT_ATTEMPTED
        else:
            status = FAIL
        points = f"{e.score:g}/{e.max_score:g}"
        rows.append(Row(e.notebook, e.exercise, status, "\n".join(lines), points))
    return rows


def submission_table(result: SubmissionResult) -> Table:
    return exercise_table(
        submission_rows(result), title=f"{result.assignment} graded", detail="checks"
    )


def submission_summary(result: SubmissionResult) -> str:
    """The closing line: the score, or why nothing was graded."""
    if result.status != "graded":
        return f"not graded: {result.error or 'the server could not grade this submission'}"
    auto = [e for e in result.exercises if e.auto]
    full = sum(e.full_marks for e in auto)
    return (
        f"score {result.score:g}/{result.max_score:g}: {full}/{len(auto)} auto-graded "
        "exercises have full marks"
    )
