"""``autograder report``: grades CSV and an HTML cohort report with item analysis."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autograder.cli.output import console, course_errors
from autograder.course import Course
from autograder.server.attempts import database, read_attempts

NAME = "report"


def command(
    assignments: Annotated[list[str], typer.Argument(help="weeks to report (default: all)")] = None,
    out: Annotated[
        Path,
        typer.Option("--out", help="folder for grades.csv and report.html (default: reports/)"),
    ] = None,
    root: Annotated[Path, typer.Option(help="course folder (default: found from the cwd)")] = None,
    db_url: Annotated[
        str, typer.Option("--db-url", help="gradebook to read (default: the course's)")
    ] = None,
) -> None:
    """Write grades.csv and report.html: score distributions and per-exercise item analysis.

    When the course has been served, also attempts.csv: each learner's graded attempts.
    """
    from autograder.api.report import report

    with course_errors():
        course = Course.load(root).root
        served = database(course).is_file()
        result = report(
            root=course,
            assignments=assignments or None,
            out_dir=out,
            db_url=db_url,
            attempts=read_attempts(course) if served else None,
        )
    for week in result.weeks:
        console.print(
            f"{week.assignment}: {len(week.totals)} learners, "
            f"mean {week.mean:.1f} / {week.max_score:g}"
        )
    for item in result.flagged():
        console.print(
            f"[yellow]flag[/yellow] {item.assignment} {item.exercise}: {', '.join(item.flags)}"
        )
    for item in result.awaiting():  # its statistics wait for the manual grades
        console.print(
            f"[cyan]awaiting grading[/cyan] {item.assignment} {item.exercise}: "
            f"{item.awaiting_manual} of {item.learners} submission(s) not graded by hand yet"
        )
    console.print(f"grades written to {result.csv_path}")
    if result.attempts_path:
        console.print(
            f"attempts of {len({a.learner for a in result.attempts})} learner(s) written to "
            f"{result.attempts_path}"
        )
    console.print(f"report written to {result.html_path}")
