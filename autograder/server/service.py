"""``serve()``: the course server on one port until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path

from autograder.course import Course, CourseError
from autograder.server.app import Settings, make_app
from autograder.server.grader import Grader
from autograder.server.store import Store

KEEP = ("latest", "best")
log = logging.getLogger("autograder.serve")


def serve(
    *,
    root: str | Path | None = None,
    ip: str = "127.0.0.1",
    port: int = 8744,
    scheduler: str | None = None,
    workers: int = 1,
    keep: str = "latest",
    max_per_hour: int = 10,
    max_body_mb: float = 5.0,
    release_all: bool = True,
    hub: bool | None = None,
    instructors_group: str = "instructors",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the course at ``root`` on ``ip:port`` until SIGTERM/SIGINT.

    Submissions received before a stop or a crash and not yet graded are graded on start.
    On a signal the server stops accepting requests; the submission being graded may finish
    (or is graded again on the next start); the function then returns.

    ``hub`` (default: whether ``$JUPYTERHUB_SERVICE_NAME`` is set, as the Hub does for a
    service it manages; a single-user server's environment has other ``JUPYTERHUB_*``
    variables, and a learner serving the course there keeps its tokens) makes it a service:
    callers are Hub users (``hub_auth``), instructors the members of ``instructors_group``,
    and the API lives under ``$JUPYTERHUB_SERVICE_PREFIX``.
    """
    if hub is None:
        hub = bool(os.environ.get("JUPYTERHUB_SERVICE_NAME"))
    if keep not in KEEP:
        raise CourseError(f"--keep must be one of {', '.join(KEEP)}, not {keep!r}")
    if max_per_hour < 1 or max_body_mb <= 0:
        raise CourseError("--max-per-hour and --max-body-mb must be positive")
    course = Course.load(root)
    if not (course.root / "release").is_dir():
        raise CourseError(f"no release/ in {course.root}: run `autograder release` first")
    identity = _hub_identity(instructors_group) if hub else None
    store = Store(course.root)
    grader = Grader(course.root, store, keep=keep, scheduler=scheduler, workers=workers)
    settings = Settings(
        root=course.root,
        store=store,
        grader=grader,
        max_body_bytes=int(max_body_mb * 1024 * 1024),
        max_per_hour=max_per_hour,
        release_all=release_all,
        hub=identity,
    )
    prefix = identity.prefix if identity else "/"
    asyncio.run(_run(settings, grader, ip, port, on_ready, prefix))


def _hub_identity(group: str):
    if not os.environ.get("JUPYTERHUB_API_TOKEN") or not os.environ.get("JUPYTERHUB_API_URL"):
        raise CourseError(
            "--hub needs JUPYTERHUB_API_TOKEN and JUPYTERHUB_API_URL: run the server as a "
            "JupyterHub service (deploy/jupyterhub_config.py)"
        )
    try:
        from autograder.server.hub_auth import HubIdentity
    except ImportError:
        raise CourseError("--hub needs JupyterHub: pip install 'ds-interview-loop[hub]'") from None
    return HubIdentity(group)


async def _run(
    settings: Settings, grader: Grader, ip: str, port: int, on_ready, prefix: str = "/"
) -> None:
    from tornado.httpserver import HTTPServer

    # the submission handler raises its own limit to read (and drop) an oversized body
    server = HTTPServer(make_app(settings, prefix), max_body_size=settings.max_body_bytes)
    try:
        server.listen(port, address=ip)
    except OSError as error:
        raise CourseError(f"cannot listen on {ip}:{port}: {error.strerror}") from None
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopped.set)
    settings.finished.bind(loop)
    grader.on_finish = settings.finished.notify
    grader.start()
    url = f"http://{ip}:{port}{prefix.rstrip('/')}"
    if on_ready:
        on_ready(url)
    await stopped.wait()
    log.info("stopping: no new requests; waiting for the submission being graded")
    server.stop()
    await loop.run_in_executor(None, grader.stop)
    await server.close_all_connections()
