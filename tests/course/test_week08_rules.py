"""Week-8 rules the answer bank does not cover on its own: fair boundary data, prompt examples
that add up, and correct answers written another way that must keep full marks."""

from __future__ import annotations

import math

import pytest

from autograder.judges import CheckFailed
from tests.keys import key

week08 = key("week08")


def hidden_args(exercise, label: str) -> tuple:
    return next(case.args for case in exercise.cases(hidden=True) if case.label == label)


# ------------------------------------------------------------------ payback_month


def test_the_payback_example_adds_up():
    """The prompt: 30, 27, 24.3 and 21.87 make 81.3 after three months, 103.17 after four."""
    months = [30.0 * 0.9 ** (t - 1) for t in range(1, 5)]
    assert [round(m, 2) for m in months] == [30.0, 27.0, 24.3, 21.87]
    assert round(sum(months[:3]), 2) == 81.3
    assert round(sum(months), 2) == 103.17
    assert week08.payback_month.reference(100.0, 30.0, 0.1) == 4


@pytest.mark.parametrize(("cac", "expected"), [(59.99, 1), (60.0, 1), (60.01, None), (70.0, None)])
def test_full_churn_pays_back_in_month_one_exactly_when_the_cost_is_at_most_the_margin(
    cac, expected
):
    """With churn 1 the cumulative margin IS the margin: both rules of the prompt agree."""
    assert week08.payback_month.reference(cac, 60.0, 1.0) == expected


def test_the_equal_cumulative_margin_cases_tie_exactly():
    """ "At least cac" bites only if the cumulative margin equals the cost in floating point,
    whichever way a correct answer adds it up."""
    for label in ("no churn, an exact multiple", "a cumulative margin exactly equal to the cost"):
        cac, margin, churn = hidden_args(week08.payback_month, label)
        month = week08.payback_month.reference(cac, margin, churn)
        powers = sum(margin * (1 - churn) ** (t - 1) for t in range(1, month + 1))
        retained, product = 1.0, 0.0
        for _ in range(month):
            product += margin * retained
            retained *= 1 - churn
        assert powers == cac and product == cac, label


def test_the_lifetime_value_case_sits_on_the_lifetime_value():
    cac, margin, churn = hidden_args(
        week08.payback_month, "an acquisition cost equal to the lifetime value"
    )
    assert 0 < churn < 1 and cac == margin / churn


def closed_form_payback(cac, monthly_margin, monthly_churn):
    """A correct answer from the geometric sum, with no guard against rounding."""
    if not (cac > 0 and monthly_margin >= 0 and 0 <= monthly_churn <= 1):
        raise ValueError("invalid input")
    if monthly_margin == 0:
        return None
    if monthly_churn == 0:
        return math.ceil(cac / monthly_margin)
    if monthly_churn == 1:
        return 1 if cac <= monthly_margin else None
    if cac >= monthly_margin / monthly_churn:
        return None
    ratio = math.log(1 - cac * monthly_churn / monthly_margin) / math.log(1 - monthly_churn)
    return max(1, math.ceil(ratio))


def test_the_long_and_cent_cases_are_not_on_a_knife_edge():
    """The month before the payback month falls short of the cost by far more than rounding,
    and the payback month clears it, however the margins are added up."""
    for label in (
        "a cost just below the lifetime value, paid back after 220 years",
        "a cost a fraction of a cent above a month's cumulative margin",
    ):
        cac, margin, churn = hidden_args(week08.payback_month, label)
        month = week08.payback_month.reference(cac, margin, churn)
        before = sum(margin * (1 - churn) ** (t - 1) for t in range(1, month))
        at = before + margin * (1 - churn) ** (month - 1)
        assert cac - before > 1e-3 and at - cac > 1e-3, label


def test_a_plain_closed_form_keeps_full_marks():
    """No hidden case sits on a rounding knife edge that only a month-by-month sum survives."""
    week08.payback_month.check(closed_form_payback)
    week08.payback_month.check_hidden(closed_form_payback)


# ------------------------------------------------------------------ metric_move


def test_the_rounding_tie_differs_only_by_rounding():
    """The 1e-9 allowance matters: the past change and the observed one are equal in exact
    arithmetic but not in floating point."""
    history, current = hidden_args(week08.metric_move, "a past move as large up to rounding")
    past = [abs(history[i] / history[i - 1] - 1) for i in range(1, len(history))]
    observed = abs(current / history[-1] - 1)
    gaps = [abs(change - observed) for change in past]
    assert 0 < min(gaps) < 1e-9


@pytest.mark.parametrize(
    ("label", "low", "high"),
    [
        ("past moves smaller by less than 1e-9", 3e-10, 9e-10),  # inside the allowance
        ("a past move smaller by 4e-7", 1e-7, 1e-6),  # outside it, but within 6 decimals
    ],
)
def test_the_tolerance_cases_sit_clear_of_the_1e9_edge(label, low, high):
    """The closest past size is below the observed one by a gap well inside (or well outside)
    the 1e-9 allowance, so only the stated rule, not floating point, decides the count."""
    history, current = hidden_args(week08.metric_move, label)
    past = [abs(history[i] / history[i - 1] - 1) for i in range(1, len(history))]
    observed = abs(current / history[-1] - 1)
    gaps = [observed - change for change in past if 0 < observed - change < 1e-6]
    assert gaps and all(low < gap < high for gap in gaps), gaps


def test_the_prompt_example_is_right():
    assert week08.metric_move.reference(
        [200.0, 210.0, 189.0, 200.0, 220.0, 209.0], 205.0
    ) == pytest.approx(1.0)


# ------------------------------------------------------------------ streak_probability


def test_the_streak_example_is_right():
    assert week08.streak_probability.reference(4, 2, 0.5) == pytest.approx(0.5)


def test_simulating_row_by_row_keeps_full_marks():
    """The prompt fixes the random stream, not how it is drawn: rows one by one are the same."""
    import numpy as np

    def simulate_streak_probability(n, k, p, trials, seed):
        if n < 0 or k < 1 or not 0 <= p <= 1 or trials < 1:
            raise ValueError("invalid input")
        rng = np.random.default_rng(seed)
        rows = [rng.random(n) < p for _ in range(trials)]
        found = sum(any(all(row[i : i + k]) for i in range(n - k + 1)) for row in rows)
        return found / trials

    week08.streak_probability_simulated.check_hidden(simulate_streak_probability)


# ------------------------------------------------------------------ streaming_variance


def test_merging_with_an_empty_state_may_return_the_other_tuple_itself():
    def welford_merge(a, b):
        if a[0] == 0:
            return b
        if b[0] == 0:
            return a
        n = a[0] + b[0]
        delta = b[1] - a[1]
        return (n, a[1] + delta * b[0] / n, a[2] + b[2] + delta**2 * a[0] * b[0] / n)

    week08.streaming_variance_merge.check_hidden(welford_merge)


# ------------------------------------------------------------------ median_basket


def test_window_keyword_in_a_comment_is_allowed_but_in_code_refused():
    query = "SELECT 1 AS customer_id -- no OVER here\n"
    with pytest.raises(CheckFailed) as failure:
        week08.median_basket.check(query)
    assert "does not allow" not in str(failure.value)
    with pytest.raises(CheckFailed, match="WINDOW, which this exercise does not allow"):
        week08.median_basket.check(
            "SELECT customer_id, COUNT(*) OVER w AS completed_orders FROM orders WINDOW w AS ()"
        )
