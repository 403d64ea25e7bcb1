"""Week 6 — case studies turned into checkable exercises (Working Backwards).

The instructor's key (never released). Four interview cases: a stratified pre-launch sample,
duplicate listings (entity resolution with blocking, scored on a hidden labelled catalogue),
search recall by query rewriting (hidden queries and labels, fixed search), and CSM vs free
trial ROI under a budget. Data comes from the seeded generators in ``key_data.py``; the
visible CSVs beside the notebooks are written by them, hidden data is built at grading time
from ``context.hidden_seed(i)``. Reference answers and recognised wrong variants live in
``key_refs.py``.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from autograder.exercises import context
from autograder.exercises.companions import CompanionExercise, CompanionProbe
from autograder.exercises.function import Case, Mistake, produces
from autograder.exercises.numeric import NumericExercise, Probe, produces_close
from autograder.exercises.prompt_rules import PromptRule
from autograder.judges.values import type_name

from . import key_data as data
from . import key_refs as ref

TITLE = "Case studies: Working Backwards"
TOPICS = (
    "stratified pre-launch sample, duplicate listings with blocking, search recall by query "
    "rewriting, CSM vs free trial ROI, press release and FAQ"
)

HERE = Path(__file__).resolve().parent


# ====================================================================== prelaunch_sample

# genre sizes whose largest remainders tie between strata of different sizes at the last
# seats, and where rounding each quota to the nearest does not add up to n
_TIED_GENRES = {"action": 14, "comedy": 19, "documentary": 14, "drama": 38, "kids": 29}
_TIED_N = 95


# the third case comes second: there rounding down and rounding to the nearest differ, so
# each is told apart before a case where both give the same wrong counts
_ALLOCATION_VISIBLE = (
    Case(({"comedy": 50, "drama": 30, "kids": 20}, 10)),
    Case(({"x": 1, "y": 1, "z": 1}, 2)),
    Case(({("drama", "heavy"): 7, ("drama", "light"): 5, ("kids", "light"): 1}, 6)),
    Case(({"a": 3, "b": 4}, 8), raises=ValueError),
)


@functools.cache
def _allocation_hidden() -> tuple[Case, ...]:
    users = data.hidden_population(context.hidden_seed(0))
    sizes = users.groupby(list(data.STRATA)).size()
    strata = {tuple(k): int(v) for k, v in sizes.items()}
    rng = np.random.default_rng(context.hidden_seed(1))
    cases = [
        Case((strata, 10_000), "10,000 users from a hidden population (45 strata)"),
        # rounding to the nearest hands out more seats than n here, rounding down fewer
        Case(({"p": 1, "q": 1, "r": 1, "s": 1}, 3), "four equal strata, three seats"),
        Case(({"solo": 1, "big": 998, "mid": 501}, 700), "a single-user stratum"),
        Case(({"a": 2, "b": 2, "c": 2, "d": 2}, 5), "four equal remainders, one seat left"),
        Case(({"d": 3, "c": 3, "b": 3, "a": 3}, 6), "ties, keys given in reverse order"),
        # a and b have equal integer remainders, but the float fractional part of b's quota
        # comes out larger: ranking floats gives the last seat to b, not to a
        Case(
            ({"a": 6_450, "b": 269_411, "c": 775_983}, 526_636),
            "equal remainders that floats tell apart",
        ),
        Case((dict(_TIED_GENRES), _TIED_N), "equal remainders in strata of different sizes"),
        Case(({"a": 4, "b": 6}, 10), "n equal to the population"),
        Case(({"a": 4, "b": 6}, 0), "n = 0"),
        Case(({"only": 17}, 9), "a single stratum"),
        Case(({"a": 1, "b": 1, "c": 1, "d": 97}, 3), "three tiny strata against one large one"),
    ]
    for size in (7, 23):
        raw = {f"s{i:02d}": int(v) for i, v in enumerate(rng.integers(1, 400, size=size))}
        cases.append(Case((raw, int(rng.integers(1, sum(raw.values())))), f"{size} random strata"))
    cases += [
        Case(({"a": 3, "b": 4}, -1), "a negative n", raises=ValueError),
        Case(({"a": 3, "b": 4}, 8), "n one more than the population", raises=ValueError),
        Case(({}, 0), "no strata", raises=ValueError),
        Case(({"a": 3, "b": 0}, 2), "an empty stratum", raises=ValueError),
        Case(({"a": 3, "b": -2}, 1), "a negative stratum size", raises=ValueError),
    ]
    return tuple(cases)


prelaunch_sample_allocation = NumericExercise(
    "prelaunch_sample_allocation",
    name="allocate",
    reference=ref.allocate,
    visible=_ALLOCATION_VISIBLE,
    hidden=_allocation_hidden,
    mistakes=(
        Mistake(
            "your counts add up to less than n: rounding every quota down loses the "
            "fractions. Hand the seats left over to the strata with the largest remainders",
            produces(functools.partial(ref.allocate, rounding="floor")),
        ),
        Mistake(
            "rounding each quota on its own does not make the counts add up to n; round down "
            "first, then give the leftover seats to the largest remainders",
            produces(functools.partial(ref.allocate, rounding="round")),
        ),
        Mistake(
            "a leftover seat went to the wrong one of strata whose remainders (n * N_h) % N "
            "are equal: the stratum whose key comes first in sorted(sizes) goes first (rank "
            "the integer remainders, not floats)",
            produces(
                functools.partial(ref.allocate, ties="reversed"),
                also=(
                    functools.partial(ref.allocate, ties="larger"),
                    functools.partial(ref.allocate, ties="insertion"),
                ),
            ),
        ),
    ),
    prompt_rules=(
        PromptRule(
            "values are Python ints adding up to exactly n",
            case="hidden case 1 (10,000 users from a hidden population",
            bank="fail_floor_rounding",
        ),
        PromptRule(
            "Each stratum first gets the whole part of its exact quota",
            case="hidden case 2 (four equal strata, three seats)",
            bank="fail_round_each_quota",
        ),
        PromptRule(
            "compare these integers, not floats",
            case="hidden case 6 (equal remainders that floats tell apart)",
            bank="fail_float_remainders",
        ),
        PromptRule(
            "Equal remainders: the stratum whose key comes first in sorted(sizes) goes first",
            case="hidden case 5 (ties, keys given in reverse order)",
            bank="fail_ties_in_given_order",
        ),
        PromptRule(
            "the stratum whose key comes first",
            case="hidden case 5 (ties, keys given in reverse order)",
            bank="fail_ties_to_larger_stratum",
        ),
        PromptRule(
            "Raise ValueError when sizes is empty",
            case="hidden case 16 (no strata)",
            bank="fail_no_empty_check",
        ),
        PromptRule(
            "when a size is smaller than 1",
            case="hidden case 17 (an empty stratum)",
            bank="fail_zero_size_allowed",
        ),
        PromptRule(
            "when n is not between 0 and N",
            case="hidden case 15 (n one more than the population)",
            bank="fail_n_above_total_allowed",
        ),
        PromptRule(
            "(inclusive)",
            case="hidden case 8 (n equal to the population)",
            bank="fail_n_equal_total_rejected",
        ),
        PromptRule("Python ints", case="expected an int", bank="fail_numpy_ints"),
        PromptRule(
            "a new dict with the same keys",
            case="wrong keys on hidden case 2",
            bank="fail_drops_empty_strata",
        ),
        PromptRule("Do not modify sizes", case="changed its input", bank="fail_modifies_sizes"),
    ),
    hints=(
        "Each stratum's exact quota is n * size / total. Start from its whole part; the "
        "whole parts add up to at most n.",
        "The seats still missing go one each to the strata with the largest fractional parts. "
        "Integers keep this exact: the fractional part of n*size/total is ranked by "
        "(n * size) % total.",
        "Sort the strata by (-remainder, key) so ties are settled by key order.",
    ),
)


def _small_users() -> pd.DataFrame:
    users = data.make_users(606, 48)
    return users


_SAMPLE_VISIBLE = (
    Case((_small_users(), 12, 3, ["genre", "device"]), "48 example users, n = 12, seed = 3"),
    Case((_small_users(), 20, 11, ["watch_frequency"]), "48 example users, n = 20, seed = 11"),
    Case((_small_users(), 49, 0, ["genre"]), "more users asked for than exist", raises=ValueError),
)


_SAMPLE_ROUNDING = (
    (
        "floor",
        " (each stratum has its quota rounded down: the fractions are lost; hand the "
        "leftover seats to the largest remainders)",
    ),
    (
        "round",
        " (each stratum has its quota rounded to the nearest: that does not make the counts "
        "add up to n; round down, then hand the leftover seats to the largest remainders)",
    ),
)


def _check_sample(users, n, strata, result) -> str | None:
    """Structural problems of a returned sample, in plain words (None when fine)."""
    if type(result) is not pd.DataFrame:
        return f"returned a {type_name(result)}; expected a pandas DataFrame"
    if list(result.columns) != ["user_id", "group"]:
        return f"returned columns {list(result.columns)}; expected ['user_id', 'group']"
    if result["user_id"].dtype != np.int64:
        return f"column 'user_id' has dtype {result['user_id'].dtype}; expected int64"
    ids = result["user_id"]
    if ids.duplicated().any():
        return "returned some users twice: sample without replacement"
    if not set(ids).issubset(set(users["user_id"])):
        return "returned user ids that are not in the population"
    merged = users.set_index("user_id").loc[ids.to_numpy()]
    labels = list(zip(*(merged[c].tolist() for c in strata), strict=True))
    got = Counter(labels)
    sizes = dict(Counter(zip(*(users[c].tolist() for c in strata), strict=True)))
    if len(result) != n:
        short = "fewer" if len(result) < n else "more"
        # name a rounding mistake only when every stratum's count is what that rounding gives
        why = next(
            (
                text
                for rounding, text in _SAMPLE_ROUNDING
                if got
                == Counter(
                    {k: v for k, v in ref.allocate(sizes, n, rounding=rounding).items() if v}
                )
            ),
            "",
        )
        return f"returned {len(result)} users, {short} than n = {n}{why}"
    if set(result["group"]) - {"test", "control"}:
        return "has group values other than 'test' and 'control'"
    quotas = ref.allocate(sizes, n)
    off = [k for k, q in quotas.items() if got.get(k, 0) != q]
    if off:
        return (
            f"has the wrong number of users in {len(off)} of {len(quotas)} strata: each "
            "stratum gets its largest-remainder share of n"
        )
    groups = (
        result.assign(stratum=labels).groupby(["stratum", "group"]).size().unstack(fill_value=0)
    )
    for column in ("test", "control"):
        if column not in groups:
            groups[column] = 0
    gap = (groups["test"] - groups["control"]).abs()
    if (gap > 1).any():
        return (
            f"splits {int((gap > 1).sum())} strata unevenly: within each stratum test and "
            "control must differ by at most one user"
        )
    return None


def _same(result, users, index: int, mode: str) -> bool:
    """Whether ``result`` is the sample the wrong variant ``mode`` draws."""
    wrong = ref.prelaunch_sample(users, 10_000, 20_240 + index, list(data.STRATA), mode=mode)
    return type(result) is pd.DataFrame and result.equals(wrong)


def _sample_probe(index: int) -> Probe:
    def run(call):
        users = data.hidden_population(context.hidden_seed(index))
        strata = list(data.STRATA)
        result = call(users, 10_000, 20_240 + index, strata)
        problem = _check_sample(users, 10_000, strata, result)
        if problem and "strata" in problem and _same(result, users, index, "simple"):
            problem += (
                " (this is a simple random sample of the whole population: draw each "
                "stratum's quota from that stratum)"
            )
        if problem:
            return problem
        merged = users.set_index("user_id").loc[result["user_id"].to_numpy()]
        test = (result["group"] == "test").to_numpy()
        for column in ("tenure_months", "hours_30d"):
            value = ref.smd(merged[column].to_numpy()[test], merged[column].to_numpy()[~test])
            if value >= 0.1:
                return (
                    f"gives test and control a standardised mean difference of {value:.2f} in "
                    f"{column} (the limit is 0.1): assign users to groups at random within "
                    "each stratum, not by id or any other column"
                )
        again = call(users, 10_000, 20_240 + index, strata)
        if type(again) is not pd.DataFrame or not again.equals(result):
            return "returned a different sample for the same seed: use only the seed for randomness"
        other = call(users, 10_000, 31_337 + index, strata)
        if type(other) is pd.DataFrame and other.equals(result):
            return "returned the same sample for two different seeds"
        return None

    return Probe("10,000 users from a hidden population: size, strata, balance, seed", run)


def _tied_population(seed: int) -> pd.DataFrame:
    users = data.make_users(seed, 900)
    parts = [users[users.genre == g].head(size) for g, size in _TIED_GENRES.items()]
    tied = pd.concat(parts).sort_index().reset_index(drop=True)
    assert tied.groupby("genre").size().to_dict() == _TIED_GENRES
    return tied


def _column_order_population(seed: int) -> pd.DataFrame:
    """Four genre × device strata where (comedy, tv) and (drama, mobile) tie for the last
    seat of n = 7: the tuple (genre, device) gives it to comedy/tv, (device, genre) would not."""
    users = data.make_users(seed, 900)
    sizes = {
        ("comedy", "tv"): 3,
        ("drama", "mobile"): 3,
        ("comedy", "mobile"): 4,
        ("drama", "tv"): 4,
    }
    parts = [
        users[(users.genre == genre) & (users.device == device)].head(size)
        for (genre, device), size in sizes.items()
    ]
    return pd.concat(parts).sort_index().reset_index(drop=True)


@functools.cache
def _sample_hidden() -> tuple:
    whole = data.make_users(context.hidden_seed(3), 300)
    return (
        _sample_probe(2),
        Case(
            (data.hidden_population(context.hidden_seed(2)), 10_000, 77, list(data.STRATA)),
            "10,000 from a hidden population with a single-user stratum: exact sample",
        ),
        Case((whole, 300, 5, ["genre", "device"]), "n equal to the population"),
        Case(
            (_tied_population(context.hidden_seed(3) + 1), _TIED_N, 8, ["genre"]),
            "equal remainders in strata of different sizes",
        ),
        Case((whole, 301, 5, ["genre"]), "n larger than the population", raises=ValueError),
        Case(
            (_column_order_population(context.hidden_seed(3) + 2), 7, 4, ["genre", "device"]),
            "equal remainders settled by the order of the strata columns",
        ),
    )


prelaunch_sample = NumericExercise(
    "prelaunch_sample",
    name="prelaunch_sample",
    reference=ref.prelaunch_sample,
    visible=_SAMPLE_VISIBLE,
    hidden=_sample_hidden,
    mistakes=(
        Mistake(
            "looks like a simple random sample of the whole population: draw each stratum's "
            "quota from that stratum",
            produces(functools.partial(ref.prelaunch_sample, mode="simple")),
        ),
        Mistake(
            "your sample is smaller than n: rounding each quota down loses the fractions",
            produces(functools.partial(ref.prelaunch_sample, rounding="floor")),
        ),
        Mistake(
            "the groups follow user_id order within each stratum; alternate test/control "
            "in order of the random keys, so the split is random",
            produces(functools.partial(ref.prelaunch_sample, mode="by_id")),
        ),
    ),
    prompt_rules=(
        PromptRule(
            "a sample of exactly 10,000 users",
            case="hidden case 1 (10,000 users from a hidden population",
            bank="fail_floor_rounding",
        ),
        PromptRule(
            "gets its proportional share of the 10,000",
            case="hidden case 1 (10,000 users from a hidden population",
            bank="fail_simple_random_sample",
        ),
        PromptRule(
            "draw once, before any sorting or grouping",
            case="hidden case 2 (10,000 from a hidden population",
            bank="fail_keys_drawn_per_stratum",
        ),
        PromptRule(
            "keys[i] belongs to the i-th row of users as given",
            case="hidden case 2 (10,000 from a hidden population",
            bank="fail_keys_after_sorting_by_id",
        ),
        PromptRule(
            "Allocate n with allocate",
            case="hidden case 4 (equal remainders in strata of different sizes)",
            bank="fail_ties_to_larger_stratum",
        ),
        PromptRule(
            "the sample is the users with the smallest keys",
            case="hidden case 2 (10,000 from a hidden population",
            bank="fail_largest_keys",
        ),
        PromptRule(
            "order the chosen users by key and alternate",
            case="hidden case 2 (10,000 from a hidden population",
            bank="fail_split_by_user_id",
        ),
        PromptRule(
            'the 1st, 3rd, 5th, ... go to "test"',
            case="hidden case 2 (10,000 from a hidden population",
            bank="fail_control_first",
        ),
        PromptRule(
            "exactly the columns user_id (int64) and group",
            case="returned columns",
            bank="fail_extra_columns",
        ),
        PromptRule(
            "a tuple of the values of the strata columns (in that order)",
            case="hidden case 6 (equal remainders settled by the order of the strata columns)",
            bank="fail_strata_columns_sorted",
        ),
        PromptRule(
            "user_id (int64)",
            case="hidden case 1 (10,000 users from a hidden population",
            bank="fail_float_user_ids",
        ),
        PromptRule(
            "sorted by user_id",
            case="hidden case 2 (10,000 from a hidden population",
            bank="fail_not_sorted",
        ),
        PromptRule(
            "with a fresh index 0, 1, 2",
            case="returned the wrong index",
            bank="fail_keeps_index",
        ),
        PromptRule(
            "n larger than the number of users raises ValueError",
            case="hidden case 5 (n larger than the population)",
            bank="fail_n_capped",
        ),
        PromptRule("Do not modify users", case="changed its input", bank="fail_adds_key_column"),
    ),
    hints=(
        "Draw the keys once, for the whole table in its row order: "
        "np.random.default_rng(seed).random(len(users)). Everything after that is "
        "deterministic.",
        "groupby(strata) gives each stratum's size for allocate(); within a stratum, the users "
        "with the smallest keys are the sample.",
        "Within each stratum, order the chosen users by key and alternate: test, control, "
        "test, ... Then sort the result by user_id and reset the index.",
    ),
)


# ====================================================================== csm_vs_trial


def _segments() -> pd.DataFrame:
    return data.visible_segments()


def _flipped_segments(seed: int) -> pd.DataFrame:
    """The visible table with one segment's numbers changed so its best option flips."""
    base = _segments()
    rng = np.random.default_rng(seed)
    for _ in range(200):
        table = base.copy()
        row = int(rng.integers(len(table)))
        table.loc[row, "trial_lift"] = float(round(rng.uniform(0.05, 0.6), 2))
        table.loc[row, "csm_cost_per_account"] = float(round(rng.uniform(10, 90), 0))
        if ref.best_plan(table, 225_000.0) != ref.best_plan(base, 225_000.0):
            return table
    raise AssertionError("no flip found")


