"""``autograder submit``: send a notebook to the course server and show its verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from autograder.cli.output import console, errors, labelled
from autograder.client import ClientError, submit
from autograder.verdicts import submission_summary, submission_table

NAME = "submit"


def command(
    notebook: Annotated[Path, typer.Argument(help="the notebook to submit")],
    server: Annotated[
        str | None, typer.Option(help="course server URL (default: $AUTOGRADER_SERVER or setup)")
    ] = None,
    token: Annotated[
        str | None, typer.Option(help="your token (default: $AUTOGRADER_TOKEN or setup)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    timeout: Annotated[float, typer.Option(help="seconds to wait for the verdicts")] = 300,
) -> None:
    """Grade a notebook on the course server, hidden tests included; exit 1 unless all pass."""
    try:
        result = submit(notebook, server=server, token=token, timeout=timeout)
    except ClientError as error:
        errors.print(labelled("error:", error), highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(result.raw, indent=2))
    else:
        if result.exercises:
            console.print(submission_table(result))
        console.print(submission_summary(result), highlight=False, markup=False)
    if not result.ok:
        raise typer.Exit(1)
