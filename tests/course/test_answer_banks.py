"""Every week's answer bank, judged in-process (no nbgrader), so it runs in seconds.

Every ``pass_*`` answer must pass all the checks of its answer cell, visible and hidden;
every ``fail_*`` answer must fail at least one, and the first failure must say what the
file's first line promises (``# expect: <fragment>`` or ``-- expect: <fragment>``). The
slow pipeline test grades the same banks through real nbgrader. Adding a week needs no code
here: its bank folder is found from the course.
"""

from __future__ import annotations

import pytest

from autograder import cohort, registry
from autograder.judges import CheckFailed
from tests.course import answer_banks as banks
from tests.course.bank_rules import assert_judged_as_named
from tests.keys import COURSE

CASES = banks.cases()
CELLS = [(week, cell) for week in banks.weeks() for cell in banks.answer_cells(week)]


def failures(week: str, cell_id: str, namespace: dict) -> list[str]:
    """Messages of the checks that fail, visible before hidden; empty when all pass."""
    found = []
    for exercise in banks.checks_of(week, cell_id):
        name = exercise.answer_name
        assert name in namespace, f"the answer does not define {name}"
        for check in (exercise.check, exercise.check_hidden):
            try:
                check(namespace[name])
            except CheckFailed as failure:
                found.append(str(failure))
    return found


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflow in a wrong answer, on purpose
@pytest.mark.parametrize(
    ("week", "cell_id", "name"), CASES, ids=[f"{w}-{c}-{n}" for w, c, n in CASES]
)
def test_bank_answer_is_judged_as_named(week, cell_id, name, request):
    source = banks.bank(week)[cell_id][name]
    if "dialect: postgresql" in source:
        request.getfixturevalue("postgres_server")  # one server for the run, started once
    kind, text = banks.header(source)
    namespace = banks.setup_namespace(week, cell_id)
    exec(compile(source, f"<answer bank {week}/{cell_id}/{name}>", "exec"), namespace)
    assert_judged_as_named(name, kind, text, failures(week, cell_id, namespace))


@pytest.mark.parametrize("week", banks.weeks())
def test_every_bank_folder_is_an_answer_cell(week):
    """A misspelt folder would silently drop its answers from every check."""
    for folder in sorted((COURSE.root / cohort.ANSWER_BANK / week).glob("*")):
        if folder.is_dir() and folder.name not in banks.answer_cells(week):
            # only answers graded by hand may have a folder: markdown answers, nothing else
            assert all(path.suffix == ".md" for path in folder.iterdir()), folder.name


@pytest.mark.parametrize(("week", "cell_id"), CELLS, ids=[f"{w}-{c}" for w, c in CELLS])
def test_every_answer_cell_has_checks_and_enough_bank_answers(week, cell_id):
    assert banks.checks_of(week, cell_id), f"{cell_id} has no exercise in source/{week}/key.py"
    names = banks.bank(week).get(cell_id, {})
    assert sum(n.startswith("pass_") for n in names) >= 2, cell_id
    assert sum(n.startswith("fail_") for n in names) >= 3, cell_id


@pytest.mark.parametrize("week", banks.weeks())
def test_every_exercise_belongs_to_an_answer_cell(week):
    cells = banks.answer_cells(week)
    for exercise in registry.load(COURSE, week).exercises:
        assert any(exercise.id == c or exercise.id.startswith(c + "_") for c in cells), exercise.id
