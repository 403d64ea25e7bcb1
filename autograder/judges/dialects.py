"""Which SQL dialect an answer is written in: its first line may say ``-- dialect: postgresql``.

The line travels with the answer, so the learner's ``run()``, the self-checks and grading
all run it on the same engine. Without it an answer runs on SQLite.
"""

from __future__ import annotations

import re

from autograder.judges.errors import CheckFailed

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DIALECTS = (SQLITE, POSTGRESQL)
_ALIASES = {"sqlite": SQLITE, "sqlite3": SQLITE, "postgresql": POSTGRESQL, "postgres": POSTGRESQL}
_LINE = re.compile(r"\A\s*--\s*dialect\s*:\s*([A-Za-z0-9_]*)[ \t]*(?:\r?\n|\Z)", re.I)


def dialect_of(sql: object, *, name: str = "the answer") -> str:
    """The dialect ``sql`` asks for on its first non-blank line (SQLite when it says none)."""
    if not isinstance(sql, str):
        return SQLITE
    match = _LINE.match(sql)
    if match is None:
        return SQLITE
    asked = match.group(1).lower()
    if asked not in _ALIASES:
        raise CheckFailed(
            f"{name} asks for dialect {asked!r} on its first line; write "
            "'-- dialect: postgresql' or leave the line out for SQLite"
        )
    return _ALIASES[asked]
