"""``Exercise.warm()`` builds what hidden judging needs, before any answer is judged."""

from __future__ import annotations

from autograder.exercises import Case, FunctionExercise
from autograder.exercises.base import Exercise
from autograder.exercises.sql import SqlExercise


def test_a_function_exercise_builds_its_hidden_cases():
    built = []

    def hidden():
        built.append("hidden")
        return (Case(([1, 2],)),)

    exercise = FunctionExercise(
        "double_all", name="double_all", reference=lambda v: v, visible=(), hidden=hidden
    )
    exercise.warm()
    assert built == ["hidden"]


def test_a_sql_exercise_builds_its_hidden_databases():
    built = []
    exercise = SqlExercise(
        "orders",
        variable="ORDERS_SQL",
        reference="SELECT 1",
        hidden_databases=lambda: built.append("databases") or (),
    )
    exercise.warm()
    assert built == ["databases"]


def test_other_exercises_have_nothing_to_build():
    assert Exercise("free_text").warm() is None
