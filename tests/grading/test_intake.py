"""Intake: only answers come from the learner; unreadable files are explained, never raised."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from autograder import cohort, notebooks
from autograder.grading.intake import Unreadable, read_submission, rebuild, take_in

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "release" / "week01"
NOTEBOOK = "python_fundamentals.ipynb"


@pytest.fixture
def master():
    return notebooks.read(RELEASE / NOTEBOOK)


@pytest.fixture
def answered(master):
    return cohort.fill(master, {"sample_variance": "def sample_variance(values):\n    return 1.0"})


def grade_ids(nb):
    return [notebooks.grade_id(c) for c in nb.cells if notebooks.grade_id(c)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b'{"cells": [', "not valid JSON"),
        (b"[1, 2]", "not a notebook"),
        (json.dumps({"cells": [], "nbformat": 5, "metadata": {}}).encode(), "format 5"),
        (b"\xff\xfe\x00", "not text"),
    ],
)
def test_unreadable_files_say_why(tmp_path, content, reason):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(content)
    with pytest.raises(Unreadable, match=reason):
        read_submission(path)


def test_edited_and_deleted_test_cells_come_back_from_the_release(master, answered):
    answered.cells = [
        c for c in answered.cells if notebooks.grade_id(c) != "sample_variance_hidden"
    ]
    for cell in answered.cells:
        if notebooks.grade_id(cell) == "sample_variance_visible":
            cell.source = "pass"
            cell.metadata["nbgrader"]["points"] = 100
    rebuilt, notes = rebuild(master, answered)
    assert grade_ids(rebuilt) == grade_ids(master)
    by_id = {notebooks.grade_id(c): c for c in rebuilt.cells}
    original = {notebooks.grade_id(c): c for c in master.cells}
    assert by_id["sample_variance_visible"].source == original["sample_variance_visible"].source
    assert by_id["sample_variance_visible"].metadata == original["sample_variance_visible"].metadata
    assert by_id["sample_variance"].source.endswith("return 1.0")
    assert any("restored" in note for note in notes)


def test_cells_the_learner_added_stay_after_their_answer(master, answered):
    at = [notebooks.grade_id(c) for c in answered.cells].index("sample_variance")
    answered.cells.insert(at + 1, nbformat.v4.new_code_cell("def helper():\n    return 2"))
    rebuilt, _ = rebuild(master, answered)
    sources = [c.source for c in rebuilt.cells]
    assert (
        sources.index("def helper():\n    return 2")
        == [notebooks.grade_id(c) for c in rebuilt.cells].index("sample_variance") + 1
    )


def test_answers_are_found_by_place_when_metadata_is_gone(master, answered):
    for cell in answered.cells:
        cell.metadata.pop("nbgrader", None)
        cell.pop("id", None)
    rebuilt, notes = rebuild(master, answered)
    by_id = {notebooks.grade_id(c): c for c in rebuilt.cells}
    assert by_id["sample_variance"].source.endswith("return 1.0")
    assert any("by its place" in note for note in notes)


def test_take_in_never_touches_the_submission(tmp_path, answered):
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    (submitted / "renamed.ipynb").write_text(notebooks.dumps(answered))
    (submitted / "timestamp.txt").write_text("2026-11-23 10:00:00")
    before = {p.name: p.read_bytes() for p in submitted.iterdir()}
    intake = take_in(submitted, RELEASE, tmp_path / "intake")
    assert {p.name: p.read_bytes() for p in submitted.iterdir()} == before
    assert intake.taken == [NOTEBOOK] and intake.problems == []
    assert any("renamed.ipynb was graded as" in note for note in intake.notes)
    assert any("sql_fundamentals.ipynb was not handed in" in note for note in intake.notes)
    assert (tmp_path / "intake" / "timestamp.txt").exists()
