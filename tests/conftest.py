"""Shared fixtures: the course root, and each test starting from the course's grading context."""

from pathlib import Path

import pytest

from autograder.exercises import context

COURSE_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def course_root() -> Path:
    return COURSE_ROOT


@pytest.fixture(autouse=True)
def course_grading_context():
    """Hidden checks read the seeds and store of the course last handed over, process-wide.

    Each test starts with this course's (as grading it would) and leaves the context as it
    found it, so no test depends on what another test loaded before it.
    """
    from tests.keys import COURSE

    saved = context.current()
    context.provide(hidden_seeds=COURSE.hidden_seeds, store=COURSE.store_path)
    yield
    context.provide(**saved)


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the whole run, for answers written in PostgreSQL.

    ``AUTOGRADER_POSTGRES_URL`` when set; else a private pgserver, its data folder outside
    pytest's tmp (as root, pgserver runs the server as its own user, which must reach it).
    Subprocesses inherit the URL, so they share the server instead of starting their own.
    """
    import os
    import shutil
    import tempfile

    from autograder.judges import postgres

    if os.environ.get(postgres.URL_VARIABLE):
        yield os.environ[postgres.URL_VARIABLE]
        return
    import pgserver

    folder = tempfile.mkdtemp(prefix="answers-pg-")
    running = pgserver.get_server(folder, cleanup_mode="stop")
    os.environ[postgres.URL_VARIABLE] = running.get_uri()
    postgres.reset()
    yield running.get_uri()
    postgres.reset()
    del os.environ[postgres.URL_VARIABLE]
    running.cleanup()
    shutil.rmtree(folder, ignore_errors=True)
