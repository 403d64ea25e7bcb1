"""The SQL judge: run a learner's query and a reference query, and say how the results differ.

Results are compared as multisets of rows (unless the exercise asks for an order), with
column names matched case-insensitively and numbers compared to a tolerance. Messages
describe differences by counts and column names; rows are only quoted from the visible
database, never from a hidden one.

Work is bounded relative to the exercise: a learner's query may do at most
:data:`WORK_FACTOR` times the work (sqlite virtual-machine steps, counted by a progress
handler) of the reference query on the same database, and never less than
:data:`MIN_STEPS` nor more than :data:`MAX_STEPS`. That passes a correlated subquery that
uses an index (measured at up to about 33× the reference on the store) and stops a cross
join, a per-row rescan of a whole table or a recursion that never ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from autograder.judges.errors import CheckFailed

WORK_FACTOR = 50  # a learner's query may do this many times the reference query's steps ...
MIN_STEPS = 20_000_000  # ... but at least this many (a tiny reference gives a tiny budget) ...
MAX_STEPS = 300_000_000  # ... and at most this many (about 10 s: a grader is not a warehouse)
MAX_QUERY_STEPS = MAX_STEPS  # a query run without a budget (references, recognised mistakes)
_STEP_GRANULARITY = 10_000
DECIMALS = 6  # numbers are compared after rounding to this many places


@dataclass(frozen=True)
class Database:
    """A database a query is judged on; ``hidden`` ones are never quoted in messages."""

    label: str
    conn: sqlite3.Connection = field(compare=False, repr=False)
    hidden: bool = False


@dataclass(frozen=True)
class WorkBudget:
    """How much work a learner's query may do on one database.

    ``reference_steps`` is what the reference query did there. On a ``hidden`` database the
    message that stops a query quotes no step count, so nothing of the hidden data shows.
    """

    reference_steps: int
    hidden: bool = False

    @property
    def limit(self) -> int:
        return min(MAX_STEPS, max(MIN_STEPS, WORK_FACTOR * work_unit(self.reference_steps)))

    def stopped(self, name: str, where: str, sql: str, conn: sqlite3.Connection) -> str:
        """The message for a query this budget stopped (leading text as without a budget)."""
        limit = self.limit
        ratio = limit // work_unit(self.reference_steps)  # a unit is >= the steps: a true "more"
        if self.hidden:  # a ratio no larger than the rule's own says nothing of the data
            measured = f"more than {min(ratio, WORK_FACTOR)}× the work of a straightforward query"
        else:
            measured = (
                f"more than {ratio}× the work of a straightforward query "
                f"({limit / 1e6:.1f} million steps, the limit on this database)"
            )
        return f"{name} did too much work on {where} and was stopped after {measured}: " + _advice(
            sql, conn
        )


def work_unit(steps: int) -> int:
    """``steps`` rounded up to the R10 series (1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8 × 10^k).

    Step counts vary by a few hundred between runs (sqlite reads its schema on the first), so
    the learner's check file records the rounded count, and the grader rounds likewise: both
    sides then allow the same work.
    """
    steps = max(int(steps), _STEP_GRANULARITY)
    return round(10 ** (math.ceil(10 * math.log10(steps) - 1e-9) / 10))


def _advice(sql: str, conn: sqlite3.Connection) -> str:
    unlinked = unlinked_tables(sql, _table_names(conn))
    if unlinked:
        return (
            f"it joins {' and '.join(unlinked)} without a join condition, so every row is "
            "paired with every row of the table(s) before it (a cross join); add the ON "
            "condition that links them"
        )
    advice = (
        "make it do less repeated work, e.g. compute a per-group value once in a CTE instead of "
        "in a subquery that runs again for every row"
    )
    if "RECURSIVE" in _code_words(sql):
        advice += ", and check that the recursive CTE has a condition that ends it"
    return advice


def _table_names(conn: sqlite3.Connection) -> set[str]:
    meter = _METERS.get(id(conn))
    saved = meter.limit if meter else None
    try:
        if meter:
            meter.steps, meter.limit = 0, MAX_QUERY_STEPS
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        return {str(name).lower() for (name,) in rows}
    except sqlite3.Error:
        return set()
    finally:
        if meter:
            meter.limit = saved


@dataclass
class _Meter:
    """Steps the connection's current query has done, and where it is stopped."""

    steps: int = 0
    limit: int = MAX_QUERY_STEPS


