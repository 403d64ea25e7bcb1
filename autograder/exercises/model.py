"""Model exercises: the learner's function returns an unfitted estimator; the checks fit it.

A :class:`ModelExercise` calls the learner's function (no arguments) to get a fresh,
unfitted scikit-learn style estimator, fits it on a training set and asks for
``predict_proba`` on a test set it never saw (:meth:`FunctionAnswer.call_methods`: while
grading the estimator lives in the confined worker, and only the probabilities come back).
The predictions are then scored with ROC AUC and average precision against the test labels
and must reach each :class:`FitScore`'s bars (typically a simple baseline's score plus a
stated margin, computed by the key from the same data).

Along the way the checks refuse: an answer that is not a function, a fit or predict that
raises, named warning categories (e.g. ``ConvergenceWarning``: a model that did not
converge), predictions of the wrong shape or outside [0, 1], the same probability for every
row (a model that predicts one class), predictions that change when the same model is
fitted twice on the same data (an unseeded random model cannot be graded reproducibly), and,
for a :class:`FitScore` naming an ``identifier`` column, predictions that change when only
that column's values change (a model that learns from an id, in whatever form: raw, scaled,
logged, ranked or as tree splits).
Fitting time is bounded by ``fit_seconds``, the worker's limit for one call while grading;
nothing is timed here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from autograder.exercises.answer import Answer, FunctionAnswer
from autograder.exercises.base import Exercise
from autograder.exercises.prompt_rules import PromptRule
from autograder.judges.calls import BannedCall
from autograder.judges.errors import CheckFailed
from autograder.judges.values import type_name


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC: the chance a random positive outscores a random negative (ties count half)."""
    labels = np.asarray(labels).astype(bool)
    ranks = pd.Series(np.asarray(scores, dtype=float)).rank(method="average").to_numpy()
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if not positives or not negatives:
        raise ValueError("ROC AUC needs both classes")
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """Average precision: sum over score thresholds of (recall gained) x (precision there)."""
    truth = np.asarray(labels).astype(bool)
    points = np.asarray(scores, dtype=float).ravel()
    if not truth.any():
        raise ValueError("average precision needs a positive example")
    ranking = np.argsort(-points, kind="stable")
    hits = np.cumsum(truth[ranking])
    ranked = points[ranking]
    last_of_tie = np.r_[ranked[1:] != ranked[:-1], True]  # thresholds at distinct scores
    tp, flagged = hits[last_of_tie], np.arange(1, len(ranked) + 1)[last_of_tie]
    gained = np.diff(np.r_[0.0, tp / truth.sum()])
    return float(gained @ (tp / flagged))


@dataclass(frozen=True)
class FitScore:
    """One judged fit: fit on the training set, score ``predict_proba`` on the test set.

    ``label`` names it in messages (it must not reveal hidden data); ``bar`` explains the
    minimum scores to a learner (shown for visible checks only); ``repeat`` fits a second
    fresh model on the same data and requires identical predictions. ``identifier`` names a
    column of the (DataFrame) test set the model must ignore: a fresh model is fitted again
    and scored on the test set with that column's values replaced by others spread over the
    training set's range, in reverse order, and its probabilities must not change.
    """

    label: str
    X_train: Any
    y_train: np.ndarray
    X_test: Any
    y_test: np.ndarray
    min_roc_auc: float
    min_average_precision: float
    bar: str = ""
    repeat: bool = False
    identifier: str | None = None


def moved_identifiers(case: FitScore) -> Any:
    """The test set with only ``case.identifier`` changed: values spread evenly over the
    training set's ids, in reverse row order, so both a linear use of the id and tree splits
    inside the training range see other values."""
    column = case.identifier
    frame = case.X_test.copy()
    train = np.asarray(case.X_train[column], dtype=float)
    spread = np.linspace(train.min(), train.max(), len(frame))[::-1]
    if np.issubdtype(frame[column].dtype, np.integer):
        spread = spread.round()
    frame[column] = spread.astype(frame[column].dtype)
    return frame


