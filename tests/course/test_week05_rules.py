"""Week-5 rules the answer bank does not cover on its own.

The statistical references are checked against independent computations (scipy, a power
search, simulation), the released panel against the code that builds it, and the hidden
panels against their planted effects; each classic mistake must be caught by the hidden data
whatever the hidden seeds are.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, norm

from autograder.exercises import context
from tests.keys import COURSE, key

KEY = key("week05")
DATA = sys.modules[KEY.__name__.rsplit(".", 1)[0] + ".key_data"]
SEEDS = (*COURSE.hidden_seeds, 1, 99)


def test_released_panel_is_what_the_seeded_code_builds():
    built = DATA.visible_panel()
    shipped = DATA.read_visible_panel()
    pd.testing.assert_frame_equal(shipped, built, check_dtype=False)
    assert list(shipped.columns) == DATA.COLUMNS
    # balanced: every household once in every month
    counts = shipped.groupby("household_id")["month"].agg(["nunique", "size"])
    assert (counts["nunique"] == 6).all() and (counts["size"] == 6).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_hidden_panels_recover_their_planted_effects_and_catch_every_mistake(seed):
    caught = {name: 0.0 for name in ("before_after", "post_gap", "plain", "all", "pooled")}
    for variant in range(3):
        panel, truth = DATA.planted_panel(seed, variant)
        assert panel.groupby("household_id")["month"].nunique().nunique() == 1  # balanced
        estimate = KEY._reference_impact(panel)
        assert estimate.keys() == truth.keys()
        assert all(abs(estimate[k] - truth[k]) < 1e-12 for k in truth)
        for name, options in (
            ("before_after", {"method": "before_after"}),
            ("post_gap", {"method": "post_gap"}),
            ("plain", {"overall": "plain"}),
            ("all", {"overall": "all"}),
            ("pooled", {"overall": "pooled"}),
        ):
            wrong = KEY._impact(panel, **options)
            gap = max(abs(wrong[k] - truth[k]) for k in truth)
            caught[name] = max(caught[name], gap)
    # naive estimates miss by whole percentage points; the weighting mistakes by far more
    # than the 1e-9 tolerance
    assert caught["before_after"] > 0.05 and caught["post_gap"] > 0.02
    assert min(caught["plain"], caught["all"], caught["pooled"]) > 1e-3, caught


def _power(n, p1, p2, alpha, two_sided):
    """Power of the pooled z-test with n users per arm, both tails, by scipy."""
    z = norm.ppf(1 - alpha / 2) if two_sided else norm.ppf(1 - alpha)
    mean = (p1 + p2) / 2
    null_sd = math.sqrt(2 * mean * (1 - mean) / n)
    alt_sd = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n)
    delta = abs(p2 - p1)
    upper = norm.sf((z * null_sd - delta) / alt_sd)
    lower = norm.cdf((-z * null_sd - delta) / alt_sd) if two_sided else 0.0
    return upper + lower


def test_sample_size_is_the_smallest_n_reaching_the_power():
    """An independent route: search n on the power curve (the far tail is negligible here)."""
    cases = [c.args for c in KEY.ab_sample_size.cases(hidden=False) if c.raises is None]
    cases += [args for args, _ in KEY._SIZE_HIDDEN]
    for args in cases:
        p1, mde, alpha, power, two_sided = (*args, *(0.05, 0.8, True)[len(args) - 2 :])
        n = KEY._reference_sample_size(*args)
        p2 = p1 * (1 + mde)
        assert _power(n, p1, p2, alpha, two_sided) >= power - 1e-9, args
        # one user fewer falls short, up to the far tail the formula leaves out
        assert _power(n - 1, p1, p2, alpha, two_sided) < power + 1e-3, args
        raw = KEY._raw_sample_size(*args)
        assert abs(raw - round(raw)) > 1e-6, f"{args} sits on a whole number"


def test_two_proportion_reference_agrees_with_an_independent_computation():
    for case in KEY._two_proportion_hidden():
        if case.raises:
            continue
        x_a, n_a, x_b, n_b, *rest = case.args
        alpha = rest[0] if rest else 0.05
        counts = np.array([x_b, x_a], dtype=float)
        sizes = np.array([n_b, n_a], dtype=float)
        pooled = counts.sum() / sizes.sum()
        z = (counts[0] / sizes[0] - counts[1] / sizes[1]) / np.sqrt(
            pooled * (1 - pooled) * (1 / sizes).sum()
        )
        got = KEY._reference_two_proportion(*case.args)
        assert math.isclose(got[0], z, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(got[1], 2 * norm.cdf(-abs(z)), rel_tol=1e-9, abs_tol=1e-300)
        rates = counts / sizes
        se = math.sqrt(float((rates * (1 - rates) / sizes).sum()))
        half = norm.isf(alpha / 2) * se
        assert math.isclose(got[3] - got[2], 2 * half, rel_tol=1e-9, abs_tol=1e-15)


def test_srm_hidden_cases_cover_the_planned_traps():
    cases = {c.label: c for c in KEY._srm_hidden()}
    million = KEY._reference_srm(*cases["a 50/50 test off by 1% on a million users"].args)
    assert million[2] is True and million[1] < 1e-20
    between = KEY._reference_srm(*cases["a p-value between 0.001 and 0.05"].args)
    assert 0.001 < between[1] < 0.05 and between[2] is False
    exact = KEY._reference_srm(*cases["a 90/10 split exactly as planned"].args)
    assert (
        exact[2] is False
        and KEY._srm(*cases["a 90/10 split exactly as planned"].args, equal_split=True)[2]
    )
    assert chi2.sf(2.0, 2) == pytest.approx(KEY._reference_srm(*cases["three arms"].args)[1])


def test_peeking_reference_range_holds_the_reference_and_rules_out_the_mistakes():
    peeking, fixed = KEY._peeking_truth(10, 500, 0.1, 0.05)
    assert 0.17 < peeking < 0.22 and abs(fixed - 0.05) < 0.005
    for seed in SEEDS:
        got = KEY._reference_peeking(2_000, 10, 500, 0.1, 0.05, seed)
        assert abs(got[0] - peeking) < 0.04 and abs(got[1] - fixed) < 0.02, (seed, got)
        daily = KEY._peeking(2_000, 10, 500, 0.1, 0.05, seed, cumulative=False)
        looks = KEY._peeking(2_000, 10, 500, 0.1, 0.05, seed, per_look=True)
        assert daily[0] - peeking > 0.1 and peeking - looks[0] > 0.1


def test_peeking_cases_have_no_p_value_on_the_threshold():
    """A p-value within rounding of alpha could flip between correct implementations."""
    context.provide(hidden_seeds=COURSE.hidden_seeds, store=COURSE.store_path)
    cases = [*KEY.peeking_simulation.cases(hidden=False), *KEY._peeking_hidden()]
    for case in cases:
        if not hasattr(case, "args") or case.raises:
            continue
        n_sims, n_days, users, rate, alpha, seed = (*case.args, *(0.05, 0)[len(case.args) - 4 :])
        draws = np.random.default_rng(seed).binomial(users, rate, size=(n_sims, n_days, 2))
        counts = draws.cumsum(axis=1).astype(float)
        n = users * np.arange(1, n_days + 1)
        pooled = counts.sum(axis=2) / (2 * n)
        ok = (pooled > 0) & (pooled < 1)
        se = np.sqrt(np.where(ok, pooled * (1 - pooled) * 2 / n, 1.0))
        z = np.abs(counts[..., 1] - counts[..., 0]) / n / se
        p = 2 * norm.sf(z[ok])
        assert np.min(np.abs(p - alpha)) > 1e-9, case.args


def test_each_critical_value_mistake_names_only_the_direction_the_answer_took():
    """Using one-sided z for a two-sided test and ignoring two_sided=False are two mistakes:
    each message must fire on its own direction only."""
    context.provide(hidden_seeds=COURSE.hidden_seeds, store=COURSE.store_path)
    one_sided, two_sided = (
        next(m for m in KEY.ab_sample_size.mistakes if m.message.startswith(start))
        for start in ("looks like a one-sided", "looks like a two-sided")
    )
    cases = [*KEY.ab_sample_size.cases(hidden=False), *KEY._size_hidden()]
    seen = set()
    for case in (c for c in cases if c.raises is None):
        p1, mde, alpha, power, asked = (*case.args, *(0.05, 0.8, True)[len(case.args) - 2 :])
        flipped = KEY._sample_size(p1, mde, alpha, power, not asked)
        assert one_sided.matches(case.args, flipped) is asked, case.args
        assert two_sided.matches(case.args, flipped) is not asked, case.args
        seen.add(asked)
    assert seen == {True, False}


def test_boundary_cases_sit_on_their_boundaries():
    context.provide(hidden_seeds=COURSE.hidden_seeds, store=COURSE.store_path)
    size = {c.label: c.args for c in KEY._size_hidden()}
    p1, mde = size["a treatment rate of exactly 1"]
    assert p1 * (1 + mde) == 1.0
    srm = {c.label: c.args for c in KEY._srm_hidden()}
    off = abs(sum(srm["shares that miss 1 by more than 1e-9"][1]) - 1)
    within = abs(sum(srm["shares that add up to 1 within 1e-9"][1]) - 1)
    assert 1e-9 < off < 1e-6 and 0 < within <= 1e-9
    # an exact comparison with 1 must trip over a sum that is 1 only up to rounding
    assert any(sum(args[1]) != 1 and len(args[0]) == len(args[1]) for args in srm.values())


def test_revenue_error_cases_are_not_caught_by_a_logarithm_by_accident():
    """math.log raises ValueError on a non-positive revenue: some error cases must not need it."""
    context.provide(hidden_seeds=COURSE.hidden_seeds, store=COURSE.store_path)
    cases = {c.label: c.args for c in KEY._revenue_hidden() if c.raises}
    before, after = cases["a negative revenue that did not change"]
    bad = before["revenue"] <= 0
    assert bad.any() and (after.loc[bad, "revenue"].to_numpy() == before.loc[bad, "revenue"]).all()
    for label in ("negative visitors in both periods", "negative orders in both periods"):
        before, after = cases[label]
        column = label.split()[1]
        assert ((before[column] < 0) == (after[column] < 0)).all() and (before[column] < 0).any()
