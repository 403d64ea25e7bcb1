"""Source notebooks follow the course conventions the graders and learners rely on."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from autograder import notebooks, registry
from autograder.notebooks import normalize_files
from tests.keys import COURSE

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "source").glob("week*/*.ipynb"))
LEARNER_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
POINTS_IN_PROMPT = re.compile(r"`(\w+)`\s*\((\d+) points?")


def ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


def test_there_are_source_notebooks():
    assert SOURCES, "no notebooks in source/"


@pytest.mark.parametrize("path", SOURCES + LEARNER_NOTEBOOKS, ids=ids(SOURCES + LEARNER_NOTEBOOKS))
def test_committed_notebooks_are_normalised(path):
    assert normalize_files([path], check=True) == [], "run `autograder normalize`"


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_grade_cells_follow_the_exercise_conventions(path):
    nb = notebooks.read(path)
    week = registry.load(COURSE, path.parent.name)
    answers = [c for c in nb.cells if notebooks.nbgrader_meta(c).get("solution")]
    tests = [
        c
        for c in nb.cells
        if notebooks.nbgrader_meta(c).get("grade")
        and not notebooks.nbgrader_meta(c).get("solution")
    ]
    answer_ids = [notebooks.grade_id(c) for c in answers]
    assert answer_ids and all(SNAKE.match(i) for i in answer_ids)
    points: dict[str, float] = {}
    for cell in tests:
        name = notebooks.grade_id(cell)
        owner = max((a for a in answer_ids if name.startswith(a + "_")), key=len, default=None)
        assert owner, f"test cell {name} does not begin with an exercise id"
        docstring = ast.get_docstring(ast.parse(cell.source))
        assert docstring and "\n" not in docstring, f"{name} must open with a one-line docstring"
        points[owner] = points.get(owner, 0) + notebooks.nbgrader_meta(cell)["points"]
    for cell in answers:
        exercise = notebooks.grade_id(cell)
        if cell.cell_type == "code":
            checked = [
                e for e in week.exercises if notebooks.exercise_of(e.id, answer_ids) == exercise
            ]
            assert checked, f"{exercise} has no checks in source/{week.id}/key.py"
            hidden = [
                t
                for t in tests
                if notebooks.grade_id(t).startswith(exercise + "_")
                and "BEGIN HIDDEN TESTS" in t.source
            ]
            assert hidden, f"{exercise} has no hidden tests"
        else:
            assert "BEGIN MARK SCHEME" in cell.source, (
                f"{exercise} (graded by hand) needs a mark scheme"
            )
            points[exercise] = notebooks.nbgrader_meta(cell)["points"]
    prompted = {
        name: int(n) for name, n in POINTS_IN_PROMPT.findall("\n".join(c.source for c in nb.cells))
    }
    assert prompted == points, "points stated in the prompts must equal the points in metadata"


def test_readme_course_map_is_current():
    from autograder.coursemap import course_map, render_readme

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render_readme(text, course_map(COURSE)) == text, "run `python -m autograder.coursemap`"