def _guard(conn: sqlite3.Connection) -> None:
    conn.execute(
        "PRAGMA query_only = ON"
    )  # a learner's DELETE must not change what later checks see
    meter = _Meter()

    def count_steps() -> int:
        meter.steps += _STEP_GRANULARITY
        return 1 if meter.steps > meter.limit else 0

    conn.set_progress_handler(count_steps, _STEP_GRANULARITY)
    conn.set_authorizer(_reads_only)
    _METERS[id(conn)] = meter


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


# per-connection step meters, reset before each query (sqlite3 connections take no attributes)
_METERS: dict[int, _Meter] = {}


def guarded(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Make ``conn`` read-only and bounded in work; returns it for chaining."""
    _guard(conn)
    return conn


@contextlib.contextmanager
def trusted(conn: sqlite3.Connection):
    """Let the grader itself read all of guarded ``conn`` (its schema too), then guard again."""
    meter = _METERS.get(id(conn))
    if meter is None:
        yield conn
        return
    conn.set_authorizer(None)
    conn.set_progress_handler(None, 0)
    try:
        yield conn
    finally:
        _guard(conn)


def last_steps(conn: sqlite3.Connection) -> int:
    """The steps the last query run on guarded ``conn`` did (in units of 10,000)."""
    meter = _METERS.get(id(conn))
    return meter.steps if meter is not None else 0


def run_query(
    conn: sqlite3.Connection,
    sql: object,
    *,
    name: str,
    where: str,
    budget: WorkBudget | None = None,
) -> pd.DataFrame:
    """Run one query, turning every way it can fail into a one-paragraph CheckFailed.

    On a guarded connection the query may do ``budget.limit`` steps (:data:`MAX_QUERY_STEPS`
    without a budget); :func:`last_steps` then says how many it did.
    """
    if not isinstance(sql, str):
        raise CheckFailed(
            f"{name} must be a string holding one SQL query; it is a {type(sql).__name__}"
        )
    if not sql.strip() or not re.sub(r"--[^\n]*|/\*.*?\*/", "", sql, flags=re.S).strip():
        raise CheckFailed(f"{name} is empty: write your SELECT query between the triple quotes")
    meter = _METERS.get(id(conn))
    if meter is not None:
        meter.steps = 0
        meter.limit = budget.limit if budget is not None else MAX_QUERY_STEPS
    try:
        frame = pd.read_sql_query(sql, conn)
    except Exception as error:  # pandas wraps sqlite's error; show sqlite's words only
        raise CheckFailed(
            _explain_failure(error, name=name, where=where, sql=sql, conn=conn, budget=budget)
        ) from None
    return frame


def _explain_failure(
    error: Exception,
    *,
    name: str,
    where: str,
    sql: str,
    conn: sqlite3.Connection,
    budget: WorkBudget | None,
) -> str:
    cause = error.__cause__ or error.__context__ or error
    text = str(cause)
    if isinstance(cause, sqlite3.OperationalError) and text == "interrupted":
        if budget is not None:
            return budget.stopped(name, where, sql, conn)
        meter = _METERS.get(id(conn))
        limit = meter.limit if meter is not None else MAX_QUERY_STEPS
        return (
            f"{name} did too much work on {where} and was stopped after "
            f"{limit / 1e6:.1f} million steps: " + _advice(sql, conn)
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
        parts.append(f"{column}={_show_value(tag, value)}")
    return "(" + ", ".join(parts) + ")"


def _show_value(tag: int, value: object) -> str:
    """A value at the precision compared: 55437.98 and 55438 never print alike."""
    if tag == 0:
        return "NULL"
    if tag == 2:
        return repr(value)
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _differing_columns(got: list[tuple], want: list[tuple], columns: list[str]) -> list[str]:
    """Columns whose values, taken alone, differ as multisets between the two results."""
    found = []
    for index, column in enumerate(columns):
        mine, theirs = [(row[index],) for row in got], [(row[index],) for row in want]
        if Counter(mine) != Counter(theirs) and not _close_multisets(mine, theirs):
            found.append(column)
    return found


def _closest(row: tuple, candidates: list[tuple]) -> tuple:
    """The candidate sharing the most values with ``row`` (to show a pair side by side)."""
    return max(candidates, key=lambda other: sum(a == b for a, b in zip(row, other, strict=True)))


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
        columns = _differing_columns(got_rows, want_rows, want_columns)
        if columns and len(got_rows) == len(want_rows):
            message += f"; the values differ in column(s) {', '.join(columns)}"
        if not hidden:
            examples = []
            missing = next(iter(lacking), None)
            if surplus:
                yours = _closest(missing, list(surplus)) if missing else next(iter(surplus))
                examples.append("e.g. you returned " + _show(yours, want_columns))
            if missing is not None:
                examples.append("e.g. missing " + _show(missing, want_columns))
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


# ------------------------------------------------------------------ reading a query's joins

# comments, string literals, quoted identifiers, words, numbers, and single characters
_TOKEN = re.compile(
    r"""(?P<skip>--[^\n]*|/\*.*?(?:\*/|$)|\s+)
      |(?P<string>'(?:[^']|'')*'?)
      |(?P<quoted>"(?:[^"]|"")*"?|`[^`]*`?|\[[^\]]*\]?)
      |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
      |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      |(?P<other>.)""",
    re.S | re.X,
)
_JOIN_WORDS = {"NATURAL", "LEFT", "RIGHT", "FULL", "OUTER", "INNER", "CROSS", "JOIN"}
_FROM_ENDS = {
    "WHERE",
    "GROUP",
    "HAVING",
    "WINDOW",
    "ORDER",
    "LIMIT",
    "UNION",
    "INTERSECT",
    "EXCEPT",
}
_WHERE_ENDS = _FROM_ENDS - {"WHERE"}
# words a WHERE clause may hold besides column references
_EXPRESSION_WORDS = {
    "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "GLOB", "REGEXP", "MATCH", "BETWEEN",
    "ESCAPE", "COLLATE", "NOCASE", "BINARY", "RTRIM", "TRUE", "FALSE", "CASE", "WHEN", "THEN",
    "ELSE", "END", "DISTINCT", "FROM", "ISNULL", "NOTNULL", "CURRENT_DATE", "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
}  # fmt: skip


@dataclass
class _Token:
    kind: str  # word (upper-cased in ``text``), name (a quoted identifier), string, number, other
    text: str
    group: list[_Token] | None = None  # a parenthesised group's tokens
    raw: str = ""  # as written


def _tokens(sql: str) -> list[_Token]:
    """``sql``'s tokens, each parenthesised group folded into one token holding its own."""
    stack: list[list[_Token]] = [[]]
    for match in _TOKEN.finditer(sql):
        kind, text = match.lastgroup, match.group()
        if kind == "skip":
            continue
        if kind == "word":
            stack[-1].append(_Token("word", text.upper(), raw=text))
        elif kind == "quoted":
            stack[-1].append(_Token("name", text[1:-1].upper(), raw=text[1:-1]))
        elif text == "(":
            group: list[_Token] = []
            stack[-1].append(_Token("group", "(", group))
            stack.append(group)
        elif text == ")":
            if len(stack) > 1:
                stack.pop()
        else:
            stack[-1].append(_Token(kind, text))
    return stack[0]


