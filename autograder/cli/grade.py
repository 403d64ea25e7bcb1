"""``autograder grade``: autograde submitted/ and export grades.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autograder.api.grade import grade
from autograder.cli.output import (
    console,
    course_errors,
    grade_table,
    show_failures,
    show_notes,
    show_progress,
)

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
            on_progress=show_progress,
        )
    if report.rows:
        console.print(grade_table(report.rows, title="grades"))
    else:
        console.print("no submissions found in submitted/<student>/<assignment>/")
    show_notes(report.notes)
    show_failures(report.failures)
    console.print(f"grades written to {report.csv_path}")
    if report.failures:
        raise typer.Exit(1)
