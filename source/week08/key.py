"""Week 8 — the full interview loop: a timed mock with new exercises and a bar-raiser round.

The instructor's key (never released). Every round brings exercises the earlier weeks did
not ask: gaps-and-islands SQL, a mergeable streaming variance, an exact probability checked
against a simulation, a leaky pipeline to repair, a payback case, and the bar raiser's
follow-ups (a median without window functions, "the metric moved 3 %: is it real?").
Hidden SQL checks run on store variants with planted customers (key_data.py).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from autograder.exercises import context
from autograder.exercises.function import Case, FunctionExercise, Mistake, produces
from autograder.exercises.numeric import NumericExercise, produces_close
from autograder.exercises.prompt_rules import PromptRule
from autograder.exercises.restricted_sql import RestrictedSqlExercise
from autograder.exercises.sql import SqlExercise, SqlMistake

from .key_data import classification_data, planted_databases

TITLE = "The full interview loop"
TOPICS = (
    "timed mock loop: gaps and islands, streaming variance, run probabilities by simulation, "
    "leakage in a pipeline, payback case, STAR answers, bar-raiser follow-ups, debrief"
)

# ================================================================== round 1: coding

_MONTH = (
    "CAST(strftime('%Y', ordered_at) AS INTEGER) * 12 + CAST(strftime('%m', ordered_at) AS INTEGER)"
)

_MONTH_STREAKS = f"""
WITH active AS (
    SELECT DISTINCT customer_id, {_MONTH} AS month_number
    FROM orders
    WHERE status = 'completed'
),
islands AS (
    SELECT customer_id, month_number,
           month_number - ROW_NUMBER() OVER (
               PARTITION BY customer_id ORDER BY month_number
           ) AS island
    FROM active
),
streaks AS (
    SELECT customer_id, MIN(month_number) AS first_number, MAX(month_number) AS last_number,
           COUNT(*) AS months
    FROM islands
    GROUP BY customer_id, island
),
ranked AS (
    SELECT *, ROW_NUMBER() OVER (
               PARTITION BY customer_id ORDER BY months DESC, first_number
           ) AS position
    FROM streaks
)
SELECT customer_id,
       printf('%04d-%02d', (first_number - 1) / 12, (first_number - 1) % 12 + 1) AS first_month,
       printf('%04d-%02d', (last_number - 1) / 12, (last_number - 1) % 12 + 1) AS last_month,
       months
