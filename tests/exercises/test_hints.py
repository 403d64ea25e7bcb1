"""Hints, for every auto-graded exercise of every week: at least two, none gives the answer."""

from __future__ import annotations

import pytest

from autograder import cohort, notebooks, registry
from tests.keys import COURSE

ROOT = COURSE.root
WEEKS = registry.assignment_ids(COURSE)
EXERCISES = [
    (week, exercise) for week in WEEKS for exercise in registry.load(COURSE, week).exercises
]


def solution_lines(week: str, exercise_id: str) -> list[str]:
    """The model answer's substantial lines for the answer cell an exercise checks."""
    answers = {}
    for path in (ROOT / "source" / week).glob("*.ipynb"):
        answers.update(cohort.solutions(notebooks.read(path)))
    answer = notebooks.exercise_of(exercise_id, list(answers))
    lines = [line.strip() for line in answers.get(answer, "").splitlines()]
    return [line for line in lines if len(line) >= 10 and not line.startswith(("#", '"""', "def "))]


@pytest.mark.parametrize(("week", "exercise"), EXERCISES, ids=lambda x: getattr(x, "id", x))
def test_hints_lead_without_giving_the_answer(week, exercise):
    """A hint may name a technique or a clause, not hand over most of the model answer."""
    assert len(exercise.hints) >= 2, f"{exercise.id} needs progressive hints"
    lines = solution_lines(week, exercise.id)
    assert lines, f"no model answer found for {exercise.id}"
    quoted = [line for line in lines if any(line in hint for hint in exercise.hints)]
    assert len(quoted) <= len(lines) // 3, f"hints of {exercise.id} quote the answer: {quoted}"


@pytest.mark.parametrize("week", WEEKS)
def test_released_notebooks_tell_learners_how_to_ask_for_hints(week):
    for path in (ROOT / "release" / week).glob("*.ipynb"):
        text = "".join(c.source for c in notebooks.read(path).cells if c.cell_type == "markdown")
        assert "hint()" in text, f"{path.name} never mentions hint()"
