"""Pooled grading starts the costliest assignments first, so no worker idles at the end."""

from autograder.api.grade import heaviest_first

TODO = [
    ("ada", "week01"),
    ("ada", "week04"),
    ("ada", "week08"),
    ("bo", "week01"),
    ("bo", "week04"),
    ("bo", "week08"),
]


HEAVIEST_FIRST = [
    ("ada", "week08"),
    ("bo", "week08"),
    ("ada", "week04"),
    ("bo", "week04"),
    ("ada", "week01"),
    ("bo", "week01"),
]


def test_the_longest_assignments_start_first_and_learners_keep_their_order():
    seconds = {"week01": 1.0, "week04": 4.5, "week08": 6.0}
    assert heaviest_first(TODO, seconds) == HEAVIEST_FIRST


def test_an_assignment_never_timed_goes_first_and_no_times_keep_the_plan():
    assert heaviest_first(TODO, {"week01": 1.0, "week04": 4.5}) == HEAVIEST_FIRST
    assert heaviest_first(TODO, {}) == TODO
