"""Week-2 rules the answer bank does not cover on its own.

Grading calls a learner's function through a stand-in that lives in the judge's process while
the function runs in a confined worker; only plain values cross. The stand-in here does the
same round trip through the grading codec, so these tests prove the week-2 checks never call
an answer directly and judge only what can cross.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograder import cohort
from autograder.exercises.answer import FunctionAnswer
from autograder.grading import codec
from autograder.judges import CheckFailed, calls
from autograder.judges.counting import counted_call
from tests.course import answer_banks
from tests.keys import COURSE, key

week02 = key("week02")
ROOT = COURSE.root
ANSWER_CELLS = answer_banks.answer_cells("week02")
BANK = answer_banks.bank("week02")


def checks_of(cell_id):
    return answer_banks.checks_of("week02", cell_id)


class StandIn(FunctionAnswer):
    """Like the grading stand-in: reached only through the answer interface, values re-encoded."""

    def __init__(self, func):
        self._func = func
        self.name = func.__name__

    def call(self, args, *, banned):
        plain = codec.decode(codec.encode(tuple(args)))
        outcome = calls.call_on_copies(self._func, plain, banned=banned)
        outcome.result = codec.decode(codec.encode(outcome.result))
        return outcome

    def counted(self, args, *, banned):
        return counted_call(self._func, args, banned=banned)

    def banned_reference(self, banned):
        return calls.banned_references(self._func, banned)

    def names(self):
        return calls.code_names(self._func)


def load(cell_id: str, name: str) -> dict:
    namespace = {"__name__": "__main__"}
    exec(compile(BANK[cell_id][name], f"<{cell_id}/{name}>", "exec"), namespace)
    return namespace


def verdicts(cell_id: str, namespace: dict) -> list[str]:
    found = []
    for exercise in checks_of(cell_id):
        for hidden in (False, True):
            try:
                exercise.judge(StandIn(namespace[exercise.name]), hidden=hidden)
            except CheckFailed as failure:
                found.append(str(failure))
    return found


BANK_CASES = [(c, n) for c in ANSWER_CELLS for n in BANK.get(c, {})]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(("cell_id", "name"), BANK_CASES, ids=[f"{c}-{n}" for c, n in BANK_CASES])
def test_bank_is_judged_the_same_through_a_stand_in(cell_id, name):
    problems = verdicts(cell_id, load(cell_id, name))
    assert (problems == []) == name.startswith("pass_"), problems


def test_the_solutions_pass_through_a_stand_in():
    for path in sorted((ROOT / "source" / "week02").glob("*.ipynb")):
        from autograder import notebooks

        for cell_id, text in cohort.solutions(notebooks.read(path)).items():
            if cell_id not in ANSWER_CELLS:
                continue
            namespace = {"__name__": "__main__"}
            exec(compile(text, cell_id, "exec"), namespace)
            assert verdicts(cell_id, namespace) == [], cell_id


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def where_sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


@pytest.mark.parametrize("sigmoid", [naive_sigmoid, where_sigmoid], ids=["naive", "np.where"])
def test_a_sigmoid_that_overflows_fails_even_when_its_values_are_right(sigmoid):
    """Warnings come back with the call's outcome, so the grading stand-in sees them too."""
    for answer in (sigmoid, StandIn(sigmoid)):
        with pytest.raises(CheckFailed, match="numpy warning"):
            week02.logistic_regression_sigmoid.check_hidden(answer)


def test_hidden_coin_messages_show_no_expected_p_value():
    def slightly_off(heads, flips, p=0.5):
        pmf = [math.comb(flips, k) * p**k * (1 - p) ** (flips - k) for k in range(flips + 1)]
        return min(1.0, sum(q for q in pmf if q <= pmf[heads] * (1 + 1e-7))) + 1e-6

    with pytest.raises(CheckFailed) as failure:
        week02.biased_coin.check_hidden(slightly_off)
    text = str(failure.value)
    assert "hidden case 1 (no heads at all)" in text
    assert "0.00195" not in text and "(0, 10)" not in text


def test_library_binomial_helpers_are_refused():
    def uses_pmf(heads, flips, p=0.5):
        from scipy.stats import binom

        pmf = binom.pmf(range(flips + 1), flips, p)
        return float(min(1.0, pmf[pmf <= pmf[heads] * (1 + 1e-7)].sum()))

    with pytest.raises(CheckFailed, match="compute it yourself"):
        week02.biased_coin.check(uses_pmf)


def test_the_visible_coin_example_matches_scipy():
    from scipy.stats import binomtest

    assert math.isclose(week02._reference_p_value(60, 100), binomtest(60, 100).pvalue)


def test_a_narrow_interval_fails_the_coverage_simulation():
    coverage_probe = next(p for p in week02._bootstrap_hidden() if "coverage" in p.label)

    def too_narrow(values, confidence=0.95, n_resamples=2000, seed=0):
        middle = float(np.median(values))
        return (middle - 0.01, middle + 0.01)

    problem = coverage_probe.run(lambda *args: too_narrow(*args))
    assert problem and "covered the true median in" in problem


def test_the_reference_fit_matches_scikit_learn_within_the_stated_tolerance():
    X, y = week02.real_dataset()
    weights, bias, _ = week02._reference_fit(X, y, 2.0, 1500)
    gap = np.abs(week02._sigmoid(X @ weights + bias) - week02._sklearn_probabilities()).max()
    assert gap < week02.SKLEARN_TOLERANCE / 100


def test_the_real_dataset_is_not_linearly_separable():
    """Otherwise the unpenalised optimum is at infinity and there is nothing to agree on."""
    from sklearn.svm import LinearSVC

    X, y = week02.real_dataset()
    assert LinearSVC(C=1e4, max_iter=50_000).fit(X, y).score(X, y) < 0.95


def test_hints_get_more_specific_and_stop_at_the_last(capsys):
    week02.bootstrap_median_ci.hint()
    week02.bootstrap_median_ci.hint(99)
    first, last = capsys.readouterr().out.strip().splitlines()
    assert first.startswith("Hint 1/3") and "hint(2)" in first
    assert last.startswith("Hint 3/3")


@pytest.mark.parametrize(("heads", "flips", "alpha"), week02._DECISIONS_AT_ALPHA)
def test_the_decision_at_alpha_has_a_p_value_exactly_alpha_for_every_exact_method(
    heads, flips, alpha
):
    """The boundary case is fair only if correct methods agree to the last bit."""

    def by_comb(k):
        return math.comb(flips, k) * 0.5**k * 0.5 ** (flips - k)

    def by_lgamma(k):
        log_ways = math.lgamma(flips + 1) - math.lgamma(k + 1) - math.lgamma(flips - k + 1)
        return math.exp(log_ways + k * math.log(0.5) + (flips - k) * math.log1p(-0.5))

    for pmf in (by_comb, by_lgamma):
        observed = pmf(heads)
        total = sum(pmf(k) for k in range(flips + 1) if pmf(k) <= observed * (1 + 1e-7))
        assert total == alpha
    assert week02._reference_decision(heads, flips, alpha) is True
