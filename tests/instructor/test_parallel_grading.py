"""``grade(workers=N)``: a pool of long-lived workers gives exactly the sequential grades.

One mixed cohort (full, partial, blank, wrong, a notebook that is not JSON, a learner who
handed in one notebook of two) is graded twice from identical copies: one submission after
another by nbgrader itself, and by two worker processes with one writer to the gradebook.
"""

from __future__ import annotations

import shutil

import pytest
from instructor_course import WEEK, gradebook_cells, integrity, mixed_cohort, new_course

from autograder.api.grade import grade

pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    base = tmp_path_factory.mktemp("parallel")
    sequential = new_course(base / "sequential")
    mixed_cohort(sequential)
    pooled = base / "pooled"
    shutil.copytree(sequential, pooled)
    seen = []
    one = grade(root=sequential, assignments=[WEEK], workers=1)
    two = grade(root=pooled, assignments=[WEEK], workers=2, on_graded=seen.append)
    return {"paths": (sequential, pooled), "reports": (one, two), "progress": seen}


def test_every_grade_cell_scores_the_same_as_sequential_grading(both):
    sequential, pooled = both["paths"]
    expected, got = gradebook_cells(sequential), gradebook_cells(pooled)
    learners = {key[0] for key in expected}
    assert {"ada_full", "ben_partial", "cy_blank", "dee_wrong", "gil_half"} <= learners
    assert len(expected) > 40
    assert got == expected
    # and the cohort is mixed: some cells full, some empty
    scores = {value[0] for value in expected.values()}
    assert 0 in scores and max(s for s in scores if s is not None) > 1


def test_exported_rows_and_failures_match(both):
    one, two = both["reports"]
    assert two.rows == one.rows
    assert sorted(two.failures) == sorted(one.failures)
    assert [(s, w) for s, w, _ in two.failures] == [("zed_broken", WEEK)]
    assert "not valid JSON" in two.failures[0][2]
    assert sorted(two.notes) == sorted(one.notes)


def test_gradebook_is_intact_and_no_worker_state_is_left(both):
    for course in both["paths"]:
        assert integrity(course) == "ok"
        state = course / ".grading"
        assert not list(state.glob("*.db")), "private gradebooks must be removed"
        assert not (state / "journal.jsonl").exists(), "a finished batch leaves no journal"


def test_progress_counts_learners_to_the_end(both):
    seen = both["progress"]
    assert seen[0].done == 0 and seen[0].student is None
    last = seen[-1]
    assert last.done == last.total == 8 and last.learners_done == last.learners_total == 8
    assert [p.done for p in seen] == list(range(9))
    assert not next(p for p in seen if p.student == "zed_broken").ok
