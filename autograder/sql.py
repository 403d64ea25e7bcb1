"""The notebooks' ``run()``: a query on a database, on the engine its first line names.

``-- dialect: postgresql`` as the first line runs it on PostgreSQL's copy of the same
database, exactly as the checks and grading do; otherwise it runs on SQLite.
"""

from __future__ import annotations

import sqlite3

import pandas as pd

from autograder.judges import postgres
from autograder.judges.dialects import POSTGRESQL, dialect_of


def run_sql(sql: str, conn: sqlite3.Connection) -> pd.DataFrame:
    """``sql``'s result on ``conn`` (or on PostgreSQL's copy of it) as a DataFrame."""
    if dialect_of(sql, name="the query") == POSTGRESQL:
        return postgres.run_query(conn, sql, name="the query", where="this database")
    return pd.read_sql_query(sql, conn)
