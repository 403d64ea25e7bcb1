"""Which SQL dialect an answer is written in: its first line may say ``-- dialect: postgresql``.

The line travels with the answer, so the learner's ``run()``, the self-checks and grading
all run it on the same engine. Without it an answer runs on SQLite. The line is looked for
among the comment lines that open the answer (a learner's note may come first), never after
the query has begun.
"""

from __future__ import annotations

import re

from autograder.judges.errors import CheckFailed

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DIALECTS = (SQLITE, POSTGRESQL)
_ALIASES = {"sqlite": SQLITE, "sqlite3": SQLITE, "postgresql": POSTGRESQL, "postgres": POSTGRESQL}
_LINE = re.compile(r"--\s*dialect\s*:\s*([A-Za-z0-9_]*)\s*\Z", re.I)


def dialect_of(sql: object, *, name: str = "the answer") -> str:
    """The dialect ``sql`` asks for in the comment lines that open it (SQLite if none)."""
    if not isinstance(sql, str):
        return SQLITE
    for line in sql.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith("--"):
            return SQLITE  # the query has begun
        match = _LINE.match(line)
        if match is not None:
            break
    else:
        return SQLITE
    asked = match.group(1).lower()
    if asked not in _ALIASES:
        raise CheckFailed(
            f"{name} asks for dialect {asked!r} on its first line; write "
            "'-- dialect: postgresql' or leave the line out for SQLite"
        )
    return _ALIASES[asked]
