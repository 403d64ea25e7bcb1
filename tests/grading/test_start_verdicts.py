"""Verdicts started before the kernel (StartVerdicts) are the verdicts TrustedVerdicts would
judge after it, computed once, on their own thread, while the kernel runs."""

from __future__ import annotations

import threading
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from autograder import notebooks
from autograder.grading import verdicts
from autograder.grading.kernel import ConfinedExecute
from autograder.grading.verdicts import (
    PENDING,
    CannotGradeError,
    StartVerdicts,
    TrustedVerdicts,
)
from tests.keys import fixture_course

pytestmark = pytest.mark.pipeline

WRONG = "def double_all(values):\n    return [value + value for value in values][:1]"


def course_and_notebook(tmp_path: Path, answer: str | None):
    course = fixture_course(tmp_path / "course").root
    nb = notebooks.read(course / "source" / "week99" / "doubling.ipynb")
    if answer is not None:
        (cell,) = [
            c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "double_all"
        ]
        cell.source = answer
    work = course / "autograded" / "ada" / "week99"
    work.mkdir(parents=True)
    config = Config()
    config.TrustedVerdicts.course_root = str(course)
    config.ConfinedExecute.judged_elsewhere = True
    return nb, {"metadata": {"path": str(work)}}, config


def judged(nb) -> list:
    return [
        [(o.output_type, o.get("evalue"), o.get("text")) for o in c.outputs]
        for c in nb.cells
        if notebooks.is_test_cell(c)
    ]


@pytest.mark.parametrize("answer", [None, WRONG], ids=["right", "wrong"])
def test_started_before_the_kernel_they_equal_the_verdicts_judged_after_it(
    tmp_path, monkeypatch, answer
):
    made = []  # the thread each verdict worker was started from
    real = verdicts.Worker

    def recorded(**kwargs):
        made.append(threading.current_thread().name)
        return real(**kwargs)

    monkeypatch.setattr(verdicts, "Worker", recorded)
    after, resources, config = course_and_notebook(tmp_path / "after", answer)
    ConfinedExecute(config=config).preprocess(after, resources)
    TrustedVerdicts(config=config).preprocess(after, resources)
    assert made == ["MainThread"]

    made.clear()
    before, resources, config = course_and_notebook(tmp_path / "before", answer)
    StartVerdicts(config=config).preprocess(before, resources)
    assert resources[PENDING] is not None
    ConfinedExecute(config=config).preprocess(before, resources)
    TrustedVerdicts(config=config).preprocess(before, resources)
    assert made == ["verdicts"], "judged once, on its own thread, not again after the kernel"
    assert PENDING not in resources

    assert judged(before) == judged(after)
    kinds = {kind for cell in judged(before) for kind, _, _ in cell}
    assert kinds == ({"stream"} if answer is None else {"error"})


def test_a_fault_of_the_grader_reaches_the_step_that_waits(tmp_path, monkeypatch):
    def unavailable(exercise, check, worker, cells):
        raise CannotGradeError("the grader's database is down")

    monkeypatch.setattr(verdicts, "judge", unavailable)
    nb, resources, config = course_and_notebook(tmp_path, None)
    StartVerdicts(config=config).preprocess(nb, resources)
    with pytest.raises(CannotGradeError, match="database is down"):
        TrustedVerdicts(config=config).preprocess(nb, resources)


def test_a_notebook_without_checks_starts_nothing(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    resources = {"metadata": {"path": str(tmp_path)}}
    StartVerdicts().preprocess(nb, resources)
    assert PENDING not in resources
    TrustedVerdicts().preprocess(nb, resources)
    assert nb.cells[0].outputs == []
