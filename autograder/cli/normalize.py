"""``autograder normalize``: the one writer of committed notebooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autograder.cli.output import console, course_errors, errors
from autograder.course import find_course_root
from autograder.notebooks import normalize_files

NAME = "normalize"


def command(
    paths: Annotated[
        list[Path], typer.Argument(help="notebooks (default: source/ and notebooks/)")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="only report notebooks that are not normalised")
    ] = False,
) -> None:
    """Strip outputs and stray metadata from source notebooks so they are committed one way."""
    with course_errors():
        root = find_course_root()
        targets = paths or sorted([*root.glob("source/*/*.ipynb"), *root.glob("notebooks/*.ipynb")])
    changed = normalize_files(targets, check=check)
    for path in changed:
        (errors if check else console).print(
            f"{'not normalised' if check else 'normalised'}: {path}"
        )
    if check and changed:
        raise typer.Exit(1)
    console.print(f"{len(targets)} notebook(s) {'checked' if check else 'normalised'}")
