"""The grading process warms what learners are working on first, then the rest while idle."""

from __future__ import annotations

from autograder.server import grader as grading
from autograder.server.store import Store, now
from tests.grading.test_warm_hidden import built, fixture_course


def test_queued_assignments_then_the_newest_submitted_are_warmed_first(tmp_path):
    for name in ("week01", "week02", "week03", "week04"):
        (tmp_path / "release" / name).mkdir(parents=True)
    store = Store(tmp_path)
    for submission, assignment in (("a", "week02"), ("b", "week04"), ("c", "week03")):
        store.add_submission(submission, "ana", assignment, ["n.ipynb"], now())
    store.finish("a", status="graded", error=None, result=None, total=1.0, counted=True)
    store.finish("b", status="graded", error=None, result=None, total=1.0, counted=True)
    order = grading.Grader(tmp_path, store)._warm_order()  # its process starts only when used
    assert order == ["week03", "week04", "week02", "week01"]


def test_what_the_start_left_is_warmed_one_assignment_at_a_time(tmp_path, monkeypatch):
    course = fixture_course(tmp_path)
    monkeypatch.setattr(grading, "_UNWARMED", ["week99", "week98"])
    assert grading.warm_next(str(course.root)) is True  # week98 is left
    assert built(course) == 1
    assert grading.warm_next(str(course.root)) is False  # an unknown one is passed over
    assert grading._UNWARMED == []