def _frame_data(frame: Any) -> dict[str, Any]:
    if isinstance(frame, pd.DataFrame):
        return {
            "columns": [str(c) for c in frame.columns],
            "dtypes": [str(d) for d in frame.dtypes],
            "values": [frame[c].tolist() for c in frame.columns],
        }
    array = np.asarray(frame)
    return {"array": array.tolist(), "dtype": str(array.dtype)}


def _frame_from(data: dict[str, Any]) -> Any:
    if "array" in data:
        return np.array(data["array"], dtype=data["dtype"])
    frame = pd.DataFrame(
        {
            column: pd.Series(values, dtype=dtype)
            for column, dtype, values in zip(
                data["columns"], data["dtypes"], data["values"], strict=True
            )
        }
    )
    return frame


class ModelExercise(Exercise):
    """See the module docstring. ``warning_advice`` maps refused warning categories (by
    class name) to what the learner should do about them."""

    kind = "model"

    def __init__(
        self,
        id: str,
        *,
        name: str,
        visible: tuple[FitScore, ...] | Callable[[], tuple[FitScore, ...]],
        hidden: tuple[FitScore, ...] | Callable[[], tuple[FitScore, ...]],
        warning_advice: Mapping[str, str] = (),
        fit_seconds: float | None = None,
        banned: tuple[str, ...] = (),
        hints: tuple[str, ...] = (),
        prompt_rules: tuple[PromptRule, ...] = (),
    ):
        super().__init__(id, hints=hints, prompt_rules=prompt_rules)
        self.name = name
        self.visible = visible
        self.hidden = hidden
        self.warning_advice = dict(warning_advice)
        self.fit_seconds = fit_seconds
        self.banned = banned

    @property
    def answer_name(self) -> str:
        return self.name

    def cases(self, *, hidden: bool) -> tuple[FitScore, ...]:
        cases = self.hidden if hidden else self.visible
        return cases() if callable(cases) else cases

    def judge(self, answer: Answer, *, hidden: bool) -> None:
        if not isinstance(answer, FunctionAnswer):
            raise CheckFailed(f"{self.name} must be a function; it is a {type(answer).__name__}")
        for index, case in enumerate(self.cases(hidden=hidden), start=1):
            where = f"on hidden case {index} ({case.label})" if hidden else f"on {case.label}"
            try:
                problem = self._judge_case(answer, case, where=where, hidden=hidden)
            except BannedCall as banned:
                problem = str(banned)
            if problem:
                raise CheckFailed(problem)

    def _predict(self, answer: FunctionAnswer, case: FitScore, where: str):
        """The test-set probabilities of the positive class, or a problem."""
        outcome = answer.call_methods(
            (),
            [("fit", (case.X_train, case.y_train)), ("predict_proba", (case.X_test,))],
            banned=self.banned,
            timeout=self.fit_seconds,
        )
        if outcome.error is not None:
            error = outcome.error
            if isinstance(error, NotImplementedError):
                return (
                    None,
                    f"{self.name} is not written yet: replace `raise NotImplementedError()` with your code",
                )
            return None, (
                f"{self.name}() or its model's fit/predict_proba raised "
                f"{type(error).__name__}: {error} {where}"
            )
        if outcome.mutated:
            return (
                None,
                f"the model changed its training or test data {where}; leave the data as it was",
            )
        for text in outcome.warnings:
            category = text.split(":", 1)[0]
            if category in self.warning_advice:
                return None, (
                    f"the model raised a {category} {where} ({text.split(':', 1)[1].strip()[:120]}): "
                    f"{self.warning_advice[category]}"
                )
        result, rows = outcome.result, len(case.y_test)
        if type(result) is not np.ndarray:
            return None, (
                f"the model's predict_proba returned a {type_name(result)} {where}; expected a "
                f"numpy array of shape ({rows}, 2): is {self.name}() returning a classifier?"
            )
        if result.shape != (rows, 2) or result.dtype.kind not in "fiu":
            return None, (
                f"the model's predict_proba returned an array of shape {result.shape} {where}; "
                f"expected ({rows}, 2), one column per class (0, then 1)"
            )
        scores = result[:, 1].astype(float)
        if not np.all(np.isfinite(scores)) or scores.min() < 0 or scores.max() > 1:
            return None, f"the model's probabilities are not all between 0 and 1 {where}"
        return scores, None

    def _judge_case(self, answer: FunctionAnswer, case: FitScore, *, where: str, hidden: bool):
        scores, problem = self._predict(answer, case, where)
        if problem:
            return problem
        if case.repeat:
            again, problem = self._predict(answer, case, where)
            if problem:
                return problem
            if not np.array_equal(scores, again):
                return (
                    f"two fresh models fitted on the same data predict differently {where}: fix "
                    "random_state in every random part of the model, so grading is reproducible"
                )
        if case.identifier is not None and isinstance(case.X_test, pd.DataFrame):
            moved, problem = self._predict(
                answer, replace(case, X_test=moved_identifiers(case)), where
            )
            if problem:
                return problem
            if not np.allclose(scores, moved, rtol=0.0, atol=1e-9):
                return (
                    f"the model's probabilities change when only {case.identifier} changes "
                    f"{where}: the model uses the identifier (as a feature in any form: raw, "
                    "scaled, logged, ranked or as tree splits, or to look something up); drop "
                    f"{case.identifier} inside the pipeline, e.g. with a ColumnTransformer that "
                    "keeps only the feature columns"
                )
        if np.ptp(scores) == 0:
            return (
                f"the model gives every customer the same probability {where}, so it cannot "
                "rank anyone"
            )
        auc = roc_auc(case.y_test, scores)
        ap = average_precision(case.y_test, scores)
        if auc >= case.min_roc_auc and ap >= case.min_average_precision:
            return None
        if hidden:
            return (
                f"the model scores below the bar {where}: its ROC AUC or average precision on "
                "data it never saw does not beat the baseline by the margin the exercise states "
                "(a model that overfits, leaks the label or relies on an identifier does well "
                "only on the data it was built on)"
            )
        return (
            f"the model reached ROC AUC {auc:.3f} and average precision {ap:.3f} {where}; it "
            f"needs at least {case.min_roc_auc:.3f} and {case.min_average_precision:.3f}"
            + (f" ({case.bar})" if case.bar else "")
        )

    # ------------------------------------------------------------------ learner-side data

    def learner_data(self) -> dict[str, Any]:
        data = super().learner_data()
        data.update(
            name=self.name,
            banned=list(self.banned),
            warning_advice=self.warning_advice,
            fit_seconds=self.fit_seconds,
            visible=[
                {
                    "label": case.label,
                    "X_train": _frame_data(case.X_train),
                    "y_train": np.asarray(case.y_train).tolist(),
                    "X_test": _frame_data(case.X_test),
                    "y_test": np.asarray(case.y_test).tolist(),
                    "min_roc_auc": float(case.min_roc_auc),
                    "min_average_precision": float(case.min_average_precision),
                    "bar": case.bar,
                    "repeat": case.repeat,
                    "identifier": case.identifier,
                }
                for case in self.cases(hidden=False)
            ],
        )
        return data

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> ModelExercise:
        exercise = super().from_learner_data(data)
        exercise.name = data["name"]
        exercise.banned = tuple(data["banned"])
        exercise.warning_advice = dict(data["warning_advice"])
        exercise.fit_seconds = data["fit_seconds"]
        exercise.visible = tuple(
            FitScore(
                label=item["label"],
                X_train=_frame_from(item["X_train"]),
                y_train=np.array(item["y_train"]),
                X_test=_frame_from(item["X_test"]),
                y_test=np.array(item["y_test"]),
                min_roc_auc=item["min_roc_auc"],
                min_average_precision=item["min_average_precision"],
                bar=item["bar"],
                repeat=item["repeat"],
                identifier=item.get("identifier"),
            )
            for item in data["visible"]
        )
        exercise.hidden = ()
        return exercise
