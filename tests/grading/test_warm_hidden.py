"""A grading process builds the hidden data of assignments before their first submission."""

from __future__ import annotations

from pathlib import Path

from autograder import registry
from autograder.course import Course
from autograder.grading.verdicts import warm_hidden
from tests.keys import fixture_course as _fixture_course


def fixture_course(tmp_path: Path) -> Course:
    return _fixture_course(tmp_path / "course", seed=5)


def built(course: Course) -> int:
    """How many times the fixture key built its hidden cases (it caches them)."""
    return registry.load(course, "week99").module._hidden.cache_info().currsize


def test_hidden_data_is_built_and_kept_by_the_key(tmp_path):
    course = fixture_course(tmp_path)
    assert built(course) == 0
    assert warm_hidden(str(course.root), ["week99"]) == []
    assert built(course) == 1


def test_a_broken_or_unknown_assignment_does_not_stop_the_others(tmp_path):
    course = fixture_course(tmp_path)
    assert warm_hidden(str(course.root), ["week98", "week99"]) == []
    assert built(course) == 1


def test_it_stops_when_told_and_says_what_is_left(tmp_path):
    course = fixture_course(tmp_path)
    asked = []

    def stop() -> bool:
        asked.append(True)
        return len(asked) > 1  # one assignment, then stop

    assert warm_hidden(str(course.root), ["week99", "week98"], stop=stop) == ["week98"]
    assert built(course) == 1
