"""The course under test and its keys, for tests of the course's own content."""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder import registry
from autograder.course import CONFIG_FILE, Course

ROOT = Path(__file__).resolve().parents[1]
COURSE = Course.load(ROOT)
FIXTURE_COURSE = ROOT / "tests" / "fixtures" / "course99"  # week99, which the engine never names


def key(week: str):
    """The week's key module (``source/<week>/key.py``), loaded as grading loads it."""
    return registry.load(COURSE, week).module


def fixture_course(folder: Path, seed: int | None = None) -> Course:
    """A copy of the fixture course in ``folder`` with this course's nbgrader configuration
    and ``seed`` as its one hidden seed (None: the fixture's own seeds)."""
    shutil.copytree(FIXTURE_COURSE, folder)
    shutil.copy2(ROOT / CONFIG_FILE, folder / CONFIG_FILE)
    if seed is not None:
        text = f"[grading]\nhidden_seeds = [{seed}]\n"
        (folder / "course.toml").write_text(text, encoding="utf-8")
    return Course.load(folder)
