"""The registry: one place that turns an assignment id into its exercises."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder import registry
from autograder.course import CONFIG_FILE, Course, CourseError
from autograder.exercises import context

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "course99"


def _course(tmp_path: Path, name: str, seed: int) -> Course:
    root = tmp_path / name
    shutil.copytree(FIXTURE, root)
    shutil.copy2(ROOT / CONFIG_FILE, root / CONFIG_FILE)
    (root / "course.toml").write_text(f"[grading]\nhidden_seeds = [{seed}]\n", encoding="utf-8")
    return Course.load(root)


def test_each_load_hands_checks_its_own_courses_seeds(tmp_path):
    first, second = _course(tmp_path, "first", 11), _course(tmp_path, "second", 22)
    registry.load(first, "week99")
    registry.load(second, "week99")
    registry.load(first, "week99")  # a cached key must not keep the second course's seeds
    assert context.hidden_seeds() == (11,)
    registry.load(second, "week99")
    assert context.hidden_seeds() == (22,)


def test_an_unknown_assignment_names_the_ones_there_are(tmp_path):
    course = _course(tmp_path, "course", 1)
    with pytest.raises(CourseError, match=r"week98 has no key.py .*assignments: week99"):
        registry.load(course, "week98")


def test_a_key_that_fails_to_load_says_which_file(tmp_path):
    course = _course(tmp_path, "course", 1)
    (course.root / "source" / "week99" / "key.py").write_text("raise ValueError('typo')\n")
    with pytest.raises(CourseError, match=r"source/week99/key.py failed to load: ValueError"):
        registry.load(course, "week99")
