"""The registry: one place that turns an assignment id into its exercises."""

from __future__ import annotations

import os

import pytest

from autograder import registry
from autograder.course import Course, CourseError
from autograder.exercises import context
from tests.keys import fixture_course


def test_each_load_hands_checks_its_own_courses_seeds(tmp_path):
    first, second = fixture_course(tmp_path / "first", 11), fixture_course(tmp_path / "second", 22)
    registry.load(first, "week99")
    registry.load(second, "week99")
    registry.load(first, "week99")  # a cached key must not keep the second course's seeds
    assert context.hidden_seeds() == (11,)
    registry.load(second, "week99")
    assert context.hidden_seeds() == (22,)


def test_an_unknown_assignment_names_the_ones_there_are(tmp_path):
    course = fixture_course(tmp_path / "course", 1)
    with pytest.raises(CourseError, match=r"week98 has no key.py .*assignments: week99"):
        registry.load(course, "week98")


def test_a_key_that_fails_to_load_says_which_file(tmp_path):
    course = fixture_course(tmp_path / "course", 1)
    (course.root / "source" / "week99" / "key.py").write_text("raise ValueError('typo')\n")
    with pytest.raises(CourseError, match=r"source/week99/key.py failed to load: ValueError"):
        registry.load(course, "week99")


def _hidden_values(course: Course) -> list:
    exercise = registry.load(course, "week99").exercise("double_all")
    return [case.args for case in exercise.cases(hidden=True)]


def test_two_courses_in_one_process_each_grade_with_their_own_hidden_cases(tmp_path):
    first, second = fixture_course(tmp_path / "first", 11), fixture_course(tmp_path / "second", 22)
    from_first, from_second = _hidden_values(first), _hidden_values(second)
    assert from_first != from_second, "different seeds must give different hidden cases"
    assert _hidden_values(first) == from_first  # and the first course's stay its own
    # each equals what a process that only ever knew that course would build
    assert _hidden_values(fixture_course(tmp_path / "alone", 22)) == from_second


def test_new_seeds_in_course_toml_give_new_hidden_data_without_a_restart(tmp_path):
    course = fixture_course(tmp_path / "course", 11)
    before = _hidden_values(course)
    (course.root / "course.toml").write_text("[grading]\nhidden_seeds = [33]\n", encoding="utf-8")
    reread = Course.load(course.root)
    assert reread.hidden_seeds == (33,)
    after = _hidden_values(reread)
    assert after != before
    assert after == _hidden_values(fixture_course(tmp_path / "fresh", 33))


def test_the_grader_reads_the_course_again_when_its_seeds_change(tmp_path):
    from autograder.grading.verdicts import _course as graders_course

    course = fixture_course(tmp_path / "course", 11)
    assert graders_course(str(course.root)).hidden_seeds == (11,)
    settings = course.root / "course.toml"
    settings.write_text("[grading]\nhidden_seeds = [44]\n", encoding="utf-8")
    stat = settings.stat()  # a coarse clock must not hide the change
    os.utime(settings, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert graders_course(str(course.root)).hidden_seeds == (44,)


def test_two_courses_with_the_same_seeds_each_get_their_own_key(tmp_path):
    first, second = fixture_course(tmp_path / "first", 11), fixture_course(tmp_path / "second", 11)
    key = second.root / "source" / "week99" / "key.py"
    key.write_text(key.read_text().replace("2 * value", "3 * value"), encoding="utf-8")
    same = (first.root / "source" / "week99" / "key.py").stat().st_mtime_ns
    os.utime(key, ns=(same, same))  # nothing but the course tells the two keys apart
    doubled = registry.load(first, "week99").exercise("double_all").reference([1])
    tripled = registry.load(second, "week99").exercise("double_all").reference([1])
    assert (doubled, tripled) == ([2], [3])
    assert registry.load(second, "week99").folder == second.root / "source" / "week99"
