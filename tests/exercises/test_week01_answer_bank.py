"""The week-1 answer bank, judged in-process (no nbgrader), so it runs in seconds.

Every ``pass_*`` answer must pass the visible and the hidden checks; every ``fail_*`` answer
must fail one of them, and the first failure must say what the file's first line promises
(``# expect: <fragment>`` or ``-- expect: <fragment>``). The slow pipeline test grades the
same bank through real nbgrader.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder import cohort
from autograder.exercises import week01
from autograder.judges import CheckFailed
from tests.exercises.bank_rules import assert_judged_as_named

ROOT = Path(__file__).resolve().parents[2]
WEEK = "week01"
BANK = cohort.answer_bank(ROOT, WEEK)
EXERCISE_IDS = [exercise.id for exercise in week01.EXERCISES]
CASES = [
    (exercise, name)
    for exercise, answers in BANK.items()
    if exercise in EXERCISE_IDS
    for name in answers
]
HEADER = re.compile(r"^\s*(?:#|--)\s*(pass|expect):\s*(\S.*?)\s*$")


def answer_name(exercise) -> str:
    """The name the answer cell defines: the query variable, or the function."""
    return getattr(exercise, "variable", None) or exercise.name


def header(exercise, source: str) -> tuple[str, str]:
    """(``pass`` or ``expect``, text) from the first line of the bank file."""
    lines = source.splitlines()
    if hasattr(exercise, "variable"):  # a .sql file: line 1 is VARIABLE = """
        lines = lines[1:]
    found = HEADER.match(lines[0]) if lines else None
    assert found, f"the first line must be '# pass: ...' or '# expect: ...', not {lines[:1]}"
    return found.group(1), found.group(2)


def load_answer(exercise_id: str, name: str):
    """Run the answer cell in a fresh namespace, as its notebook would, and return the answer."""
    exercise = getattr(week01, exercise_id)
    source = BANK[exercise_id][name]
    filename = f"<answer bank {WEEK}/{exercise_id}/{name}>"
    namespace = {"__name__": "__main__"}
    exec(compile(source, filename, "exec"), namespace)
    assert answer_name(exercise) in namespace, f"{name} does not define {answer_name(exercise)}"
    return exercise, source, namespace[answer_name(exercise)]


def failures(exercise, answer) -> list[str]:
    """Messages of the checks that fail, visible first; empty when both pass."""
    found = []
    for check in (exercise.check, exercise.check_hidden):
        try:
            check(answer)
        except CheckFailed as failure:
            found.append(str(failure))
    return found


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # e.g. 0 / 0 in a wrong numpy answer
@pytest.mark.parametrize(("exercise_id", "name"), CASES, ids=[f"{e}-{n}" for e, n in CASES])
def test_bank_answer_is_judged_as_named(exercise_id, name):
    exercise, source, answer = load_answer(exercise_id, name)
    kind, text = header(exercise, source)
    problems = failures(exercise, answer)
    assert_judged_as_named(name, kind, text, problems)


def test_every_bank_folder_is_a_week01_exercise():
    """A misspelt folder would silently drop its answers from every check."""
    for folder in sorted((ROOT / cohort.ANSWER_BANK / WEEK).iterdir()):
        if folder.is_dir() and folder.name not in EXERCISE_IDS:
            # only exercises graded by hand may have a folder: markdown answers, nothing else
            assert all(path.suffix == ".md" for path in folder.iterdir()), folder.name


@pytest.mark.parametrize("exercise", week01.EXERCISES, ids=EXERCISE_IDS)
def test_every_exercise_has_enough_bank_answers(exercise):
    names = BANK.get(exercise.id, {})
    assert sum(n.startswith("pass_") for n in names) >= 2, exercise.id
    assert sum(n.startswith("fail_") for n in names) >= 3, exercise.id