def _plan_budget(table: pd.DataFrame, rng: np.random.Generator) -> float:
    """A budget that binds and where the greedy ROI order or ignoring the budget is wrong."""
    roi = ref.option_roi(table)
    ceiling = float(roi.groupby("segment").cost.max().sum())
    for _ in range(400):
        budget = float(round(rng.uniform(0.1, 0.7) * ceiling, -3))
        plan = ref.best_plan(table, budget)
        if plan != ref.best_plan(table, budget, variant="greedy_roi") and plan != ref.best_plan(
            table, budget, variant="no_budget"
        ):
            return budget
    return float(round(0.4 * ceiling, -3))


@functools.cache
def _plan_tables() -> tuple[tuple[pd.DataFrame, float, str], ...]:
    rng = np.random.default_rng(context.hidden_seed(4))
    tables = [
        (
            _flipped_segments(context.hidden_seed(4)),
            225_000.0,
            "the visible table with one segment changed",
        )
    ]
    for i, size in enumerate((5, 7)):
        table = data.make_segments(context.hidden_seed(5) + i, size)
        tables.append(
            (table, _plan_budget(table, rng), f"{size} hidden segments, a binding budget")
        )
    return tuple(tables)


@functools.cache
def _roi_hidden() -> tuple[Case, ...]:
    cases = [Case((table,), label) for table, _, label in _plan_tables()]
    one = data.make_segments(context.hidden_seed(5) + 9, 1)
    cases.append(Case((one,), "a single segment"))
    return tuple(cases)


