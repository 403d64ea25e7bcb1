"""The SQL judge: run a learner's query and a reference query, and say how the results differ.

Results are compared as multisets of rows (unless the exercise asks for an order), with
column names matched case-insensitively and numbers compared to a tolerance. Messages
describe differences by counts and column names; rows are only quoted from the visible
database, never from a hidden one.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from autograder.judges.errors import CheckFailed

# sqlite virtual-machine steps before a query is stopped: a runaway cross join, not a slow laptop.
MAX_QUERY_STEPS = 200_000_000
_STEP_GRANULARITY = 10_000
DECIMALS = 6  # numbers are compared after rounding to this many places


@dataclass(frozen=True)
class Database:
    """A database a query is judged on; ``hidden`` ones are never quoted in messages."""

    label: str
    conn: sqlite3.Connection = field(compare=False, repr=False)
    hidden: bool = False


def _guard(conn: sqlite3.Connection) -> None:
    conn.execute(
        "PRAGMA query_only = ON"
    )  # a learner's DELETE must not change what later checks see
    steps = [0]

    def count_steps() -> int:
        steps[0] += _STEP_GRANULARITY
        return 1 if steps[0] > MAX_QUERY_STEPS else 0

    conn.set_progress_handler(count_steps, _STEP_GRANULARITY)
    conn.set_authorizer(_reads_only)
    _STEPS[id(conn)] = steps


# What a learner's query may do: read and compute. ATTACH would open any file the grader can
# read (the gradebook, say), and PRAGMA could undo query_only.
_ALLOWED_ACTIONS = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
}


def _reads_only(action: int, *_args) -> int:
    return sqlite3.SQLITE_OK if action in _ALLOWED_ACTIONS else sqlite3.SQLITE_DENY


# per-connection step counters, reset before each query (sqlite3 connections take no attributes)
_STEPS: dict[int, list[int]] = {}


def guarded(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Make ``conn`` read-only and bounded in work; returns it for chaining."""
    _guard(conn)
    return conn


def run_query(conn: sqlite3.Connection, sql: object, *, name: str, where: str) -> pd.DataFrame:
    """Run one query, turning every way it can fail into a one-paragraph CheckFailed."""
    if not isinstance(sql, str):
        raise CheckFailed(
            f"{name} must be a string holding one SQL query; it is a {type(sql).__name__}"
        )
    if not sql.strip() or not re.sub(r"--[^\n]*|/\*.*?\*/", "", sql, flags=re.S).strip():
        raise CheckFailed(f"{name} is empty: write your SELECT query between the triple quotes")
    steps = _STEPS.get(id(conn))
    if steps is not None:
        steps[0] = 0
    try:
        frame = pd.read_sql_query(sql, conn)
    except Exception as error:  # pandas wraps sqlite's error; show sqlite's words only
        raise CheckFailed(_explain_failure(error, name=name, where=where)) from None
    return frame


def _explain_failure(error: Exception, *, name: str, where: str) -> str:
    cause = error.__cause__ or error.__context__ or error
    text = str(cause)
    if isinstance(cause, sqlite3.OperationalError) and text == "interrupted":
        return (
            f"{name} did too much work on {where} and was stopped: look for a join without "
            "a join condition (a cross join multiplies the rows)"
        )
    if any(
        word in text.lower() for word in ("readonly", "read-only", "query_only", "not authorized")
    ):
        return f"{name} tried to change the database; the answer must be a SELECT query"
    if "one statement at a time" in text:
        return f"{name} holds more than one statement; keep a single SELECT (no ';' in the middle)"
    if isinstance(error, TypeError) or "does not return rows" in text:
        return f"{name} returned no result set; the answer must be a SELECT query"
    text = re.sub(r"^Execution failed on sql .*?: ", "", text, flags=re.S)
    return f"{name} could not run on {where}: {text}"


def _canonical(value: object) -> tuple:
    if value is None or (isinstance(value, float) and value != value):
        return (0, 0)
    if isinstance(value, bool):
        return (1, float(value))
    if isinstance(value, int | float):
        return (1, round(float(value), DECIMALS))
    if hasattr(value, "item"):  # numpy scalars
        return _canonical(value.item())
    return (2, str(value))


def _kind(series: pd.Series) -> str:
    kinds = {_canonical(v)[0] for v in series.astype(object)} - {0}
    if not kinds:
        return "empty"
    if kinds == {1}:
        return "number"
    if kinds == {2}:
        return "text"
    return "mixed"


def frame_rows(frame: pd.DataFrame) -> list[tuple]:
    return [
        tuple(_canonical(v) for v in row) for row in frame.astype(object).itertuples(index=False)
    ]


