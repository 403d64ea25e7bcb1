"""Run a learner's query on PostgreSQL, on the same rows as the SQLite database it is judged on.

The server is the one ``AUTOGRADER_POSTGRES_URL`` names, or a private one that the optional
``pgserver`` package starts on first use (once per process; its data folder lives in the
user's cache folder and outlives the process, so later starts are quick). Each SQLite
database is copied once into a schema named by a digest of its rows, with dates and
timestamps as real ``date``/``timestamp`` columns (a TEXT column whose every value is an ISO
date or timestamp) and SQLite's REAL as ``numeric``, so ``ROUND(x, 2)`` works as it does in
an interview. Queries run as a login role that may only read those schemas, in a read-only
transaction, one statement at a time, under ``statement_timeout``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sqlite3
import threading
from decimal import Decimal
from pathlib import Path

import pandas as pd

from autograder.judges.errors import CheckFailed, Unavailable
from autograder.judges.sql import trusted

URL_VARIABLE = "AUTOGRADER_POSTGRES_URL"
TIMEOUT_VARIABLE = "AUTOGRADER_POSTGRES_TIMEOUT_MS"
TIMEOUT_MS = 10_000  # a query on the store takes milliseconds; this stops a cross join
READER = "autograder_reader"
INSTALL = (
    "answering in PostgreSQL needs the course's PostgreSQL extra: "
    "pip install 'ds-interview-loop[postgresql]' (in a notebook, then restart the kernel)"
)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")
_LOCK = threading.Lock()


class PostgresUnavailable(Unavailable):
    """PostgreSQL cannot be used here (the extra is missing, the server cannot be reached):
    not a fault of the answer."""


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _unreachable(error: BaseException) -> PostgresUnavailable:
    if os.environ.get(URL_VARIABLE, "").strip():
        server = f"the PostgreSQL server {URL_VARIABLE} names"
    else:
        server = "the course's private PostgreSQL server"
    return PostgresUnavailable(f"{server} cannot be reached ({_first_line(error)})")


def _driver():
    try:
        import psycopg2
    except ImportError:
        raise PostgresUnavailable(INSTALL) from None
    return psycopg2


@functools.lru_cache(maxsize=1)
def admin_url() -> str:
    """The server's administrative URL: configured, or a private server started now."""
    configured = os.environ.get(URL_VARIABLE, "").strip()
    if configured:
        return configured
    _driver()
    try:
        import pgserver
    except ImportError:
        raise PostgresUnavailable(INSTALL) from None
    folder = data_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    # "stop" when the process ends; the folder (and the copied databases) stays for next time
    try:
        return pgserver.get_server(folder, cleanup_mode="stop").get_uri()
    except Exception as error:  # pgserver raises its own errors for a server that won't start
        raise PostgresUnavailable(
            f"the course's private PostgreSQL server did not start in {folder} "
            f"({_first_line(error)})"
        ) from None


def data_folder() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "ds-interview-loop" / f"postgres-{os.getuid()}"


def _password(url: str) -> str:
    return hashlib.sha256(("reader:" + url).encode()).hexdigest()[:32]


@functools.lru_cache(maxsize=1)
def _admin():
    psycopg2 = _driver()
    try:
        conn = psycopg2.connect(admin_url())
    except psycopg2.OperationalError as error:
        raise _unreachable(error) from None
    conn.autocommit = True
    return conn


