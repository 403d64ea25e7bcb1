"""``AUTOGRADER_PROFILE``: a pooled grade writes one record per submission with every phase."""

from __future__ import annotations

import json

import pytest
from instructor_course import WEEK, gradebook_cells, new_course

from autograder.api.demo import build_cohort
from autograder.api.grade import grade
from autograder.grading import phases

pytestmark = pytest.mark.pipeline

LEARNERS = ["ada_full", "cy_blank"]
EVERY_PHASE = {
    "intake",  # the submission rebuilt from release/
    "gradebook",  # the private gradebook copied in, the scores read out
    "nbgrader",  # nbgrader's converter and its own steps, apart from those below
    "deadline",  # the model solution's run time (measured once, then cached)
    "kernel_start",  # the kernel forked from the template and confined
    "kernel_ready",  # until it answers kernel_info and its iopub is connected
    "kernel_stop",
    "execute",  # the learner's cells in the kernel
    "verdict_worker",  # the confined checker started
    "verdict_rerun",  # the learner's cells run again in it
    "verdict_load",  # the exercise found in the course's key
    "verdict_visible",
    "verdict_hidden",  # hidden data built, hidden checks judged
    "verdict_wait",  # after the kernel, until the verdicts judged alongside it are in
    "parent",  # the commit and the journal, in the grading process
}

ALONGSIDE = {"verdict_worker", "verdict_rerun", "verdict_load", "verdict_visible", "verdict_hidden"}


@pytest.fixture(scope="module")
def profiled(tmp_path_factory):
    base = tmp_path_factory.mktemp("profiled")
    course = new_course(base / "course")
    build_cohort(course, [WEEK])
    target = base / "profile.jsonl"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(phases.ENV, str(target))
        report = grade(root=course, assignments=[WEEK], workers=2, students=LEARNERS)
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    return course, report, lines


def test_each_graded_submission_has_a_record_with_every_phase(profiled):
    course, report, lines = profiled
    assert not report.failures
    assert sorted(line["student"] for line in lines) == LEARNERS
    for line in lines:
        assert line["assignment"] == WEEK and line["notebooks"] == 2
        spans = {k: v for k, v in line["phases"].items() if not k.startswith("#")}
        assert set(spans) == EVERY_PHASE, set(spans) ^ EVERY_PHASE
        assert all(seconds >= 0 for seconds in spans.values())
        assert line["phases"]["#test_cells"] > 0
        # the worker's phases are its whole grading time (the parent's are its own), but
        # the verdicts are judged on a thread of their own while the kernel runs
        alongside = sum(v for k, v in spans.items() if k in ALONGSIDE)
        worker = sum(v for k, v in spans.items() if k != "parent" and k not in ALONGSIDE)
        assert worker <= line["seconds"] + 0.01
        assert worker >= 0.95 * line["seconds"]
        assert spans["verdict_wait"] < alongside


def test_profiling_does_not_change_a_score(profiled, tmp_path):
    course, _, _ = profiled
    plain = new_course(tmp_path / "plain")
    build_cohort(plain, [WEEK])
    grade(root=plain, assignments=[WEEK], workers=2, students=LEARNERS)
    assert gradebook_cells(plain) == gradebook_cells(course)
    assert gradebook_cells(course)
