"""Week notebooks through real nbgrader: solutions, release versions and the answer bank.

One graded copy of the course per week serves every test of that week: the reference
solutions (submitted as the source notebooks), the untouched release, and one learner per
slot of the answer bank, each mixing one bank answer per exercise. ``-k week03`` grades one
week only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder import cohort, notebooks, registry
from autograder.api.grade import grade
from autograder.api.release import find_leaks, generate, release
from autograder.course import copy_configuration
from tests.course import answer_banks
from tests.keys import COURSE

pytestmark = pytest.mark.pipeline

ROOT = COURSE.root
WEEKS = registry.assignment_ids(COURSE)
BANK = {week: cohort.answer_bank(COURSE, week) for week in WEEKS}
BANK_CASES = [
    (week, exercise, name)
    for week, exercises in BANK.items()
    for exercise, answers in exercises.items()
    for name in answers
]


def bank_learner(week: str, exercise: str, name: str) -> str:
    """Bank answers are dealt out so learner k holds the k-th answer of every exercise."""
    return f"bank{sorted(BANK[week][exercise]).index(name):02d}"


def grade_week(week: str, base: Path) -> dict:
    course = base / "course"
    course.mkdir()
    copy_configuration(ROOT, course)
    shutil.copytree(ROOT / "source" / week, course / "source" / week)
    shutil.copytree(ROOT / "data", course / "data")
    generate(course, [week])  # fills the gradebook with the source cells, as an instructor would
    first_notebook = None
    for source in sorted((course / "source" / week).glob("*.ipynb")):
        first_notebook = first_notebook or source.name
        released = notebooks.read(course / "release" / week / source.name)
        submissions = {"solutions": notebooks.read(source), "untouched": released}
        for exercise, answers in BANK[week].items():
            if exercise not in cohort.answer_cells(released):
                continue
            for name, text in answers.items():
                learner = bank_learner(week, exercise, name)
                base_nb = submissions.setdefault(learner, released)
                submissions[learner] = cohort.fill(base_nb, {exercise: text})
        for learner, nb in submissions.items():
            target = course / "submitted" / learner / week / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            notebooks.write_normalized(nb, target)
    # a learner whose notebook is not even JSON must not stop the batch
    broken = course / "submitted" / "broken" / week / first_notebook
    broken.parent.mkdir(parents=True)
    broken.write_text('{"cells": [', encoding="utf-8")
    report = grade(root=course, assignments=[week], workers=2)
    rows = {(r["student_id"], r["assignment"], r["exercise"]): r for r in report.rows}
    return {"report": report, "rows": rows, "course": course}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, postgres_server):
    """``graded(week)``: that week's graded copy, made on first use (PostgreSQL answers in
    the bank run on the session's server, whose URL the grading processes inherit)."""
    done: dict[str, dict] = {}

    def get(week: str) -> dict:
        if week not in done:
            done[week] = grade_week(week, tmp_path_factory.mktemp(week))
        return done[week]

    return get


def auto_rows(graded: dict, learner: str):
    return [
        row
        for (student, _, _), row in graded["rows"].items()
        if student == learner and not row["needs_manual_grade"] and row["max_score"] > 0
    ]


@pytest.mark.parametrize("week", WEEKS)
def test_only_the_broken_submission_failed_and_the_batch_went_on(graded, week):
    failures = graded(week)["report"].failures
    assert [(student, w) for student, w, _ in failures] == [("broken", week)], failures
    assert failures[0][2], "a failure must carry a reason"
    graded_students = {key[0] for key in graded(week)["rows"]}
    assert {"solutions", "untouched", "bank00"} <= graded_students


@pytest.mark.parametrize("week", WEEKS)
def test_solutions_score_full_auto_graded_points(graded, week):
    auto = _auto_exercises(week)
    rows = [r for r in auto_rows(graded(week), "solutions") if r["exercise"] in auto]
    assert rows, "no auto-graded rows for the solutions"
    assert {r["exercise"]: r["score"] for r in rows} == {
        r["exercise"]: r["max_score"] for r in rows
    }


@pytest.mark.parametrize("week", WEEKS)
def test_release_scores_zero(graded, week):
    rows = [r for key, r in graded(week)["rows"].items() if key[0] == "untouched"]
    assert rows and all(r["score"] == 0 for r in rows)
    assert not any(r["needs_manual_grade"] for r in rows)


@pytest.mark.parametrize(
    ("week", "exercise", "name"), BANK_CASES, ids=[f"{w}-{e}-{n}" for w, e, n in BANK_CASES]
)
def test_bank_answer_scores_as_named(graded, week, exercise, name):
    row = graded(week)["rows"][(bank_learner(week, exercise, name), week, exercise)]
    if row["needs_manual_grade"]:  # a written answer: it reaches the gradebook for a grader
        assert exercise not in _auto_exercises(week) and row["max_score"] > 0
    elif name.startswith("pass_"):
        assert row["score"] == row["max_score"] > 0
    else:
        assert row["score"] < row["max_score"]
        # for its own reason: a grader crash or a kernel that died also scores below max
        _, expected = answer_banks.header(BANK[week][exercise][name])
        learner = bank_learner(week, exercise, name)
        messages = failed_test_messages(graded(week)["course"], week, learner, exercise)
        assert any(expected.lower() in m.lower() for m in messages), (
            f"{name} should fail saying {expected!r}; its test cells said: {messages}"
        )


def failed_test_messages(course: Path, week: str, learner: str, exercise: str) -> list[str]:
    """The error messages of the graded test cells that judge one answer cell."""
    folder = course / "autograded" / learner / week
    found = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = notebooks.read(path)
        cells = list(cohort.answer_cells(nb))
        if exercise not in cells:
            continue
        for cell in nb.cells:
            name = notebooks.grade_id(cell) or ""
            if notebooks.is_test_cell(cell) and notebooks.exercise_of(name, cells) == exercise:
                found += [o.get("evalue", "") for o in cell.outputs if o.output_type == "error"]
    return found


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
