"""SQL exercises: the learner's query string is judged on the visible and hidden databases."""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass

from autograder.data.store import HIDDEN_SEEDS, build_store, connect
from autograder.exercises.base import Exercise
from autograder.judges.errors import CheckFailed
from autograder.judges.sql import Database, compare_results, guarded, run_query

HIDDEN_VARIANTS = 2  # hidden databases per check: more catches more, each costs a build


@functools.lru_cache(maxsize=1)
def visible_database() -> Database:
    return Database("the store database", guarded(connect(readonly=True)))


@functools.lru_cache(maxsize=1)
def hidden_databases() -> tuple[Database, ...]:
    """Small variants with planted edge cases, built now from seeds other than the visible one."""
    databases = []
    for number, seed in enumerate(HIDDEN_SEEDS[:HIDDEN_VARIANTS], start=1):
        conn: sqlite3.Connection = build_store(":memory:", seed=seed, size="small", edge_cases=True)
        databases.append(Database(f"hidden database {number}", guarded(conn), hidden=True))
    return tuple(databases)


@dataclass(frozen=True)
class SqlMistake:
    """A recognised wrong query: if the learner's result equals this query's, say ``message``."""

    message: str
    query: str


class SqlExercise(Exercise):
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
    ):
        super().__init__(id, hints=hints)
        self.variable = variable
        self.reference = reference
        self.ordered = ordered
        self.order_note = order_note
        self.mistakes = mistakes

    def _judge(self, answer: object, *, hidden: bool) -> None:
        databases = hidden_databases() if hidden else (visible_database(),)
        for database in databases:
            problems = self.problems_on(answer, database)
            if problems:
                raise CheckFailed(problems)

    def expected_on(self, database: Database):
        return _reference_result(self.reference, database)

    def problems_on(self, answer: object, database: Database) -> list[str]:
        got = run_query(database.conn, answer, name=self.variable, where=database.label)
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

    def _recognise(self, got, database: Database) -> list[str]:
        for mistake in self.mistakes:
            wrong = _reference_result(mistake.query, database)
            same = not compare_results(got, wrong, where="", hidden=True, ordered=self.ordered)
            if same:
                return [f"looks like {mistake.message}"]
        return []


_RESULTS: dict[tuple[str, str], object] = {}


def _reference_result(query: str, database: Database):
    key = (query, database.label)
    if key not in _RESULTS:
        _RESULTS[key] = run_query(
            database.conn, query, name="the reference query", where=database.label
        )
    return _RESULTS[key]
