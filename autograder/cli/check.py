"""``autograder check``: run learner notebooks and show their visible checks per exercise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autograder.cli.output import console, errors, labelled
from autograder.verdicts import check_rows, exercise_table

NAME = "check"


def command(
    paths: Annotated[list[Path], typer.Argument(help="learner notebooks to check")],
    timeout: Annotated[int, typer.Option(help="seconds each cell may run")] = 120,
) -> None:
    """Run notebooks and report each exercise's visible checks; exit 1 unless all pass."""
    from autograder.api.check import PASS, check

    report = check(paths=paths, timeout=timeout)
    if report.results:
        console.print(exercise_table(check_rows(report.results), title="self-check"))
    for notebook, why in report.errors:
        errors.print(labelled("could not check", f"{notebook}: {why}"))
    passed = sum(r.status == PASS for r in report.results)
    auto = sum(r.auto for r in report.results)
    console.print(f"{passed}/{auto} auto-graded exercises pass their visible checks")
    if not report.ok:
        raise typer.Exit(1)
