"""The course's metadata check raises what nbgrader's raises, on the same notebooks."""

from __future__ import annotations

import copy
import logging

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import CheckCellMetadata as NbgraderCheck

from autograder.grading.metadata import CheckCellMetadata, CompiledMetadataValidator


def _graded(source: str, grade_id: str, *, grade: bool, solution: bool, **more) -> dict:
    cell = nbformat.v4.new_code_cell(source)
    flags = {"grade": grade, "solution": solution, "locked": not solution}
    cell.metadata["nbgrader"] = {**flags, "grade_id": grade_id, "schema_version": 3, **more}
    return cell


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    answer = _graded("x = 1", "answer", grade=False, solution=True)
    test = _graded("assert x == 1", "test", grade=True, solution=False, points=2)
    nb.cells = [nbformat.v4.new_markdown_cell("# Week"), answer, test]
    return nb


def _break(edit):
    nb = _notebook()
    edit(nb.cells[2].metadata["nbgrader"], nb)
    return nb


CORRUPTED = {
    "points of the wrong type": _break(lambda m, nb: m.update(points="two")),
    "no points": _break(lambda m, nb: m.pop("points")),
    "an unknown key's wrong type": _break(lambda m, nb: m.update(grade="yes")),
    "an old schema": _break(lambda m, nb: m.update(schema_version=2)),
    "a newer schema": _break(lambda m, nb: m.update(schema_version=4)),
    "no grade id": _break(lambda m, nb: m.pop("grade_id")),
    "an empty grade id": _break(lambda m, nb: m.update(grade_id="")),
    "a duplicate grade id": _break(lambda m, nb: m.update(grade_id="answer")),
    "a solution markdown cell that is not graded": _break(
        lambda m, nb: nb.cells.__setitem__(
            0,
            nbformat.v4.new_markdown_cell(
                "text",
                metadata={
                    "nbgrader": {
                        "grade": False,
                        "solution": True,
                        "locked": False,
                        "grade_id": "md",
                        "schema_version": 3,
                    }
                },
            ),
        )
    ),
}


def _raised(validator, nb) -> tuple[type, str] | None:
    try:
        validator.validate_nb(copy.deepcopy(nb))
    except Exception as error:  # noqa: BLE001 (what is raised is the point)
        return type(error), str(error)
    return None


def test_a_sound_notebook_passes_both():
    assert _raised(MetadataValidator(), _notebook()) is None
    assert _raised(CompiledMetadataValidator(), _notebook()) is None


@pytest.mark.parametrize("nb", CORRUPTED.values(), ids=CORRUPTED.keys())
def test_corrupted_metadata_raises_what_nbgrader_raises(nb):
    theirs = _raised(MetadataValidator(), nb)
    assert theirs is not None  # the case is one nbgrader refuses
    assert _raised(CompiledMetadataValidator(), nb) == theirs


@pytest.mark.parametrize("nb", CORRUPTED.values(), ids=CORRUPTED.keys())
def test_the_preprocessor_refuses_as_nbgraders_does(nb, caplog):
    caplog.set_level(logging.ERROR)

    def refusal(check) -> tuple[type, str]:
        with pytest.raises(Exception) as raised:  # noqa: PT011 (compared below)
            check.preprocess(copy.deepcopy(nb), {})
        return type(raised.value), str(raised.value)

    assert refusal(CheckCellMetadata()) == refusal(NbgraderCheck())


def test_the_preprocessor_leaves_a_sound_notebook_as_it_is():
    nb = _notebook()
    assert CheckCellMetadata().preprocess(copy.deepcopy(nb), {})[0] == nb
