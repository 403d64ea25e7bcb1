"""``autograder learner-setup``: configure a learner's Jupyter for the course."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autograder.cli.output import console
from autograder.learner_server import write_learner_config

NAME = "learner-setup"


def command(
    config_dir: Annotated[
        Path | None,
        typer.Option(help="Jupyter config folder (default: what `jupyter --config-dir` says)"),
    ] = None,
) -> None:
    """Show learners nbgrader's Validate and Assignments, not the instructor's tools."""
    if config_dir is None:
        from jupyter_core.paths import jupyter_config_dir

        config_dir = Path(jupyter_config_dir())
    for path in write_learner_config(config_dir):
        console.print(f"wrote {path}")
    console.print("restart JupyterLab: Create Assignment and Formgrader are now hidden")
