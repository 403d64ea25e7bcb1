"""Companion probes: one hidden check calls several functions of the same answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.exercises.base import CompileError
from autograder.exercises.companions import CompanionExercise, CompanionProbe, companion_answer
from autograder.exercises.function import Case
from autograder.exercises.numeric import NumericExercise, Probe
from autograder.judges import CheckFailed


def _pipeline(calls):
    """Keys from one function, pair verdicts from the other: the grader counts the pairs."""
    items = [3, 13, 7, 17, 5]
    blocks = {}
    for item in items:
        blocks.setdefault(calls["key_of"](item), []).append(item)
    pairs = [(a, b) for m in blocks.values() for i, a in enumerate(m) for b in m[i + 1 :]]
    if len(pairs) > 3:
        return f"compared {len(pairs)} pairs; the budget is 3"
    matched = [p for p in pairs if calls["same"](*p)]
    return None if matched == [(3, 13), (7, 17)] else f"matched {matched}"


def exercise(hidden=None):
    return CompanionExercise(
        "demo",
        name="same",
        companions=("key_of",),
        reference=lambda a, b: a % 10 == b % 10,
        visible=(Case((3, 13)), Case((3, 4))),
        hidden=hidden or (CompanionProbe("a small pipeline", _pipeline),),
    )


def answers(source: str) -> dict:
    namespace = {"__name__": "__main__"}
    exec(source, namespace)
    return namespace


GOOD = "def key_of(x):\n    return x % 10\n\ndef same(a, b):\n    return a % 10 == b % 10\n"
ONE_BLOCK = "def key_of(x):\n    return 0\n\ndef same(a, b):\n    return a % 10 == b % 10\n"
NO_KEYS = "def same(a, b):\n    return a % 10 == b % 10\n"
RAISES = "def key_of(x):\n    raise KeyError('x')\n\ndef same(a, b):\n    return a % 10 == b % 10\n"


def test_a_companion_probe_calls_both_functions():
    exercise().check_hidden(answers(GOOD)["same"])


def test_the_probe_judges_what_the_companion_returns():
    with pytest.raises(CheckFailed, match="compared 10 pairs; the budget is 3"):
        exercise().check_hidden(answers(ONE_BLOCK)["same"])


def test_a_missing_companion_is_named():
    with pytest.raises(CheckFailed, match="key_of is not defined"):
        exercise().check_hidden(answers(NO_KEYS)["same"])


def test_a_companion_that_raises_is_named_with_the_hidden_label():
    with pytest.raises(
        CheckFailed, match=r"key_of raised KeyError.*hidden case 1 \(a small pipeline\)"
    ):
        exercise().check_hidden(answers(RAISES)["same"])


def test_companion_answer_finds_functions_beside_a_local_answer():
    from autograder.exercises.answer import LocalFunction

    namespace = answers(GOOD)
    found = companion_answer(LocalFunction(namespace["same"], "same"), "key_of")
    assert found is not None and found.name == "key_of"
    assert companion_answer(LocalFunction(namespace["same"], "same"), "missing") is None


def test_learner_side_it_is_the_numeric_exercise_of_its_visible_cases():
    data = exercise().learner_data()
    assert data["type"] == "NumericExercise"
    learner = NumericExercise.from_learner_data(data)
    learner.check(answers(GOOD)["same"])
    with pytest.raises(CheckFailed):
        learner.check(lambda a, b: True)


def test_a_companion_probe_cannot_be_a_visible_check():
    bad = CompanionExercise(
        "demo",
        name="same",
        companions=("key_of",),
        reference=lambda a, b: True,
        visible=(CompanionProbe("code", _pipeline),),
        hidden=(),
    )
    with pytest.raises(CompileError):
        bad.learner_data()
    plain = Probe("code", lambda call: None)
    with pytest.raises(CompileError):
        CompanionExercise(
            "demo", name="same", companions=(), reference=None, visible=(plain,), hidden=()
        ).learner_data()


def test_companions_reach_a_confined_worker(tmp_path: Path):
    from autograder.grading.confine import Limits
    from autograder.grading.remote import Worker, answer

    root = Path(__file__).resolve().parents[2]
    with Worker(cwd=tmp_path, roots=[root], limits=Limits(), timeout=60, step_timeout=30) as worker:
        worker.request("run", cells=[GOOD])
        exercise().check_hidden(answer(worker, [GOOD], "same"))
    with Worker(cwd=tmp_path, roots=[root], limits=Limits(), timeout=60, step_timeout=30) as worker:
        worker.request("run", cells=[NO_KEYS])
        with pytest.raises(CheckFailed, match="key_of is not defined"):
            exercise().check_hidden(answer(worker, [NO_KEYS], "same"))
