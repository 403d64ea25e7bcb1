"""SQL exercises: the learner's query string is judged on the visible and hidden databases."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from autograder.data.store import build_store, connect
from autograder.exercises import context
from autograder.exercises.answer import Answer
from autograder.exercises.base import Exercise
from autograder.exercises.prompt_rules import PromptRule
from autograder.judges import postgres
from autograder.judges.dialects import POSTGRESQL, dialect_of
from autograder.judges.errors import CheckFailed
from autograder.judges.sql import (
    Database,
    WorkBudget,
    compare_results,
    fingerprint,
    guarded,
    last_steps,
    run_query,
    table_data,
    table_from,
    work_unit,
)

HIDDEN_VARIANTS = 2  # hidden databases per check: more catches more, each costs a build


def visible_database() -> Database:
    """The store the visible checks use (the course's, or the learner's own copy)."""
    return _open_store(context.store())


@functools.lru_cache(maxsize=2)
def _open_store(path: Path) -> Database:
    return Database("the store database", guarded(connect(path, readonly=True)))


@functools.lru_cache(maxsize=4)
def _store_variants(seeds: tuple[int, ...]) -> tuple[Database, ...]:
    databases = []
    for number, seed in enumerate(seeds, start=1):
        conn: sqlite3.Connection = build_store(":memory:", seed=seed, size="small", edge_cases=True)
        databases.append(Database(f"hidden database {number}", guarded(conn), hidden=True))
    return tuple(databases)


def hidden_databases() -> tuple[Database, ...]:
    """Small store variants with planted edge cases, built from the course's hidden seeds."""
    return _store_variants(context.hidden_seeds()[:HIDDEN_VARIANTS])


@dataclass(frozen=True)
class SqlMistake:
    """A recognised wrong query: if the learner's result equals this query's, say ``message``."""

    message: str
    query: str


class SqlExercise(Exercise):
    """A query judged on the visible store and on hidden databases.

    ``hidden_databases`` builds the hidden databases at grading time (default: store
    variants with the planted traps, from the course's hidden seeds); a week with traps of
    its own passes a builder that plants them.
    """

    kind = "sql"

    def __init__(
        self,
        id: str,
        *,
        variable: str,
        reference: str,
        ordered: bool = False,
        order_note: str = "",
        mistakes: tuple[SqlMistake, ...] = (),
        hints: tuple[str, ...] = (),
        prompt_rules: tuple[PromptRule, ...] = (),
        hidden_databases: Callable[[], tuple[Database, ...]] = hidden_databases,
    ):
        super().__init__(id, hints=hints, prompt_rules=prompt_rules)
        self.variable = variable
        self.reference = reference
        self.ordered = ordered
        self.order_note = order_note
        self.mistakes = mistakes
        self.hidden_databases = hidden_databases
        self._recorded: dict[str, Any] | None = None  # learner side: results on the store

    @property
    def answer_name(self) -> str:
        return self.variable

    def warm(self) -> None:
        self.hidden_databases()

    def judge(self, answer: Answer, *, hidden: bool) -> None:
        databases = self.hidden_databases() if hidden else (visible_database(),)
        for database in databases:
            problems = self.problems_on(answer, database)
            if problems:
                raise CheckFailed(problems)

    def expected_on(self, database: Database) -> pd.DataFrame:
        if self._recorded is not None:
            return self._recorded["expected"]
        return _reference_result(self.reference, database)

    def reference_steps_on(self, database: Database) -> int | None:
        """The work the reference query does on ``database`` (recorded for the visible one)."""
        if self._recorded is not None:
            return self._recorded["reference_steps"]
        return _reference_steps(self.reference, database)

    def problems_on(self, answer: object, database: Database) -> list[str]:
        got = self.run_answer(answer, database)
        problems = compare_results(
            got,
            self.expected_on(database),
            where=database.label,
            hidden=database.hidden,
            ordered=self.ordered,
            order_note=self.order_note,
        )
        if problems:
            problems += self._recognise(got, database)
        return problems

    def run_answer(self, answer: object, database: Database) -> pd.DataFrame:
        """The answer's result on ``database``, on the engine its dialect line names.

        On SQLite the work is budgeted relative to the reference query; on PostgreSQL a
        query is stopped by the server's ``statement_timeout`` (the same for every query).
        """
        if dialect_of(answer, name=self.variable) == POSTGRESQL:
            return postgres.run_query(
                database.conn,
                answer,
                name=self.variable,
                where=database.label,
                hidden=database.hidden,
            )
        steps = self.reference_steps_on(database)
        budget = None if steps is None else WorkBudget(steps, hidden=database.hidden)
        return run_query(
            database.conn, answer, name=self.variable, where=database.label, budget=budget
        )

    def _mistake_results(self, database: Database) -> list[tuple[str, pd.DataFrame]]:
        found = []
        for mistake in self.mistakes:
            try:
                found.append((mistake.message, _reference_result(mistake.query, database)))
            except CheckFailed:
                continue  # a mistake query that cannot run here explains nothing
        return found

    def _recognise(self, got, database: Database) -> list[str]:
        if self._recorded is not None:
            seen = fingerprint(got, ordered=self.ordered)
            for message, known in self._recorded["mistakes"]:
                if known == seen:
                    return [f"looks like {message}"]
            return []
        for message, wrong in self._mistake_results(database):
            same = not compare_results(got, wrong, where="", hidden=True, ordered=self.ordered)
            if same:
                return [f"looks like {message}"]
        return []

    # ------------------------------------------------------------------ learner-side data

    def learner_data(self) -> dict[str, Any]:
        data = super().learner_data()
        store = visible_database()
        data.update(
            variable=self.variable,
            ordered=self.ordered,
            order_note=self.order_note,
            expected=table_data(self.expected_on(store)),
            reference_steps=work_unit(self.reference_steps_on(store)),
            mistakes=[
                {"message": message, "fingerprint": fingerprint(result, ordered=self.ordered)}
                for message, result in self._mistake_results(store)
            ],
        )
        return data

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> SqlExercise:
        exercise = super().from_learner_data(data)
        exercise.variable = data["variable"]
        exercise.reference = None
        exercise.ordered = data["ordered"]
        exercise.order_note = data["order_note"]
        exercise.mistakes = ()
        exercise.hidden_databases = hidden_databases
        exercise._recorded = recorded(data)
        return exercise


def recorded(data: dict[str, Any]) -> dict[str, Any]:
    """What a learner-side SQL exercise knows of the visible database, from its data."""
    return {
        "expected": table_from(data["expected"]),
        # None in a check file released before budgets were recorded: the fixed ceiling
        "reference_steps": data.get("reference_steps"),
        "mistakes": [(m["message"], m["fingerprint"]) for m in data["mistakes"]],
    }


_RESULTS: dict[tuple[str, str, int], tuple[pd.DataFrame, int]] = {}


def _run_reference(query: str, database: Database) -> tuple[pd.DataFrame, int]:
    key = (query, database.label, id(database.conn))  # weeks may label databases alike
    if key not in _RESULTS:
        frame = run_query(database.conn, query, name="the reference query", where=database.label)
        _RESULTS[key] = (frame, last_steps(database.conn))
    return _RESULTS[key]


def _reference_result(query: str, database: Database) -> pd.DataFrame:
    return _run_reference(query, database)[0]


def _reference_steps(query: str, database: Database) -> int:
    """Steps ``query`` did on ``database``, the unit of a learner query's work budget."""
    return _run_reference(query, database)[1]
