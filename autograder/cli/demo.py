"""``autograder demo``: the whole pipeline on a synthetic cohort, with nothing to set up."""

from __future__ import annotations

from typing import Annotated

import typer

from autograder.cli.output import console, course_errors, grade_table, show_failures, show_progress

NAME = "demo"


def command(
    assignments: Annotated[
        list[str], typer.Argument(help="weeks to include (default: all)")
    ] = None,
    keep: Annotated[bool, typer.Option("--keep", help="keep the throwaway course folder")] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", "-j", min=1, help="grading processes (default: CPU cores, at most 4)"
        ),
    ] = None,
) -> None:
    """Release, submit and autograde a four-learner cohort in a throwaway copy of the course."""
    from autograder.api.demo import LEARNERS, demo

    for learner, what in LEARNERS.items():
        console.print(f"  {learner:<12} {what}")
    with course_errors():
        result = demo(
            assignments=assignments or None,
            keep=keep,
            on_progress=show_progress,
            workers=workers,
        )
    console.print(
        grade_table(result.report.rows, title="demo cohort gradebook (? = awaits manual grading)")
    )
    show_failures(result.report.failures)
    if result.workdir:
        console.print(f"course kept at {result.workdir}")
    if result.report.failures:
        raise typer.Exit(1)