FROM ranked
WHERE position = 1
"""

month_streaks = SqlExercise(
    "month_streaks",
    variable="MONTH_STREAKS_SQL",
    reference=_MONTH_STREAKS,
    hidden_databases=planted_databases,
    prompt_rules=(
        PromptRule(
            "A customer is active in a calendar month if they placed at least one order",
            case="hidden database 1",
            bank="fail_orders_not_months",
        ),
        PromptRule(
            "(orders of any other status do not count)",
            case="hidden database 1",
            bank="fail_any_status",
        ),
        PromptRule(
            "December and the following January are consecutive",
            case="hidden database 1",
            bank="fail_month_of_year",
        ),
        PromptRule(
            "exactly the columns customer_id, first_month, last_month, months",
            case="missing column(s) months",
            bank="fail_column_named_length",
        ),
        PromptRule("one row per customer", case="hidden database 1", bank="fail_every_streak"),
        PromptRule("as text 'YYYY-MM'", case="hidden database 1", bank="fail_month_not_padded"),
        PromptRule(
            "a single active month is a streak of 1",
            case="hidden database 1",
            bank="fail_single_months_dropped",
        ),
        PromptRule("return the earliest one", case="hidden database 1", bank="fail_latest_tie"),
        PromptRule(
            "Customers without any completed order do not appear",
            case="hidden database 1",
            bank="fail_every_customer",
        ),
    ),
    mistakes=(
        SqlMistake(
            "you numbered months within the year only: December 2019 and January 2020 are "
            "consecutive months, so number them as year * 12 + month",
            """
            WITH active AS (
                SELECT DISTINCT customer_id, strftime('%Y', ordered_at) AS y,
                       CAST(strftime('%m', ordered_at) AS INTEGER) AS m
                FROM orders WHERE status = 'completed'
            ), islands AS (
                SELECT customer_id, y, m,
                       m - ROW_NUMBER() OVER (PARTITION BY customer_id, y ORDER BY m) AS island
                FROM active
            ), streaks AS (
                SELECT customer_id, y, MIN(m) AS lo, MAX(m) AS hi, COUNT(*) AS months
                FROM islands GROUP BY customer_id, y, island
            ), ranked AS (
                SELECT *, ROW_NUMBER() OVER (
                    PARTITION BY customer_id ORDER BY months DESC, y, lo) AS position
                FROM streaks
            )
            SELECT customer_id, printf('%s-%02d', y, lo) AS first_month,
                   printf('%s-%02d', y, hi) AS last_month, months
            FROM ranked WHERE position = 1
            """,
        ),
        SqlMistake(
            "you counted months with orders of any status; only completed orders keep a "
            "streak going",
            _MONTH_STREAKS.replace("WHERE status = 'completed'", ""),
        ),
        SqlMistake(
            "when two streaks tie for the longest you kept the later one; keep the earliest",
            _MONTH_STREAKS.replace("months DESC, first_number", "months DESC, first_number DESC"),
        ),
        SqlMistake(
            "several orders in one month break your islands: number distinct months, not "
            "orders (SELECT DISTINCT, or DENSE_RANK)",
            _MONTH_STREAKS.replace("SELECT DISTINCT customer_id", "SELECT customer_id"),
        ),
        SqlMistake(
            "you returned every streak; return only each customer's longest one",
            _MONTH_STREAKS.replace("WHERE position = 1", ""),
        ),
    ),
    hints=(
        "Reduce the orders to one row per customer and active month first, with the month as "
        "a single number that keeps counting across years.",
        "Gaps and islands: within a streak, month_number minus its ROW_NUMBER() per customer "
        "stays constant, so it labels the island.",
        "Group by customer and island for start, end and length; then keep the longest per "
        "customer, earliest first on a tie.",
    ),
)

# ------------------------------------------------------------------ streaming_variance


def _update(state, x, *, variant=""):
    n, mean, m2 = state
    n_new = n + 1
    mean_new = mean + (x - mean) / n_new
    if variant == "new_mean_squared":
        m2_new = m2 + (x - mean_new) ** 2
    elif variant == "old_mean_squared":
        m2_new = m2 + (x - mean) ** 2
    else:
        m2_new = m2 + (x - mean) * (x - mean_new)
    return (n_new, float(mean_new), float(m2_new))


def _reference_update(state, x):
    return _update(state, x)


def _merge(a, b, *, variant=""):
    n_a, mean_a, m2_a = a
    n_b, mean_b, m2_b = b
    n = n_a + n_b
    if n == 0:
        return (0, 0.0, 0.0)
    delta = mean_b - mean_a
    if variant == "plain_mean":
        mean = (mean_a + mean_b) / 2
    else:
        mean = mean_a + delta * n_b / n
    if variant == "no_delta":
        m2 = m2_a + m2_b
    elif variant == "delta_not_divided":
        m2 = m2_a + m2_b + delta**2 * n_a * n_b
    else:
        m2 = m2_a + m2_b + delta**2 * n_a * n_b / n
    return (n, float(mean), float(m2))


def _reference_merge(a, b):
    return _merge(a, b)


def _fold(values):
    state = (0, 0.0, 0.0)
    for value in values:
        state = _update(state, value)
    return state


def _reference_variance(state):
    n, _, m2 = state
    if n < 2:
        raise ValueError("the sample variance needs at least two values")
    return float(m2 / (n - 1))


_STATE_TOL = {"atol": 1e-9, "rtol": 1e-9}

streaming_variance = NumericExercise(
    "streaming_variance",
    name="welford_update",
    reference=_reference_update,
    **_STATE_TOL,
    visible=(
        Case(((0, 0.0, 0.0), 4)),
        Case(((1, 4.0, 0.0), 7.0)),
        Case(((3, 5.0, 8.0), 11.0)),
    ),
    hidden=(
        Case(((0, 0.0, 0.0), -2.5), "the first value, negative"),
        Case((_fold([3, 8, 1, 9, 4]), 6), "an integer value added to a state of five values"),
        Case((_fold([1e9 + 4, 1e9 + 7, 1e9 + 13]), 1e9 + 16), "values near one billion"),
        Case((_fold([0.1 * k for k in range(40)]), -7.25), "a value far below the mean"),
        Case((_fold([5, 5, 5]), 5), "a value equal to the mean"),
    ),
    prompt_rules=(
        PromptRule(
            "m2 grows by (x − old mean) × (x − new mean)",
            case="hidden case 2 (an integer value added to a state of five values)",
            bank="fail_new_mean_squared",
        ),
        PromptRule(
            "the mean moves by (x − mean) / n_new",
            case="hidden case 1 (the first value, negative)",
            bank="fail_mean_step_over_old_count",
        ),
        PromptRule(
            "(an int or a float)",
            case="hidden case 2 (an integer value added to a state of five values)",
            bank="fail_update_refuses_int",
        ),
        PromptRule(
            "with Welford's update",
            case="hidden case 3 (values near one billion)",
            bank="fail_sum_of_squares",
        ),
        PromptRule(
            "must not store or re-read past values",
            case="hidden case 2 (an integer value added to a state of five values)",
            bank="fail_update_keeps_the_values",
        ),
        PromptRule(
            "Each function returns a new tuple (int, float, float)",
            case="expected a tuple",
            bank="fail_update_returns_list",
        ),
    ),
    mistakes=(
        Mistake(
            "m2 grew by (x - new mean)²; Welford's update adds (x - old mean) × (x - new mean)",
            produces_close(functools.partial(_update, variant="new_mean_squared"), **_STATE_TOL),
        ),
        Mistake(
            "m2 grew by (x - old mean)²; Welford's update adds (x - old mean) × (x - new mean)",
            produces_close(functools.partial(_update, variant="old_mean_squared"), **_STATE_TOL),
        ),
    ),
    hints=(
        "The new count is n + 1; the mean moves by (x - mean) / (n + 1).",
        "m2 is the sum of squared distances from the current mean; it grows by the product "
        "of x's distance from the old mean and from the new one.",
        "Return a new tuple (int, float, float): float(...) the mean and m2.",
    ),
)

streaming_variance_merge = NumericExercise(
    "streaming_variance_merge",
    name="welford_merge",
    reference=_reference_merge,
    **_STATE_TOL,
    visible=(
        Case(((2, 3.0, 2.0), (3, 8.0, 8.0))),
        Case(((4, 10.0, 20.0), (1, 10.0, 0.0))),
    ),
    hidden=(
        Case(((0, 0.0, 0.0), (3, 2.0, 6.0)), "an empty left state"),
        Case(((5, -1.5, 12.25), (0, 0.0, 0.0)), "an empty right state"),
        Case(((0, 0.0, 0.0), (0, 0.0, 0.0)), "two empty states"),
        Case((_fold(range(1, 101)), _fold([1000.0])), "one partition much larger than the other"),
        Case(
            (_fold([1e9 + 1, 1e9 + 2, 1e9 + 6]), _fold([1e9 + 3, 1e9 + 9])),
            "partitions near one billion",
        ),
        Case((_fold([2, 9, 4]), _fold([-6, 0, 1, 15])), "partitions with different means"),
    ),
    prompt_rules=(
        PromptRule(
            "the count-weighted mean",
            case="hidden case 4 (one partition much larger than the other)",
            bank="fail_merge_plain_mean",
        ),
        PromptRule(
            "m2 = m2_a + m2_b + delta² · n_a · n_b / n",
            case="hidden case 4 (one partition much larger than the other)",
            bank="fail_merge_no_delta",
        ),
        PromptRule(
            "Merging with an empty state returns the other one",
            case="hidden case 1 (an empty left state)",
            bank="fail_merge_empty_returns_the_empty_one",
        ),
        PromptRule(
            "two empty states merge into (0, 0.0, 0.0)",
            case="hidden case 3 (two empty states)",
            bank="fail_merge_empty_divides_by_zero",
        ),
        PromptRule(
            "Each function returns a new tuple (int, float, float)",
            case="expected a tuple",
            bank="fail_merge_returns_list",
        ),
    ),
    mistakes=(
        Mistake(
            "the merged m2 only adds the two m2 values; it also needs delta² × n_a × n_b / n "
            "for the distance between the two means",
            produces_close(functools.partial(_merge, variant="no_delta"), **_STATE_TOL),
        ),
        Mistake(
            "the merged mean is the plain average of the two means; weight each by its count",
            produces_close(functools.partial(_merge, variant="plain_mean"), **_STATE_TOL),
        ),
        Mistake(
            "the between-means term is delta² × n_a × n_b / n: you did not divide by n",
            produces_close(functools.partial(_merge, variant="delta_not_divided"), **_STATE_TOL),
        ),
    ),
    hints=(
        "The merged count is n_a + n_b and the merged mean is the count-weighted average of "
        "the two means.",
        "m2 adds both m2 values plus a term for how far apart the means are: delta² × n_a × "
        "n_b / n, with delta = mean_b - mean_a.",
        "Merging with an empty state (n = 0) must return the other state; two empty states "
        "merge into (0, 0.0, 0.0), with no division by zero.",
    ),
)

streaming_variance_result = NumericExercise(
    "streaming_variance_result",
    name="welford_variance",
    reference=_reference_variance,
    **_STATE_TOL,
    visible=(Case(((5, 6.0, 40.0),)), Case(((2, 1.5, 0.5),))),
    hidden=(
        Case((_fold([7, 7, 7, 7]),), "all values equal"),
        Case((_fold([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]),), "values near one billion"),
        Case(((1, 3.0, 0.0),), "a single value", raises=ValueError),
        Case(((0, 0.0, 0.0),), "no values", raises=ValueError),
        Case((_fold([3.5, 9.0]),), "two values"),
    ),
    prompt_rules=(
        PromptRule(
            "the sample variance m2 / (n − 1)",
            case="hidden case 2 (values near one billion)",
            bank="fail_population_variance",
        ),
        PromptRule(
            "m2 / (n − 1), as a float", case="expected a float", bank="fail_variance_numpy_float"
        ),
        PromptRule(
            "raise ValueError when n < 2",
            case="hidden case 3 (a single value)",
            bank="fail_variance_of_one_value",
        ),
    ),
    mistakes=(
        Mistake(
            "looks like the population variance (m2 / n); the sample variance is m2 / (n - 1)",
            produces_close(lambda s: float(s[2] / s[0]), **_STATE_TOL),
        ),
        Mistake(
            "that is the standard deviation; return the variance",
            produces_close(lambda s: float(math.sqrt(s[2] / (s[0] - 1))), **_STATE_TOL),
        ),
    ),
    hints=(
        "The sample variance is m2 / (n - 1).",
        "With fewer than two values it is undefined: raise ValueError.",
    ),
)

# ========================================================= round 2: statistics and probability


def _check_streak_args(n, k, p):
    if n < 0 or k < 1 or not 0 <= p <= 1:
        raise ValueError("need n >= 0, k >= 1 and 0 <= p <= 1")


def _streak(n, k, p, *, at_least=True):
    _check_streak_args(n, k, p)
    k = k if at_least else k + 1
    # probability of each current run length 0..k-1 among sequences without a k-run yet
    runs = [1.0] + [0.0] * (k - 1)
    done = 0.0
    for _ in range(n):
        new = [0.0] * k
        new[0] = sum(runs) * (1 - p)
        for length in range(k - 1):
            new[length + 1] = runs[length] * p
        done += runs[k - 1] * p
        runs = new
    return float(done)


def _reference_streak(n, k, p):
    return _streak(n, k, p)


def _union_bound(n, k, p):
    return float(min(1.0, max(0, n - k + 1) * p**k))


def _independent_windows(n, k, p):
    return float(1 - (1 - p**k) ** max(0, n - k + 1))


streak_probability = NumericExercise(
    "streak_probability",
    name="streak_probability",
    reference=_reference_streak,
    atol=1e-12,
    rtol=1e-9,
    visible=(Case((4, 2, 0.5)), Case((10, 3, 0.5)), Case((30, 5, 0.3))),
    hidden=(
        Case((0, 1, 0.5), "no trials"),
        Case((3, 5, 0.9), "a streak longer than the sequence"),
        Case((5, 5, 0.5), "a streak as long as the sequence"),
        Case((7, 1, 0.2), "a streak of one"),
        Case((12, 3, 1.0), "p = 1"),
        Case((12, 3, 0.0), "p = 0"),
        Case((200, 7, 0.5), "200 trials, a streak of 7"),
        Case((365, 4, 0.1), "rare successes over a year"),
        Case((10, 0, 0.5), "k = 0", raises=ValueError),
        Case((10, 2, 1.5), "p above 1", raises=ValueError),
        Case((-1, 2, 0.5), "negative n", raises=ValueError),
        Case((10, 2, -0.25), "p below 0", raises=ValueError),
        Case((10, -2, 0.5), "a negative k", raises=ValueError),
    ),
    prompt_rules=(
        PromptRule(
            "at least one run of at least k consecutive successes",
            case="hidden case 3 (a streak as long as the sequence)",
            bank="fail_more_than_k",
        ),
        PromptRule(
            "consecutive successes, as a float",
            case="expected a float",
            bank="fail_exact_numpy_float",
        ),
        PromptRule("n >= 0", case="hidden case 11 (negative n)", bank="fail_negative_n_accepted"),
        PromptRule("k >= 1", case="hidden case 9 (k = 0)", bank="fail_k_zero_accepted"),
        PromptRule(
            "0 <= p <= 1", case="hidden case 12 (p below 0)", bank="fail_p_below_zero_accepted"
        ),
        PromptRule(
            "With k > n the answer is 0.0",
            case="hidden case 1 (no trials)",
            bank="fail_streak_longer_than_trials_refused",
        ),
    ),
    mistakes=(
        Mistake(
            "that is the probability of a run of MORE than k; 'at least k' includes a run of "
            "exactly k",
            produces_close(functools.partial(_streak, at_least=False), atol=1e-12, rtol=1e-9),
        ),
        Mistake(
            "looks like the union bound (n - k + 1) p^k: the windows overlap, so their "
            "probabilities cannot simply be added",
            produces_close(_union_bound, atol=1e-12, rtol=1e-9),
        ),
        Mistake(
            "looks like you treated the n - k + 1 windows as independent; overlapping windows "
            "share trials. Track the current run length instead",
            produces_close(_independent_windows, atol=1e-12, rtol=1e-9),
        ),
        Mistake(
            "that is the probability of NO run of k; the question asks for at least one",
            produces_close(lambda n, k, p: float(1 - _reference_streak(n, k, p)), atol=1e-12),
        ),
    ),
    hints=(
        "Walk through the trials keeping, for each possible current run length 0..k-1, the "
        "probability of being there without having seen a k-run yet.",
        "A success moves run length r to r + 1 (reaching k means done); a failure sends every "
        "state back to 0.",
        "Add up the probability that reaches length k. Check k > n, p = 0 and p = 1, and raise "
        "ValueError for invalid input.",
    ),
)


def _simulate(n, k, p, trials, seed, *, at_least=True, reverse=False, count_runs=False):
    _check_streak_args(n, k, p)
    if trials < 1:
        raise ValueError("trials must be at least 1")
    rng = np.random.default_rng(seed)
    draws = rng.random((trials, n))
    flips = draws >= 1 - p if reverse else draws < p
    need = k if at_least else k + 1
    hits = 0
    for row in flips:
        run, best, runs = 0, 0, 0
        for flip in row:
            run = run + 1 if flip else 0
            if run == need:
                runs += 1
            best = max(best, run)
        hits += runs if count_runs else best >= need
    return float(hits / trials)


def _reference_simulate(n, k, p, trials, seed):
    return _simulate(n, k, p, trials, seed)


streak_probability_simulated = NumericExercise(
    "streak_probability_simulated",
    name="simulate_streak_probability",
    reference=_reference_simulate,
    atol=1e-12,
    visible=(Case((10, 3, 0.5, 2000, 1)), Case((30, 5, 0.3, 500, 42))),
    hidden=(
        Case((20, 4, 0.5, 3000, 7), "another seed"),
        Case((20, 4, 0.5, 3000, 8), "the same question, a different seed"),
        Case((6, 6, 0.8, 1000, 3), "a streak as long as the sequence"),
        Case((5, 8, 0.5, 100, 3), "a streak longer than the sequence"),
        Case((40, 2, 0.05, 2000, 11), "rare successes"),
        Case((15, 3, 0.5, 1, 5), "a single trial"),
        Case((10, 3, 0.5, 0, 5), "no trials", raises=ValueError),
        Case((10, 3, 0.5, -5, 5), "a negative number of trials", raises=ValueError),
        Case((10, 0, 0.5, 100, 5), "k = 0", raises=ValueError),
        Case((10, 3, 1.5, 100, 5), "p above 1", raises=ValueError),
        Case((10, 3, -0.5, 100, 5), "p below 0", raises=ValueError),
        Case((-1, 3, 0.5, 100, 5), "negative n", raises=ValueError),
    ),
    prompt_rules=(
        PromptRule(
            "rng = np.random.default_rng(seed)",
            case="hidden case 1 (another seed)",
            bank="fail_legacy_global_seed",
        ),
        PromptRule(
            "flips = rng.random((trials, n)) < p",
            case="hidden case 1 (another seed)",
            bank="fail_success_is_high_draw",
        ),
        PromptRule(
            "fraction of rows that contain a run of at least k consecutive True values",
            case="hidden case 1 (another seed)",
            bank="fail_counts_runs_not_rows",
        ),
        PromptRule("as a Python float", case="expected a float", bank="fail_simulated_numpy_float"),
        PromptRule(
            "Raise ValueError for the same invalid inputs",
            case="hidden case 9 (k = 0)",
            bank="fail_simulation_checks_only_trials",
        ),
        PromptRule(
            "when trials < 1", case="hidden case 7 (no trials)", bank="fail_zero_trials_accepted"
        ),
    ),
    mistakes=(
        Mistake(
            "you counted runs of MORE than k; a run of exactly k counts",
            produces_close(functools.partial(_simulate, at_least=False), atol=1e-12),
        ),
        Mistake(
            "a trial is a success when rng.random() < p: your flips use another rule",
            produces_close(functools.partial(_simulate, reverse=True), atol=1e-12),
        ),
        Mistake(
            "you counted k-runs, not sequences: a sequence with two separate runs counts once",
            produces_close(functools.partial(_simulate, count_runs=True), atol=1e-12),
        ),
    ),
    hints=(
        "Make the whole table of draws in one call: rng.random((trials, n)) < p, one row per "
        "simulated sequence.",
        "For each row track the current run length; the row counts if it ever reaches k.",
        "Return the fraction of rows as a Python float; it should land within a few standard "
        "errors of streak_probability(n, k, p).",
    ),
)

# ============================================================ round 3: machine learning


def _cv_score(
    X,
    y,
    k=10,
    seed=0,
    *,
    select_outside=False,
    scale_outside=False,
    metric="roc_auc",
    stratified=True,
):
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.model_selection import KFold, StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if scale_outside:
        X = StandardScaler().fit_transform(X)
    if select_outside:
        X = SelectKBest(f_classif, k=k).fit_transform(X, y)
    steps = [] if scale_outside else [StandardScaler()]
    steps += [] if select_outside else [SelectKBest(f_classif, k=k)]
    model = make_pipeline(*steps, LogisticRegression(max_iter=1000))
    folds = (StratifiedKFold if stratified else KFold)(n_splits=5, shuffle=True, random_state=seed)
    scores = []
    for train, test in folds.split(X, y):
        model.fit(X[train], y[train])
        if metric == "roc_auc":
            scores.append(roc_auc_score(y[test], model.predict_proba(X[test])[:, 1]))
        else:
            scores.append(accuracy_score(y[test], model.predict(X[test])))
    return float(np.mean(scores))


def _reference_cv(X, y, k=10, seed=0):
    return _cv_score(X, y, k, seed)


def _visible_ml_data():
    return classification_data(2024, n=160, informative=3, noise=30, positive_rate=0.2)


@functools.cache
def _ml_hidden() -> tuple[Case, ...]:
    noise_only = classification_data(
        context.hidden_seed(2), n=120, informative=0, noise=300, positive_rate=0.3
    )
    signal = classification_data(
        context.hidden_seed(3), n=300, informative=5, noise=40, positive_rate=0.1
    )
    scales = classification_data(
        context.hidden_seed(4), n=150, informative=4, noise=12, positive_rate=0.25, outliers=True
    )
    # 123 rows: folds of 25 and 24 rows, so a mean weighted by fold size is not the mean
    uneven = classification_data(
        context.hidden_seed(2), n=123, informative=4, noise=20, positive_rate=0.3
    )
    return (
        Case((*noise_only, 10, 0), "pure-noise features"),
        Case((*signal, 5, 3), "a rare positive class"),
        Case((*scales, 6, 1), "features on very different scales"),
        Case((*signal, 45, 2), "keeping every feature"),
        Case((*uneven, 8, 4), "folds of unequal size"),
    )


_CV_TOL = {"atol": 1e-6}

honest_cv_auc = NumericExercise(
    "honest_cv_auc",
    name="honest_cv_auc",
    reference=_reference_cv,
    **_CV_TOL,
    visible=lambda: (
        Case((*_visible_ml_data(), 10, 0), "the interview's data set (k=10, seed=0)"),
        Case((*_visible_ml_data(), 5, 1), "the interview's data set (k=5, seed=1)"),
    ),
    hidden=_ml_hidden,
    prompt_rules=(
        PromptRule(
            "standardise the features (StandardScaler())",
            case="hidden case 1 (pure-noise features)",
            bank="fail_no_scaling",
        ),
        PromptRule(
            "keep the k features with the highest ANOVA F-score (SelectKBest(f_classif, k=k))",
            case="hidden case 2 (a rare positive class)",
            bank="fail_ignores_k",
        ),
        PromptRule(
            "LogisticRegression(max_iter=1000) with its other settings at their defaults",
            case="hidden case 1 (pure-noise features)",
            bank="fail_balanced_class_weight",
        ),
        PromptRule(
            "Every step is fitted on the training folds only",
            case="hidden case 1 (pure-noise features)",
            bank="fail_selection_outside_folds",
        ),
        PromptRule(
            "the scaler and the feature selector included",
            case="hidden case 1 (pure-noise features)",
            bank="fail_scaler_outside_folds",
        ),
        PromptRule(
            "Folds: StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)",
            case="hidden case 1 (pure-noise features)",
            bank="fail_plain_kfold",
        ),
        PromptRule(
            "Score each held-out fold with roc_auc_score on the predicted probability of class 1",
            case="hidden case 1 (pure-noise features)",
            bank="fail_accuracy_metric",
        ),
        PromptRule(
            "return the mean of the five fold scores",
            case="hidden case 1 (pure-noise features)",
            bank="fail_pooled_out_of_fold_auc",
        ),
        PromptRule(
            "the mean of the five fold scores",
            case="hidden case 5 (folds of unequal size)",
            bank="fail_mean_weighted_by_fold_size",
        ),
        PromptRule("as a Python float", case="expected a float", bank="fail_cv_numpy_float"),
        PromptRule(
            "Do not modify X or y", case="changed its input", bank="fail_rescales_X_in_place"
        ),
    ),
    mistakes=(
        Mistake(
            "that is accuracy; with a rare positive class report ROC AUC from the predicted "
            "probabilities",
            produces_close(functools.partial(_cv_score, metric="accuracy"), **_CV_TOL),
        ),
        Mistake(
            "the score is still the leaky one from the original code (features chosen on all "
            "rows, accuracy, plain KFold)",
            produces_close(
                functools.partial(
                    _cv_score,
                    select_outside=True,
                    scale_outside=True,
                    metric="accuracy",
                    stratified=False,
                ),
                **_CV_TOL,
            ),
        ),
        Mistake(
            "the features are still selected on all rows before cross-validation: fit "
            "SelectKBest inside each training fold (a Pipeline does this)",
            produces_close(functools.partial(_cv_score, select_outside=True), **_CV_TOL),
        ),
        Mistake(
            "the scaler is fitted on all rows before cross-validation: fit it inside each "
            "training fold too",
            produces_close(functools.partial(_cv_score, scale_outside=True), **_CV_TOL),
        ),
        Mistake(
            "the folds are not stratified: use StratifiedKFold(n_splits=5, shuffle=True, "
            "random_state=seed)",
            produces_close(functools.partial(_cv_score, stratified=False), **_CV_TOL),
        ),
    ),
    hints=(
        "Anything that learns from data — the scaler and the feature selector too — must be "
        "fitted on the training folds only.",
        "make_pipeline(StandardScaler(), SelectKBest(f_classif, k=k), "
        "LogisticRegression(max_iter=1000)) refits every step inside each fold.",
        "Score each held-out fold with roc_auc_score on predict_proba(...)[:, 1], average the "
        "five scores, and return float(...).",
    ),
)

# ================================================================= round 4: product case


def _payback(
    cac,
    monthly_margin,
    monthly_churn,
    *,
    first_month_churn=False,
    off_by_one=0,
    full_churn_is_lifetime=False,
):
    if cac <= 0 or monthly_margin < 0 or not 0 <= monthly_churn <= 1:
        raise ValueError("need cac > 0, monthly_margin >= 0 and 0 <= monthly_churn <= 1")
    if monthly_margin == 0:
        return None
    if monthly_churn == 1 and not full_churn_is_lifetime:
        # only month 1 earns: the cumulative margin reaches the margin itself
        return 1 + off_by_one if cac <= monthly_margin else None
    if monthly_churn > 0 and cac >= monthly_margin / monthly_churn:
        return None  # the cumulative margin only approaches the lifetime value
    stay = 1 - monthly_churn
    total, month = 0.0, 0
    while total < cac:
        month += 1
        total += monthly_margin * stay ** (month if first_month_churn else month - 1)
        if month > 100_000:
            return None
    return month + off_by_one


def _reference_payback(cac, monthly_margin, monthly_churn):
    return _payback(cac, monthly_margin, monthly_churn)


payback_month = FunctionExercise(
    "payback_month",
    name="payback_month",
    reference=_reference_payback,
    visible=(
        Case((100.0, 30.0, 0.1)),
        Case((250.0, 20.0, 0.05)),
        Case((500.0, 40.0, 0.1)),
    ),
    hidden=(
        Case((90.0, 30.0, 0.0), "no churn, an exact multiple"),
        Case((91.0, 30.0, 0.0), "no churn"),
        Case((12.0, 15.0, 0.2), "paid back in the first month"),
        # 10 + 5 is exactly 15 in binary: "at least" must count the equal month
        Case((15.0, 10.0, 0.5), "a cumulative margin exactly equal to the cost"),
        Case((40.0, 10.0, 0.25), "an acquisition cost equal to the lifetime value"),
        Case((40.5, 10.0, 0.25), "an acquisition cost above the lifetime value"),
        Case((48.5, 10.0, 0.2), "just below the lifetime value"),
        Case((50.0, 60.0, 1.0), "everyone leaves after one month"),
        Case((60.0, 60.0, 1.0), "everyone leaves after one month, a cost equal to the margin"),
        Case((70.0, 60.0, 1.0), "everyone leaves before paying back"),
        Case((10.0, 0.0, 0.0), "no margin"),
        Case((10.0, 0.0, 0.3), "no margin, with churn"),
        Case((1200.0, 35.0, 0.015), "a long payback"),
        Case((0.0, 10.0, 0.1), "no acquisition cost", raises=ValueError),
        Case((-50.0, 10.0, 0.1), "a negative acquisition cost", raises=ValueError),
        Case((100.0, 10.0, 1.2), "churn above 1", raises=ValueError),
        Case((100.0, 10.0, -0.1), "negative churn", raises=ValueError),
        Case((100.0, -5.0, 0.1), "a negative margin", raises=ValueError),
        Case((10.0, 0.0, 1.5), "no margin, churn above 1", raises=ValueError),
        Case((0.0, 60.0, 1.0), "no acquisition cost, full churn", raises=ValueError),
        # 995 is 99.5 % of the lifetime value 1000: paid back only in month 2647
        Case(
            (995.0, 2.0, 0.002), "a cost just below the lifetime value, paid back after 220 years"
        ),
        # months 1-5 bring 30.5078125, a fraction of a cent short of the cost
        Case((30.51, 10.0, 0.25), "a cost a fraction of a cent above a month's cumulative margin"),
    ),
    prompt_rules=(
        PromptRule(
            "the expected margin in month t (t = 1, 2, …) is monthly_margin × (1 − "
            "monthly_churn)^(t − 1)",
            case="hidden case 4 (a cumulative margin exactly equal to the cost)",
            bank="fail_churn_before_first_month",
        ),
        PromptRule(
            "the smallest whole number of months m >= 1 whose cumulative expected margin "
            "(months 1 to m) is at least cac",
            case="hidden case 1 (no churn, an exact multiple)",
            bank="fail_months_before_payback",
        ),
        PromptRule(
            "a month whose cumulative margin equals cac counts",
            case="hidden case 1 (no churn, an exact multiple)",
            bank="fail_strictly_more_than_cac",
        ),
        PromptRule("as a Python int", case="expected an int", bank="fail_float_month"),
        PromptRule(
            "when monthly_margin is 0",
            case="hidden case 11 (no margin)",
            bank="fail_zero_margin_divides",
        ),
        PromptRule(
            "when 0 < monthly_churn < 1 and cac is at least the lifetime value",
            case="hidden case 5 (an acquisition cost equal to the lifetime value)",
            bank="fail_ltv_check_strict",
        ),
        PromptRule(
            "when monthly_churn is 1 and cac is more than monthly_margin",
            case="hidden case 10 (everyone leaves before paying back)",
            bank="fail_full_churn_always_month_one",
        ),
        PromptRule(
            "a cac of at most monthly_margin is paid back in month 1",
            case="hidden case 9 (everyone leaves after one month, a cost equal to the margin)",
            bank="fail_full_churn_cost_equal_to_margin",
        ),
        PromptRule(
            "With monthly_churn = 0 every month earns the full margin",
            case="hidden case 1 (no churn, an exact multiple)",
            bank="fail_lifetime_value_without_churn",
        ),
        PromptRule(
            "unless cac > 0",
            case="hidden case 14 (no acquisition cost)",
            bank="fail_zero_cac_accepted",
        ),
        PromptRule(
            "monthly_margin >= 0",
            case="hidden case 18 (a negative margin)",
            bank="fail_negative_margin_returns_none",
        ),
        PromptRule(
            "0 <= monthly_churn <= 1",
            case="hidden case 17 (negative churn)",
            bank="fail_negative_churn_accepted",
        ),
        PromptRule(
            "Raise ValueError unless",
            case="hidden case 19 (no margin, churn above 1)",
            bank="fail_no_margin_before_input_check",
        ),
        PromptRule(
            "Return None when the cost is never paid back",
            case="hidden case 21 (a cost just below the lifetime value, paid back after 220 years)",
            bank="fail_gives_up_after_50_years",
        ),
        PromptRule(
            "cac is at least the lifetime value",
            case="hidden case 21 (a cost just below the lifetime value, paid back after 220 years)",
            bank="fail_none_near_the_lifetime_value",
        ),
        PromptRule(
            "whose cumulative expected margin (months 1 to m) is at least cac",
            case="hidden case 22 (a cost a fraction of a cent above a month's cumulative margin)",
            bank="fail_total_rounded_to_cents",
        ),
    ),
    mistakes=(
        Mistake(
            "churn started before the first month was paid: month 1 earns the full margin, "
            "month t earns margin × (1 - churn)^(t - 1)",
            produces(functools.partial(_payback, first_month_churn=True)),
        ),
        Mistake(
            "your month is one too early: count the month in which the cumulative margin "
            "first reaches the cost",
            produces(functools.partial(_payback, off_by_one=-1)),
        ),
        Mistake(
            "churn is ignored: the margin of later months is weighted by the share still "
            "subscribed",
            produces(lambda cac, margin, churn: _payback(cac, margin, 0.0)),
        ),
        Mistake(
            "with churn 1 month 1 still earns the whole margin, so a cost of at most the "
            "margin is paid back in month 1",
            produces(functools.partial(_payback, full_churn_is_lifetime=True)),
        ),
    ),
    hints=(
        "Expected margin in month t is monthly_margin × (1 - monthly_churn)^(t - 1); add "
        "months until the total reaches cac.",
        "With 0 < churn < 1 the total never reaches the lifetime value monthly_margin / "
        "monthly_churn: check that first and return None, or your loop never ends. With "
        "churn 1 only month 1 earns.",
        "Return a Python int (or None); raise ValueError for invalid input.",
    ),
)

# ============================================================== round 6: the bar raiser

_MEDIAN_BASKET = """
WITH done AS (
    SELECT order_id, customer_id, amount FROM orders WHERE status = 'completed'
),
middle AS (
    SELECT a.customer_id, a.amount
    FROM done AS a
    JOIN done AS b ON b.customer_id = a.customer_id
    GROUP BY a.customer_id, a.order_id
    HAVING 2 * SUM(b.amount <= a.amount) >= COUNT(*)
       AND 2 * SUM(b.amount >= a.amount) >= COUNT(*)
),
medians AS (
    SELECT customer_id, AVG(DISTINCT amount) AS median_amount FROM middle GROUP BY customer_id
),
counts AS (
    SELECT customer_id, COUNT(*) AS completed_orders FROM done GROUP BY customer_id
)
SELECT c.customer_id, c.completed_orders, ROUND(m.median_amount, 2) AS median_amount
FROM counts AS c
JOIN medians AS m ON m.customer_id = c.customer_id
"""

median_basket = RestrictedSqlExercise(
    "median_basket",
    variable="MEDIAN_BASKET_SQL",
    reference=_MEDIAN_BASKET,
    hidden_databases=planted_databases,
    # PostgreSQL's ordered-set aggregates compute the median outright: the round is about
    # computing it by hand, so they are refused like OVER in either dialect
    forbidden=("OVER", "WINDOW", "PERCENTILE_CONT", "PERCENTILE_DISC"),
    forbidden_note="this round's engine has no window functions and no median aggregate",
    prompt_rules=(
        PromptRule(
            "exactly the columns customer_id, completed_orders, median_amount",
            case="missing column(s) median_amount",
            bank="fail_column_named_median",
        ),
        PromptRule(
            "one row per customer with at least one order of status = 'completed'",
            case="hidden database 1",
            bank="fail_every_customer",
        ),
        PromptRule(
            "completed_orders is the number of that customer's completed orders",
            case="hidden database 1",
            bank="fail_counts_every_order",
        ),
        PromptRule("rounded to 2 decimals", case="hidden database 1", bank="fail_not_rounded"),
        PromptRule(
            "the average of the two middle values for an even count",
            case="hidden database 1",
            bank="fail_lower_middle",
        ),
        PromptRule(
            "(amounts may repeat)", case="hidden database 1", bank="fail_middle_rows_averaged"
        ),
        PromptRule(
            "Orders with any other status are ignored",
            case="hidden database 1",
            bank="fail_every_status",
        ),
        PromptRule(
            "must not contain the keywords OVER or WINDOW",
            case="uses OVER",
            bank="fail_row_number",
        ),
    ),
    mistakes=(
        SqlMistake(
            "that is the mean (AVG), not the median",
            """
            SELECT customer_id, COUNT(*) AS completed_orders, ROUND(AVG(amount), 2) AS median_amount
            FROM orders WHERE status = 'completed' GROUP BY customer_id
            """,
        ),
        SqlMistake(
            "with an even count and a repeated middle value you averaged the middle ROWS; "
            "average the two middle values once each (AVG(DISTINCT ...) over the candidates)",
            _MEDIAN_BASKET.replace("AVG(DISTINCT amount)", "AVG(amount)"),
        ),
        SqlMistake(
            "with an even number of orders you kept the lower middle value; the median is the "
            "average of the two middle values",
            _MEDIAN_BASKET.replace("AVG(DISTINCT amount)", "MIN(amount)"),
        ),
        SqlMistake(
            "you included orders that were not completed",
            _MEDIAN_BASKET.replace("WHERE status = 'completed'", "WHERE amount IS NOT NULL"),
        ),
    ),
    hints=(
        "Without window functions, a value's position comes from a self-join: for each order, "
        "count the same customer's orders with an amount <= it and >= it.",
        "A middle value has at least half the orders at or below it and at least half at or "
        "above it.",
        "With an even count there are two middle values, possibly equal and possibly repeated: "
        "average the distinct candidates.",
    ),
)


def _move(history, current, *, one_sided=False, plus_one=True, relative=True, strict=False):
    if len(history) < 3:
        raise ValueError("need at least three past values")
    if any(v <= 0 for v in history) or current <= 0:
        raise ValueError("values must be positive")

    def change(new, old):
        return new / old - 1 if relative else new - old

    past = [change(history[i], history[i - 1]) for i in range(1, len(history))]
    observed = change(current, history[-1])
    if one_sided:
        extreme = (
            [c for c in past if c >= observed - 1e-9]
            if observed >= 0
            else [c for c in past if c <= observed + 1e-9]
        )
    elif strict:
        extreme = [c for c in past if abs(c) > abs(observed) + 1e-9]
    else:
        extreme = [c for c in past if abs(c) >= abs(observed) - 1e-9]
    if plus_one:
        return float((1 + len(extreme)) / (1 + len(past)))
    return float(len(extreme) / len(past))


def _reference_move(history, current):
    return _move(history, current)


def _weekly(seed_index: int, weeks: int, drift: float) -> list[float]:
    rng = np.random.default_rng(context.hidden_seed(seed_index))
    steps = 1 + rng.normal(drift, 0.02, size=weeks)
    return [round(float(v), 4) for v in 0.05 * np.cumprod(steps)]


@functools.cache
def _move_hidden() -> tuple[Case, ...]:
    year = _weekly(5, 52, 0.0)
    return (
        Case((year, year[-1] * 1.03), "a year of weekly values, up 3 %"),
        Case((year, year[-1] * 0.97), "a year of weekly values, down 3 %"),
        Case((year, year[-1] * 1.2), "a move larger than any seen before"),
        Case((year, year[-1]), "no move at all"),
        Case(([100.0, 103.0, 100.0, 97.0, 100.0], 103.0), "past moves exactly as large"),
        Case(([50.0, 60.0, 40.0], 41.0), "only two past changes"),
        Case(([80.0, 100.0, 101.0, 65.0], 64.35), "a past move as large up to rounding"),
        Case(([100.0, 101.0], 104.0), "too little history", raises=ValueError),
        Case(([100.0, 0.0, 101.0, 99.0], 104.0), "a zero in the history", raises=ValueError),
        Case(
            ([100.0, 101.0, -99.0, 102.0], 104.0),
            "a negative value in the history",
            raises=ValueError,
        ),
        Case(([100.0, 101.0, 99.0, 102.0], 0.0), "a current value of zero", raises=ValueError),
        Case(([100.0, 101.0, 99.0, 102.0], -3.0), "a negative current value", raises=ValueError),
        # past sizes 5e-10 and 7e-10 below the observed one: both count (less than 1e-9)
        Case(
            ([100.0, 103.00000002, 100.0, 97.0], 97.0 * 1.0300000007),
            "past moves smaller by less than 1e-9",
        ),
        # a past size 4e-7 below the observed one: not equal, it does not count
        Case(([100.0, 103.0, 100.0, 105.0], 105.0 * 1.0300004), "a past move smaller by 4e-7"),
    )


metric_move = NumericExercise(
    "metric_move",
    name="move_p_value",
    reference=_reference_move,
    atol=1e-12,
    visible=(
        Case(([0.050, 0.051, 0.049, 0.050, 0.052, 0.051, 0.0505, 0.0515], 0.053045)),
        Case(([200.0, 210.0, 189.0, 200.0, 220.0, 209.0], 205.0)),
    ),
    hidden=_move_hidden,
    prompt_rules=(
        PromptRule(
            "the relative week-over-week changes history[i] / history[i − 1] − 1",
            case="hidden case 1 (a year of weekly values, up 3 %)",
            bank="fail_absolute_differences",
        ),
        PromptRule(
            "the observed change is current / history[-1] − 1",
            case="hidden case 1 (a year of weekly values, up 3 %)",
            bank="fail_observed_against_the_mean",
        ),
        PromptRule(
            "at least as large in absolute value",
            case="hidden case 1 (a year of weekly values, up 3 %)",
            bank="fail_one_sided",
        ),
        PromptRule(
            "treat two sizes as equal when they differ by less than 1e-9",
            case="hidden case 7 (a past move as large up to rounding)",
            bank="fail_no_rounding_tolerance",
        ),
        PromptRule(
            "abs(change) >= abs(observed) - 1e-9",
            case="hidden case 4 (no move at all)",
            bank="fail_strictly_larger",
        ),
        PromptRule(
            "two sizes as equal",
            case="hidden case 13 (past moves smaller by less than 1e-9)",
            bank="fail_relative_isclose",
        ),
        PromptRule(
            "differ by less than 1e-9",
            case="hidden case 14 (a past move smaller by 4e-7)",
            bank="fail_sizes_rounded_to_6_decimals",
        ),
        PromptRule(
            "(1 + count) / (1 + number of past changes)",
            case="hidden case 1 (a year of weekly values, up 3 %)",
            bank="fail_no_plus_one",
        ),
        PromptRule("as a Python float", case="expected a float", bank="fail_numpy_float"),
        PromptRule(
            "when history has fewer than 3 values",
            case="hidden case 8 (too little history)",
            bank="fail_two_values_accepted",
        ),
        PromptRule(
            "when any value (or current) is not positive",
            case="hidden case 9 (a zero in the history)",
            bank="fail_zero_not_checked",
        ),
        PromptRule(
            "(or current)",
            case="hidden case 11 (a current value of zero)",
            bank="fail_current_not_checked",
        ),
    ),
    mistakes=(
        Mistake(
            "looks one-sided: compare the SIZE of the change, |change|, so falls as large as "
            "the rise count too",
            produces_close(functools.partial(_move, one_sided=True), atol=1e-12),
        ),
        Mistake(
            "add one to both counts, (1 + extreme) / (1 + past changes), so the observed week "
            "counts as one of the possible outcomes",
            produces_close(functools.partial(_move, plus_one=False), atol=1e-12),
        ),
        Mistake(
            "you compared absolute differences; a 3 % move is a RELATIVE change, new / old - 1",
            produces_close(functools.partial(_move, relative=False), atol=1e-12),
        ),
        Mistake(
            "past changes exactly as large as the observed one must count too (>=, with the "
            "1e-9 tolerance)",
            produces_close(functools.partial(_move, strict=True), atol=1e-12),
        ),
    ),
    hints=(
        "The past week-over-week changes are history[i] / history[i - 1] - 1; the observed "
        "change is current / history[-1] - 1.",
        "Count the past changes whose absolute value is at least the observed one's (allow "
        "1e-9 for rounding).",
        "Return (1 + count) / (1 + number of past changes) as a Python float; check the input "
        "first.",
    ),
)

EXERCISES = (
    month_streaks,
    streaming_variance,
    streaming_variance_merge,
    streaming_variance_result,
    streak_probability,
    streak_probability_simulated,
    honest_cv_auc,
    payback_month,
    median_basket,
    metric_move,
)
