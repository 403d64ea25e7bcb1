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
