"""ModelExercise: fit the learner's unfitted estimator, score it, refuse what cannot be graded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from autograder.exercises.model import FitScore, ModelExercise, average_precision, roc_auc
from autograder.judges import CheckFailed


def _data(seed: int, n: int):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n) * 1000})
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-2 * X["a"]))).astype(np.int64).to_numpy()
    return X, y


def _exercise(**bars) -> ModelExercise:
    X, y = _data(1, 300)
    X2, y2 = _data(2, 200)
    case = FitScore(
        "toy data", X, y, X2, y2, bars.get("auc", 0.7), bars.get("ap", 0.6), "a bar", True
    )
    return ModelExercise(
        "toy_model",
        name="build",
        visible=(case,),
        hidden=(case,),
        warning_advice={"ConvergenceWarning": "scale the features"},
    )


def good():
    return make_pipeline(StandardScaler(), LogisticRegression())


@pytest.mark.parametrize("seed", range(20))
def test_metrics_match_scikit_learn_with_ties(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=40)
    y[0], y[1] = 0, 1
    scores = np.round(rng.uniform(size=40), 1)
    assert roc_auc(y, scores) == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
    assert average_precision(y, scores) == pytest.approx(
        average_precision_score(y, scores), abs=1e-12
    )


def test_a_good_model_passes_visible_and_hidden():
    exercise = _exercise()
    exercise.check(good)
    exercise.check_hidden(good)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: DummyClassifier(), "same probability"),
        (lambda: RandomForestClassifier(n_estimators=5), "predict differently"),
        (lambda: LogisticRegression(solver="sag", max_iter=5), "ConvergenceWarning"),
        (lambda: LogisticRegression(C=1e-9, fit_intercept=False), "reached ROC AUC"),
        (lambda: 42, "raised AttributeError"),
    ],
)
def test_models_that_cannot_pass_are_named(build, message):
    with pytest.raises(CheckFailed, match=message):
        _exercise(auc=0.75).check(build)


def test_hidden_messages_show_no_scores():
    with pytest.raises(CheckFailed) as failure:
        _exercise(auc=0.999).check_hidden(good)
    assert "below the bar on hidden case 1" in str(failure.value)
    assert "0." not in str(failure.value)


def test_learner_side_data_judges_alike():
    exercise = _exercise(auc=0.75)
    learner = ModelExercise.from_learner_data(exercise.learner_data())
    learner.check(good)
    with pytest.raises(CheckFailed, match="same probability"):
        learner.check(lambda: DummyClassifier())
    assert learner.learner_side