@functools.lru_cache(maxsize=1)
def _reader():
    """The connection learner queries run on: a role that can only read the copied schemas."""
    psycopg2 = _driver()
    admin, url = _admin(), admin_url()
    with admin.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(7126)")  # processes sharing a server: one at a time
        try:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (READER,))
            if cur.fetchone() is None:
                cur.execute(f"CREATE ROLE {READER} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
            cur.execute(f"ALTER ROLE {READER} PASSWORD %s", (_password(url),))
            cur.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            cur.execute("SELECT current_database()")
            cur.execute(f'REVOKE TEMPORARY ON DATABASE "{cur.fetchone()[0]}" FROM PUBLIC')
        finally:
            cur.execute("SELECT pg_advisory_unlock(7126)")
    params = admin.get_dsn_parameters()
    try:
        conn = psycopg2.connect(
            dbname=params.get("dbname", "postgres"),
            host=params.get("host"),
            port=params.get("port"),
            user=READER,
            password=_password(url),
            options=("-c default_transaction_read_only=on -c TimeZone=UTC -c DateStyle=ISO"),
        )
    except psycopg2.OperationalError as error:
        raise _unreachable(error) from None
    conn.autocommit = True
    return conn


def timeout_ms() -> int:
    return int(os.environ.get(TIMEOUT_VARIABLE, TIMEOUT_MS))


# ------------------------------------------------------------------ copying a SQLite database

_SCHEMAS: dict[int, str] = {}


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


def _column_types(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    columns = []
    for _, column, declared, *_ in conn.execute(f'PRAGMA table_info("{table}")'):
        declared = (declared or "").upper()
        if "INT" in declared:
            kind = "bigint"
        elif any(word in declared for word in ("REAL", "FLOA", "DOUB", "NUM", "DEC")):
            kind = "numeric"
        else:
            values = [v for (v,) in conn.execute(f'SELECT DISTINCT "{column}" FROM "{table}"')]
            present = [v for v in values if v is not None]
            if present and all(isinstance(v, str) and _DATE.match(v) for v in present):
                kind = "date"
            elif present and all(isinstance(v, str) and _TIMESTAMP.match(v) for v in present):
                kind = "timestamp"
            else:
                kind = "text"
        columns.append((column, kind))
    return columns


def _digest(conn: sqlite3.Connection) -> str:
    digest = hashlib.sha256()
    for table in _tables(conn):
        digest.update(repr((table, _column_types(conn, table))).encode())
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
            digest.update(repr(row).encode())
    return digest.hexdigest()[:20]


def schema_for(conn: sqlite3.Connection) -> str:
    """The PostgreSQL schema holding ``conn``'s tables and rows (copied on first use)."""
    with _LOCK:
        if id(conn) in _SCHEMAS:
            return _SCHEMAS[id(conn)]
        with trusted(conn):
            schema = "db_" + _digest(conn)
        admin = _admin()
        _reader()  # the role exists before it is granted anything
        with admin.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(7127)")
            try:
                cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
                if cur.fetchone() is None:
                    with trusted(conn):
                        _copy(conn, cur, schema)
            finally:
                cur.execute("SELECT pg_advisory_unlock(7127)")
        _SCHEMAS[id(conn)] = schema
        return schema


def _copy(conn: sqlite3.Connection, cur, schema: str) -> None:
    building = schema + "_building"  # renamed when whole: a half-copied schema is never used
    cur.execute(f"DROP SCHEMA IF EXISTS {building} CASCADE")
    cur.execute(f"CREATE SCHEMA {building}")
    for table in _tables(conn):
        columns = _column_types(conn, table)
        names = ", ".join(f'"{c}"' for c, _ in columns)
        cur.execute(
            f'CREATE TABLE {building}."{table}" ('
            + ", ".join(f'"{c}" {kind}' for c, kind in columns)
            + ")"
        )
        rows = conn.execute(f'SELECT {names} FROM "{table}"').fetchall()
        if rows:
            marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
            for start in range(0, len(rows), 2000):
                chunk = rows[start : start + 2000]
                values = b",".join(cur.mogrify(marks, row) for row in chunk)
                cur.execute(f'INSERT INTO {building}."{table}" ({names}) VALUES '.encode() + values)
    for (sql,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ):
        match = re.match(r"CREATE INDEX (\w+) ON (\w+)\s*\(([^)]*)\)", sql, re.I)
        if match:
            index, table, cols = match.groups()
            cur.execute(f'CREATE INDEX {index} ON {building}."{table}" ({cols})')
    cur.execute("ANALYZE")
    cur.execute(f"ALTER SCHEMA {building} RENAME TO {schema}")
    cur.execute(f"GRANT USAGE ON SCHEMA {schema} TO {READER}")
    cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {READER}")


# ------------------------------------------------------------------ running a query

# comments, quoted text and dollar-quoted bodies, which may hold a ';' that ends nothing
_NOT_CODE = re.compile(
    r"--[^\n]*|/\*.*?(?:\*/|\Z)|'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|\$(\w*)\$.*?(?:\$\1\$|\Z)",
    re.S,
)


def statements(sql: str) -> int:
    """How many statements ``sql`` holds (a final ';' ends the one before it)."""
    code = _NOT_CODE.sub(" ", sql)
    return len([part for part in code.split(";") if part.strip()])


def run_query(
    conn: sqlite3.Connection, sql: str, *, name: str, where: str, hidden: bool = False
) -> pd.DataFrame:
    """Run ``sql`` on PostgreSQL's copy of ``conn``; failures become a one-paragraph CheckFailed."""
    if statements(sql) > 1:
        raise CheckFailed(
            f"{name} holds more than one statement; keep a single SELECT (no ';' in the middle)"
        )
    psycopg2 = _driver()
    if _reader.cache_info().currsize and _reader().closed:
        reset()  # the server went away since the last query (a restart): connect afresh
    schema = schema_for(conn)
    reader = _reader()
    try:
        with reader.cursor() as cur:
            cur.execute(f"SET search_path TO {schema}; SET statement_timeout = {timeout_ms()}")
            cur.execute(sql)
            if cur.description is None:
                raise CheckFailed(
                    f"{name} returned no result set; the answer must be a SELECT query"
                )
            columns = [d.name for d in cur.description]
            rows = [tuple(_plain(v) for v in row) for row in cur.fetchall()]
    except psycopg2.Error as error:
        if reader.closed:  # the connection is gone: the server's fault, or the answer's own?
            reset()
            _reader()  # raises PostgresUnavailable when the server is gone
            raise CheckFailed(
                f"{name} ended its own connection to PostgreSQL on {where}; the answer must "
                "be a plain SELECT"
            ) from None
        raise CheckFailed(_explain(error, name=name, where=where, hidden=hidden)) from None
    finally:  # a learner's BEGIN must not leave the next query inside its transaction
        if (
            not reader.closed
            and reader.get_transaction_status() != psycopg2.extensions.TRANSACTION_STATUS_IDLE
        ):
            with reader.cursor() as cur:
                cur.execute("ROLLBACK")
    return (
        pd.DataFrame(rows, columns=columns, dtype=object)
        if rows
        else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    )


def _plain(value: object) -> object:
    """A value as SQLite would hold it: numbers as int/float, dates and times as ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value.as_tuple().exponent == 0 else float(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        if hasattr(value, "hour") and hasattr(value, "date"):  # a timestamp
            return value.isoformat(sep=" ")
        return value.isoformat()
    return value


def _explain(error, *, name: str, where: str, hidden: bool) -> str:
    code = getattr(error, "pgcode", None) or ""
    if code == "57014":  # query_canceled: statement_timeout
        return (
            f"{name} ran too long on {where} (PostgreSQL) and was stopped after "
            f"{timeout_ms() / 1000:g} s: make it do less repeated work, e.g. compute a per-group "
            "value once in a CTE, and check every join has its ON condition"
        )
    if code == "25006":  # read-only transaction
        return f"{name} tried to change the database; the answer must be a SELECT query"
    diag = getattr(error, "diag", None)
    message = (diag.message_primary if diag is not None else None) or str(error)
    message = message.strip().splitlines()[0]
    if hidden:  # a value quoted from a hidden database stays hidden
        message = re.sub(r'"[^"]*"', '"…"', message)
    return f"{name} could not run on {where} (PostgreSQL): {message}"


def reset() -> None:
    """Forget the server and its connections (the next query connects afresh)."""
    for cached in (_reader, _admin):
        if cached.cache_info().currsize:
            try:
                cached().close()
            except Exception:  # a connection to a server already gone
                pass
        cached.cache_clear()
    admin_url.cache_clear()
    _SCHEMAS.clear()