def _exact_budget(table: pd.DataFrame, budget: float) -> float:
    """The cost of the best plan at ``budget``, when a budget just below it changes the plan."""
    roi = ref.option_roi(table).set_index(["segment", "option"])
    plan = ref.best_plan(table, budget)
    cost = sum(float(roi.loc[(s, o), "cost"]) for s, o in plan.items() if o != "none")
    assert ref.best_plan(table, cost) == plan != ref.best_plan(table, cost - 1.0)
    return cost


def _tied_table() -> pd.DataFrame:
    """Segments where one option's value equals its cost exactly (net value 0, like none)."""
    table = data.make_segments(context.hidden_seed(5) + 11, 3)
    # 0.125 * 0.5 * 320 = 20 exactly in binary floating point: value = cost
    table.loc[1, ["baseline_conversion", "trial_lift", "ltv", "trial_cost_per_account"]] = (
        0.125,
        0.5,
        320.0,
        20.0,
    )
    return table


def _tied_options_table() -> pd.DataFrame:
    """A segment whose csm and trial have the same net value, csm the costlier: the cheaper
    trial wins whatever order the options are tried in (value, cost, net and roi are exact)."""
    table = data.make_segments(context.hidden_seed(5) + 12, 3)
    # per account: csm 0.125 * 0.5 * 320 - 16 = 4, trial 0.125 * 0.125 * 320 - 1 = 4
    table.loc[1, ["baseline_conversion", "csm_lift", "trial_lift", "ltv"]] = (
        0.125,
        0.5,
        0.125,
        320.0,
    )
    table.loc[1, ["csm_cost_per_account", "trial_cost_per_account"]] = (16.0, 1.0)
    return table


