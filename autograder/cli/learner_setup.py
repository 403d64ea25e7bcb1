"""``autograder learner-setup``: configure a learner's Jupyter (and course server) for the course."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autograder.cli.output import console, errors, labelled
from autograder.client import ClientError, write_config
from autograder.learner_server import write_exchange_config, write_learner_config

NAME = "learner-setup"


def command(
    config_dir: Annotated[
        Path | None,
        typer.Option(help="Jupyter config folder (default: what `jupyter --config-dir` says)"),
    ] = None,
    server: Annotated[
        str | None, typer.Option(help="the course server's URL, for `autograder submit`")
    ] = None,
    token: Annotated[str | None, typer.Option(help="your token on that server")] = None,
    hub: Annotated[
        bool,
        typer.Option(
            "--hub", help="on a JupyterHub: no --token, the Hub's $JUPYTERHUB_API_TOKEN is used"
        ),
    ] = False,
) -> None:
    """Show learners nbgrader's Validate and Assignments, not the instructor's tools.

    With --server and --token, also save them (readable by you only) for `autograder
    submit` and `q.submit()`, and point nbgrader's Assignments tab at that server. With
    --server and --hub (a single-user server on a JupyterHub), the Hub's token is used.
    """
    if hub:
        if server is None or token is not None:
            errors.print("[red]error:[/red] --hub takes --server (the service URL), no --token")
            raise typer.Exit(2)
    elif (server is None) != (token is None):
        errors.print("[red]error:[/red] give --server and --token together")
        raise typer.Exit(2)
    if config_dir is None:
        from jupyter_core.paths import jupyter_config_dir

        config_dir = Path(jupyter_config_dir())
    written = write_learner_config(config_dir)
    if server is not None:
        try:
            written.append(write_config(server=server, token=token))
        except ClientError as error:
            errors.print(labelled("error:", error), highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        written.append(write_exchange_config(config_dir))
    for path in written:
        console.print(f"wrote {path}", highlight=False)
    console.print("restart JupyterLab: Create Assignment and Formgrader are now hidden")
    if server is not None:
        console.print(
            "`autograder submit NOTEBOOK.ipynb` and `q.submit()` now grade on the server, "
            "hidden tests included"
        )
