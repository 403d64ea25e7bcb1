"""FunctionAnswer.call_methods in the learner's own process (LocalFunction)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autograder.exercises.answer import LocalFunction, call_methods_on_copies
from autograder.judges.calls import BannedCall


class Counter:
    def __init__(self, start):
        self.total = start

    def add(self, values):
        self.total += sum(values)
        values.append(0)  # mutates its argument
        return self

    def warn(self):
        warnings.warn("careful", UserWarning, stacklevel=1)
        return self

    def result(self):
        return self.total


def test_steps_are_called_in_turn_and_only_the_last_result_comes_back():
    answer = LocalFunction(Counter, "Counter")
    outcome = answer.call_methods((1,), [("add", ([2, 3],)), ("result", ())], banned=())
    assert outcome.error is None and outcome.result == 6


def test_mutated_arguments_are_numbered_across_the_call_and_its_steps():
    outcome = call_methods_on_copies(Counter, (1,), [("add", ([2, 3],)), ("result", ())])
    assert outcome.mutated == [1]  # 0 is the call's argument, 1 the first step's


def test_the_callers_arguments_are_never_touched():
    values = [2, 3]
    call_methods_on_copies(Counter, (1,), [("add", (values,))])
    assert values == [2, 3]


def test_every_warning_is_kept_with_its_category():
    outcome = call_methods_on_copies(Counter, (0,), [("warn", ()), ("result", ())])
    assert outcome.warnings == ["UserWarning: careful"]


def test_the_first_error_stops_the_chain():
    outcome = call_methods_on_copies(Counter, (0,), [("missing", ()), ("result", ())])
    assert isinstance(outcome.error, AttributeError) and outcome.result is None


def test_a_banned_function_fails_the_check():
    def build():
        return np

    with pytest.raises(BannedCall):
        call_methods_on_copies(build, (), [("var", ([1.0, 2.0],))], banned=("numpy:var",))
