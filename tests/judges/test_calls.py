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


NORMAL = (
    "scipy.stats:norm.ppf",
    "scipy.stats:norm.cdf",
    "scipy.special:ndtri",
    "scipy.special:ndtr",
)
CHI2 = ("scipy.stats:chi2.sf", "scipy.special:chdtrc", "scipy.special:gammaincc")


@pytest.mark.parametrize(
    ("call", "banned", "shown"),
    [
        (lambda st: st.norm.ppf(0.9), NORMAL, "scipy.stats.norm.ppf()"),
        (lambda st: st.norm(0, 1).ppf(0.9), NORMAL, "scipy.stats.norm(...).ppf()"),
        (lambda st: st.norm(loc=0).cdf(1.0), NORMAL, "scipy.stats.norm(...).cdf()"),
        (lambda st: st.chi2.sf(3.0, 2), CHI2, "scipy.stats.chi2.sf()"),
        (lambda st: st.chi2(2).sf(3.0), CHI2, "scipy.stats.chi2(...).sf()"),
        (
            lambda st: st.gamma(1.0, scale=2.0).sf(3.0),
            CHI2,
            "scipy.stats.gamma(...).sf() (it calls scipy.special.gammaincc())",
        ),
        (
            lambda st: st.norm.interval(0.9),
            NORMAL,
            "scipy.stats.norm.interval() (it calls scipy.stats.norm.ppf())",
        ),
    ],
    ids=[
        "norm.ppf",
        "frozen-norm.ppf",
        "frozen-norm.cdf",
        "chi2.sf",
        "frozen-chi2",
        "gamma",
        "interval",
    ],
)
def test_a_banned_call_through_scipy_names_what_the_learner_called(call, banned, shown):
    import scipy.stats as st

    with forbid(banned), pytest.raises(BannedCall) as failure:
        call(st)
    assert str(failure.value) == f"this exercise asks you not to use {shown}; compute it yourself"
    assert "ndtri" not in shown and "chdtrc" not in shown


def test_frozen_distributions_are_restored_after_the_call():
    import scipy.stats as st

    with forbid(NORMAL):
        pass
    assert "ppf" not in vars(st.norm) and "ppf" not in vars(type(st.norm))
    assert st.norm(0, 1).ppf(0.5) == 0.0
