"""Week notebooks through real nbgrader: solutions, release versions and the answer bank.

One graded copy of the course serves every test in this module: the reference solutions
(submitted as the source notebooks), the untouched release, and one learner per slot of
the answer bank, each mixing one bank answer per exercise.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder import cohort, notebooks
from autograder.api.grade import grade
from autograder.api.release import find_leaks, generate, release
from autograder.course import CONFIG_FILE, source_assignments

pytestmark = pytest.mark.pipeline

ROOT = Path(__file__).resolve().parents[2]
WEEKS = source_assignments(ROOT)
BANK = {week: cohort.answer_bank(ROOT, week) for week in WEEKS}
BANK_CASES = [
    (week, exercise, name)
    for week, exercises in BANK.items()
    for exercise, answers in exercises.items()
    for name in answers
]


def bank_learner(week: str, exercise: str, name: str) -> str:
    """Bank answers are dealt out so learner k holds the k-th answer of every exercise."""
    return f"bank{sorted(BANK[week][exercise]).index(name):02d}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    course = tmp_path_factory.mktemp("course")
    shutil.copy2(ROOT / CONFIG_FILE, course / CONFIG_FILE)
    shutil.copytree(ROOT / "source", course / "source")
    generate(course, WEEKS)  # fills the gradebook with the source cells, as an instructor would
    for week in WEEKS:
        for source in sorted((course / "source" / week).glob("*.ipynb")):
            released = notebooks.read(course / "release" / week / source.name)
            submissions = {"solutions": notebooks.read(source), "untouched": released}
            for exercise, answers in BANK[week].items():
                if exercise not in cohort.answer_cells(released):
                    continue
                for name, text in answers.items():
                    learner = bank_learner(week, exercise, name)
                    base = submissions.setdefault(learner, released)
                    submissions[learner] = cohort.fill(base, {exercise: text})
            for learner, nb in submissions.items():
                target = course / "submitted" / learner / week / source.name
                target.parent.mkdir(parents=True, exist_ok=True)
                notebooks.write_normalized(nb, target)
    # a learner whose notebook is not even JSON must not stop the batch
    broken = course / "submitted" / "broken" / WEEKS[0] / "python_fundamentals.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"cells": [', encoding="utf-8")
    report = grade(root=course, assignments=WEEKS)
    rows = {(r["student_id"], r["assignment"], r["exercise"]): r for r in report.rows}
    return {"report": report, "rows": rows, "course": course}


def auto_rows(graded: dict, learner: str):
    return [
        row
        for (student, _, _), row in graded["rows"].items()
        if student == learner and not row["needs_manual_grade"] and row["max_score"] > 0
    ]


def test_only_the_broken_submission_failed_and_the_batch_went_on(graded):
    failures = graded["report"].failures
    assert [(student, week) for student, week, _ in failures] == [("broken", WEEKS[0])]
    assert failures[0][2], "a failure must carry a reason"
    graded_students = {key[0] for key in graded["rows"]}
    assert {"solutions", "untouched", "bank00"} <= graded_students


def test_solutions_score_full_auto_graded_points(graded):
    rows = [r for r in auto_rows(graded, "solutions") if r["exercise"] in _auto_exercises()]
    assert rows, "no auto-graded rows for the solutions"
    assert {r["exercise"]: r["score"] for r in rows} == {
        r["exercise"]: r["max_score"] for r in rows
    }


def test_release_scores_zero(graded):
    rows = [r for key, r in graded["rows"].items() if key[0] == "untouched"]
    assert rows and all(r["score"] == 0 for r in rows)
    assert not any(r["needs_manual_grade"] for r in rows)


@pytest.mark.parametrize(
    ("week", "exercise", "name"), BANK_CASES, ids=[f"{e}-{n}" for _, e, n in BANK_CASES]
)
def test_bank_answer_scores_as_named(graded, week, exercise, name):
    row = graded["rows"][(bank_learner(week, exercise, name), week, exercise)]
    if name.startswith("pass_"):
        assert row["score"] == row["max_score"] > 0
    else:
        assert row["score"] < row["max_score"]


def test_every_auto_graded_exercise_has_enough_bank_answers():
    for week in WEEKS:
        for exercise in _auto_exercises(week):
            names = BANK[week].get(exercise, {})
            assert sum(n.startswith("pass_") for n in names) >= 2, exercise
            assert sum(n.startswith("fail_") for n in names) >= 3, exercise


def test_regenerated_release_matches_committed_files():
    report = release(root=ROOT, check=True)
    assert report.out_of_date == []


def test_release_holds_no_solution_or_hidden_test_code():
    assert find_leaks(ROOT, WEEKS) == []
    for path in sorted((ROOT / "release").glob("*/*.ipynb")):
        text = path.read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "MARK SCHEME", "check_hidden("):
            assert marker not in text, f"{path.name} contains {marker}"


def _auto_exercises(week: str | None = None) -> set[str]:
    """Exercise ids whose answer cell is graded by tests (not by hand)."""
    found = set()
    for path in sorted((ROOT / "source").glob(f"{week or '*'}/*.ipynb")):
        for cell_id, cell in cohort.answer_cells(notebooks.read(path)).items():
            if cell.cell_type == "code":
                found.add(cell_id)
    return found
