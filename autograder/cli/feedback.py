"""``autograder feedback``: feedback HTML for graded submissions, without hidden test code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autograder.cli.output import console, course_errors, errors, labelled

NAME = "feedback"


def command(
    assignments: Annotated[list[str], typer.Argument(help="weeks (default: all)")] = None,
    release: Annotated[
        bool, typer.Option("--release", help="also release it to the exchange for learners")
    ] = False,
    root: Annotated[Path, typer.Option(help="course folder (default: found from the cwd)")] = None,
) -> None:
    """Generate feedback for autograded submissions (hidden tests not shown); optionally release it."""
    from autograder.api.feedback import feedback

    with course_errors():
        report = feedback(root=root, assignments=assignments or None, release=release)
    for assignment, why in report.failures:
        errors.print(labelled("could not make feedback", f"for {assignment}: {why}"))
    if not report.generated and not report.failures:
        console.print("no autograded submissions: run `autograder grade` first")
    else:
        console.print(f"feedback generated for {len(report.generated)} submission(s)")
    for assignment in report.released:
        console.print(f"feedback for {assignment} released to the exchange")
    if report.failures:
        raise typer.Exit(1)
