"""Shared fixtures: the course root and the week-1 exercises."""

from pathlib import Path

import pytest

COURSE_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def course_root() -> Path:
    return COURSE_ROOT
