"""Every sentence of a prompt is a check: each rule it states is guarded, or it is not stated.

Each auto-graded exercise records the rules its prompt states (``prompt_rules=`` in the
week's key). For every rule: the prompt's words are in the exercise's prompt (its notebook
section or the notebook's introduction), the named ``fail_`` answer is in the answer bank,
and that answer fails the exercise's hidden check with a message naming the rule's hidden
case. A rule nobody guards fails here; a rule the course will not grade leaves the prompt.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from autograder import cohort, notebooks, registry
from autograder.judges import CheckFailed
from tests.course import answer_banks as banks
from tests.keys import COURSE

EXERCISES = [
    (week, cell_id, exercise.id)
    for week in banks.weeks()
    for cell_id in banks.answer_cells(week)
    for exercise in banks.checks_of(week, cell_id)
]
RULES = [
    (week, cell_id, exercise.id, index)
    for week in banks.weeks()
    for cell_id in banks.answer_cells(week)
    for exercise in banks.checks_of(week, cell_id)
    for index in range(len(exercise.prompt_rules))
]


def _exercise(week: str, exercise_id: str):
    return next(e for e in registry.load(COURSE, week).exercises if e.id == exercise_id)


def plain(text: str) -> str:
    """Text as read: markdown emphasis and code marks dropped, whitespace collapsed."""
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split()).lower()


@cache
def prompt_of(week: str, cell_id: str) -> str:
    """The exercise's prompt: its notebook section (the markdown since the previous answer or
    test cell), its answer cell as released, and the notebook's introduction."""
    for path in registry.load(COURSE, week).notebooks:
        nb = notebooks.read(path)
        if cell_id not in cohort.answer_cells(nb):
            continue
        section: list[str] = []
        for cell in nb.cells:
            meta = notebooks.nbgrader_meta(cell)
            if notebooks.grade_id(cell) == cell_id and meta.get("solution"):
                section.append(cell.source)
                break
            if meta.get("solution") or notebooks.is_test_cell(cell):
                section = []
            elif cell.cell_type == "markdown":
                section.append(cell.source)
        intro = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
        return plain("\n".join([intro, *section]))
    raise AssertionError(f"no notebook of {week} has the answer cell {cell_id}")


def hidden_failure(week: str, cell_id: str, exercise, bank_name: str) -> str | None:
    """The message the bank answer's hidden check fails with (None when it passes)."""
    namespace = banks.setup_namespace(week, cell_id)
    source = banks.bank(week)[cell_id][bank_name]
    exec(compile(source, f"<answer bank {week}/{cell_id}/{bank_name}>", "exec"), namespace)
    assert exercise.answer_name in namespace, f"{bank_name} does not define the answer"
    try:
        exercise.check_hidden(namespace[exercise.answer_name])
    except CheckFailed as failure:
        return str(failure)
    return None


@pytest.mark.parametrize(
    ("week", "cell_id", "exercise_id"), EXERCISES, ids=[f"{w}-{e}" for w, _, e in EXERCISES]
)
def test_every_auto_graded_exercise_records_its_prompt_rules(week, cell_id, exercise_id):
    exercise = _exercise(week, exercise_id)
    assert exercise.prompt_rules, (
        f"{week} {exercise_id} records no prompt_rules: list every rule its prompt states, "
        "with the hidden case that enforces it and the fail_ answer that breaks it"
    )
    words = [rule.words for rule in exercise.prompt_rules]
    assert len(set(words)) == len(words), f"{exercise_id} states a rule twice"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflow in a wrong answer, on purpose
@pytest.mark.parametrize(
    ("week", "cell_id", "exercise_id", "index"),
    RULES,
    ids=[f"{w}-{e}-{i}" for w, _, e, i in RULES],
)
def test_prompt_rule_is_stated_enforced_and_broken_by_its_bank_answer(
    week, cell_id, exercise_id, index
):
    exercise = _exercise(week, exercise_id)
    rule = exercise.prompt_rules[index]
    assert plain(rule.words) in prompt_of(week, cell_id), (
        f"{exercise_id}: the rule {rule.words!r} is not in its prompt (quote the prompt's words)"
    )
    assert rule.bank in banks.bank(week).get(cell_id, {}), (
        f"{exercise_id}: no bank answer {rule.bank} in tests/fixtures/answers/{week}/{cell_id}/"
    )
    message = hidden_failure(week, cell_id, exercise, rule.bank)
    assert message is not None, (
        f"{rule.bank} passes {exercise_id}'s hidden check, so nothing enforces {rule.words!r}"
    )
    assert rule.case.lower() in message.lower(), (
        f"{rule.bank} should fail on {rule.case!r} (the case enforcing {rule.words!r}); "
        f"it failed with: {message}"
    )
