"""SQL exercises on a database other than the store.

:class:`~autograder.exercises.sql.SqlExercise` judges its visible check on the store
(``data/store.db``). A course that ships another database with the package (a data module
of :mod:`autograder.data` with a function returning the file's path) judges queries on it
with :class:`SqlFileExercise`: the visible check and the learner's self-check open that
file; hidden checks run on the databases the key builds, as for any SQL exercise.

The learner-side check file names the path function as ``"module:function"``; only
functions of the installed ``autograder`` package are accepted, so a check file cannot make
the learner's self-check import anything else.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autograder.exercises.answer import Answer
from autograder.exercises.base import CompileError, Exercise
from autograder.exercises.sql import SqlExercise, _reference_result, recorded
from autograder.judges.errors import CheckFailed
from autograder.judges.sql import Database, fingerprint, guarded, table_data, work_unit

_PACKAGE = "autograder."


def _dotted(func: Callable[[], Path]) -> str:
    module, name = getattr(func, "__module__", ""), getattr(func, "__qualname__", "")
    if not module.startswith(_PACKAGE) or "." in name or "<" in name:
        raise CompileError(
            "its database function must be a top-level function of the autograder package "
            "(e.g. autograder.data.<module>:<function>), so the learner's self-check can open it"
        )
    return f"{module}:{name}"


def _resolve(dotted: str) -> Callable[[], Path]:
    module, _, name = dotted.partition(":")
    if not module.startswith(_PACKAGE) or not name.isidentifier():
        raise ValueError(f"a check file names a database function outside autograder: {dotted!r}")
    return getattr(importlib.import_module(module), name)


@functools.lru_cache(maxsize=4)
def _open(path: Path, label: str) -> Database:
    from autograder.data.store import connect  # opens any SQLite file read-only

    return Database(label, guarded(connect(path, readonly=True)))


class SqlFileExercise(SqlExercise):
    """A query judged on the database ``database()`` points to, and on hidden databases.

    ``database`` is a top-level function of the ``autograder`` package returning the path of
    the visible database file; ``label`` names it in messages ("the churn database").
    ``hidden_databases`` is required: the store variants would not have this schema.
    """

    def __init__(
        self,
        id: str,
        *,
        database: Callable[[], Path],
        label: str,
        hidden_databases: Callable[[], tuple[Database, ...]],
        **kwargs: Any,
    ):
        super().__init__(id, hidden_databases=hidden_databases, **kwargs)
        self.database = database
        self.label = label

    def visible_database(self) -> Database:
        return _open(Path(self.database()).resolve(), self.label)

    def judge(self, answer: Answer, *, hidden: bool) -> None:
        databases = self.hidden_databases() if hidden else (self.visible_database(),)
        for database in databases:
            problems = self.problems_on(answer, database)
            if problems:
                raise CheckFailed(problems)

    # ------------------------------------------------------------------ learner-side data

    def learner_data(self) -> dict[str, Any]:
        data = Exercise.learner_data(self)
        visible = self.visible_database()
        mistakes = []
        for mistake in self.mistakes:
            try:
                result = _reference_result(mistake.query, visible)
            except CheckFailed:
                continue
            mistakes.append(
                {
                    "message": mistake.message,
                    "fingerprint": fingerprint(result, ordered=self.ordered),
                }
            )
        data.update(
            variable=self.variable,
            ordered=self.ordered,
            order_note=self.order_note,
            database=_dotted(self.database),
            label=self.label,
            expected=table_data(self.expected_on(visible)),
            reference_steps=work_unit(self.reference_steps_on(visible)),
            mistakes=mistakes,
        )
        return data

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> SqlFileExercise:
        exercise = super().from_learner_data(data)
        exercise.database = _resolve(data["database"])
        exercise.label = data["label"]
        exercise._recorded = recorded(data)
        return exercise