@functools.cache
def _plan_hidden() -> tuple[Case, ...]:
    cases = [Case((table, budget), label) for table, budget, label in _plan_tables()]
    table, budget, _ = _plan_tables()[1]
    cases += [
        Case((table, _exact_budget(table, budget)), "a budget equal to the best plan's cost"),
        Case((_tied_table(), 1e12), "two plans with the same net value"),
        Case((table, 1e12), "a budget that does not bind"),
        Case((table, 0.0), "no budget at all"),
        Case((table, -5.0), "a negative budget", raises=ValueError),
        Case((_tied_options_table(), 1e12), "csm and trial with the same net value"),
    ]
    return tuple(cases)


csm_vs_trial_roi = NumericExercise(
    "csm_vs_trial_roi",
    name="option_roi",
    reference=ref.option_roi,
    atol=1e-6,
    visible=(Case((_segments(),), "the segments in segments.csv"),),
    hidden=_roi_hidden,
    mistakes=(
        Mistake(
            "the ROI leaves out the cost side: ROI = (value - cost) / cost, the return net of "
            "what you spend",
            produces(functools.partial(ref.option_roi, variant="no_cost"), tol=1e-6),
        ),
        Mistake(
            "the lifts are relative to the baseline conversion rate: extra conversions = "
            "accounts * baseline_conversion * lift",
            produces(functools.partial(ref.option_roi, variant="absolute_lift"), tol=1e-6),
        ),
    ),
    prompt_rules=(
        PromptRule(
            '"csm" first, then "trial"',
            case="hidden case 1 (the visible table with one segment changed)",
            bank="fail_trial_first",
        ),
        PromptRule(
            "with a fresh index",
            case="returned the wrong index",
            bank="fail_index_per_segment",
        ),
        PromptRule(
            "relative lifts",
            case="hidden case 1 (the visible table with one segment changed)",
            bank="fail_lift_as_absolute",
        ),
        PromptRule(
            "roi = (value - cost) / cost",
            case="hidden case 1 (the visible table with one segment changed)",
            bank="fail_roi_without_cost",
        ),
        PromptRule("do not modify segments", case="changed its input", bank="fail_adds_columns"),
    ),
    hints=(
        "Two rows per segment, csm first, in the order of the input table.",
        "value = accounts * baseline_conversion * lift * ltv; cost = accounts * "
        "cost_per_account; roi = (value - cost) / cost.",
    ),
)

