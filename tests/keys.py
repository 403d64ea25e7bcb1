"""The course under test and its keys, for tests of the course's own content."""

from __future__ import annotations

from pathlib import Path

from autograder import registry
from autograder.course import Course

COURSE = Course.load(Path(__file__).resolve().parents[1])


def key(week: str):
    """The week's key module (``source/<week>/key.py``), loaded as grading loads it."""
    return registry.load(COURSE, week).module
