"""``autograder serve``: the course server (submit, verdicts, feedback, exchange) over HTTP."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from autograder.cli.output import console, course_errors

NAME = "serve"


def command(
    ip: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8744,
    root: Annotated[Path, typer.Option(help="course folder (default: found from the cwd)")] = None,
    scheduler: Annotated[
        str,
        typer.Option(help="grade on a Dask cluster: its scheduler (tcp://HOST:PORT), or local:N"),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-j", min=1, help="learners graded at once")
    ] = 1,
    keep: Annotated[
        str, typer.Option(help="the attempt the gradebook holds: latest or best")
    ] = "latest",
    max_per_hour: Annotated[
        int, typer.Option(min=1, help="graded submissions per learner per assignment per hour")
    ] = 10,
    max_body_mb: Annotated[float, typer.Option(help="largest submission accepted, in MB")] = 5.0,
    release_all: Annotated[
        bool,
        typer.Option(
            "--release-all/--released-only",
            help="offer all of release/ (default), or only what an instructor released",
        ),
    ] = True,
    hub: Annotated[
        bool | None,
        typer.Option(
            "--hub/--no-hub",
            help="authenticate Hub users as a JupyterHub service "
            "(default: when $JUPYTERHUB_SERVICE_NAME is set, as for a Hub-managed service)",
            show_default=False,
        ),
    ] = None,
    instructors_group: Annotated[
        str, typer.Option(help="with --hub: the Hub group whose members are instructors")
    ] = "instructors",
) -> None:
    """Serve the course: learners submit notebooks and get the grader's verdicts at once."""
    from autograder.server.service import serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    with course_errors():
        serve(
            root=root,
            ip=ip,
            port=port,
            scheduler=scheduler,
            workers=workers,
            keep=keep,
            max_per_hour=max_per_hour,
            max_body_mb=max_body_mb,
            release_all=release_all,
            hub=hub,
            instructors_group=instructors_group,
            on_ready=lambda url: console.print(f"serving the course at {url}"),
        )
    console.print("server stopped")