csm_vs_trial = NumericExercise(
    "csm_vs_trial",
    name="best_plan",
    reference=ref.best_plan,
    visible=(
        Case((_segments(), 225_000.0), "segments.csv, budget 225,000"),
        Case((_segments(), 1e9), "segments.csv, a budget that does not bind"),
        Case((_segments(), 0.0), "segments.csv, budget 0"),
        Case((_segments(), -1.0), "a negative budget", raises=ValueError),
    ),
    hidden=_plan_hidden,
    mistakes=(
        Mistake(
            "this plan costs more than the budget, or ignores it: the chosen options' total "
            "cost must stay within the budget",
            produces(functools.partial(ref.best_plan, variant="no_budget")),
        ),
        Mistake(
            "funding options in order of ROI until the money runs out is a heuristic; the best "
            "plan maximises the total net value (value - cost) within the budget: compare "
            "every combination",
            produces(functools.partial(ref.best_plan, variant="greedy_roi")),
        ),
        Mistake(
            "picking each segment's highest-ROI option ignores the budget and the size of the "
            "return: maximise the total net value within the budget",
            produces(functools.partial(ref.best_plan, variant="best_roi_option")),
        ),
    ),
    prompt_rules=(
        PromptRule(
            "the total cost of its chosen options is at most budget",
            case="hidden case 4 (a budget equal to the best plan's cost)",
            bank="fail_budget_strict",
        ),
        PromptRule(
            "the cheaper one wins",
            case="hidden case 5 (two plans with the same net value)",
            bank="fail_tie_keeps_costlier",
        ),
        PromptRule(
            "if two plans tie on total net value",
            case="hidden case 9 (csm and trial with the same net value)",
            bank="fail_tie_keeps_first_found",
        ),
        PromptRule(
            "largest total net value",
            case="hidden case 1 (the visible table with one segment changed)",
            bank="fail_greedy_by_roi",
        ),
        PromptRule(
            "A plan is affordable",
            case="hidden case 1 (the visible table with one segment changed)",
            bank="fail_ignores_budget",
        ),
        PromptRule(
            "A negative budget raises ValueError",
            case="hidden case 8 (a negative budget)",
            bank="fail_negative_budget_allowed",
        ),
    ),
    hints=(
        "Each segment has three choices: 'csm', 'trial' or 'none' (cost 0, net value 0).",
        "With a handful of segments, itertools.product over the choices tries every plan; "
        "keep the feasible plan with the largest total net value.",
        "On equal total net value keep the cheaper plan.",
    ),
)


# ====================================================================== duplicate listings


