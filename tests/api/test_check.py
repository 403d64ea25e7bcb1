"""``check()``: per-exercise results of learner notebooks, run in a fresh kernel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder import cohort, notebooks
from autograder.api.check import FAIL, NOT_ATTEMPTED, PASS, TO_WRITE, WRITTEN, check
from tests.keys import COURSE

ROOT = Path(__file__).resolve().parents[2]
WEEK = ROOT / "release" / "week01"
NOTEBOOK = "python_fundamentals.ipynb"


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("learner") / "week01"
    folder.mkdir()
    shutil.copy2(WEEK / "checks.json", folder / "checks.json")  # fetched with the notebooks
    released = notebooks.read(WEEK / NOTEBOOK)
    answers = cohort.solutions(notebooks.read(ROOT / "source" / "week01" / NOTEBOOK))
    bank = cohort.answer_bank(COURSE, "week01")
    wrong = {**answers, "sample_variance": bank["sample_variance"]["fail_population_variance"]}
    paths = {
        "untouched": folder / "untouched.ipynb",
        "solved": folder / "solved.ipynb",
        "one_wrong": folder / "one_wrong.ipynb",
        "broken": folder / "broken.ipynb",
    }
    notebooks.write_normalized(released, paths["untouched"])
    notebooks.write_normalized(cohort.fill(released, answers), paths["solved"])
    notebooks.write_normalized(cohort.fill(released, wrong), paths["one_wrong"])
    paths["broken"].write_text('{"cells": [', encoding="utf-8")
    report = check(paths=[*paths.values(), folder / "missing.ipynb"])
    by = {(r.notebook, r.exercise): r for r in report.results}
    return {"report": report, "by": by}


def test_an_untouched_notebook_is_not_attempted(checked):
    statuses = {e: r.status for (nb, e), r in checked["by"].items() if nb == "untouched"}
    assert statuses == {
        "sample_variance": NOT_ATTEMPTED,
        "merge_sorted": NOT_ATTEMPTED,
        "merge_sorted_complexity": TO_WRITE,
        "revenue_by_category": NOT_ATTEMPTED,
        "standardize_columns": NOT_ATTEMPTED,
    }


def test_model_answers_pass(checked):
    statuses = {e: r.status for (nb, e), r in checked["by"].items() if nb == "solved"}
    assert set(statuses.values()) == {PASS, WRITTEN}


def test_a_wrong_answer_fails_with_what_the_learner_probably_did(checked):
    result = checked["by"][("one_wrong", "sample_variance")]
    assert result.status == FAIL and "divided by n" in result.message
    assert "\n" not in result.message and "Traceback" not in result.message
    assert checked["by"][("one_wrong", "merge_sorted")].status == PASS


def test_unreadable_and_missing_notebooks_are_reported_not_raised(checked):
    errors = dict(checked["report"].errors)
    assert "not a readable notebook" in errors["broken.ipynb"]
    assert any("no such notebook" in why for why in errors.values())
    assert not checked["report"].ok