def fingerprint(frame: pd.DataFrame, *, ordered: bool) -> str:
    """A digest equal for results :func:`compare_results` finds equal (bar rounding edges).

    Column names are matched case-insensitively and in any order; rows in any order unless
    ``ordered``. Lets a learner-side check recognise a known wrong result without holding it.
    """
    columns = [str(c).lower() for c in frame.columns]
    order = sorted(range(len(columns)), key=lambda i: columns[i])
    rows = [tuple(row[i] for i in order) for row in frame_rows(frame)]
    if not ordered:
        rows.sort()
    text = repr(([columns[i] for i in order], rows))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def table_data(frame: pd.DataFrame) -> dict:
    """A result as plain JSON data: column names and rows of None, numbers and text."""
    rows = []
    for row in frame.astype(object).itertuples(index=False):
        values = []
        for value in row:
            if hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and value != value:
                value = None
            values.append(value if value is None or isinstance(value, int | float) else str(value))
        rows.append(values)
    return {"columns": [str(c) for c in frame.columns], "rows": rows}


def table_from(data: dict) -> pd.DataFrame:
    return pd.DataFrame(data["rows"], columns=data["columns"], dtype=object)


def _show(row: tuple, columns: list[str]) -> str:
    parts = []
    for column, (tag, value) in zip(columns, row, strict=True):
        shown = "NULL" if tag == 0 else (repr(value) if tag == 2 else f"{value:g}")
        parts.append(f"{column}={shown}")
    return "(" + ", ".join(parts) + ")"


def compare_results(
    got: pd.DataFrame,
    expected: pd.DataFrame,
    *,
    where: str,
    hidden: bool,
    ordered: bool = False,
    order_note: str = "",
) -> list[str]:
    """Problems with ``got`` as an answer whose right result is ``expected`` (empty if none)."""
    want_columns = [str(c).lower() for c in expected.columns]
    got_columns = [str(c).lower() for c in got.columns]
    if len(set(got_columns)) != len(got_columns):
        dupes = sorted({c for c in got_columns if got_columns.count(c) > 1})
        return [
            f"on {where}: column name(s) {', '.join(dupes)} appear more than once; give each an alias"
        ]
    missing = [c for c in want_columns if c not in got_columns]
    extra = [c for c in got_columns if c not in want_columns]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if extra:
            parts.append("unexpected column(s) " + ", ".join(extra))
        return [
            f"on {where}: {'; '.join(parts)} — the result must have exactly the columns "
            + ", ".join(want_columns)
        ]
    got = got.set_axis(got_columns, axis=1)[want_columns]
    expected = expected.set_axis(want_columns, axis=1)

    problems = []
    for column in want_columns:
        want_kind, got_kind = _kind(expected[column]), _kind(got[column])
        if want_kind in ("number", "text") and got_kind not in (want_kind, "empty"):
            problems.append(
                f"on {where}: column {column} holds {got_kind} values; expected {want_kind}s"
            )
    if problems:
        return problems

    got_rows, want_rows = frame_rows(got), frame_rows(expected)
    if Counter(got_rows) != Counter(want_rows) and not _close_multisets(got_rows, want_rows):
        lacking = Counter(want_rows) - Counter(got_rows)
        surplus = Counter(got_rows) - Counter(want_rows)
        message = (
            f"on {where}: you returned {len(got_rows)} row(s), expected {len(want_rows)}; "
            f"{sum(lacking.values())} expected row(s) are missing or different and "
            f"{sum(surplus.values())} of your row(s) are not in the answer"
        )
        if not hidden:
            examples = []
            if surplus:
                examples.append("e.g. you returned " + _show(next(iter(surplus)), want_columns))
            if lacking:
                examples.append("e.g. missing " + _show(next(iter(lacking)), want_columns))
            message += " (" + "; ".join(examples) + ")"
        return [message]
    if ordered and not _close_sequences(got_rows, want_rows):
        return [
            f"on {where}: the rows are right but in the wrong order{': ' + order_note if order_note else ''}"
        ]
    return []


def _close(a: tuple, b: tuple) -> bool:
    for (tag_a, x), (tag_b, y) in zip(a, b, strict=True):
        if tag_a != tag_b:
            return False
        if tag_a == 1 and abs(x - y) > 10 ** (1 - DECIMALS):
            return False
        if tag_a != 1 and x != y:
            return False
    return True


def _close_sequences(got: list[tuple], want: list[tuple]) -> bool:
    return len(got) == len(want) and all(_close(a, b) for a, b in zip(got, want, strict=True))


def _close_multisets(got: list[tuple], want: list[tuple]) -> bool:
    # rounding can put two nearly equal numbers on either side of a boundary: retry pairwise
    return _close_sequences(sorted(got), sorted(want))
