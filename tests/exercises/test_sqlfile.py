"""SqlFileExercise: a query judged on a database shipped with the package, not the store."""

from __future__ import annotations

import pytest

from autograder.data.churn import build_churn
from autograder.exercises.base import CompileError
from autograder.exercises.sql import SqlMistake
from autograder.exercises.sqlfile import SqlFileExercise, _resolve
from autograder.judges import CheckFailed
from autograder.judges.sql import Database, guarded, work_unit

QUERY = "SELECT status, COUNT(*) AS orders FROM orders GROUP BY status"


@pytest.fixture
def course(tmp_path, monkeypatch):
    build_churn(tmp_path / "data" / "churn.db", n_customers=40)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _exercise(database=None) -> SqlFileExercise:
    from autograder.data.churn import churn_path

    def hidden():
        conn = build_churn(":memory:", seed=5, n_customers=30)
        return (Database("hidden database 1", guarded(conn), hidden=True),)

    return SqlFileExercise(
        "orders_by_status",
        variable="ORDERS_SQL",
        reference=QUERY,
        database=database or churn_path,
        label="the churn database",
        hidden_databases=hidden,
        mistakes=(
            SqlMistake(
                "you counted customers", QUERY.replace("COUNT(*)", "COUNT(DISTINCT customer_id)")
            ),
        ),
    )


def test_visible_and_hidden_checks_run_on_their_databases(course):
    exercise = _exercise()
    exercise.check(QUERY)
    exercise.check_hidden(QUERY)
    with pytest.raises(CheckFailed, match="on the churn database"):
        exercise.check("SELECT status, 1 AS orders FROM orders GROUP BY status")


def test_the_learner_side_opens_the_same_file_and_names_mistakes(course):
    data = _exercise().learner_data()
    assert data["database"] == "autograder.data.churn:churn_path"
    learner = SqlFileExercise.from_learner_data(data)
    learner.check(QUERY)
    wrong = QUERY.replace("COUNT(*)", "COUNT(DISTINCT customer_id)")
    with pytest.raises(CheckFailed, match="you counted customers"):
        learner.check(wrong)


def test_only_autograder_functions_can_be_named(course):
    with pytest.raises(CompileError):
        _exercise(database=lambda: course / "data" / "churn.db").learner_data()
    with pytest.raises(ValueError):
        _resolve("os:getcwd")


def test_the_learner_side_records_the_reference_work_on_its_database(course):
    exercise = _exercise()
    steps = exercise.reference_steps_on(exercise.visible_database())
    data = exercise.learner_data()
    assert data["reference_steps"] == work_unit(steps)
    assert SqlFileExercise.from_learner_data(data).reference_steps_on(None) == work_unit(steps)