def _flat(tokens: list[_Token]) -> list[_Token]:
    out = []
    for token in tokens:
        out.append(token)
        if token.group is not None:
            out.extend(_flat(token.group))
    return out


def _code_words(sql: str) -> set[str]:
    return {t.text for t in _flat(_tokens(sql)) if t.kind == "word"}


def _cte_names(tokens: list[_Token]) -> set[str]:
    """Names defined as ``name [(columns)] AS (...)`` anywhere in the query."""
    names, flat = set(), _flat(tokens)
    for i, token in enumerate(flat):
        if token.kind == "word" and token.text == "AS" and i + 1 < len(flat):
            if flat[i + 1].kind != "group" or i == 0:
                continue
            before = flat[i - 1]
            if before.kind == "group" and i >= 2:
                before = flat[i - 2]
            if before.kind in ("word", "name"):
                names.add(before.text)
    return names


def _split(tokens: list[_Token], ends: set[str]) -> tuple[list[_Token], list[_Token]]:
    for i, token in enumerate(tokens):
        if token.kind == "word" and token.text in ends:
            return tokens[:i], tokens[i:]
    return tokens, []


def _from_items(clause: list[_Token]) -> list[dict]:
    """A FROM clause as items: the item's tokens, how it is joined, and its ON/USING."""
    items: list[dict] = [{"how": "first", "body": [], "condition": None}]
    i = 0
    while i < len(clause):
        token = clause[i]
        if token.kind == "other" and token.text == ",":
            items.append({"how": ",", "body": [], "condition": None})
        elif token.kind == "word" and token.text in _JOIN_WORDS:
            words = []
            while i < len(clause) and clause[i].kind == "word" and clause[i].text in _JOIN_WORDS:
                words.append(clause[i].text)
                i += 1
            items.append({"how": " ".join(words), "body": [], "condition": None})
            continue
        elif token.kind == "word" and token.text in ("ON", "USING"):
            items[-1]["condition"] = []
            items[-1]["using"] = token.text == "USING"
        elif items[-1]["condition"] is not None:
            items[-1]["condition"].append(token)
        else:
            items[-1]["body"].append(token)
        i += 1
    return items


