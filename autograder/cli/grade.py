"""``autograder grade``: autograde submitted/ and export grades.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autograder.api.grade import grade
from autograder.cli.output import console, course_errors, errors, grade_table

NAME = "grade"


def command(
    assignments: Annotated[list[str], typer.Argument(help="weeks to grade (default: all)")] = None,
    csv: Annotated[
        Path, typer.Option("--csv", help="where to write grades (default: grades.csv)")
    ] = None,
    root: Annotated[Path, typer.Option(help="course folder (default: found from the cwd)")] = None,
) -> None:
    """Autograde every submission in submitted/ with nbgrader and export a grades CSV."""
    with course_errors():
        report = grade(
            root=root,
            assignments=assignments or None,
            csv_path=csv,
            on_progress=lambda student, week: console.print(
                f"grading {week} of {student}", style="dim"
            ),
        )
    if report.rows:
        console.print(grade_table(report.rows, title="grades"))
    else:
        console.print("no submissions found in submitted/<student>/<assignment>/")
    for student, assignment, why in report.failures:
        errors.print(f"[red]could not grade[/red] {assignment} of {student}: {why}")
    console.print(f"grades written to {report.csv_path}")
    if report.failures:
        raise typer.Exit(1)
