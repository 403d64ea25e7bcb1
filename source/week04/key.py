"""Week 4 — the churn case: features in SQL, models in scikit-learn, metrics and costs.

The instructor's key (never released). The model is fitted by the grader on the visible
customers and scored on a hidden hold-out (other customers, a later cutoff) built at grading
time from the course's hidden seeds; the metrics are checked against scikit-learn and
against independent computations.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from autograder.data.churn import churn_path
from autograder.exercises import context
from autograder.exercises.function import Case, Mistake
from autograder.exercises.model import FitScore, ModelExercise
from autograder.exercises.numeric import NumericExercise, Probe, produces_close
from autograder.exercises.prompt_rules import PromptRule
from autograder.exercises.sql import SqlMistake
from autograder.exercises.sqlfile import SqlFileExercise
from autograder.judges.values import type_name

from . import key_churn as data

TITLE = "Case and ML modelling: churn"
TOPICS = (
    "leak-free churn features in SQL, a scikit-learn pipeline on a hidden hold-out, "
    "cross-validated model comparison, precision/recall@k, average precision, cost-based "
    "thresholds"
)

# --------------------------------------------------------------------------- churn_features

_SQL = data.REFERENCE_SQL


def _replace(old: str, new: str) -> str:
    assert old in _SQL, old
    return _SQL.replace(old, new)


churn_features = SqlFileExercise(
    "churn_features",
    variable="CHURN_FEATURES_SQL",
    reference=_SQL,
    database=churn_path,
    label="the churn database",
    hidden_databases=data.hidden_databases,
    mistakes=(
        SqlMistake(
            "the features use orders from on or after the cutoff (2024-07-01): filter the "
            "history to ordered_at < '2024-07-01' before you aggregate, or the features leak "
            "the label",
            _replace("    WHERE ordered_at < '2024-07-01'\n", ""),
        ),
        SqlMistake(
            "orders placed on the cutoff day count as history: the cutoff is 2024-07-01 "
            "00:00:00, so an order at or after that moment is in the future",
            _replace("WHERE ordered_at < '2024-07-01'", "WHERE date(ordered_at) <= '2024-07-01'"),
        ),
        SqlMistake(
            "frequency and monetary count every order; only completed orders are purchases "
            "(returned and cancelled ones are not)",
            _replace("SUM(status = 'completed') AS frequency", "COUNT(*) AS frequency").replace(
                "SUM(CASE WHEN status = 'completed' THEN amount ELSE 0 END)", "SUM(amount)"
            ),
        ),
        SqlMistake(
            "a cancelled or returned order after the cutoff counts as staying; the label looks "
            "for a completed order in the window",
            _replace(
                "WHERE status = 'completed' AND ordered_at >= '2024-07-01'",
                "WHERE ordered_at >= '2024-07-01'",
            ),
        ),
        SqlMistake(
            "the label window includes 29 September: it runs from 2024-07-01 00:00:00 up to, "
            "but not including, 2024-09-29 00:00:00 (90 days)",
            _replace("ordered_at < '2024-09-29'", "date(ordered_at) <= '2024-09-29'"),
        ),
        SqlMistake(
            "the label counts any completed order after the cutoff; only the 90-day window "
            "(before 2024-09-29) counts",
            _replace(" AND ordered_at < '2024-09-29'", ""),
        ),
        SqlMistake(
            "customers are active when they have a completed order in the 180 days before the "
            "cutoff (from 2024-01-03); your table has other customers too",
            _replace("WHERE h.active_orders > 0", "WHERE h.frequency > 0"),
        ),
        SqlMistake(
            "customers whose only recent orders were cancelled or returned are in your table: "
            "being active takes a completed order in the 180 days before the cutoff",
            _replace(
                "SUM(status = 'completed' AND ordered_at >= '2024-01-03') AS active_orders",
                "SUM(ordered_at >= '2024-01-03') AS active_orders",
            ),
        ),
        SqlMistake(
            "recency_days must count whole calendar days from the date of the last completed "
            "order to 2024-07-01 (an order on 30 June is 1 day ago): take date() of the "
            "timestamp first",
            _replace("julianday(date(h.last_completed))", "julianday(h.last_completed)"),
        ),
        SqlMistake(
            "churned is reversed: 1 means NO completed order in the 90 days after the cutoff",
            _replace("THEN 1 ELSE 0 END AS churned", "THEN 0 ELSE 1 END AS churned"),
        ),
    ),
    prompt_rules=(
        PromptRule(
            "the features may use only history",
            case="hidden database 1",
            bank="fail_features_use_all_orders",
        ),
        PromptRule(
            "An order at exactly 2024-07-01 00:00:00 is after the cutoff",
            case="hidden database 1",
            bank="fail_cutoff_day_counts_as_history",
        ),
        PromptRule(
            "one at 2024-09-29 00:00:00 is already outside the window",
            case="hidden database 1",
            bank="fail_window_with_between_dates",
        ),
        PromptRule(
            "returned and cancelled orders are not purchases",
            case="hidden database 1",
            bank="fail_counts_every_status",
        ),
        PromptRule(
            "1 if the customer made no purchase in the label window",
            case="hidden database 1",
            bank="fail_any_order_in_window_keeps_customer",
        ),
        PromptRule(
            "a customer with at least one purchase in the 180 days before the cutoff",
            case="hidden database 1",
            bank="fail_active_means_any_recent_order",
        ),
        PromptRule(
            "a purchase at any time on 30 June gives 1",
            case="hidden database 1",
            bank="fail_recency_from_timestamps",
        ),
        PromptRule(
            "total amount of those purchases, rounded to 2 decimals",
            case="hidden database 1",
            bank="fail_monetary_not_rounded",
        ),
        PromptRule(
            "number of purchases in the 90 days before the cutoff (ordered_at >= '2024-04-02')",
            case="hidden database 1",
            bank="fail_recent_orders_exclusive",
        ),
    ),
    hints=(
        "Aggregate the history first, in a CTE over orders with ordered_at < '2024-07-01': "
        "SUM(status = 'completed') counts completed orders, and CASE WHEN inside SUM or MAX "
        "restricts the others.",
        "Label from a second CTE: the customers with a completed order in [2024-07-01, "
        "2024-09-29). LEFT JOIN it to the active customers; no match means churned = 1.",
        "Timestamps have a time of day: compare ordered_at with the date strings using < and "
        ">= ('2024-07-01 00:00:00' is not < '2024-07-01'), and take date() before you count "
        "days with julianday.",
    ),
)

# ------------------------------------------------------------------------------ churn_model

MARGIN = 0.05  # the model must beat the baseline's ROC AUC and average precision by this
FIT_SECONDS = 30.0


def _baseline_scores(X_train, y_train, X_test) -> np.ndarray:
    """A logistic regression on frequency and monetary alone, standardised."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    columns = ["frequency", "monetary"]
    scaler = StandardScaler().fit(X_train[columns])
    model = LogisticRegression().fit(scaler.transform(X_train[columns]), y_train)
    return model.predict_proba(scaler.transform(X_test[columns]))[:, 1]