def _always_true(condition: list[_Token]) -> bool:
    """``ON 1 = 1``, ``ON TRUE``, ``ON 1``: a condition that names no column links nothing."""
    flat = [t for t in _flat(condition) if t.kind != "group"]
    if not flat:
        return False
    if any(t.kind == "name" or (t.kind == "word" and t.text != "TRUE") for t in flat):
        return False
    if any(t.kind == "string" for t in flat):
        return False
    numbers = [t.text for t in flat if t.kind == "number"]
    others = [t.text for t in flat if t.kind == "other"]
    if not others:  # ON 1, ON TRUE
        return all(float(n) != 0 for n in numbers)
    return (
        others in (["="], ["=", "="])
        and len(numbers) == 2
        and float(numbers[0]) == float(numbers[1])
    )


def _item_names(body: list[_Token]) -> tuple[_Token | None, _Token | None, set[str]]:
    """The table an item reads (None for a subquery), its alias, and the names it goes by."""
    words = [t for t in body if t.kind in ("word", "name") and t.text != "AS"]
    names = {w.text for w in words if w.text not in ("INDEXED", "BY", "NOT")}
    if not body or body[0].kind == "group" or not words:
        return None, None, names
    schema = len(body) > 2 and body[1].text == "."  # schema.table: the table follows the dot
    table = words[1] if schema else words[0]
    rest = words[2:] if schema else words[1:]
    alias = rest[0] if rest and rest[0].text not in ("INDEXED", "NOT") else None
    return table, alias, names


def _where_links(where: list[_Token], names: set[str]) -> bool:
    """Whether a WHERE clause may link an item: it names it, or it is too complex to tell."""
    flat = _flat(where)
    for i, token in enumerate(flat):
        if token.kind == "name" or (token.kind == "word" and token.text in names):
            return True
        if token.kind == "word" and token.text in ("SELECT", "EXISTS"):
            return True  # a subquery may link anything: do not guess
        if token.kind == "word" and token.text not in _EXPRESSION_WORDS:
            qualified = (i > 0 and flat[i - 1].text == ".") or (
                i + 1 < len(flat) and flat[i + 1].text == "."
            )
            called = i + 1 < len(flat) and flat[i + 1].kind == "group"
            if not qualified and not called:
                return True  # an unqualified column could belong to this item
    return False


def unlinked_tables(sql: str, tables: set[str]) -> list[str]:
    """Tables ``sql`` joins to another table with no condition linking them, as written.

    Conservative: only a table of ``tables`` (lower-case names of the database's tables,
    not a CTE of the query) joined after another table, by a comma, ``CROSS JOIN`` or ``JOIN``
    without ON/USING and with a WHERE clause that cannot link it (none, or one whose every
    column is qualified by another table's name), or with a condition like ``ON 1 = 1``.
    """
    tokens = _tokens(sql)
    ctes = _cte_names(tokens)
    found: list[str] = []
    scopes = [tokens] + [t.group for t in _flat(tokens) if t.group is not None]
    for scope in scopes:
        for index, token in enumerate(scope):
            if token.kind != "word" or token.text != "FROM":
                continue
            if index > 0 and scope[index - 1].text == "DISTINCT":
                continue  # IS DISTINCT FROM
            clause, rest = _split(scope[index + 1 :], _FROM_ENDS)
            where = None
            if rest and rest[0].text == "WHERE":
                where, _ = _split(rest[1:], _WHERE_ENDS)
            seen_table = False
            for item in _from_items(clause):
                table, alias, names = _item_names(item["body"])
                is_table = (
                    table is not None and table.text.lower() in tables and table.text not in ctes
                )
                if item["how"] != "first" and is_table and seen_table:
                    condition = item["condition"]
                    if condition is not None:
                        unlinked = not item.get("using") and _always_true(condition)
                    elif "NATURAL" in item["how"].split():
                        unlinked = False
                    else:
                        unlinked = where is None or not _where_links(where, names)
                    if unlinked:
                        shown = table.raw + (f" (as {alias.raw})" if alias is not None else "")
                        found.append(shown)
                seen_table = seen_table or is_table
    return list(dict.fromkeys(found))
