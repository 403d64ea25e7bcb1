"""Build learner submissions: fill a release notebook's answer cells with given answers.

Used by ``autograder demo`` and by the tests that grade alternative and wrong answers.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder import notebooks, registry
from autograder.course import Course

ANSWER_BANK = Path("tests") / "fixtures" / "answers"  # under the course root
_SOLUTION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
_MARK_SCHEME = re.compile(r"### BEGIN MARK SCHEME.*?### END MARK SCHEME\n?", re.S)


def answer_cells(nb: NotebookNode) -> dict[str, NotebookNode]:
    """Answer cells (nbgrader solution cells) by exercise id."""
    return {
        notebooks.grade_id(cell): cell
        for cell in nb.cells
        if notebooks.nbgrader_meta(cell).get("solution")
    }


def solutions(source_nb: NotebookNode) -> dict[str, str]:
    """The instructor's answer for each exercise, as a learner would have typed it."""
    found = {}
    for exercise, cell in answer_cells(source_nb).items():
        text = _MARK_SCHEME.sub("", cell.source)
        found[exercise] = _SOLUTION.sub("", text).strip("\n")
    return found


def fill(release_nb: NotebookNode, answers: dict[str, str]) -> NotebookNode:
    """A copy of ``release_nb`` with the named answer cells replaced; others left as released."""
    nb = nbformat.from_dict(release_nb)
    for exercise, cell in answer_cells(nb).items():
        if exercise in answers:
            cell.source = answers[exercise]
    return nb


def answer_source(assignment: registry.Assignment, exercise_id: str, path: Path) -> str:
    """The answer cell text for a bank file: ``.sql`` files become the exercise's query variable."""
    text = path.read_text(encoding="utf-8").strip("\n")
    if path.suffix == ".sql":
        variable = assignment.exercise(exercise_id).answer_name
        return f'{variable} = """\n{text}\n"""'
    return text


def answer_bank(course: Course, week: str) -> dict[str, dict[str, str]]:
    """``{exercise_id: {answer_name: cell_source}}`` from the course's bank of answers.

    Files are named ``pass_*`` (must score full marks) or ``fail_*`` (must lose points).
    """
    bank = {}
    folders = sorted((course.root / ANSWER_BANK / week).glob("*"))
    assignment = registry.load(course, week) if folders else None
    for folder in folders:
        if folder.is_dir():
            bank[folder.name] = {
                path.stem: answer_source(assignment, folder.name, path)
                for path in sorted(folder.iterdir())
                if path.suffix in (".py", ".sql", ".md")
            }
    return bank