def _fit_score(label: str, train: pd.DataFrame, test: pd.DataFrame, *, hidden: bool) -> FitScore:
    from autograder.exercises.model import average_precision, roc_auc

    X_train, y_train = data.split_xy(train)
    X_test, y_test = data.split_xy(test)
    baseline = _baseline_scores(X_train, y_train, X_test)
    auc, ap = roc_auc(y_test, baseline), average_precision(y_test, baseline)
    bar = (
        ""
        if hidden
        else f"the baseline, a logistic regression on frequency and monetary alone, reaches "
        f"{auc:.3f} and {ap:.3f}; the bar is {MARGIN} above each"
    )
    return FitScore(
        label,
        X_train,
        y_train,
        X_test,
        y_test,
        min_roc_auc=auc + MARGIN,
        min_average_precision=ap + MARGIN,
        bar=bar,
        repeat=True,
        identifier="customer_id",  # the prompt: the model must not learn from it, in any form
    )


@functools.cache
def _model_visible() -> tuple[FitScore, ...]:
    table = data.visible_table()
    validation = table["customer_id"] % 5 == 0
    return (
        _fit_score(
            "the visible customers (fitted on 4/5 of them, scored on the customers whose "
            "customer_id is a multiple of 5)",
            table[~validation].reset_index(drop=True),
            table[validation].reset_index(drop=True),
            hidden=False,
        ),
    )


@functools.cache
def _model_hidden() -> tuple[FitScore, ...]:
    train = data.visible_table()
    return tuple(
        _fit_score(
            f"hold-out {number}: other customers at a later cutoff",
            train,
            data.holdout(index),
            hidden=True,
        )
        for number, index in enumerate((2, 3), start=1)
    )


churn_model = ModelExercise(
    "churn_model",
    name="build_churn_model",
    visible=_model_visible,
    hidden=_model_hidden,
    warning_advice={
        "ConvergenceWarning": "the solver stopped before converging; scale the features "
        "inside the pipeline (e.g. StandardScaler) or give it more iterations",
    },
    fit_seconds=FIT_SECONDS,
    prompt_rules=(
        PromptRule(
            "your pipeline must not learn from it",
            case="change when only customer_id changes on hidden case 1",
            bank="fail_customer_id_as_feature",
        ),
        PromptRule(
            "customer_id is an identifier, not a feature",
            case="change when only customer_id changes on hidden case 1",
            bank="fail_id_passthrough_in_trees",
        ),
        PromptRule(
            "new customers get new ids",
            case="change when only customer_id changes on hidden case 1",
            bank="fail_rank_transformed_id",
        ),
        PromptRule(
            "drop it inside the pipeline",
            case="change when only customer_id changes on hidden case 1",
            bank="fail_logged_id",
        ),
        PromptRule(
            "without a ConvergenceWarning",
            case="ConvergenceWarning on hidden case 1",
            bank="fail_unscaled_logistic_regression",
        ),
        PromptRule(
            "give customers different probabilities (a model that predicts one class fails)",
            case="same probability on hidden case 1",
            bank="fail_majority_class",
        ),
        PromptRule(
            "set random_state on anything random",
            case="predict differently on hidden case 1",
            bank="fail_unseeded_random_forest",
        ),
        PromptRule(
            "at least 0.05 above the baseline's",
            case="below the bar on hidden case 1",
            bank="fail_unpruned_decision_tree",
        ),
    ),
    hints=(
        "Start from a Pipeline: a ColumnTransformer that keeps the six feature columns (and so "
        "drops customer_id), then a classifier.",
        "customer_id is a label for a row, not a behaviour: new customers have new ids. Scale "
        "the features for a linear model; skewed counts and money often work better after "
        "np.log1p.",
        "Set random_state on anything random and check that fitting twice gives the same "
        "predict_proba. Compare ROC AUC and average precision on a validation split with the "
        "baseline before you submit.",
    ),
)

