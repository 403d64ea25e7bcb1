"""ModelExercise: fit the learner's unfitted estimator, score it, refuse what cannot be graded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

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


def _with_ids(seed: int, n: int, first_id: int):
    X, y = _data(seed, n)
    X.insert(0, "id", np.arange(first_id, first_id + n, dtype=np.int64))
    return X, y


def _id_exercise() -> ModelExercise:
    X, y = _with_ids(1, 300, 1)
    X2, y2 = _with_ids(2, 200, 10_001)  # new customers, new ids: beyond the training range
    case = FitScore("ids", X, y, X2, y2, 0.7, 0.6, repeat=True, identifier="id")
    return ModelExercise("id_model", name="build", visible=(case,), hidden=(case,))


def _drops_id():
    keep = ColumnTransformer([("features", StandardScaler(), ["a", "b"])])
    return make_pipeline(keep, LogisticRegression())


@pytest.mark.parametrize(
    "build",
    [
        good,  # every column scaled, the id included
        lambda: make_pipeline(  # the id logged, the rest scaled
            ColumnTransformer(
                [("log", FunctionTransformer(np.log1p), ["id"])], remainder=StandardScaler()
            ),
            LogisticRegression(),
        ),
        lambda: RandomForestClassifier(n_estimators=20, random_state=0),  # id as tree splits
    ],
    ids=["scaled", "logged", "tree splits"],
)
def test_a_model_that_learns_from_the_identifier_fails_in_any_form(build):
    # held-out ids lie beyond the training range, so a tree routes them all one way: only
    # moving the ids back inside that range shows the dependence
    with pytest.raises(CheckFailed, match="change when only id changes on hidden case 1"):
        _id_exercise().check_hidden(build)


def test_a_model_that_drops_the_identifier_passes_and_the_learner_side_agrees():
    exercise = _id_exercise()
    exercise.check_hidden(_drops_id)
    learner = ModelExercise.from_learner_data(exercise.learner_data())
    learner.check(_drops_id)
    with pytest.raises(CheckFailed, match="change when only id changes"):
        learner.check(good)


def test_moved_identifiers_change_only_the_identifier():
    from autograder.exercises.model import moved_identifiers

    case = _id_exercise().visible[0]
    moved = moved_identifiers(case)
    assert moved["id"].dtype == case.X_test["id"].dtype
    assert moved.drop(columns="id").equals(case.X_test.drop(columns="id"))
    assert moved["id"].between(case.X_train["id"].min(), case.X_train["id"].max()).all()
    assert not (moved["id"].to_numpy() == case.X_test["id"].to_numpy()).any()


def test_the_grader_fits_the_model_in_the_namespace_the_notebook_built(tmp_path):
    """A model function may use what an earlier (setup) cell defined, as in the learner's
    kernel: the worker runs every learner cell, setup included, before judging."""
    from autograder.grading.confine import Limits
    from autograder.grading.remote import RemoteFunction, Worker, answer

    cells = [
        "import numpy as np\nfrom sklearn.linear_model import LogisticRegression\n"
        "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import "
        "FunctionTransformer, StandardScaler\n\ndef run(columns):\n    return list(columns)",
        "def build():\n    keep = FunctionTransformer(lambda X: X[run(['a', 'b'])])\n"
        "    return make_pipeline(keep, StandardScaler(), LogisticRegression())",
    ]
    with Worker(
        cwd=tmp_path, roots=[tmp_path], limits=Limits(cpu_seconds=120), timeout=120, step_timeout=60
    ) as worker:
        for source in cells:
            assert worker.request("run", cells=[source]) == {"errors": []}
        build = answer(worker, cells, "build")
        assert isinstance(build, RemoteFunction)
        exercise = _id_exercise()
        exercise.check(build)  # no NameError: `run` and the imports come from the first cell
        exercise.check_hidden(build)
