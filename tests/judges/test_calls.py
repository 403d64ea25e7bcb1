"""Calling learner functions: copies, mutation detection and banned helpers."""

import statistics

import numpy as np
import pytest

from autograder.judges.calls import BannedCall, banned_references, call_on_copies, forbid


def test_mutation_of_an_argument_is_detected():
    def pops(values):
        values.pop()
        return len(values)

    outcome = call_on_copies(pops, ([1, 2, 3],))
    assert outcome.mutated == [0] and outcome.result == 2


def test_caller_data_is_never_touched():
    data = [3, 1, 2]

    def sorts_in_place(values):
        values.sort()
        return values

    call_on_copies(sorts_in_place, (data,))
    assert data == [3, 1, 2]


def test_array_mutation_is_detected():
    def centre(matrix):
        matrix -= matrix.mean()
        return matrix

    assert call_on_copies(centre, (np.array([1.0, 2.0, 3.0]),)).mutated == [0]


def test_errors_are_captured_not_raised():
    outcome = call_on_copies(lambda: 1 / 0, ())
    assert isinstance(outcome.error, ZeroDivisionError)


def test_forbid_blocks_module_functions_and_restores_them():
    with forbid(("statistics:variance",)), pytest.raises(BannedCall, match="statistics.variance"):
        statistics.variance([1, 2, 3])
    assert statistics.variance([1, 2, 3]) == 1


def test_banned_function_reached_through_an_imported_name():
    from statistics import variance as var_alias

    def uses_alias(values):
        return var_alias(values)

    def honest(values):
        return sum(values)

    assert banned_references(uses_alias, ("statistics:variance",)) == "statistics.variance"
    assert banned_references(honest, ("statistics:variance",)) is None
