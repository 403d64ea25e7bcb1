"""The week-2 answer bank, judged in-process (no nbgrader), so it runs in seconds.

An answer cell can define several functions (``logistic_regression`` holds ``sigmoid``,
``fit_logistic_regression`` and ``predict_proba``); each has its own check, an exercise
object whose id begins with the cell's id. Every ``pass_*`` answer must pass all of them,
visible and hidden; every ``fail_*`` answer must fail at least one, and the first failure
must say what the file's first line promises (``# expect: <fragment>``). The slow pipeline
test grades the same bank through real nbgrader.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder import cohort, notebooks
from autograder.exercises import week02
from autograder.judges import CheckFailed
from tests.exercises.bank_rules import assert_judged_as_named

ROOT = Path(__file__).resolve().parents[2]
WEEK = "week02"
BANK = cohort.answer_bank(ROOT, WEEK)
ANSWER_CELLS = [
    cell_id
    for path in sorted((ROOT / "source" / WEEK).glob("*.ipynb"))
    for cell_id, cell in cohort.answer_cells(notebooks.read(path)).items()
    if cell.cell_type == "code"
]
CASES = [(exercise, name) for exercise, answers in BANK.items() for name in answers]
HEADER = re.compile(r"^\s*#\s*(pass|expect):\s*(\S.*?)\s*$")


def checks_of(cell_id: str) -> list:
    """The exercise objects that judge one answer cell, in the order they are declared."""
    return [e for e in week02.EXERCISES if notebooks.exercise_of(e.id, ANSWER_CELLS) == cell_id]


def failures(cell_id: str, namespace: dict) -> list[str]:
    found = []
    for exercise in checks_of(cell_id):
        assert exercise.name in namespace, f"the answer does not define {exercise.name}"
        for check in (exercise.check, exercise.check_hidden):
            try:
                check(namespace[exercise.name])
            except CheckFailed as failure:
                found.append(str(failure))
    return found


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflow in a wrong answer, on purpose
@pytest.mark.parametrize(("cell_id", "name"), CASES, ids=[f"{e}-{n}" for e, n in CASES])
def test_bank_answer_is_judged_as_named(cell_id, name):
    source = BANK[cell_id][name]
    found = HEADER.match(source.splitlines()[0])
    assert found, "the first line must be '# pass: ...' or '# expect: ...'"
    kind, text = found.groups()
    namespace = {"__name__": "__main__"}
    exec(compile(source, f"<answer bank {WEEK}/{cell_id}/{name}>", "exec"), namespace)
    problems = failures(cell_id, namespace)
    assert_judged_as_named(name, kind, text, problems)


def test_every_bank_folder_is_a_week02_answer_cell():
    """A misspelt folder would silently drop its answers from every check."""
    assert set(BANK) <= set(ANSWER_CELLS)


@pytest.mark.parametrize("cell_id", ANSWER_CELLS)
def test_every_answer_cell_has_checks_and_enough_bank_answers(cell_id):
    assert checks_of(cell_id), f"{cell_id} has no exercise object in week02"
    names = BANK.get(cell_id, {})
    assert sum(n.startswith("pass_") for n in names) >= 2, cell_id
    assert sum(n.startswith("fail_") for n in names) >= 3, cell_id


def test_every_exercise_object_belongs_to_an_answer_cell():
    assert all(
        any(e.id == c or e.id.startswith(c + "_") for c in ANSWER_CELLS) for e in week02.EXERCISES
    )
