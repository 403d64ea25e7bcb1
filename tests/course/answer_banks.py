"""Every week's answer bank, read the one way every runner uses.

An answer cell can define several functions (week 2's ``logistic_regression`` holds
``sigmoid``, ``fit_logistic_regression`` and ``predict_proba``); each has its own check, an
exercise whose id begins with the cell's id.
"""

from __future__ import annotations

import contextlib
import re
from functools import cache

from autograder import cohort, notebooks, registry
from tests.keys import COURSE

HEADER = re.compile(r"^\s*(?:#|--)\s*(pass|expect):\s*(\S.*?)\s*$")
QUERY_LINE = re.compile(r'^\w+ = """$')  # a .sql bank file, wrapped as its query variable


def weeks() -> list[str]:
    return registry.assignment_ids(COURSE)


@cache
def bank(week: str) -> dict[str, dict[str, str]]:
    return cohort.answer_bank(COURSE, week)


@cache
def answer_cells(week: str) -> tuple[str, ...]:
    """Ids of the week's answer cells graded by tests (code cells), in notebook order."""
    return tuple(
        cell_id
        for path in registry.load(COURSE, week).notebooks
        for cell_id, cell in cohort.answer_cells(notebooks.read(path)).items()
        if cell.cell_type == "code"
    )


def checks_of(week: str, cell_id: str) -> list:
    """The exercises that judge one answer cell, in the order the key declares them."""
    cells = list(answer_cells(week))
    return [
        e
        for e in registry.load(COURSE, week).exercises
        if notebooks.exercise_of(e.id, cells) == cell_id
    ]


def header(source: str) -> tuple[str, str]:
    """(``pass`` or ``expect``, text) from the first line of a bank file."""
    lines = source.splitlines()
    if lines and QUERY_LINE.match(lines[0]):
        lines = lines[1:]
    found = HEADER.match(lines[0]) if lines else None
    assert found, f"the first line must be '# pass: ...' or '# expect: ...', not {lines[:1]}"
    return found.group(1), found.group(2)


def cases() -> list[tuple[str, str, str]]:
    """(week, answer cell, bank file name) for every auto-graded bank answer."""
    return [
        (week, cell_id, name)
        for week in weeks()
        for cell_id in answer_cells(week)
        for name in bank(week).get(cell_id, {})
    ]


@cache
def _setup(week: str, cell_id: str) -> tuple[tuple[str, ...], str]:
    """The setup code cells before the notebook's first answer cell, and its folder."""
    for path in registry.load(COURSE, week).notebooks:
        nb = notebooks.read(path)
        if cell_id not in cohort.answer_cells(nb):
            continue
        setup = []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") or notebooks.is_test_cell(cell):
                break
            if cell.cell_type == "code" and meta.get("locked"):
                setup.append(cell.source)
        return tuple(setup), str(path.parent)
    raise AssertionError(f"no notebook of {week} has the answer cell {cell_id}")


def setup_namespace(week: str, cell_id: str) -> dict:
    """What the learner's kernel holds when the answer cell runs: its notebook's setup cells,
    run in the notebook's folder (a model answer may lean on the setup's helpers)."""
    sources, folder = _setup(week, cell_id)
    namespace = {"__name__": "__main__"}
    with contextlib.chdir(folder):
        for source in sources:
            exec(compile(source, f"<setup of {week}>", "exec"), namespace)
    return namespace