# ---------------------------------------------------------------------------- compare_models

MODEL_NAMES = ("logistic_regression", "random_forest", "gradient_boosting")
METRICS = ("roc_auc", "average_precision")


def _models(seed: int) -> dict:
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "logistic_regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        "random_forest": RandomForestClassifier(
            n_estimators=30,
            min_samples_leaf=5,
            random_state=seed,
            n_jobs=1,
        ),
        "gradient_boosting": GradientBoostingClassifier(
            n_estimators=30,
            max_depth=2,
            random_state=seed,
        ),
    }


_COMPARED: dict[tuple, dict] = {}


def _compare(X, y, n_splits=5, seed=0, metric="roc_auc", **options):
    """The reference (no options) or a recognised mistake; each computed once per process."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}")
    X_array, y_array = np.asarray(X, dtype=float), np.asarray(y)
    key = (
        X_array.shape,
        X_array.tobytes(),
        y_array.tobytes(),
        n_splits,
        seed,
        metric,
        tuple(sorted(options.items())),
    )
    if key not in _COMPARED:
        _COMPARED[key] = _cross_validate(X_array, y_array, n_splits, seed, metric, **options)
    return dict(_COMPARED[key])


def _cross_validate(
    X,
    y,
    n_splits,
    seed,
    metric,
    *,
    stratified=True,
    shuffle=True,
    ddof=0,
    scale_first=False,
    labels=False,
):
    from sklearn.base import clone
    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import KFold, StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    if scale_first:
        X = StandardScaler().fit_transform(X)
    splitter = (StratifiedKFold if stratified else KFold)(
        n_splits=n_splits, shuffle=shuffle, random_state=seed if shuffle else None
    )
    score = roc_auc_score if metric == "roc_auc" else average_precision_score
    result = {}
    for name, model in _models(seed).items():
        values = []
        for train, test in splitter.split(X, y):
            fitted = clone(model).fit(X[train], y[train])
            if labels:
                predicted = fitted.predict(X[test])
            else:
                predicted = fitted.predict_proba(X[test])[:, 1]
            values.append(score(y[test], predicted))
        result[name] = (float(np.mean(values)), float(np.std(values, ddof=ddof)))
    return result


def _reference_compare(X, y, n_splits=5, seed=0, metric="roc_auc"):
    return _compare(X, y, n_splits, seed, metric)


def _sample(table: pd.DataFrame, rows: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    picked = table.sample(n=rows, random_state=seed).sort_values("customer_id")
    X, y = data.split_xy(picked.reset_index(drop=True))
    return X.drop(columns="customer_id"), y


@functools.cache
def _compare_visible() -> tuple[Case, ...]:
    X, y = _sample(data.visible_table(), 200, 4)
    array = X.to_numpy(dtype=float)  # compact in the check file
    return (Case((array, y), "200 visible customers as an array (n_splits=5, seed=0, roc_auc)"),)


@functools.cache
def _compare_hidden() -> tuple[Case, ...]:
    X, y = _sample(data.hidden_store_table(4), 200, 1)
    X2, y2 = _sample(data.hidden_store_table(5), 160, 2)
    return (
        Case((X, y, 3, 7, "average_precision"), "other customers, 3 folds, average precision"),
        Case((X2.to_numpy(dtype=float), y2, 4, 11), "a numpy array, 4 folds, seed 11"),
        Case((X, y, 5, 0, "accuracy"), "an unknown metric", raises=ValueError),
    )


def _compare_close(wrong, **options):
    return produces_close(functools.partial(wrong, **options), atol=1e-9)


compare_models = NumericExercise(
    "compare_models",
    name="compare_models",
    reference=_reference_compare,
    atol=1e-9,
    visible=_compare_visible,
    hidden=_compare_hidden,
    mistakes=(
        Mistake(
            "looks like plain KFold: use StratifiedKFold so every fold keeps the churn rate",
            _compare_close(_compare, stratified=False),
        ),
        Mistake(
            "the folds are not shuffled: StratifiedKFold(n_splits, shuffle=True, "
            "random_state=seed)",
            _compare_close(_compare, shuffle=False),
        ),
        Mistake(
            "the standard deviation uses ddof=1; report np.std of the fold scores (ddof=0)",
            _compare_close(_compare, ddof=1),
        ),
        Mistake(
            "the scaler was fitted on all the data before cross-validation, so every test "
            "fold leaked into it: put StandardScaler inside the logistic regression's pipeline",
            _compare_close(_compare, scale_first=True),
        ),
        Mistake(
            "the metric was computed from predicted labels; score predict_proba's column for "
            "class 1",
            _compare_close(_compare, labels=True),
        ),
    ),
    prompt_rules=(
        PromptRule(
            "Folds: StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)",
            case="hidden case 1",
            bank="fail_plain_kfold",
        ),
        PromptRule(
            "shuffle=True",
            case="hidden case 1",
            bank="fail_folds_not_shuffled",
        ),
        PromptRule(
            "the population standard deviation (np.std, ddof = 0)",
            case="hidden case 1",
            bank="fail_sample_standard_deviation",
        ),
        PromptRule(
            "as Python floats",
            case="expected a float",
            bank="fail_numpy_floats",
        ),
        PromptRule(
            "score the model's predict_proba(...)[:, 1]",
            case="hidden case 1",
            bank="fail_scores_predicted_labels",
        ),
        PromptRule(
            "use them as they are, one fresh model per fold",
            case="hidden case 1",
            bank="fail_scaler_fitted_before_cv",
        ),
        PromptRule(
            "Any other metric: raise ValueError",
            case="hidden case 3 (an unknown metric)",
            bank="fail_no_metric_check",
        ),
    ),
    hints=(
        "One StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed) for all three "
        "models, so they see the same folds.",
        "cross_val_score(model, X, y, cv=folds, scoring=metric) gives one score per fold; the "
        "logistic regression is make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).",
        "Return Python floats: (float(scores.mean()), float(scores.std())), and raise "
        "ValueError yourself for a metric other than the two named.",
    ),
)

# ----------------------------------------------------------------------- precision_recall_at_k


def _check_scores(y_true, scores):
    y = np.array(y_true)
    s = np.array(scores, dtype=float)
    if len(y) == 0 or len(y) != len(s):
        raise ValueError("need as many scores as labels, and at least one")
    return y.astype(int), s


def _top_k(scores: np.ndarray, k: int, *, ascending=False, late_first=False) -> np.ndarray:
    index = np.arange(len(scores))
    keys = (index if not late_first else -index, scores if ascending else -scores)
    return np.lexsort(keys)[:k]


def _pr_at_k(y_true, scores, k, *, recall_over_k=False, **order):
    if type(k) is not int:  # a bool or a float is refused, as the prompt says
        raise TypeError("k must be a Python int")
    y, s = _check_scores(y_true, scores)
    if not 1 <= k <= len(y):
        raise ValueError("k must be between 1 and the number of customers")
    if y.sum() == 0:
        raise ValueError("recall needs at least one positive")
    hits = int(y[_top_k(s, k, **order)].sum())
    return (hits / k, hits / (k if recall_over_k else int(y.sum())))


def _reference_pr_at_k(y_true, scores, k):
    return _pr_at_k(y_true, scores, k)


def _sklearn_pr_at_k(y_true, scores, k):
    from sklearn.metrics import precision_score, recall_score

    y, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    flagged = np.zeros(len(y), dtype=int)
    flagged[np.argsort(-s, kind="stable")[:k]] = 1
    return float(precision_score(y, flagged)), float(recall_score(y, flagged))


def _random_case(rng: np.random.Generator) -> tuple[list[int], list[float]]:
    n = int(rng.integers(2, 60))
    y = (rng.uniform(size=n) < rng.uniform(0.05, 0.6)).astype(int)
    y[int(rng.integers(n))] = 1
    if rng.uniform() < 0.5:
        scores = np.round(rng.uniform(size=n), 1)  # many ties
    else:
        scores = np.round(rng.uniform(size=n) * 0.5 + 0.4 * y, 4)
    return [int(v) for v in y], [float(v) for v in scores]


def _pr_probe() -> Probe:
    def run(call):
        rng = np.random.default_rng(context.hidden_seed(4))
        for _ in range(150):
            y, scores = _random_case(rng)
            k = int(rng.integers(1, len(y) + 1))
            got = call(y, scores, k)
            if type(got) is not tuple or len(got) != 2 or any(type(v) is not float for v in got):
                return f"returned a {type_name(got)}; expected a tuple of two Python floats"
            want = _sklearn_pr_at_k(y, scores, k)
            if any(not math.isclose(a, b, abs_tol=1e-12) for a, b in zip(got, want, strict=True)):
                return "disagrees with scikit-learn's precision_score and recall_score on the top k"
        return None

    return Probe("150 random cases with ties, against scikit-learn", run)


_SKLEARN_BANNED = (
    "sklearn.metrics:precision_score",
    "sklearn.metrics:recall_score",
    "sklearn.metrics:average_precision_score",
    "sklearn.metrics:precision_recall_curve",
    "sklearn.metrics:auc",
    "sklearn.metrics:roc_auc_score",
    "sklearn.metrics:top_k_accuracy_score",
    "sklearn.metrics:confusion_matrix",
    "sklearn.metrics:precision_recall_fscore_support",
    "sklearn.metrics:roc_curve",
    "sklearn.metrics:det_curve",
    "sklearn.metrics:ndcg_score",
    "sklearn.metrics:dcg_score",
)
_SKLEARN_NAMES = (
    "precision_score",
    "recall_score",
    "average_precision_score",
    "precision_recall_curve",
    "roc_auc_score",
    "top_k_accuracy_score",
    # the prompt puts all of sklearn.metrics off limits: these would compute the counts too
    "confusion_matrix",
    "multilabel_confusion_matrix",
    "precision_recall_fscore_support",
    "roc_curve",
    "det_curve",
    "ndcg_score",
    "dcg_score",
    "label_ranking_average_precision_score",
)

_PR_Y = [1, 0, 1, 1, 0, 0, 1, 0, 0, 0]
_PR_SCORES = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1]
_TIED_Y = [0, 1, 0, 1, 1, 0]
_TIED_SCORES = [0.8, 0.8, 0.5, 0.5, 0.5, 0.1]

precision_recall_at_k = NumericExercise(
    "precision_recall_at_k",
    name="precision_recall_at_k",
    reference=_reference_pr_at_k,
    atol=1e-12,
    visible=(
        Case((_PR_Y, _PR_SCORES, 3)),
        Case((_PR_Y, _PR_SCORES, 10)),
        Case((_TIED_Y, _TIED_SCORES, 3)),
    ),
    hidden=lambda: (
        Case((_TIED_Y, _TIED_SCORES, 1), "a tie at the top"),
        Case(
            (np.array([0, 1, 1, 0, 1]), np.array([0.3, 0.3, 0.3, 0.3, 0.3]), 2),
            "all scores tie, numpy arrays",
        ),
        Case(([1], [0.2], 1), "a single customer"),
        Case(([0, 1, 0], [0.9, 0.1, 0.5], 2), "the only churner ranked last"),
        Case(([0, 1, 0, 1, 1], [0.2, 0.9, 0.4, 0.6, 0.1], 5), "k equal to the number of customers"),
        Case(([0, 1, 0], [0.9, 0.1, 0.5], 0), "k = 0", raises=ValueError),
        Case(([0, 1, 0, 1], [0.9, 0.1, 0.5, 0.7], -1), "a negative k", raises=ValueError),
        Case(([0, 1, 0], [0.9, 0.1, 0.5], 4), "k larger than the list", raises=ValueError),
        Case(([0, 1, 0, 1], [0.9, 0.1, 0.5, 0.7], 2.0), "k a float", raises=TypeError),
        Case(([0, 1, 0, 1], [0.9, 0.1, 0.5, 0.7], True), "k a bool", raises=TypeError),
        Case(([0, 0, 0], [0.9, 0.1, 0.5], 2), "no churners", raises=ValueError),
        Case(([0, 1, 1], [0.9, 0.4], 1), "more labels than scores", raises=ValueError),
        Case(([1, 0], [0.9, 0.1, 0.5], 1), "more scores than labels", raises=ValueError),
        Case(([], [], 1), "empty lists", raises=ValueError),
        _pr_probe(),
        Case(
            ([0, 1, 0, 1], [0.9, 0.1, 0.5, 0.7], np.int64(2)), "k a numpy integer", raises=TypeError
        ),
    ),
    prompt_rules=(
        PromptRule("two Python floats", case="expected a float", bank="fail_numpy_floats"),
        PromptRule(
            "returning the tuple (precision, recall)",
            case="hidden case 1 (a tie at the top)",
            bank="fail_returns_list",
        ),
        PromptRule(
            "for the k customers with the highest scores",
            case="hidden case 4 (the only churner ranked last)",
            bank="fail_lowest_scores",
        ),
        PromptRule(
            "recall@k = churners among those k / all churners in y_true",
            case="hidden case 2 (all scores tie, numpy arrays)",
            bank="fail_recall_over_k",
        ),
        PromptRule(
            "among equal scores the customer who comes first in the list ranks first",
            case="hidden case 1 (a tie at the top)",
            bank="fail_reversed_argsort_ties",
        ),
        PromptRule(
            "between 1 and the number of customers (both included)",
            case="hidden case 3 (a single customer)",
            bank="fail_k_equal_n_rejected",
        ),
        PromptRule(
            "when k is not between 1 and the number of customers",
            case="hidden case 7 (a negative k)",
            bank="fail_negative_k_slices",
        ),
        PromptRule(
            "k must be a Python int: raise TypeError when it is not",
            case="hidden case 9 (k a float)",
            bank="fail_k_converted_with_int",
        ),
        PromptRule(
            "a bool is not an int here",
            case="hidden case 10 (k a bool)",
            bank="fail_bool_k_accepted",
        ),
        PromptRule(
            "k must be a Python int",
            case="hidden case 16 (k a numpy integer)",
            bank="fail_integral_accepts_numpy_int",
        ),
        PromptRule(
            "or when there is no churner",
            case="hidden case 11 (no churners)",
            bank="fail_no_churner_check",
        ),
        PromptRule(
            "Raise ValueError when the lengths differ",
            case="hidden case 12 (more labels than scores)",
            bank="fail_no_length_check",
        ),
        PromptRule(
            "as Python lists or 1-D numpy arrays",
            case="hidden case 2 (all scores tie, numpy arrays)",
            bank="fail_list_methods_only",
        ),
        PromptRule(
            "Do not modify them",
            case="changed its input",
            bank="fail_negates_scores_in_place",
        ),
        PromptRule(
            "scikit-learn's metrics are off limits here",
            case="asks you to compute it yourself",
            bank="fail_uses_sklearn_metrics",
        ),
    ),
    mistakes=(
        Mistake(
            "you took the k LOWEST scores: rank from the highest score down",
            produces_close(functools.partial(_pr_at_k, ascending=True), atol=1e-12),
        ),
        Mistake(
            "recall divides by k; it divides by the number of churners in the whole list",
            produces_close(functools.partial(_pr_at_k, recall_over_k=True), atol=1e-12),
        ),
        Mistake(
            "ties at the k-th place were broken the wrong way: among equal scores, the customer "
            "who comes first in the list is ranked first (a stable sort on the score)",
            produces_close(functools.partial(_pr_at_k, late_first=True), atol=1e-12),
        ),
    ),
    banned=_SKLEARN_BANNED,
    banned_methods=_SKLEARN_NAMES,
    hints=(
        "Sort the positions by score from the highest; the first k are the customers you flag.",
        "precision@k = churners among the k / k; recall@k = churners among the k / all churners.",
        "np.argsort(-scores, kind='stable') (or sorted with key=-score) keeps equal scores in "
        "list order. Return two Python floats and check k and the labels first.",
    ),
)

# ----------------------------------------------------------------------------------- pr_auc


def _ap(y_true, scores, *, group_ties=True, interpolate=False, trapezoid=False):
    y, s = _check_scores(y_true, scores)
    if y.sum() == 0:
        raise ValueError("average precision needs at least one positive")
    order = np.argsort(-s, kind="stable")
    hits = np.cumsum(y[order])
    ranked = s[order]
    cut = np.r_[ranked[1:] != ranked[:-1], True] if group_ties else np.ones(len(y), bool)
    tp, flagged = hits[cut], np.arange(1, len(y) + 1)[cut]
    precision, recall = tp / flagged, tp / y.sum()
    if interpolate:
        precision = np.maximum.accumulate(precision[::-1])[::-1]
    if trapezoid:
        r = np.r_[0.0, recall]
        p = np.r_[1.0, precision]
        return float(np.sum(np.diff(r) * (p[1:] + p[:-1]) / 2))
    return float((np.diff(np.r_[0.0, recall]) * precision).sum())


def _reference_ap(y_true, scores):
    return _ap(y_true, scores)


def _roc_auc_variant(y_true, scores):
    from autograder.exercises.model import roc_auc

    y, s = _check_scores(y_true, scores)
    return roc_auc(y, s)


def _ap_probe() -> Probe:
    def run(call):
        from sklearn.metrics import average_precision_score

        rng = np.random.default_rng(context.hidden_seed(5))
        for _ in range(150):
            y, scores = _random_case(rng)
            got = call(y, scores)
            if type(got) is not float:
                return f"returned a {type_name(got)}; expected a Python float"
            if not math.isclose(got, float(average_precision_score(y, scores)), abs_tol=1e-9):
                return "disagrees with scikit-learn's average_precision_score"
        return None

    return Probe("150 random cases with ties, against scikit-learn", run)


pr_auc = NumericExercise(
    "pr_auc",
    name="pr_auc",
    reference=_reference_ap,
    atol=1e-9,
    visible=(
        Case((_PR_Y, _PR_SCORES)),
        Case((_TIED_Y, _TIED_SCORES)),
        Case(([0, 0, 1, 0], [0.4, 0.3, 0.2, 0.1])),
    ),
    hidden=lambda: (
        Case(([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1]), "a perfect ranking"),
        Case((np.array([1, 0, 1, 0, 0, 1]), np.full(6, 0.5)), "every score equal"),
        Case(([1], [0.3]), "a single churner"),
        Case(([0, 0, 0], [0.3, 0.2, 0.1]), "no churners", raises=ValueError),
        Case(([], []), "empty lists", raises=ValueError),
        Case(([1, 0, 1], [0.9, 0.2]), "lists of different lengths", raises=ValueError),
        _ap_probe(),
    ),
    mistakes=(
        Mistake(
            "looks like the trapezoidal area under the precision-recall curve; average "
            "precision adds up precision x (gain in recall) at each threshold, with no "
            "interpolation",
            produces_close(functools.partial(_ap, trapezoid=True), atol=1e-9),
        ),
        Mistake(
            "equal scores were treated as separate thresholds: customers with the same score "
            "are flagged together, so they form ONE step of the curve",
            produces_close(functools.partial(_ap, group_ties=False), atol=1e-9),
        ),
        Mistake(
            "the precisions were interpolated (the best precision at any higher recall); "
            "scikit-learn's average precision uses the precision at each threshold as it is",
            produces_close(functools.partial(_ap, interpolate=True), atol=1e-9),
        ),
        Mistake(
            "that is the ROC AUC, not the average precision",
            produces_close(_roc_auc_variant, atol=1e-9),
        ),
    ),
    banned=_SKLEARN_BANNED,
    banned_methods=_SKLEARN_NAMES,
    prompt_rules=(
        PromptRule(
            "as a Python float",
            case="expected a float",
            bank="fail_returns_numpy_float",
        ),
        PromptRule(
            "Customers with equal scores are therefore flagged together",
            case="hidden case 2 (every score equal)",
            bank="fail_every_position_a_threshold",
        ),
        PromptRule(
            "No interpolation",
            case="against scikit-learn",
            bank="fail_interpolated_precision",
        ),
        PromptRule(
            "no trapezoids",
            case="hidden case 2 (every score equal)",
            bank="fail_trapezoid_area",
        ),
        PromptRule(
            "the area under the precision–recall curve, computed as average precision",
            case="against scikit-learn",
            bank="fail_roc_auc",
        ),
        PromptRule(
            "or there is no churner",
            case="hidden case 4 (no churners)",
            bank="fail_no_churner_check",
        ),
        PromptRule(
            "the lengths differ",
            case="hidden case 6 (lists of different lengths)",
            bank="fail_no_length_check",
        ),
        PromptRule(
            "scikit-learn's metrics are off limits here",
            case="asks you to compute it yourself",
            bank="fail_uses_sklearn",
        ),
        PromptRule(
            "Do not modify them",
            case="changed its input",
            bank="fail_negates_scores_in_place",
        ),
    ),
    hints=(
        "Sort by score from the highest. Each distinct score is a threshold: flag everyone at "
        "or above it and compute precision and recall.",
        "AP = Σ (recall_n − recall_(n−1)) × precision_n over the thresholds, starting from "
        "recall 0.",
        "Equal scores are flagged together: only the last position of a run of ties is a "
        "threshold. Return a Python float; raise ValueError with no churner.",
    ),
)

# -------------------------------------------------------------------------- choose_threshold


def _threshold(
    y_true,
    scores,
    cost_fp,
    cost_fn,
    *,
    strict=False,
    lowest=False,
    with_inf=True,
    swap=False,
    counts=False,
    grid=False,
):
    y, s = _check_scores(y_true, scores)
    if cost_fp < 0 or cost_fn < 0:
        raise ValueError("costs cannot be negative")
    if swap:
        cost_fp, cost_fn = cost_fn, cost_fp
    if counts:
        cost_fp = cost_fn = 1.0
    candidates = sorted(set(np.linspace(0, 1, 101).round(2).tolist()) if grid else set(s.tolist()))
    if with_inf:
        candidates.append(math.inf)
    best, best_cost = None, math.inf
    for t in candidates:
        flagged = s > t if strict else s >= t
        cost = cost_fp * int(np.sum(flagged & (y == 0))) + cost_fn * int(
            np.sum(~flagged & (y == 1))
        )
        if cost < best_cost or (cost == best_cost and not lowest):
            best, best_cost = t, cost
    return float(best)


def _reference_threshold(y_true, scores, cost_fp, cost_fn):
    return _threshold(y_true, scores, cost_fp, cost_fn)


@functools.cache
def _threshold_hidden() -> tuple:
    rng = np.random.default_rng(context.hidden_seed(5) + 1)
    cases = [
        Case(([0, 1, 0, 1], [0.2, 0.9, 0.4, 0.6], 0.0, 10.0), "free vouchers"),
        Case(([0, 1, 0, 1], [0.2, 0.9, 0.4, 0.6], 10.0, 0.0), "lost customers cost nothing"),
        Case(([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5], 1.0, 1.0), "all scores tie, a cost tie"),
        Case(([0, 0, 0], [0.1, 0.7, 0.3], 5.0, 50.0), "no churners"),
        Case(([1, 1], [0.1, 0.7], 5.0, 50.0), "only churners"),
        Case(
            (np.array([0, 1, 1, 0, 1]), np.array([0.15, 0.8, 0.35, 0.35, 0.6]), 20, 100),
            "numpy arrays, integer costs",
        ),
        Case(([], [], 1.0, 1.0), "empty lists", raises=ValueError),
        Case(([0, 1], [0.3], 1.0, 1.0), "lists of different lengths", raises=ValueError),
        Case(([0, 1], [0.3, 0.6], -1.0, 1.0), "a negative cost_fp", raises=ValueError),
        Case(([0, 1], [0.3, 0.6], 1.0, -0.5), "a negative cost_fn", raises=ValueError),
    ]
    for number in range(6):
        y, scores = _random_case(rng)
        fp, fn = float(rng.integers(1, 30)), float(rng.integers(20, 200))
        cases.append(Case((y, scores, fp, fn), f"random customers {number + 1}"))
    return tuple(cases)


def _threshold_close(**options):
    return produces_close(functools.partial(_threshold, **options), atol=0.0)


choose_threshold = NumericExercise(
    "choose_threshold",
    name="choose_threshold",
    reference=_reference_threshold,
    atol=0.0,
    visible=(
        Case(([1, 0, 1, 0, 1, 1, 0], [0.28, 0.49, 0.98, 0.96, 0.72, 0.54, 0.28], 20.0, 100.0)),
        Case(([0, 1, 0, 1, 0, 0], [0.1, 0.8, 0.4, 0.35, 0.6, 0.2], 100.0, 20.0)),
        Case(([1, 0, 1, 0], [0.9, 0.9, 0.3, 0.3], 10.0, 10.0)),
    ),
    hidden=_threshold_hidden,
    mistakes=(
        Mistake(
            "customers are flagged when score > threshold; the exercise flags score >= threshold",
            _threshold_close(strict=True),
        ),
        Mistake(
            "flagging nobody (math.inf) must be a candidate too: it wins when vouchers cost "
            "more than the churn they prevent",
            _threshold_close(with_inf=False),
        ),
        Mistake(
            "that minimises the number of errors, not their cost: weigh each kind by its cost",
            _threshold_close(counts=True),
        ),
        Mistake(
            "on a cost tie you returned the smallest threshold; return the largest (flag fewer "
            "customers)",
            _threshold_close(lowest=True),
        ),
        Mistake(
            "the costs are swapped: a false positive costs cost_fp (a voucher for a customer "
            "who would have stayed), a false negative cost_fn (a lost customer)",
            _threshold_close(swap=True),
        ),
        Mistake(
            "the thresholds come from a fixed grid; the candidates are the distinct scores "
            "themselves (and math.inf)",
            _threshold_close(grid=True),
        ),
    ),
    prompt_rules=(
        PromptRule(
            "as a Python float",
            case="expected a float",
            bank="fail_returns_numpy_float",
        ),
        PromptRule(
            "Customers with score >= threshold get a voucher",
            case="hidden case 1 (free vouchers)",
            bank="fail_strictly_greater",
        ),
        PromptRule(
            "lowest total cost",
            case="hidden case 2 (lost customers cost nothing)",
            bank="fail_minimises_error_count",
        ),
        PromptRule(
            "is a false positive and costs cost_fp",
            case="hidden case 1 (free vouchers)",
            bank="fail_costs_swapped",
        ),
        PromptRule(
            "the candidates are every distinct value in scores",
            case="random customers",
            bank="fail_fixed_grid",
        ),
        PromptRule(
            "and math.inf (flag nobody)",
            case="hidden case 2 (lost customers cost nothing)",
            bank="fail_never_flags_nobody",
        ),
        PromptRule(
            "return the largest of them",
            case="hidden case 1 (free vouchers)",
            bank="fail_smallest_on_tie",
        ),
        PromptRule(
            "costs are non-negative numbers",
            case="hidden case 1 (free vouchers)",
            bank="fail_zero_cost_rejected",
        ),
        PromptRule(
            "raise ValueError for a negative cost",
            case="hidden case 10 (a negative cost_fn)",
            bank="fail_checks_only_cost_fp",
        ),
        PromptRule(
            "for empty input",
            case="hidden case 7 (empty lists)",
            bank="fail_no_empty_check",
        ),
        PromptRule(
            "for lengths that differ",
            case="hidden case 8 (lists of different lengths)",
            bank="fail_no_length_check",
        ),
        PromptRule(
            "scikit-learn's metrics are off limits here",
            case="asks you to compute it yourself",
            bank="fail_uses_confusion_matrix",
        ),
    ),
    banned=_SKLEARN_BANNED,
    banned_methods=_SKLEARN_NAMES,
    hints=(
        "Only the scores themselves can change who is flagged: try each distinct score as the "
        "threshold, plus math.inf (flag nobody).",
        "At threshold t: FP = non-churners with score >= t, FN = churners with score < t; "
        "cost = cost_fp × FP + cost_fn × FN.",
        "Keep the cheapest; when costs tie keep the larger threshold. Return float(t).",
    ),
)

EXERCISES = (
    churn_features,
    churn_model,
    compare_models,
    precision_recall_at_k,
    pr_auc,
    choose_threshold,
)
