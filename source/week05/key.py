"""Week 5 — business context and metrics: driver trees, A/B tests and a causal estimate.

The instructor's key (never released): each exercise here is what a notebook's test cells
call, ``check()`` for the visible examples, ``check_hidden()`` for the edge cases and hidden
data used in grading. Statistical answers are written from scratch (``statistics.NormalDist``
allowed) and checked against scipy, which only the key uses; the household panel of the
Prime Music × Alexa exercise is built by ``key_data.py``.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from autograder.exercises import context
from autograder.exercises.function import Case, FunctionExercise, Mistake, produces
from autograder.exercises.numeric import NumericExercise, Probe, produces_close
from autograder.exercises.prompt_rules import PromptRule
from autograder.judges.values import type_name

from .key_data import Segment, build_panel, planted_panel, read_visible_panel

TITLE = "Business context and metrics"
TOPICS = (
    "revenue driver decomposition, A/B sample size, two-proportion test, sample-ratio "
    "mismatch, peeking, difference-in-differences, North Star metrics"
)

_NORMAL_BANNED = (
    "scipy.stats:norm.cdf",
    "scipy.stats:norm.sf",
    "scipy.stats:norm.ppf",
    "scipy.stats:norm.isf",
    "scipy.stats:norm.logsf",
    "scipy.special:ndtr",
    "scipy.special:ndtri",
)


def _norm_ppf(q: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(q))


def _norm_sf(x: float) -> float:
    from scipy.stats import norm

    return float(norm.sf(x))


# ---------------------------------------------------------------------- revenue_decomposition

REVENUE_COLUMNS = [
    "segment",
    "revenue_change",
    "visitors_effect",
    "conversion_effect",
    "aov_effect",
]


def _revenue_inputs(before: pd.DataFrame, after: pd.DataFrame):
    for frame in (before, after):
        for column in ("visitors", "orders", "revenue"):
            if (frame[column] <= 0).any():
                raise ValueError(f"every {column} value must be positive")
    if before["segment"].duplicated().any() or after["segment"].duplicated().any():
        raise ValueError("a segment is listed twice")
    if set(before["segment"]) != set(after["segment"]):
        raise ValueError("before and after must list the same segments")
    b = before.set_index("segment")
    a = after.set_index("segment").loc[b.index]
    return b, a


def _drivers(row) -> tuple[float, float, float, float]:
    visitors, orders, revenue = float(row["visitors"]), float(row["orders"]), float(row["revenue"])
    return visitors, orders / visitors, revenue / orders, revenue


def _log_mean(r1: float, r0: float) -> float:
    return r0 if r1 == r0 else (r1 - r0) / (math.log(r1) - math.log(r0))


def _effects(old, new, method: str) -> tuple[float, float, float]:
    v0, c0, a0, r0 = old
    v1, c1, a1, r1 = new
    if method == "log":
        weight = _log_mean(r1, r0)
        return tuple(weight * math.log(x1 / x0) for x1, x0 in ((v1, v0), (c1, c0), (a1, a0)))
    if method == "sequential":  # visitors first, then conversion, then order value
        return ((v1 - v0) * c0 * a0, v1 * (c1 - c0) * a0, v1 * c1 * (a1 - a0))
    if method == "percent_shares":
        changes = [x1 / x0 - 1 for x1, x0 in ((v1, v0), (c1, c0), (a1, a0))]
        return tuple((r1 - r0) * c / sum(changes) for c in changes)
    if method == "per_visitor":  # "AOV" taken as revenue per visitor
        old_v = (v0, c0, r0 / v0)
        new_v = (v1, c1, r1 / v1)
        weight = _log_mean(r1, r0)
        return tuple(weight * math.log(x1 / x0) for x1, x0 in zip(new_v, old_v, strict=True))
    raise ValueError(method)


def _revenue(before, after, *, method="log", total="segments", order="before"):
    b, a = _revenue_inputs(before, after)
    segments = list(b.index) if order == "before" else sorted(b.index)
    rows = []
    for segment in segments:
        old, new = _drivers(b.loc[segment]), _drivers(a.loc[segment])
        rows.append((str(segment), new[3] - old[3], *_effects(old, new, method)))
    if total == "segments":
        sums = [float(sum(row[i] for row in rows)) for i in range(1, 5)]
    else:  # the totals decomposed as if they were one segment
        old = _drivers(b[["visitors", "orders", "revenue"]].sum())
        new = _drivers(a[["visitors", "orders", "revenue"]].sum())
        sums = [new[3] - old[3], *_effects(old, new, method)]
    rows.append(("total", *sums))
    frame = pd.DataFrame(rows, columns=REVENUE_COLUMNS)
    for column in REVENUE_COLUMNS[1:]:
        frame[column] = frame[column].astype("float64")
    return frame


def _reference_revenue(before, after):
    return _revenue(before, after)


def _traffic(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["segment", "visitors", "orders", "revenue"])


_REVENUE_BEFORE = _traffic(
    [
        ("desktop", 120_000, 3_600, 252_000.0),
        ("mobile web", 200_000, 3_000, 165_000.0),
        ("app", 80_000, 3_200, 224_000.0),
    ]
)
_REVENUE_AFTER = _traffic(
    [
        ("desktop", 110_000, 3_520, 253_440.0),
        ("mobile web", 260_000, 3_640, 196_560.0),
        ("app", 90_000, 3_960, 261_360.0),
    ]
)


@functools.cache
def _revenue_hidden() -> tuple[Case, ...]:
    rng = np.random.default_rng(context.hidden_seed(1))
    names = ["search", "email", "social", "display", "affiliate", "direct"]
    visitors = rng.integers(20_000, 900_000, size=len(names))
    conversion = rng.uniform(0.005, 0.06, size=len(names))
    aov = rng.uniform(20, 140, size=len(names))
    orders = np.maximum(1, np.round(visitors * conversion)).astype(int)
    before = _traffic(
        [
            (n, int(v), int(o), round(float(o * a), 2))
            for n, v, o, a in zip(names, visitors, orders, aov, strict=True)
        ]
    )
    v_after = np.round(visitors * rng.uniform(0.7, 1.4, size=len(names))).astype(int)
    o_after = np.maximum(1, np.round(v_after * conversion * rng.uniform(0.75, 1.3, len(names))))
    a_after = aov * rng.uniform(0.8, 1.25, size=len(names))
    after = _traffic(
        [
            (n, int(v), int(o), round(float(o * a), 2))
            for n, v, o, a in zip(names, v_after, o_after.astype(int), a_after, strict=True)
        ]
    )
    shuffled = after.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True)
    flat = after.copy()
    flat.loc[2, "revenue"] = before.loc[2, "revenue"]  # same revenue, drivers moved
    flat.loc[2, "orders"] = before.loc[2, "orders"] + 40
    steady = before.copy()
    steady.loc[0, "visitors"] = before.loc[0, "visitors"] * 2  # only traffic moves
    steady.loc[0, "orders"] = before.loc[0, "orders"] * 2
    steady.loc[0, "revenue"] = before.loc[0, "revenue"] * 2
    one = before.iloc[[4]].reset_index(drop=True)
    one_after = after.iloc[[4]].reset_index(drop=True)
    zero_orders = after.copy()
    zero_orders.loc[1, "orders"] = 0
    negative = after.copy()
    negative.loc[3, "revenue"] = -5.0
    missing = after[after["segment"] != "email"].reset_index(drop=True)
    renamed = after.copy()
    renamed.loc[0, "segment"] = "paid search"
    extra = pd.concat([after, _traffic([("podcast", 5_000, 60, 3_120.0)])], ignore_index=True)
    no_visitors = before.copy()  # bad values in `before` only
    no_visitors.loc[1, "visitors"] = 0
    no_revenue = before.copy()
    no_revenue.loc[4, "revenue"] = 0.0
    # negative in both frames: the ratios stay positive, so only a check catches them
    minus_visitors = [
        frame.assign(visitors=frame["visitors"].mask(frame.index == 3, -5_000))
        for frame in (before, after)
    ]
    minus_orders = [
        frame.assign(orders=frame["orders"].mask(frame.index == 5, -30))
        for frame in (before, after)
    ]
    # the same negative revenue before and after: L = R0 needs no logarithm of it
    minus_revenue = [
        frame.assign(revenue=frame["revenue"].mask(frame.index == 2, -800.0))
        for frame in (before, after)
    ]
    return (
        Case((before, after), "six channels"),
        Case((before, shuffled), "the after frame lists the segments in another order"),
        Case((before, flat), "a segment whose revenue did not change"),
        Case((before, steady), "only traffic changed, and only in one segment"),
        Case((one, one_after), "a single segment"),
        Case((after, before), "revenue falling"),
        Case((_REVENUE_BEFORE, _REVENUE_AFTER.iloc[::-1].reset_index(drop=True)), "the example"),
        Case((before, zero_orders), "a segment with no orders", raises=ValueError),
        Case((before, negative), "a negative revenue", raises=ValueError),
        Case((before, missing), "a segment missing after", raises=ValueError),
        Case((before, renamed), "segments that do not match", raises=ValueError),
        Case((before, extra), "a segment only in after", raises=ValueError),
        Case((no_visitors, after), "a segment with no visitors before", raises=ValueError),
        Case((no_revenue, after), "a revenue of 0 before", raises=ValueError),
        Case(tuple(minus_visitors), "negative visitors in both periods", raises=ValueError),
        Case(tuple(minus_orders), "negative orders in both periods", raises=ValueError),
        Case(tuple(minus_revenue), "a negative revenue that did not change", raises=ValueError),
    )


def _nan_where_flat(args, result) -> bool:
    """NaN in the rows of segments whose revenue did not change (and the total), only there:
    the 0/0 of their logarithmic mean, not some other slip."""
    if type(result) is not pd.DataFrame or list(result.columns) != REVENUE_COLUMNS:
        return False
    before, after = args
    revenue = after.set_index("segment")["revenue"]
    flat = {
        s for s, r in zip(before["segment"], before["revenue"], strict=True) if revenue.get(s) == r
    }
    holes = set(result.loc[result.select_dtypes("number").isna().any(axis=1), "segment"])
    return bool(flat) and bool(holes & flat) and holes <= flat | {"total"}


# a FunctionExercise: its messages name the column that is wrong instead of quoting frames
revenue_decomposition = FunctionExercise(
    "revenue_decomposition",
    name="revenue_decomposition",
    reference=_reference_revenue,
    tol=1e-6,
    visible=(
        Case((_REVENUE_BEFORE, _REVENUE_AFTER), "the three-channel example"),
        Case(
            (
                _REVENUE_BEFORE.iloc[[2]].reset_index(drop=True),
                _REVENUE_AFTER.iloc[[2]].reset_index(drop=True),
            ),
            "the app channel alone",
        ),
    ),
    hidden=_revenue_hidden,
    prompt_rules=(
        PromptRule(
            "average order value (AOV) = revenue / orders",
            case="hidden case 1 (six channels)",
            bank="fail_aov_per_visitor",
        ),
        PromptRule(
            "L = R0 when R1 == R0",
            case="hidden case 3 (a segment whose revenue did not change)",
            bank="fail_nan_when_revenue_flat",
        ),
        PromptRule(
            "visitors_effect = L × ln(V1 / V0), conversion_effect = L × ln(C1 / C0), aov_effect = L × ln(A1 / A0)",
            case="hidden case 1 (six channels)",
            bank="fail_sequential_substitution",
        ),
        PromptRule(
            "not necessarily in the same order: match rows by segment",
            case="hidden case 2 (the after frame lists the segments in another order)",
            bank="fail_rows_matched_by_position",
        ),
        PromptRule(
            "exactly these columns, in this order",
            case="returned columns",
            bank="fail_columns_in_another_order",
        ),
        PromptRule(
            "One row per segment in the order of before",
            case="hidden case 1 (six channels)",
            bank="fail_sorted_segments",
        ),
        PromptRule(
            "whose numbers are the sums of the segment rows above it",
            case="hidden case 1 (six channels)",
            bank="fail_total_from_aggregate",
        ),
        PromptRule(
            "The four number columns are float64",
            case="expected float64",
            bank="fail_object_columns",
        ),
        PromptRule("the index is 0, 1, 2", case="wrong index", bank="fail_index_not_reset"),
        PromptRule(
            "Raise ValueError if any visitors, orders or revenue value",
            case="hidden case 8 (a segment with no orders)",
            bank="fail_no_input_checks",
        ),
        PromptRule(
            "is zero or negative",
            case="hidden case 13 (a segment with no visitors before)",
            bank="fail_rejects_only_negative_values",
        ),
        PromptRule(
            "(in either frame)",
            case="hidden case 13 (a segment with no visitors before)",
            bank="fail_checks_after_only",
        ),
        PromptRule(
            "if the two frames do not list the same set of segments",
            case="hidden case 12 (a segment only in after)",
            bank="fail_extra_segment_after_allowed",
        ),
        PromptRule(
            "Leave the input frames unchanged", case="changed its input", bank="fail_changes_before"
        ),
    ),
    mistakes=(
        Mistake(
            "looks like sequential substitution (visitors first, then conversion, then order "
            "value): its split depends on the order you pick; use the logarithmic-mean weights",
            produces_close(functools.partial(_revenue, method="sequential"), atol=1e-6),
        ),
        Mistake(
            "the total row decomposes the summed traffic as if it were one segment; the total "
            "row must add up the segment rows",
            produces_close(functools.partial(_revenue, total="aggregate"), atol=1e-6),
        ),
        Mistake(
            "looks like the change was split in proportion to the drivers' percentage "
            "changes; weigh log-ratios by the logarithmic mean of the revenues instead",
            produces_close(functools.partial(_revenue, method="percent_shares"), atol=1e-6),
        ),
        Mistake(
            "average order value is revenue per ORDER (revenue / orders), not per visitor",
            produces_close(functools.partial(_revenue, method="per_visitor"), atol=1e-6),
        ),
        Mistake(
            "the rows are sorted; keep the segments in the order of `before`, then 'total'",
            produces_close(functools.partial(_revenue, order="sorted"), atol=1e-6),
        ),
        Mistake(
            "the result holds NaN: when a segment's revenue did not change, its logarithmic "
            "mean is that revenue (0/0 has a limit)",
            _nan_where_flat,
        ),
    ),
    hints=(
        "Revenue = visitors × (orders / visitors) × (revenue / orders), so log R is a sum of "
        "three logs, and the change in log R splits into three log-ratios.",
        "Multiply each log-ratio by L = (R1 − R0) / (ln R1 − ln R0): the three effects then "
        "add up to R1 − R0 exactly. When R1 == R0 use L = R0.",
        "Match the segments by name (not by position), keep the order of `before`, then add "
        "a 'total' row that sums the segment rows; return float64 columns and a 0..n index.",
    ),
)

# ----------------------------------------------------------------------------- ab_sample_size


def _check_size_inputs(baseline_rate, min_detectable_effect, alpha, power):
    if not 0 < baseline_rate < 1:
        raise ValueError("baseline_rate must lie strictly between 0 and 1")
    if not min_detectable_effect > 0:
        raise ValueError("min_detectable_effect must be positive")
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ValueError("alpha and power must lie strictly between 0 and 1")


def _raw_sample_size(
    baseline_rate,
    min_detectable_effect,
    alpha=0.05,
    power=0.8,
    two_sided=True,
    *,
    relative=True,
    null_pooled=True,
    alt_unpooled=True,
    flip_beta=False,
):
    _check_size_inputs(baseline_rate, min_detectable_effect, alpha, power)
    p1 = baseline_rate
    p2 = p1 * (1 + min_detectable_effect) if relative else p1 + min_detectable_effect
    if not p2 < 1:
        raise ValueError("the treatment rate p1 * (1 + mde) must be below 1")
    z_alpha = _norm_ppf(1 - alpha / 2) if two_sided else _norm_ppf(1 - alpha)
    z_beta = _norm_ppf(1 - power) if flip_beta else _norm_ppf(power)
    mean = (p1 + p2) / 2
    null_sd = math.sqrt(2 * mean * (1 - mean))
    alt_sd = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    if not null_pooled:
        null_sd = alt_sd
    if not alt_unpooled:
        alt_sd = null_sd
    return (z_alpha * null_sd + z_beta * alt_sd) ** 2 / (p2 - p1) ** 2


def _sample_size(*args, rounding="up", arms=1, **kwargs):
    raw = _raw_sample_size(*args, **kwargs)
    if rounding == "up":
        n = math.ceil(raw)
    elif rounding == "nearest":
        n = round(raw)
    else:
        n = int(raw)
    return int(n * arms)


def _reference_sample_size(
    baseline_rate, min_detectable_effect, alpha=0.05, power=0.8, two_sided=True
):
    return _sample_size(baseline_rate, min_detectable_effect, alpha, power, two_sided)


def _other_sides(p1, mde, alpha=0.05, power=0.8, two_sided=True, *, asked: bool):
    """The size with the other critical value, on calls whose `two_sided` is ``asked`` only:
    each direction of the mistake has its own message."""
    if bool(two_sided) is not asked:
        raise ValueError("the other direction of this mistake")
    return _sample_size(p1, mde, alpha, power, not two_sided)


_SIZE_HIDDEN = (
    ((0.1, 0.05), "a 5% lift on a 10% baseline"),
    ((0.02, 0.1), "a rare conversion"),
    ((0.003, 0.2), "a very rare conversion"),
    ((0.85, 0.1), "a high baseline"),
    ((0.5, 0.01), "a tiny lift on a 50% baseline"),
    ((0.3, 0.5), "a large lift"),
    ((0.12, 0.08, 0.01, 0.9), "alpha 0.01, power 0.9"),
    ((0.12, 0.08, 0.1, 0.5), "power 0.5"),
    ((0.12, 0.08, 0.05, 0.8, False), "a one-sided test"),
    ((0.05, 0.03, 0.05, 0.95, False), "one-sided, power 0.95"),
    ((0.04, 0.25, 0.2, 0.8, True), "alpha 0.2"),
)


@functools.cache
def _size_hidden() -> tuple[Case, ...]:
    rng = np.random.default_rng(context.hidden_seed(5))
    cases = [Case(args, label) for args, label in _SIZE_HIDDEN]
    while len(cases) < len(_SIZE_HIDDEN) + 8:
        args = (
            round(float(rng.uniform(0.01, 0.6)), 3),
            round(float(rng.uniform(0.02, 0.3)), 3),
            float(rng.choice([0.01, 0.05, 0.1])),
            float(rng.choice([0.8, 0.9])),
            bool(rng.random() < 0.7),
        )
        raw = _raw_sample_size(*args)
        if abs(raw - round(raw)) > 1e-6:  # no case sits on a whole number
            cases.append(Case(args, "random rates and levels"))
    cases += [
        Case((0.0, 0.1), "a baseline of 0", raises=ValueError),
        Case((1.2, 0.1), "a baseline above 1", raises=ValueError),
        Case((0.2, 0.0), "an effect of 0", raises=ValueError),
        Case((0.2, -0.1), "a negative effect", raises=ValueError),
        Case((0.6, 0.8), "a treatment rate above 1", raises=ValueError),
        Case((0.2, 0.1, 0.0), "alpha of 0", raises=ValueError),
        Case((0.2, 0.1, 0.05, 1.0), "power of 1", raises=ValueError),
        # the boundaries the prompt names that the cases above leave open
        Case((1.0, 0.1), "a baseline of 1", raises=ValueError),
        Case((0.5, 1.0), "a treatment rate of exactly 1", raises=ValueError),
        Case((0.2, 0.1, 1.0), "alpha of 1", raises=ValueError),
        Case((0.2, 0.1, 0.05, 0.0), "power of 0", raises=ValueError),
    ]
    return tuple(cases)


ab_sample_size = NumericExercise(
    "ab_sample_size",
    name="ab_sample_size",
    reference=_reference_sample_size,
    visible=(
        Case((0.1, 0.1)),
        Case((0.04, 0.2, 0.05, 0.9)),
        Case((0.25, 0.05, 0.05, 0.8, False)),
        Case((0.1, 0.0), raises=ValueError),
    ),
    hidden=_size_hidden,
    prompt_rules=(
        PromptRule(
            "returning the number of users per arm",
            case="hidden case 1 (a 5% lift on a 10% baseline)",
            bank="fail_total_of_both_arms",
        ),
        PromptRule(
            "p2 = p1 × (1 + min_detectable_effect)",
            case="hidden case 1 (a 5% lift on a 10% baseline)",
            bank="fail_absolute_mde",
        ),
        PromptRule(
            "z_alpha = Φ⁻¹(1 − alpha/2) when two_sided is True",
            case="hidden case 1 (a 5% lift on a 10% baseline)",
            bank="fail_one_sided_critical_value",
        ),
        PromptRule(
            "Φ⁻¹(1 − alpha) when it is False",
            case="hidden case 9 (a one-sided test)",
            bank="fail_ignores_two_sided_false",
        ),
        PromptRule(
            "z_beta = Φ⁻¹(power)",
            case="hidden case 1 (a 5% lift on a 10% baseline)",
            bank="fail_z_beta_wrong_sign",
        ),
        PromptRule(
            "Under H0 both arms share the pooled rate",
            case="hidden case 1 (a 5% lift on a 10% baseline)",
            bank="fail_unpooled_null_variance",
        ),
        PromptRule(
            "under H1 each has its own rate (unpooled)",
            case="hidden case 1 (a 5% lift on a 10% baseline)",
            bank="fail_pooled_power_term",
        ),
        PromptRule(
            "Round up to the next whole user",
            case="hidden case 2 (a rare conversion)",
            bank="fail_rounds_to_nearest",
        ),
        PromptRule("return a Python int", case="expected an int", bank="fail_returns_numpy_float"),
        PromptRule(
            "Raise ValueError unless 0 < baseline_rate < 1",
            case="hidden case 20 (a baseline of 0)",
            bank="fail_no_baseline_check",
        ),
        PromptRule(
            "min_detectable_effect > 0",
            case="hidden case 23 (a negative effect)",
            bank="fail_allows_negative_effect",
        ),
        PromptRule(
            "p2 < 1",
            case="hidden case 28 (a treatment rate of exactly 1)",
            bank="fail_allows_treatment_rate_of_1",
        ),
        PromptRule("0 < alpha < 1", case="hidden case 29 (alpha of 1)", bank="fail_no_alpha_check"),
        PromptRule("0 < power < 1", case="hidden case 26 (power of 1)", bank="fail_no_power_check"),
        PromptRule(
            "here they are not allowed: the checks refuse answers that call them",
            case="compute it yourself",
            bank="fail_uses_scipy_norm_ppf",
        ),
    ),
    mistakes=(
        Mistake(
            "looks like the effect was taken as absolute (p2 = p1 + mde); it is RELATIVE: "
            "p2 = p1 × (1 + mde)",
            produces(functools.partial(_sample_size, relative=False)),
        ),
        Mistake(
            "looks like a one-sided critical value; two_sided=True uses z at 1 − alpha/2",
            produces(functools.partial(_other_sides, asked=True)),
        ),
        Mistake(
            "looks like a two-sided critical value although two_sided=False was passed; a "
            "one-sided test uses z at 1 − alpha",
            produces(functools.partial(_other_sides, asked=False)),
        ),
        Mistake(
            "the size is not rounded UP: a fraction of a user still needs a whole user (math.ceil)",
            produces(
                functools.partial(_sample_size, rounding="down"),
                also=(functools.partial(_sample_size, rounding="nearest"),),
            ),
        ),
        Mistake(
            "the null term uses the unpooled variance; under H0 both arms share the pooled "
            "rate p̄ = (p1 + p2) / 2, so it is z_alpha × sqrt(2 p̄ (1 − p̄))",
            produces(functools.partial(_sample_size, null_pooled=False)),
        ),
        Mistake(
            "the power term uses the pooled variance; under H1 the arms differ, so it is "
            "z_beta × sqrt(p1(1 − p1) + p2(1 − p2))",
            produces(functools.partial(_sample_size, alt_unpooled=False)),
        ),
        Mistake(
            "that is the total for both arms; return the users needed in EACH arm",
            produces(functools.partial(_sample_size, arms=2)),
        ),
        Mistake(
            "z_beta has the wrong sign: it is the normal quantile at `power` (0.84 for 80%)",
            produces(functools.partial(_sample_size, flip_beta=True)),
        ),
    ),
    banned=_NORMAL_BANNED,
    banned_methods=(
        "NormalIndPower",
        "TTestIndPower",
        "zt_ind_solve_power",
        "tt_ind_solve_power",
        "solve_power",
        "samplesize_proportions_2indep_onetail",
        "proportion_effectsize",
    ),
    hints=(
        "Work out the treatment rate first: the effect is relative, so p2 = p1 × (1 + mde).",
        "NormalDist().inv_cdf(q) is the normal quantile: z_alpha at 1 − alpha/2 (two-sided) or "
        "1 − alpha (one-sided), z_beta at power.",
        "n = (z_alpha·sqrt(2 p̄(1 − p̄)) + z_beta·sqrt(p1(1 − p1) + p2(1 − p2)))² / (p2 − p1)², "
        "then math.ceil and return an int.",
    ),
)

# ------------------------------------------------------------------------- two_proportion_test


def _two_proportion(
    conversions_a,
    n_a,
    conversions_b,
    n_b,
    alpha=0.05,
    *,
    test_pooled=True,
    interval_pooled=False,
    sides=2,
    interval_z="half",
    sign=1,
):
    for x, n in ((conversions_a, n_a), (conversions_b, n_b)):
        if n < 1 or not 0 <= x <= n:
            raise ValueError("need n >= 1 and 0 <= conversions <= n in each group")
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie strictly between 0 and 1")
    rate_a, rate_b = conversions_a / n_a, conversions_b / n_b
    pooled = (conversions_a + conversions_b) / (n_a + n_b)
    if pooled in (0.0, 1.0):
        raise ValueError("no variation: every user converted, or none did")
    pooled_se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    unpooled_se = math.sqrt(rate_a * (1 - rate_a) / n_a + rate_b * (1 - rate_b) / n_b)
    difference = sign * (rate_b - rate_a)
    z = difference / (pooled_se if test_pooled else unpooled_se)
    p_value = (2 if sides == 2 else 1) * _norm_sf(abs(z))
    critical = _norm_ppf(1 - alpha / 2) if interval_z == "half" else _norm_ppf(1 - alpha)
    margin = critical * (pooled_se if interval_pooled else unpooled_se)
    return (float(z), float(min(1.0, p_value)), difference - margin, difference + margin)


def _reference_two_proportion(conversions_a, n_a, conversions_b, n_b, alpha=0.05):
    return _two_proportion(conversions_a, n_a, conversions_b, n_b, alpha)


@functools.cache
def _two_proportion_hidden() -> tuple[Case, ...]:
    cases = [
        Case((200, 10_000, 200, 10_000), "identical rates"),
        Case((120, 1_000, 240, 2_000), "equal rates, unequal sizes"),
        Case((0, 50_000, 9, 50_000), "no conversions at all in A"),
        Case((1, 1_000_000, 14, 1_000_000), "tiny rates on a million users"),
        Case((9_990, 10_000, 9_999, 10_000), "rates near 1"),
        Case((100, 1_000, 900, 1_000), "a huge difference (a tiny p-value)"),
        Case((0, 1, 1, 1), "one user in each group"),
        Case((3, 7, 1, 9), "small groups"),
        Case((530, 4_000, 470, 4_000), "B converts worse than A"),
        Case((480, 5_000, 560, 4_800, 0.01), "alpha 0.01"),
        Case((480, 5_000, 560, 4_800, 0.2), "alpha 0.2"),
        Case((1_234, 25_000, 1_301, 24_500), "a typical test"),
        Case((11, 10, 3, 10), "more conversions than users", raises=ValueError),
    ]
    rng = np.random.default_rng(context.hidden_seed(3))
    for _ in range(10):
        n_a, n_b = (int(n) for n in rng.integers(50, 200_000, size=2))
        rate = float(rng.choice([0.001, 0.01, 0.1, 0.4, 0.97]))
        x_a = int(rng.binomial(n_a, rate))
        x_b = int(rng.binomial(n_b, rate * float(rng.uniform(0.9, 1.15)) if rate < 0.9 else rate))
        if 0 < x_a + x_b < n_a + n_b:
            cases.append(Case((x_a, n_a, x_b, n_b), "random groups"))
    cases += [
        Case((0, 0, 3, 10), "an empty group", raises=ValueError),
        Case((-1, 10, 3, 10), "negative conversions", raises=ValueError),
        Case((0, 100, 0, 200), "nobody converted", raises=ValueError),
        Case((50, 50, 80, 80), "everybody converted", raises=ValueError),
        Case((5, 100, 8, 100, 0.0), "alpha of 0", raises=ValueError),
        # every check of the prompt on group B as well, and alpha's upper bound
        Case((3, 10, 0, 0), "an empty group B", raises=ValueError),
        Case((3, 10, 11, 10), "more conversions than users in B", raises=ValueError),
        Case((3, 10, -1, 10), "negative conversions in B", raises=ValueError),
        Case((5, 100, 8, 100, 1.0), "alpha of 1", raises=ValueError),
    ]
    return tuple(cases)


_TEST_TOL = {"atol": 1e-12, "rtol": 1e-6}

two_proportion_test = NumericExercise(
    "two_proportion_test",
    name="two_proportion_test",
    reference=_reference_two_proportion,
    **_TEST_TOL,
    visible=(
        Case((200, 4_000, 250, 4_000)),
        Case((45, 1_000, 30, 800, 0.1)),
        Case((0, 10, 0, 10), raises=ValueError),
    ),
    hidden=_two_proportion_hidden,
    prompt_rules=(
        PromptRule(
            "every difference is B − A",
            case="hidden case 3 (no conversions at all in A)",
            bank="fail_measures_a_minus_b",
        ),
        PromptRule(
            "with the pooled rate",
            case="hidden case 3 (no conversions at all in A)",
            bank="fail_unpooled_z_statistic",
        ),
        PromptRule(
            "p_value is two-sided",
            case="hidden case 1 (identical rates)",
            bank="fail_one_sided_p_value",
        ),
        PromptRule(
            "Wald interval for p_B − p_A with the unpooled standard error",
            case="hidden case 3 (no conversions at all in A)",
            bank="fail_pooled_interval",
        ),
        PromptRule(
            "(p_B − p_A) ± Φ⁻¹(1 − alpha/2)",
            case="hidden case 1 (identical rates)",
            bank="fail_interval_z_not_halved",
        ),
        PromptRule(
            "returning a tuple of four Python floats",
            case="expected a float",
            bank="fail_returns_numpy_floats",
        ),
        PromptRule(
            "Raise ValueError if a group has n < 1",
            case="(an empty group)",
            bank="fail_no_size_check",
        ),
        PromptRule(
            "conversions outside 0…n",
            case="(more conversions than users)",
            bank="fail_conversions_not_checked",
        ),
        PromptRule(
            "if alpha is not strictly between 0 and 1",
            case="(alpha of 1)",
            bank="fail_no_alpha_check",
        ),
        PromptRule(
            "if the pooled rate is 0 or 1",
            case="(nobody converted)",
            bank="fail_no_check_when_nobody_converts",
        ),
        PromptRule(
            "here they are not allowed: the checks refuse answers that call them",
            case="compute it yourself",
            bank="fail_uses_scipy_norm",
        ),
    ),
    mistakes=(
        Mistake(
            "the p-value is one-sided; the test is two-sided: p = 2 × P(Z > |z|)",
            produces_close(functools.partial(_two_proportion, sides=1), **_TEST_TOL),
        ),
        Mistake(
            "the z statistic uses the unpooled standard error; the test assumes H0 (equal "
            "rates), so it uses the pooled rate",
            produces_close(functools.partial(_two_proportion, test_pooled=False), **_TEST_TOL),
        ),
        Mistake(
            "the interval uses the pooled standard error; the interval does not assume H0, "
            "so it uses each group's own rate (unpooled)",
            produces_close(functools.partial(_two_proportion, interval_pooled=True), **_TEST_TOL),
        ),
        Mistake(
            "the difference has the wrong sign: measure B − A (treatment minus control)",
            produces_close(functools.partial(_two_proportion, sign=-1), **_TEST_TOL),
        ),
        Mistake(
            "the interval uses z at 1 − alpha; a two-sided (1 − alpha) interval uses z at "
            "1 − alpha/2",
            produces_close(functools.partial(_two_proportion, interval_z="full"), **_TEST_TOL),
        ),
    ),
    banned=_NORMAL_BANNED,
    banned_methods=(
        "proportions_ztest",
        "test_proportions_2indep",
        "confint_proportions_2indep",
        "ztest",
    ),
    hints=(
        "Under H0 both groups share one rate: pool the conversions and the users to estimate "
        "it, and use it for the z statistic's standard error.",
        "p-value = 2 × (1 − Φ(|z|)); NormalDist().cdf is Φ. For the interval use each "
        "group's own rate in the standard error and z at 1 − alpha/2.",
        "Return four Python floats (z, p_value, low, high) with everything measured as B − A; "
        "raise ValueError for impossible counts or when the pooled rate is 0 or 1.",
    ),
)

# ------------------------------------------------------------------------ sample_ratio_mismatch


def _srm(
    observed,
    expected_shares,
    threshold=0.001,
    *,
    df_offset=-1,
    yates=False,
    divide_by="expected",
    equal_split=False,
    lower_tail=False,
    flag_at=None,
):
    from scipy.stats import chi2

    if len(observed) != len(expected_shares) or len(observed) < 2:
        raise ValueError("need one planned share per arm, and at least two arms")
    if any(o < 0 for o in observed) or sum(observed) == 0:
        raise ValueError("counts must be non-negative, with at least one user")
    if any(s <= 0 for s in expected_shares) or abs(sum(expected_shares) - 1) > 1e-9:
        raise ValueError("planned shares must be positive and add up to 1")
    if not 0 < threshold < 1:
        raise ValueError("threshold must lie strictly between 0 and 1")
    total = sum(observed)
    shares = [1 / len(observed)] * len(observed) if equal_split else expected_shares
    expected = [total * s for s in shares]
    statistic = 0.0
    for o, e in zip(observed, expected, strict=True):
        gap = abs(o - e)
        if yates:
            gap = max(0.0, gap - 0.5)
        statistic += gap**2 / (e if divide_by == "expected" else max(o, 1))
    df = len(observed) + df_offset
    p_value = float(chi2.cdf(statistic, df) if lower_tail else chi2.sf(statistic, df))
    return (float(statistic), p_value, p_value < (flag_at or threshold))


def _reference_srm(observed, expected_shares, threshold=0.001):
    from scipy.stats import chisquare

    result = _srm(observed, expected_shares, threshold)
    total = sum(observed)
    check = chisquare(observed, [total * s for s in expected_shares])  # an independent route
    assert math.isclose(result[0], float(check.statistic), rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(result[1], float(check.pvalue), rel_tol=1e-9, abs_tol=1e-300)
    return result


@functools.cache
def _srm_hidden() -> tuple[Case, ...]:
    cases = [
        Case(([505_000, 495_000], [0.5, 0.5]), "a 50/50 test off by 1% on a million users"),
        Case(([500_500, 499_500], [0.5, 0.5]), "a 50/50 test off by 0.1% on a million users"),
        Case(([10_180, 9_820], [0.5, 0.5]), "a p-value between 0.001 and 0.05"),
        Case(([9_000, 1_000], [0.9, 0.1]), "a 90/10 split exactly as planned"),
        Case(([9_120, 880], [0.9, 0.1]), "a 90/10 split, short in the small arm"),
        Case(([3_400, 3_300, 3_300], [1 / 3, 1 / 3, 1 / 3]), "three arms"),
        Case(([2_210, 1_950, 2_090, 1_980, 1_770], [0.2] * 5), "five arms"),
        Case(([4_100, 2_950, 2_950], [0.4, 0.3, 0.3]), "an uneven three-way split"),
        Case(([0, 10], [0.5, 0.5]), "an empty arm"),
        Case(([3, 1], [0.5, 0.5]), "four users"),
        Case(([5_060, 4_940], [0.5, 0.5], 0.05), "threshold 0.05"),
        Case(([5_120, 4_880], [0.5, 0.5], 0.05), "threshold 0.05, flagged"),
        Case(([7, 2, 5, 9, 1, 4], [1 / 6] * 6), "six small arms"),
    ]
    rng = np.random.default_rng(context.hidden_seed(4))
    for arms in (2, 3, 4, 7):
        shares = rng.dirichlet(np.ones(arms) * 4)
        shares = [float(s) for s in shares[:-1]] + [1 - float(sum(shares[:-1]))]
        drift = np.array(shares) * rng.normal(1, 0.01 * (arms % 2), size=arms)  # some drift
        counts = rng.multinomial(int(rng.integers(500, 400_000)), drift / drift.sum())
        cases.append(Case(([int(c) for c in counts], shares), f"{arms} random arms"))
    cases += [
        Case(([100, 120], [0.5, 0.3, 0.2]), "more shares than arms", raises=ValueError),
        Case(([100], [1.0]), "a single arm", raises=ValueError),
        Case(([100, 120], [0.6, 0.6]), "shares adding up to 1.2", raises=ValueError),
        Case(([0, 0], [0.5, 0.5]), "no users", raises=ValueError),
        Case(([10, -2], [0.5, 0.5]), "a negative count", raises=ValueError),
        # the other checks the prompt names, each on its boundary
        Case(([100, 120, 50], [0.5, 0.5]), "fewer shares than arms", raises=ValueError),
        Case(([100, 120], [1.0, 0.0]), "a share of 0", raises=ValueError),
        Case(([100, 120], [1.2, -0.2]), "a negative share", raises=ValueError),
        Case(
            ([5_000, 5_000], [0.5, 0.5000001]),
            "shares that miss 1 by more than 1e-9",
            raises=ValueError,
        ),
        Case(([2_990, 7_010], [0.3, 0.7 + 5e-10]), "shares that add up to 1 within 1e-9"),
        Case(([5_060, 4_940], [0.5, 0.5], 0.0), "a threshold of 0", raises=ValueError),
        Case(([5_060, 4_940], [0.5, 0.5], 1.0), "a threshold of 1", raises=ValueError),
    ]
    return tuple(cases)


srm_tolerance = {"atol": 1e-12, "rtol": 1e-6}

sample_ratio_mismatch = NumericExercise(
    "sample_ratio_mismatch",
    name="sample_ratio_mismatch",
    reference=_reference_srm,
    **srm_tolerance,
    visible=(
        Case(([50_550, 49_450], [0.5, 0.5])),
        Case(([20_100, 19_900], [0.5, 0.5])),
        Case(([8_200, 5_950, 5_850], [0.4, 0.3, 0.3])),
        Case(([100, 120], [0.5, 0.25, 0.25]), raises=ValueError),
    ),
    hidden=_srm_hidden,
    prompt_rules=(
        PromptRule(
            "the expected count of arm i is E_i = N × expected_shares[i]",
            case="hidden case 4 (a 90/10 split exactly as planned)",
            bank="fail_assumes_equal_split",
        ),
        PromptRule(
            "the statistic is Σ (observed_i − E_i)² / E_i",
            case="hidden case 1 (a 50/50 test off by 1% on a million users)",
            bank="fail_divides_by_observed",
        ),
        PromptRule(
            "(no continuity correction)",
            case="hidden case 1 (a 50/50 test off by 1% on a million users)",
            bank="fail_yates_correction",
        ),
        PromptRule(
            "the upper tail P(χ² ≥ statistic)",
            case="hidden case 1 (a 50/50 test off by 1% on a million users)",
            bank="fail_lower_tail",
        ),
        PromptRule(
            "k − 1 degrees of freedom",
            case="hidden case 2 (a 50/50 test off by 0.1% on a million users)",
            bank="fail_df_equals_number_of_arms",
        ),
        PromptRule(
            "two Python floats and a Python bool",
            case="expected a float",
            bank="fail_returns_numpy_values",
        ),
        PromptRule(
            "srm is True when p_value < threshold",
            case="hidden case 3 (a p-value between 0.001 and 0.05)",
            bank="fail_flags_at_005",
        ),
        PromptRule(
            "Compute the p-value yourself for any number of arms",
            case="hidden case 6 (three arms)",
            bank="fail_one_degree_of_freedom_always",
        ),
        PromptRule(
            "here they are not allowed: the checks refuse answers that call them",
            case="compute it yourself",
            bank="fail_uses_scipy_chi2",
        ),
        PromptRule(
            "if the two lists differ in length",
            case="hidden case 18 (more shares than arms)",
            bank="fail_no_length_check",
        ),
        PromptRule(
            "have fewer than 2 arms",
            case="hidden case 19 (a single arm)",
            bank="fail_single_arm_allowed",
        ),
        PromptRule(
            "if a count is negative",
            case="hidden case 22 (a negative count)",
            bank="fail_negative_counts_allowed",
        ),
        PromptRule(
            "all counts are 0", case="hidden case 21 (no users)", bank="fail_no_check_without_users"
        ),
        PromptRule(
            "if a share is not positive",
            case="hidden case 24 (a share of 0)",
            bank="fail_zero_share_allowed",
        ),
        PromptRule(
            "the shares do not add up to 1",
            case="hidden case 26 (shares that miss 1 by more than 1e-9)",
            bank="fail_shares_sum_loosely",
        ),
        PromptRule(
            "(within 1e-9)", case="hidden case 13 (six small arms)", bank="fail_shares_sum_exactly"
        ),
        PromptRule(
            "if threshold is not strictly between 0 and 1",
            case="hidden case 28 (a threshold of 0)",
            bank="fail_no_threshold_check",
        ),
    ),
    mistakes=(
        Mistake(
            "the degrees of freedom are off: a goodness-of-fit test over k arms has k − 1",
            produces_close(
                functools.partial(_srm, df_offset=0),
                **srm_tolerance,
                also=(functools.partial(_srm, df_offset=-2),),
            ),
        ),
        Mistake(
            "looks like a continuity (Yates) correction; use the plain statistic "
            "Σ (observed − expected)² / expected",
            produces_close(functools.partial(_srm, yates=True), **srm_tolerance),
        ),
        Mistake(
            "each term is divided by the observed count; divide by the EXPECTED count",
            produces_close(functools.partial(_srm, divide_by="observed"), **srm_tolerance),
        ),
        Mistake(
            "the expected counts assume an equal split; use the planned shares",
            produces_close(functools.partial(_srm, equal_split=True), **srm_tolerance),
        ),
        Mistake(
            "that is the lower tail: the p-value is P(χ² ≥ statistic), the upper tail",
            produces_close(functools.partial(_srm, lower_tail=True), **srm_tolerance),
        ),
        Mistake(
            "the statistic and p-value are right but the flag is not: flag SRM when the "
            "p-value is below `threshold` (0.001 unless given), not 0.05",
            produces_close(functools.partial(_srm, flag_at=0.05), **srm_tolerance),
        ),
    ),
    banned=(
        *_NORMAL_BANNED,
        "scipy.stats:chisquare",
        "scipy.stats:power_divergence",
        "scipy.stats:chi2.sf",
        "scipy.stats:chi2.cdf",
        "scipy.stats:chi2.logsf",
        "scipy.special:gammaincc",
        "scipy.special:gammainc",
        "scipy.special:chdtrc",
        "scipy.special:chdtr",
    ),
    banned_methods=(
        "chisquare",
        "chi2_contingency",
        "power_divergence",
        "gammaincc",
        "gammainc",
        "chdtrc",
        "chdtr",
    ),
    hints=(
        "Expected count of arm i = total users × planned share i; the statistic adds up "
        "(observed − expected)² / expected over the arms.",
        "With k arms the statistic follows a χ² distribution with k − 1 degrees of freedom; "
        "the p-value is its upper tail. For 1 degree of freedom that is erfc(sqrt(x / 2)).",
        "For any degrees of freedom d, P(χ²_d ≥ x) = Q(d/2, x/2), the regularised upper "
        "incomplete gamma function: even d has a finite sum e^(−x/2) Σ (x/2)^j / j!, and "
        "odd d starts from erfc(sqrt(x/2)) (math.erfc, math.lgamma help).",
    ),
)

# -------------------------------------------------------------------------- peeking_simulation


def _peeking(
    n_simulations,
    n_days,
    users_per_day,
    base_rate,
    alpha=0.05,
    seed=0,
    *,
    cumulative=True,
    sides=2,
    per_look=False,
    fixed_survivors=False,
    arms_first=False,
):
    from scipy.special import ndtr

    if n_simulations < 1 or n_days < 1 or users_per_day < 1:
        raise ValueError("n_simulations, n_days and users_per_day must be at least 1")
    if not (0 < base_rate < 1 and 0 < alpha < 1):
        raise ValueError("base_rate and alpha must lie strictly between 0 and 1")
    rng = np.random.default_rng(seed)
    if arms_first:
        draws = rng.binomial(users_per_day, base_rate, size=(2, n_simulations, n_days))
        draws = np.moveaxis(draws, 0, -1)
    else:
        draws = rng.binomial(users_per_day, base_rate, size=(n_simulations, n_days, 2))
    if cumulative:
        counts = draws.cumsum(axis=1).astype(float)
        users = users_per_day * np.arange(1, n_days + 1, dtype=float)
    else:
        counts = draws.astype(float)
        users = np.full(n_days, float(users_per_day))
    a, b = counts[..., 0], counts[..., 1]
    pooled = (a + b) / (2 * users)
    varies = (pooled > 0) & (pooled < 1)
    se = np.sqrt(np.where(varies, pooled * (1 - pooled) * 2 / users, 1.0))
    z = np.where(varies, (b - a) / users / se, 0.0)
    p = 2 * ndtr(-np.abs(z)) if sides == 2 else ndtr(-z)
    significant = varies & (p < alpha)
    if per_look:
        peeking = float(significant.mean())
    else:
        peeking = float(significant.any(axis=1).mean())
    if fixed_survivors:
        stopped = significant[:, :-1].any(axis=1)
        fixed = float(significant[~stopped, -1].mean()) if (~stopped).any() else 0.0
    else:
        fixed = float(significant[:, -1].mean())
    return (peeking, fixed)


def _reference_peeking(n_simulations, n_days, users_per_day, base_rate, alpha=0.05, seed=0):
    return _peeking(n_simulations, n_days, users_per_day, base_rate, alpha, seed)


@functools.cache
def _peeking_truth(n_days: int, users_per_day: int, base_rate: float, alpha: float):
    """The two false-positive rates, from 100,000 simulated A/A tests (the yardstick)."""
    return _peeking(100_000, n_days, users_per_day, base_rate, alpha, seed=20_240_605)


def _peeking_range_probe(seeds: tuple[int, ...]) -> Probe:
    setting = (2_000, 10, 500, 0.1, 0.05)

    def run(call):
        peeking_truth, fixed_truth = _peeking_truth(*setting[1:])
        for seed in seeds:
            result = call(*setting, seed)
            if type(result) is not tuple or len(result) != 2:
                return (
                    f"returned a {type_name(result)}; expected a tuple (peeking_rate, fixed_rate)"
                )
            odd = next((x for x in result if type(x) is not float), None)
            if odd is not None:
                return f"returned a {type_name(odd)} inside the tuple; expected Python floats"
            peeking, fixed = result
            if abs(fixed - fixed_truth) > 0.025:
                return (
                    "gives a fixed-horizon false-positive rate far from alpha: test the final "
                    "day's cumulative data of every simulation, two-sided"
                )
            if abs(peeking - peeking_truth) > 0.05:
                if peeking > peeking_truth:
                    why = "did each look test only that day's users? Test the cumulative data"
                else:
                    why = (
                        "count a simulation as a false positive when ANY daily look has "
                        "p < alpha, and divide by the number of simulations"
                    )
                return (
                    "gives a peeking false-positive rate far from what an A/A test checked "
                    f"daily produces ({why})"
                )
        return None

    return Probe("10 daily looks at 500 users a day, over 2,000 simulations", run)


@functools.cache
def _peeking_hidden() -> tuple:
    base = context.hidden_seed(2)
    seeds = tuple(base * 10 + k for k in range(3))
    return (
        _peeking_range_probe(seeds[:2]),
        Case((400, 14, 300, 0.05, 0.05, seeds[2]), "two weeks of daily looks"),
        Case((300, 1, 1_000, 0.1, 0.05, seeds[0]), "a single look"),
        Case((250, 20, 200, 0.3, 0.1, seeds[1]), "alpha 0.1, 20 looks"),
        Case((300, 8, 50, 0.002, 0.05, seeds[2] + 1), "a rare conversion: early looks see none"),
        Case((150, 30, 100, 0.5, 0.01, seeds[0] + 1), "alpha 0.01, 30 looks"),
        Case((0, 10, 100, 0.1), "no simulations", raises=ValueError),
        Case((100, 10, 100, 0.0), "a base rate of 0", raises=ValueError),
        Case((100, 10, 100, 0.1, 1.5), "alpha above 1", raises=ValueError),
        # every bound the prompt names, on the bound itself
        Case((100, 0, 100, 0.1), "no days", raises=ValueError),
        Case((100, 10, 0, 0.1), "no users per day", raises=ValueError),
        Case((100, 10, 100, 1.0), "a base rate of 1", raises=ValueError),
        Case((100, 10, 100, 0.1, 0.0), "alpha of 0", raises=ValueError),
        Case((100, 10, 100, 0.1, 1.0), "alpha of 1", raises=ValueError),
        Case(
            (300, 8, 50, 0.998, 0.05, seeds[1] + 2),
            "a near-certain conversion: early looks see every user convert",
        ),
    )


peeking_simulation = NumericExercise(
    "peeking_simulation",
    name="peeking_simulation",
    reference=_reference_peeking,
    atol=1e-12,
    visible=(
        Case((200, 10, 500, 0.1, 0.05, 1)),
        Case((100, 5, 1_000, 0.2, 0.05, 7)),
        Case((10, 0, 100, 0.1), raises=ValueError),
    ),
    hidden=_peeking_hidden,
    prompt_rules=(
        PromptRule(
            "rng = np.random.default_rng(seed)",
            case="hidden case 2 (two weeks of daily looks)",
            bank="fail_ignores_seed",
        ),
        PromptRule(
            "then one call",
            case="hidden case 2 (two weeks of daily looks)",
            bank="fail_draws_arm_by_arm",
        ),
        PromptRule(
            "test the cumulative conversions so far",
            case="hidden case 1 (10 daily looks",
            bank="fail_tests_each_day_alone",
        ),
        PromptRule(
            "the pooled two-sided z-test of exercise 2",
            case="hidden case 2 (two weeks of daily looks)",
            bank="fail_one_sided_test",
        ),
        PromptRule(
            "A look whose pooled rate is 0 or 1 is not significant",
            case="hidden case 5 (a rare conversion",
            bank="fail_no_zero_rate_guard",
        ),
        PromptRule(
            "the share of simulations with at least one significant look",
            case="hidden case 1 (10 daily looks",
            bank="fail_share_of_significant_looks",
        ),
        PromptRule(
            "the share of all simulations whose final look (day n_days) is significant",
            case="hidden case 1 (10 daily looks",
            bank="fail_fixed_rate_among_survivors",
        ),
        PromptRule(
            "returning a tuple of two Python floats",
            case="expected Python floats",
            bank="fail_returns_numpy_floats",
        ),
        PromptRule(
            "Raise ValueError if n_simulations, n_days or users_per_day is below 1",
            case="hidden case 7 (no simulations)",
            bank="fail_no_size_checks",
        ),
        PromptRule(
            "if base_rate or alpha is not strictly between 0 and 1",
            case="hidden case 8 (a base rate of 0)",
            bank="fail_rates_checked_inclusively",
        ),
        PromptRule(
            "here they are not allowed: the checks refuse answers that call them",
            case="compute it yourself",
            bank="fail_uses_scipy_norm",
        ),
    ),
    mistakes=(
        Mistake(
            "each look tests only that day's users; test the CUMULATIVE counts up to that day",
            produces_close(functools.partial(_peeking, cumulative=False), atol=1e-12),
        ),
        Mistake(
            "that is the share of all looks that were significant; the peeking rate is the "
            "share of SIMULATIONS with at least one significant look",
            produces_close(functools.partial(_peeking, per_look=True), atol=1e-12),
        ),
        Mistake(
            "the fixed-horizon rate counts only simulations that never stopped early; it is "
            "the final look's rate over ALL simulations, as if nobody had peeked",
            produces_close(functools.partial(_peeking, fixed_survivors=True), atol=1e-12),
        ),
        Mistake(
            "looks like a one-sided test; use the two-sided p-value 2 × P(Z > |z|)",
            produces_close(functools.partial(_peeking, sides=1), atol=1e-12),
        ),
        Mistake(
            "the draws are in another order: draw all conversions in one call, "
            "rng.binomial(users_per_day, base_rate, size=(n_simulations, n_days, 2))",
            produces_close(functools.partial(_peeking, arms_first=True), atol=1e-12),
        ),
    ),
    banned=_NORMAL_BANNED,
    banned_methods=("proportions_ztest", "ztest"),
    hints=(
        "Draw every day's conversions at once with rng = np.random.default_rng(seed): shape "
        "(n_simulations, n_days, 2), arm A in [..., 0], arm B in [..., 1]. Then cumsum over days.",
        "At look d each arm has users_per_day × d users: run the pooled two-proportion z-test "
        "on the cumulative counts (a look where the pooled rate is 0 or 1 is not significant).",
        "p < alpha is the same as |z| > NormalDist().inv_cdf(1 − alpha/2), which numpy can "
        "compare on whole arrays. Peeking: any look significant; fixed horizon: the last look.",
    ),
)

# -------------------------------------------------------------------- prime_music_alexa_impact


def _cell_means(panel: pd.DataFrame) -> pd.Series:
    return panel.groupby(["device", "treated", "post"])["subscribed"].mean()


def _impact(panel, *, method="did", overall="treated"):
    means = _cell_means(panel)
    effects = {}
    for device in panel["device"].unique():
        cells = {}
        for key in ((1, 1), (1, 0), (0, 1), (0, 0)):
            if (device, *key) not in means.index:
                raise ValueError(f"{device} has no households in one group or period")
            cells[key] = float(means[(device, *key)])
        if method == "did":
            effect = (cells[1, 1] - cells[1, 0]) - (cells[0, 1] - cells[0, 0])
        elif method == "before_after":
            effect = cells[1, 1] - cells[1, 0]
        elif method == "post_gap":
            effect = cells[1, 1] - cells[0, 1]
        elif method == "reversed":
            effect = (cells[0, 1] - cells[0, 0]) - (cells[1, 1] - cells[1, 0])
        else:
            raise ValueError(method)
        effects[str(device)] = float(effect)
    households = panel.groupby("device")["household_id"].nunique()
    treated = panel[panel["treated"] == 1].groupby("device")["household_id"].nunique()
    if overall == "treated":
        weights = treated
    elif overall == "all":
        weights = households
    else:
        weights = pd.Series(1.0, index=households.index)
    total = float(sum(effects[str(d)] * float(weights[d]) for d in weights.index))
    result = dict(effects)
    if overall == "pooled":
        pooled = panel.assign(device="all")
        result["overall"] = _impact(pooled, method=method)["all"]
    else:
        result["overall"] = total / float(weights.sum())
    return result


def _reference_impact(panel):
    return _impact(panel)


def _impact_in_points(panel):
    return {key: 100 * value for key, value in _impact(panel).items()}


@functools.cache
def _visible_panel() -> pd.DataFrame:
    return read_visible_panel()


def _tiny_panel() -> pd.DataFrame:
    """Two devices, nine households, four months (integration from month 3)."""
    subscribed = {
        # household: (device, treated, subscriptions in months 1-4)
        1: ("Echo Dot", 1, (0, 0, 1, 1)),
        2: ("Echo Dot", 1, (0, 1, 1, 1)),
        3: ("Echo Dot", 0, (0, 0, 0, 1)),
        4: ("Echo Dot", 0, (1, 1, 1, 1)),
        5: ("Fire TV", 1, (1, 1, 1, 1)),
        6: ("Fire TV", 0, (0, 0, 0, 0)),
        7: ("Fire TV", 0, (0, 1, 0, 1)),
        8: ("Fire TV", 0, (0, 0, 1, 0)),
        9: ("Echo Dot", 0, (0, 0, 1, 1)),
    }
    rows = [
        (household, device, treated, month, int(month >= 3), flags[month - 1])
        for household, (device, treated, flags) in subscribed.items()
        for month in range(1, 5)
    ]
    return pd.DataFrame(
        rows, columns=["household_id", "device", "treated", "month", "post", "subscribed"]
    )


@functools.cache
def _small_panel() -> pd.DataFrame:
    """Three devices, five months, rows in random order (a visible check, so a literal seed)."""
    segments = [
        Segment("Echo Dot", n_treated=3, n_control=2, base=20, gap=10, trend=10, effect=20),
        Segment("Echo Show", n_treated=2, n_control=4, base=25, gap=0, trend=5, effect=30),
        Segment("Fire TV", n_treated=4, n_control=1, base=0, gap=25, trend=0, effect=25),
    ]
    rng = np.random.default_rng(5)
    return build_panel(segments, months=5, launch=3, rng=rng, exact=False, shuffle_rows=True)


@functools.cache
def _impact_hidden() -> tuple[Case, ...]:
    seed = context.hidden_seed(0)
    panels = [planted_panel(seed, variant)[0] for variant in range(3)]
    first_device = panels[0]["device"] == panels[0]["device"].iloc[0]
    lonely = panels[0][~(first_device & (panels[0]["treated"] == 0))]
    untreated = panels[0][~(first_device & (panels[0]["treated"] == 1))]
    return (
        Case((_visible_panel(),), "the panel in prime_music_panel.csv"),
        Case((panels[0],), "a hidden panel with planted effects and a pre-trend"),
        Case((panels[1],), "four devices, a later launch, rows in random order"),
        Case((panels[2],), "two devices, a short panel, rows in random order"),
        Case(
            (lonely.reset_index(drop=True),),
            "a device with no control households",
            raises=ValueError,
        ),
        Case(
            (untreated.reset_index(drop=True),),
            "a device with no treated households",
            raises=ValueError,
        ),
        Case(
            (panels[1][panels[1]["post"] == 1].reset_index(drop=True),),
            "no months before launch",
            raises=ValueError,
        ),
        Case(
            (panels[2][panels[2]["post"] == 0].reset_index(drop=True),),
            "no months after launch",
            raises=ValueError,
        ),
    )


_IMPACT_TOL = 1e-9

# a FunctionExercise: its messages name the dict key that is wrong
prime_music_alexa_impact = FunctionExercise(
    "prime_music_alexa_impact",
    name="prime_music_alexa_impact",
    reference=_reference_impact,
    tol=_IMPACT_TOL,
    visible=lambda: (
        Case((_tiny_panel(),), "the nine-household example"),
        Case((_small_panel(),), "a 16-household panel, rows shuffled, launch in month 3"),
    ),
    hidden=_impact_hidden,
    prompt_rules=(
        PromptRule(
            "one key per device value in the panel (the exact string)",
            case="wrong keys",
            bank="fail_device_keys_renamed",
        ),
        PromptRule(
            "− (mean of control rows with post = 1 − mean of control rows with post = 0)",
            case="hidden case 1 (the panel in prime_music_panel.csv)",
            bank="fail_before_after_treated_only",
        ),
        PromptRule(
            "an after-launch comparison of the groups",
            case="hidden case 1 (the panel in prime_music_panel.csv)",
            bank="fail_compares_groups_after_launch",
        ),
        PromptRule(
            "the weighted average of the device effects",
            case="hidden case 1 (the panel in prime_music_panel.csv)",
            bank="fail_pooled_did_overall",
        ),
        PromptRule(
            "each device weighted by its number of treated households",
            case="hidden case 1 (the panel in prime_music_panel.csv)",
            bank="fail_weights_all_households",
        ),
        PromptRule(
            "an unweighted overall",
            case="hidden case 1 (the panel in prime_music_panel.csv)",
            bank="fail_unweighted_overall",
        ),
        PromptRule(
            "values are Python floats", case="expected a float", bank="fail_returns_numpy_floats"
        ),
        PromptRule(
            "in rate units (0.05 means +5 percentage points)",
            case="hidden case 1 (the panel in prime_music_panel.csv)",
            bank="fail_percentage_points",
        ),
        PromptRule(
            "Use the post column (the launch month is not always month 4)",
            case="hidden case 3 (four devices, a later launch",
            bank="fail_hardcoded_launch_month",
        ),
        PromptRule(
            "do not rely on the row order",
            case="hidden case 3 (four devices, a later launch, rows in random order)",
            bank="fail_relies_on_row_order",
        ),
        PromptRule(
            "Raise ValueError if some device has no treated or no control households, before or after launch",
            case="hidden case 5 (a device with no control households)",
            bank="fail_no_group_check",
        ),
        PromptRule("Leave panel unchanged", case="changed its input", bank="fail_changes_panel"),
    ),
    mistakes=(
        Mistake(
            "that is a before/after change of the integration group alone; it credits the "
            "integration with the trend every household followed. Subtract the control "
            "group's change (difference-in-differences)",
            produces_close(functools.partial(_impact, method="before_after"), atol=_IMPACT_TOL),
        ),
        Mistake(
            "that compares the groups after launch only; they differed before launch too. "
            "Subtract the pre-launch gap (difference-in-differences)",
            produces_close(functools.partial(_impact, method="post_gap"), atol=_IMPACT_TOL),
        ),
        Mistake(
            "the sign is reversed: (treated after − before) − (control after − before)",
            produces_close(functools.partial(_impact, method="reversed"), atol=_IMPACT_TOL),
        ),
        Mistake(
            "the device effects are right, but 'overall' is their plain average; weigh each "
            "device by its number of integration (treated) households",
            produces_close(functools.partial(_impact, overall="plain"), atol=_IMPACT_TOL),
        ),
        Mistake(
            "the device effects are right, but 'overall' weighs devices by ALL their "
            "households; weigh them by their treated households",
            produces_close(functools.partial(_impact, overall="all"), atol=_IMPACT_TOL),
        ),
        Mistake(
            "the device effects are right, but 'overall' is one DiD on the pooled panel; "
            "devices with different trends and treated shares make that biased. Use the "
            "weighted average of the device effects",
            produces_close(functools.partial(_impact, overall="pooled"), atol=_IMPACT_TOL),
        ),
        Mistake(
            "every value is 100 times the DiD: return rates (0.05 for +5 percentage points), "
            "not percentage points",
            produces_close(_impact_in_points, atol=_IMPACT_TOL),
        ),
    ),
    hints=(
        "For one device, take four averages of `subscribed`: treated before, treated after, "
        "control before, control after (`post` says which period a row is in).",
        "DiD = (treated after − treated before) − (control after − control before); the "
        "control group's change stands in for what would have happened anyway.",
        "'overall' = Σ_device effect × treated households / Σ_device treated households. "
        "Return a dict of Python floats, one key per device plus 'overall'.",
    ),
)

EXERCISES = (
    revenue_decomposition,
    ab_sample_size,
    two_proportion_test,
    sample_ratio_mismatch,
    peeking_simulation,
    prime_music_alexa_impact,
)