def _f1_random(rng: np.random.Generator, items: int) -> tuple:
    ids = list(range(1, items + 1))

    def clustering():
        order = rng.permutation(ids)
        cuts = sorted(
            rng.choice(range(1, items), size=int(rng.integers(1, items // 2)), replace=False)
        )
        return [sorted(int(x) for x in part) for part in np.split(order, cuts)]

    return (clustering(), clustering())


@functools.cache
def _f1_hidden() -> tuple[Case, ...]:
    rng = np.random.default_rng(context.hidden_seed(0) + 6)
    cases = [Case(_f1_random(rng, n), f"random clusterings of {n} items") for n in (12, 40, 200)]
    cases += [
        Case(([[1, 2], [3, 4]], [[1, 2], [3, 4]]), "a perfect prediction"),
        Case(([[1, 2, 3, 4]], [[1], [2], [3], [4]]), "no true pairs"),
        Case(([], [[1, 2]]), "an empty prediction"),
        Case(([[1, 2, 9]], [[1, 2], [3, 4]]), "a predicted id missing from truth"),
        Case(([[3, 1], [2]], [[2, 1, 3]]), "clusters not sorted"),
        Case(([["b", "a"], ["c"]], [["a", "b", "c"]]), "string ids"),
        Case(([[1, 2]], [[1, 2], [2, 3]]), "an id twice in truth", raises=ValueError),
        Case(([[1, 2], [3, 1]], [[1, 2, 3]]), "an id in two predicted clusters", raises=ValueError),
        Case(([[1, 1, 2]], [[1, 2]]), "an id twice in one cluster", raises=ValueError),
        # a cluster of one makes no pair, but its id still counts as appearing
        Case(([[1, 2], [1]], [[1, 2]]), "an id again as a cluster of one", raises=ValueError),
    ]
    return tuple(cases)


duplicate_listings_f1 = NumericExercise(
    "duplicate_listings_f1",
    name="pairwise_f1",
    reference=ref.pairwise_f1,
    visible=(
        Case(([[1, 2, 3], [4, 5]], [[1, 2], [3], [4, 5]])),
        Case(([[1], [2], [3]], [[1, 2, 3]])),
        Case(([[10, 20], [30, 40]], [[10, 20, 30], [40]])),
        Case(([[1, 2], [2, 3]], [[1, 2, 3]]), raises=ValueError),
    ),
    hidden=_f1_hidden,
    mistakes=(
        Mistake(
            "precision and recall are swapped: precision divides by the predicted pairs, "
            "recall by the true pairs",
            produces_close(functools.partial(ref.pairwise_f1, over="swapped")),
        ),
        Mistake(
            "count unordered pairs of two different listings: (a, b) and (b, a) are one pair, "
            "and (a, a) is not a pair",
            produces_close(ref._f1_ordered),
        ),
        Mistake(
            "this scores whole clusters; pairwise metrics count the pairs inside clusters",
            produces_close(ref._f1_clusters),
        ),
    ),
    prompt_rules=(
        PromptRule(
            "every unordered pair of two different items in the same cluster",
            case="hidden case 1 (random clusterings of 12 items)",
            bank="fail_ordered_pairs",
        ),
        PromptRule(
            "precision = shared pairs / predicted pairs",
            case="hidden case 1 (random clusterings of 12 items)",
            bank="fail_swapped",
        ),
        PromptRule(
            "(0.0 when there are no predicted pairs)",
            case="hidden case 6 (an empty prediction)",
            bank="fail_nan_when_no_pairs",
        ),
        PromptRule(
            "(0.0 when there are no true pairs)",
            case="hidden case 5 (no true pairs)",
            bank="fail_no_true_pairs_unguarded",
        ),
        PromptRule(
            "(0.0 when precision + recall is 0)",
            case="hidden case 5 (no true pairs)",
            bank="fail_f1_unguarded",
        ),
        PromptRule(
            "an id missing from one side is simply in no pair there",
            case="hidden case 7 (a predicted id missing from truth)",
            bank="fail_requires_same_ids",
        ),
        PromptRule(
            "in two clusters, or twice in one",
            case="hidden case 11 (an id in two predicted clusters)",
            bank="fail_checks_truth_only",
        ),
        PromptRule(
            "twice in one",
            case="hidden case 12 (an id twice in one cluster)",
            bank="fail_set_per_cluster",
        ),
        PromptRule(
            "when an id appears more than once in predicted",
            case="hidden case 13 (an id again as a cluster of one)",
            bank="fail_duplicates_in_singletons_allowed",
        ),
        PromptRule(
            "likewise for truth",
            case="hidden case 10 (an id twice in truth)",
            bank="fail_no_duplicate_check",
        ),
        PromptRule(
            "a tuple of three Python floats", case="expected a tuple", bank="fail_returns_list"
        ),
        PromptRule(
            "Do not modify the arguments", case="changed its input", bank="fail_sorts_in_place"
        ),
    ),
    hints=(
        "Turn each clustering into a set of pairs: for every cluster, every unordered pair "
        "of two different ids (itertools.combinations of the sorted ids).",
        "precision = shared pairs / predicted pairs, recall = shared pairs / true pairs; a "
        "zero denominator gives 0.0, and F1 is 0.0 when precision + recall is 0.",
    ),
)


def _pair(listings: dict[int, dict], a: int, b: int) -> tuple:
    return (listings[a], listings[b])


@functools.cache
def _visible_listings() -> dict[int, dict]:
    frame = pd.read_csv(HERE / "listings.csv")
    return {
        int(r.id): {"id": int(r.id), "title": r.title, "brand": r.brand, "price": float(r.price)}
        for r in frame.itertuples(index=False)
    }


def _visible_pairs() -> tuple[Case, ...]:
    # chosen from listings.csv: each shows one way duplicates differ, or one way they don't;
    # the label says what the pair is, so a wrong verdict is reported as what it is
    L = _visible_listings()
    picks = (
        (333, 371, "the same product: words reordered, lower case, a brand suffix"),
        (303, 272, "the same product: a typo in a product word, the brand's longer name"),
        (200, 277, "the same product: 1 kg against 1000g, a typo, the brand's longer name"),
        (13, 358, "the same product: 1l against 1000 ml"),
        (7, 100, "the same product in another size: not a duplicate"),
        (183, 422, "the same brand and size, another variety: not a duplicate"),
        (1, 160, "the same product from another brand: not a duplicate"),
    )
    return tuple(Case(_pair(L, a, b), f"listings {a} and {b} ({what})") for a, b, what in picks)


BUDGET_PER_LISTING = 10


def blocking_of(blocks: dict[str, list[int]]):
    """The keys each listing was given, read back from the blocks (no second call)."""
    keys: dict[int, list[str]] = {}
    for key, members in blocks.items():
        for member in members:
            keys.setdefault(member, []).append(key)
    return lambda listing: keys.get(listing["id"], [])


PRECISION_MIN, RECALL_MIN = 0.90, 0.85


def _how_different(a: dict, b: dict) -> list[str]:
    """How two listings of different products differ (what makes them different)."""
    found = []
    if ref.brand_key(a["brand"]) != ref.brand_key(b["brand"]):
        found.append("another brand")
    if ref.size_key(a["title"]) != ref.size_key(b["title"]):
        found.append("another size")
    return found or ["the same brand and size, another variety or product"]


def _how_written(a: dict, b: dict) -> list[str]:
    """How two listings of one product are written differently."""
    found = []
    if a["brand"] != b["brand"]:
        found.append("the brand written another way")
    size_a, size_b = ref._SIZE.search(a["title"]), ref._SIZE.search(b["title"])
    if size_a and size_b and size_a.group(0) != size_b.group(0):
        found.append("the size in another unit or format")
    if ref.product_words(a) != ref.product_words(b):
        found.append("a typo in a product word")
    elif ref._SIZE.sub("", a["title"]) != ref._SIZE.sub("", b["title"]):
        found.append("the title in another case or word order")
    if a["price"] != b["price"]:
        found.append("prices a few percent apart")
    return found


def _counted(reasons) -> str:
    """'12 with X, 3 with Y' over lists of reasons (a pair may count under several)."""
    counts = Counter(reason for found in reasons for reason in found)
    return ", ".join(f"{count} with {reason}" for reason, count in counts.most_common())


def _rates(by_id: dict, seen: list, missed: set) -> str:
    """'9 of 10 pairs with X, ...': per way of writing a product differently, how many of
    the true pairs written that way were rejected, the most often rejected first."""
    total, rejected = Counter(), Counter()
    for a, b in seen:
        for reason in _how_written(by_id[a], by_id[b]):
            total[reason] += 1
            rejected[reason] += (a, b) in missed
    ranked = sorted(total, key=lambda r: (-rejected[r] / total[r], r))
    return ", ".join(f"{rejected[r]} of {total[r]} with {r}" for r in ranked)


def _matching_probe(seed_index: int, n_products: int) -> CompanionProbe:
    def run(calls):
        listings, truth = data.make_catalogue(context.hidden_seed(seed_index), n_products)
        blocking, match = calls["blocking_keys"], calls["is_duplicate"]
        blocks: dict[str, list[int]] = {}
        for listing in listings:
            keys = blocking(listing)
            if type(keys) is not list or not all(type(k) is str for k in keys):
                return f"blocking_keys returned a {type_name(keys)}; expected a list of strings"
            for key in set(keys):
                blocks.setdefault(key, []).append(listing["id"])
        budget = BUDGET_PER_LISTING * len(listings)
        pairs = sum(len(m) * (len(m) - 1) // 2 for m in blocks.values())
        candidates = (
            set() if pairs > 4 * budget else ref.candidate_pairs(listings, blocking_of(blocks))
        )
        if pairs > 4 * budget or len(candidates) > budget:
            shown = f"{len(candidates):,}" if candidates else f"over {4 * budget:,}"
            return (
                f"blocking_keys puts {shown} pairs up for comparison on a catalogue of "
                f"{len(listings):,} listings; the budget is {budget:,} ({BUDGET_PER_LISTING} per "
                "listing). Comparing (nearly) every pair does not scale: give each listing "
                "keys that only likely duplicates share"
            )
        by_id = {x["id"]: x for x in listings}
        matched = []
        for a, b in sorted(candidates):
            verdict = match(by_id[a], by_id[b])
            if type(verdict) is not bool:
                return f"is_duplicate returned a {type_name(verdict)}; expected a bool"
            if verdict:
                matched.append((a, b))
        clusters = ref.components(list(by_id), matched)
        precision, recall, _ = ref.pairwise_f1(clusters, truth)
        true_pairs = ref.pairs_of(truth)
        kept = len(true_pairs & candidates) / len(true_pairs)
        scores = f"pairwise precision {precision:.2f}, recall {recall:.2f}"
        if precision < PRECISION_MIN:
            wrong = [(by_id[a], by_id[b]) for a, b in matched if (a, b) not in true_pairs]
            return (
                f"{scores} on the hidden catalogue: precision is below {PRECISION_MIN:.2f}; "
                f"is_duplicate accepted {len(wrong)} pairs of different products: "
                f"{_counted(_how_different(a, b) for a, b in wrong)}"
            )
        if recall < RECALL_MIN:
            exact = {(a, b) for a, b in candidates if by_id[a]["title"] == by_id[b]["title"]}
            if matched and set(matched) == exact:
                why = (
                    "is_duplicate accepted exactly the pairs with identical titles: an exact "
                    "title comparison misses near-duplicates (typos, reordered words, other "
                    "brand spellings and size formats)"
                )
            elif kept < RECALL_MIN:
                why = (
                    f"your blocking keys keep only {kept:.0%} of the true duplicate pairs "
                    "together, so is_duplicate never sees the rest: normalise what the keys "
                    "are built from (brand spellings, size units)"
                )
            else:
                seen = sorted(true_pairs & candidates)
                missed = [pair for pair in seen if pair not in set(matched)]
                why = (
                    f"is_duplicate rejected {len(missed)} of the {len(seen)} pairs of listings "
                    f"of the same product it was given; it rejected "
                    f"{_rates(by_id, seen, set(missed))}"
                )
            return f"{scores} on the hidden catalogue: recall is below {RECALL_MIN:.2f}; {why}"
        return None

    return CompanionProbe(f"a hidden labelled catalogue of about {2 * n_products} listings", run)


@functools.cache
def _matching_hidden() -> tuple:
    return (_matching_probe(1, 420),)


duplicate_listings = CompanionExercise(
    "duplicate_listings",
    name="is_duplicate",
    companions=("blocking_keys",),
    reference=ref.is_duplicate,
    visible=_visible_pairs(),
    hidden=_matching_hidden,
    prompt_rules=(
        PromptRule(
            "at most 10 per listing",
            case="pairs up for comparison",
            bank="fail_all_pairs",
        ),
        PromptRule(
            "returns a list of strings",
            case="expected a list of strings",
            bank="fail_key_as_string",
        ),
        PromptRule("returns a Python bool", case="expected a bool", bank="fail_numpy_bool"),
        PromptRule("do not modify it", case="changed its input", bank="fail_mutates_listing"),
        PromptRule("typos", case="recall is below 0.85", bank="fail_no_typo_tolerance"),
        PromptRule("reordered words", case="recall is below 0.85", bank="fail_word_order_matters"),
        PromptRule("lower case", case="recall is below 0.85", bank="fail_case_sensitive_words"),
        PromptRule(
            "the brand spelt another way",
            case="blocking keys keep only",
            bank="fail_brand_case_sensitive",
        ),
        PromptRule(
            "the size in other units or formats",
            case="blocking keys keep only",
            bank="fail_no_unit_conversion",
        ),
        PromptRule(
            "a price a few percent apart", case="recall is below 0.85", bank="fail_exact_price"
        ),
        PromptRule(
            "another size or variety, or from another brand, is not a duplicate",
            case="precision is below 0.90",
            bank="fail_product_type_only",
        ),
    ),
    hints=(
        "Normalise before comparing: lower-case, strip brand suffixes (Inc., Co., Ltd...), "
        "read the size and convert it to ml or g.",
        "Duplicates share a normalised brand and size, so those make a good blocking key: only "
        "listings in the same block are ever compared.",
        "For the product words, compare word sets while tolerating one-letter typos "
        "(difflib.SequenceMatcher(None, a, b).ratio() is in the standard library).",
    ),
)


# ====================================================================== search recall


@functools.cache
def _products() -> tuple[tuple[int, str], ...]:
    frame = pd.read_csv(HERE / "products.csv")
    return tuple((int(i), str(t)) for i, t in zip(frame.product_id, frame.title, strict=True))


@functools.cache
def _vocabulary() -> list[str]:
    return ref.vocabulary_of([t for _, t in _products()])


RECALL_TARGET, RECALL_GAIN, PRECISION_FLOOR = 0.85, 0.30, 0.80


def _recall_probe(seed_index: int, n_queries: int, *, sizes: bool = False) -> Probe:
    def run(call):
        products = list(_products())
        vocabulary = _vocabulary()
        if sizes:  # only the queries that give a size (the size formats must be rewritten)
            drawn = data.make_queries(
                context.hidden_seed(seed_index), 40 * n_queries, data.make_products()
            )
            queries = [q for q in drawn if ref._INCH.search(q[0].lower())][:n_queries]
            assert len(queries) == n_queries
        else:
            queries = data.make_queries(
                context.hidden_seed(seed_index), n_queries, data.make_products()
            )
        base_recall, recalls, hits, returned = [], [], 0, 0
        for text, relevant in queries:
            rewritten = call(text, list(vocabulary))
            if type(rewritten) is not str:
                return f"returned a {type_name(rewritten)}; expected a str"
            found = ref.search(rewritten, products)
            recalls.append(ref.recall_at_k(found, relevant, 10))
            hits += len(set(found) & set(relevant))
            returned += len(found)
            base_recall.append(ref.recall_at_k(ref.search(text, products), relevant, 10))
        recall, baseline = float(np.mean(recalls)), float(np.mean(base_recall))
        precision = hits / returned if returned else 0.0
        scores = (
            f"on {len(queries)} hidden queries: recall@10 {recall:.2f} (without rewriting "
            f"{baseline:.2f}), precision {precision:.2f}"
        )
        if precision < PRECISION_FLOOR:
            return (
                f"fails the precision guardrail {scores}: below {PRECISION_FLOOR:.2f}. A "
                "rewrite that drops or broadens words returns many irrelevant products; keep "
                "every word of the query, rewritten to the catalogue's word"
            )
        if recall < RECALL_TARGET or recall < baseline + RECALL_GAIN:
            return (
                f"does not reach the recall target {scores}: it needs at least "
                f"{RECALL_TARGET:.2f} and {RECALL_GAIN:.2f} above the baseline. Cover synonyms, "
                "plurals, typos and size formats"
            )
        return None

    what = "hidden queries that give a size" if sizes else "hidden queries"
    return Probe(f"{n_queries} {what} with hidden relevance labels", run)


@functools.cache
def _rewrite_hidden() -> tuple:
    return (_recall_probe(2, 150), _recall_probe(3, 40, sizes=True))


def _unchanged(query, vocabulary):
    return query


def _lowered(query, vocabulary):
    return query.lower()


def _empty(query, vocabulary):
    return ""


def _type_only(query, vocabulary):
    words = ref.reference_rewrite(query, vocabulary).split()
    kept = [w for w in words if w in {kind for kind, *_ in data.SEARCH_TYPES}]
    return " ".join(kept or words)


search_recall = NumericExercise(
    "search_recall",
    name="rewrite_query",
    reference=ref.reference_rewrite,
    visible=tuple(
        Case((q, _vocabulary()), f"rewrite_query({q!r}, vocabulary)")
        for q in (
            "OLED Televisions",
            '55" tv',
            "velvet couch",
            "wireles headphones",
            "Norra rucksack",
            "cordless vacuum",
        )
    ),
    hidden=_rewrite_hidden,
    mistakes=(
        Mistake("the query came back unchanged", produces(_unchanged)),
        Mistake(
            "lower-casing alone is not enough: map each word to the catalogue's word",
            produces(_lowered),
        ),
        Mistake(
            "an empty query matches every product: the search would return everything, and "
            "precision collapses",
            produces(_empty),
        ),
        Mistake(
            "you dropped words of the query: the search then returns products the shopper did "
            "not ask for (precision falls); rewrite every word instead",
            produces(_type_only),
        ),
    ),
    prompt_rules=(
        PromptRule("Return a string", case="expected a str", bank="fail_returns_word_list"),
        PromptRule(
            "mean recall@10 ≥ 0.85",
            case="hidden case 1 (150 hidden queries",
            bank="fail_synonyms_only",
        ),
        PromptRule(
            "a synonym to the word the titles use",
            case="hidden case 1 (150 hidden queries",
            bank="fail_no_synonyms",
        ),
        PromptRule(
            "a misspelt word to the closest vocabulary word",
            case="hidden case 1 (150 hidden queries",
            bank="fail_no_typo_fix",
        ),
        PromptRule(
            "a size written",
            case="hidden case 2 (40 hidden queries that give a size",
            bank="fail_no_size_rewrite",
        ),
        PromptRule(
            "precision guardrail",
            case="fails the precision guardrail",
            bank="fail_returns_everything",
        ),
    ),
    hints=(
        "Study queries.csv: for each query whose relevant products the baseline misses, ask "
        "which title word the shopper meant.",
        "Four families of fixes: synonyms (a dict), plurals (drop a final s when the singular "
        "is in the vocabulary), typos (difflib.get_close_matches against the vocabulary), and "
        'sizes (55in, 55", 55-inch -> 55 inch).',
        "The search needs every query word in the title, so a word that is not in the "
        "vocabulary makes the query find nothing: every output word must be a vocabulary word.",
    ),
)


def _recall_cases() -> tuple[Case, ...]:
    return (
        Case(([5, 3, 9, 1], [3, 1, 7], 3)),
        Case(([5, 3, 9, 1], [3, 1, 7], 10)),
        Case(([], [4], 10)),
        Case(([2, 4, 6], [], 3), raises=ValueError),
    )


# Each variant's first failing case tells it apart from the others, so a message names
# a mistake only when the answer's value is that mistake's value.
recall_hidden = (
    Case(([1, 2, 3], [1, 2, 3], 3), "everything relevant retrieved"),
    Case(([4, 2], [2, 4, 6], 5), "fewer ids retrieved than k"),
    Case(([9, 8, 7, 1], [1], 3), "the relevant item just past k"),
    Case(([7, 7, 2, 5], [7, 2, 9, 11, 13], 3), "a repeated id in retrieved"),
    Case(([3, 1, 8], [1, 1, 3, 6], 2), "a repeated id in relevant"),
    Case((list(range(100)), [5, 50, 99, 200], 50), "k = 50"),
    Case((["a", "b"], ["b", "c"], 1), "string ids"),
    Case(([1, 2], [2], 0), "k = 0", raises=ValueError),
    Case(([1, 2], [2], -3), "a negative k", raises=ValueError),
    Case(([1, 2], [2], 2.0), "k a float", raises=ValueError),
    Case(([1, 2], [2], True), "k a bool", raises=ValueError),
    Case(([3, 5], [], 2), "no relevant item", raises=ValueError),
)

search_recall_at_k = NumericExercise(
    "search_recall_at_k",
    name="recall_at_k",
    reference=ref.recall_at_k,
    visible=_recall_cases(),
    hidden=recall_hidden,
    mistakes=(
        Mistake(
            "that is precision: recall divides by the number of relevant items, not by the "
            "number retrieved",
            produces_close(
                functools.partial(ref.recall_at_k, over="retrieved"),
                also=(functools.partial(ref.recall_at_k, over="retrieved_all"),),
            ),
        ),
        Mistake(
            "recall divides by the number of relevant items, not by k",
            produces_close(functools.partial(ref.recall_at_k, over="k")),
        ),
        Mistake(
            "only the first k retrieved items count",
            produces_close(functools.partial(ref.recall_at_k, over="uncut")),
        ),
        Mistake(
            "a relevant id retrieved twice was counted twice: count each distinct relevant id once",
            produces_close(functools.partial(ref.recall_at_k, over="repeats")),
        ),
        Mistake(
            "the denominator counted a repeated relevant id twice: divide by the number of "
            "distinct relevant ids",
            produces_close(functools.partial(ref.recall_at_k, over="relevant_all")),
        ),
    ),
    hints=(
        "Cut the retrieved list to its first k items, then count how many relevant ids are "
        "among them.",
        "Divide by the number of relevant ids; an empty relevant list, or k < 1, is a ValueError.",
    ),
    prompt_rules=(
        PromptRule(
            "possibly fewer than k",
            case="hidden case 2 (fewer ids retrieved than k)",
            bank="fail_over_k",
        ),
        PromptRule(
            "among the first k retrieved",
            case="hidden case 3 (the relevant item just past k)",
            bank="fail_no_cutoff",
        ),
        PromptRule(
            "number of distinct relevant ids among the first k retrieved",
            case="hidden case 4 (a repeated id in retrieved)",
            bank="fail_counts_repeats",
        ),
        PromptRule(
            "divided by the number of distinct relevant ids",
            case="hidden case 5 (a repeated id in relevant)",
            bank="fail_relevant_with_repeats",
        ),
        PromptRule(
            "as a Python float",
            case="expected a float",
            bank="fail_numpy_float",
        ),
        PromptRule(
            "Raise ValueError when relevant is empty",
            case="hidden case 12 (no relevant item)",
            bank="fail_empty_relevant_zero",
        ),
        PromptRule(
            "k is not an int of at least 1",
            case="hidden case 8 (k = 0)",
            bank="fail_k_zero_allowed",
        ),
        PromptRule(
            "a float or a bool is not an int here",
            case="hidden case 11 (k a bool)",
            bank="fail_bool_k_accepted",
        ),
        PromptRule(
            "Do not modify the arguments",
            case="changed its input",
            bank="fail_truncates_retrieved",
        ),
    ),
)


EXERCISES = (
    prelaunch_sample_allocation,
    prelaunch_sample,
    csm_vs_trial_roi,
    csm_vs_trial,
    duplicate_listings_f1,
    duplicate_listings,
    search_recall_at_k,
    search_recall,
)
