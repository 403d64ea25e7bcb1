"""``autograder release``: regenerate release/ from source/ (or check it is in sync)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autograder.cli.output import console, course_errors, errors, labelled

NAME = "release"


def command(
    assignments: Annotated[
        list[str], typer.Argument(help="weeks to release (default: all)")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="only check release/ matches source/")
    ] = False,
    timing: Annotated[
        bool,
        typer.Option(
            "--timing/--no-timing",
            help="run each model solution once to fix its notebook's grading deadline "
            "(otherwise the first submission of each notebook waits for that run)",
        ),
    ] = True,
    root: Annotated[Path, typer.Option(help="course folder (default: found from the cwd)")] = None,
) -> None:
    """Generate learner notebooks in release/ from source/ and check they leak nothing."""
    from autograder.api.release import release

    with course_errors():
        report = release(
            root=root, assignments=assignments or None, check=check, time_solutions=timing
        )
    for problem in report.out_of_date:
        errors.print(labelled("out of date:", problem))
    for leak in report.leaks:
        errors.print(labelled("leak:", leak))
    if not report.ok:
        if report.out_of_date:
            errors.print("run `autograder release` and commit release/")
        raise typer.Exit(1)
    done = "release/ matches source/ for" if check else "released"
    console.print(f"{done} {', '.join(report.assignments)}; no solutions or hidden tests leaked")
    if report.timed:
        measured = [s for s in report.timed.values() if s is not None]
        console.print(
            f"model solutions timed: {len(measured)} notebooks, {sum(measured):.1f} s in all "
            f"(grading derives each notebook's deadline from them)"
        )
