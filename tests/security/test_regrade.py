"""Regrading is idempotent: the same submissions graded twice get identical scores."""

from __future__ import annotations

import json

import pytest
from attacks import NOTEBOOK, corpus
from test_corpus import hand_in, honest_submissions, new_course

from autograder.api.grade import grade

pytestmark = pytest.mark.pipeline

WEEK = "week01"
SAMPLE = ("always_equal", "stripped_metadata", "changed_points", "patch_our_judges")


def test_grading_twice_gives_identical_scores(tmp_path):
    course = new_course(tmp_path / "course")
    honest = honest_submissions(course)
    hand_in(course, "honest_partial", honest["honest_partial"])
    solution = json.loads(honest["honest_full"][NOTEBOOK])
    for attack in corpus(network_port=9):
        if attack.id in SAMPLE:
            nb = attack.edit(json.loads(json.dumps(solution)))
            hand_in(course, f"attack_{attack.id}", {NOTEBOOK: json.dumps(nb)})
    first = grade(root=course, assignments=[WEEK])
    second = grade(root=course, assignments=[WEEK])
    assert len({row["student_id"] for row in first.rows}) == 1 + len(SAMPLE)
    assert first.rows == second.rows
    assert first.failures == second.failures == []
