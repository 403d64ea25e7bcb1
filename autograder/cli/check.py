"""``autograder check``: run learner notebooks and show their visible checks per exercise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from autograder.api.check import FAIL, NOT_ATTEMPTED, PASS, check
from autograder.cli.output import console, errors

NAME = "check"
STYLE = {PASS: "green", FAIL: "red", NOT_ATTEMPTED: "yellow"}


def command(
    paths: Annotated[list[Path], typer.Argument(help="learner notebooks to check")],
    timeout: Annotated[int, typer.Option(help="seconds each cell may run")] = 120,
) -> None:
    """Run notebooks and report each exercise's visible checks; exit 1 unless all pass."""
    report = check(paths=paths, timeout=timeout)
    table = Table(title="self-check")
    for column in ("notebook", "exercise", "result", "what to do"):
        table.add_column(column, overflow="fold")
    for r in report.results:
        style = STYLE.get(r.status, "")
        table.add_row(
            r.notebook,
            r.exercise,
            f"[{style}]{r.status}[/{style}]" if style else r.status,
            r.message,
        )
    if report.results:
        console.print(table)
    for notebook, why in report.errors:
        errors.print(f"[red]could not check[/red] {notebook}: {why}")
    passed = sum(r.status == PASS for r in report.results)
    auto = sum(r.auto for r in report.results)
    console.print(f"{passed}/{auto} auto-graded exercises pass their visible checks")
    if not report.ok:
        raise typer.Exit(1)
