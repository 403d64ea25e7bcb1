"""The SQL judge: order, names, tolerance, hidden databases and clear failure messages."""

import sqlite3

import pandas as pd
import pytest

from autograder.exercises.sql import hidden_databases, visible_database
from autograder.judges import CheckFailed
from autograder.judges import sql as judge
from tests.keys import key

week01 = key("week01")


@pytest.fixture
def tiny_db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        """
        CREATE TABLE t (id INTEGER, name TEXT, price REAL);
        INSERT INTO t VALUES (1, 'a', 1.5), (2, 'b', 2.25), (3, 'c', NULL);
        """
    )
    return judge.guarded(conn)


def literal_query(frame: pd.DataFrame) -> str:
    """A query that hard-codes ``frame``'s rows with SELECT ... UNION ALL."""

    def lit(value):
        if value is None or value != value:
            return "NULL"
        return repr(value) if not isinstance(value, str) else "'" + value.replace("'", "''") + "'"

    selects = [
        "SELECT " + ", ".join(f"{lit(v)} AS {c}" for c, v in zip(frame.columns, row, strict=True))
        for row in frame.astype(object).itertuples(index=False)
    ]
    return "\nUNION ALL\n".join(selects)


def test_hard_coded_visible_answer_passes_visible_but_fails_hidden():
    visible = week01.largest_team.expected_on(visible_database())
    cheat = literal_query(visible)
    week01.largest_team.check(cheat)
    with pytest.raises(CheckFailed, match="hidden database"):
        week01.largest_team.check_hidden(cheat)


def test_row_order_is_ignored_when_not_required():
    reversed_order = f"SELECT * FROM ({week01._LARGEST_TEAM}) ORDER BY manager_id DESC"
    week01.largest_team.check(reversed_order)
    week01.largest_team.check_hidden(reversed_order)


def test_row_order_is_enforced_when_required():
    backwards = week01._MONTHLY_REPORT.replace("ORDER BY c.month", "ORDER BY c.month DESC")
    with pytest.raises(CheckFailed, match="wrong order"):
        week01.monthly_report.check(backwards)


def test_column_names_match_case_insensitively(tiny_db):
    got = judge.run_query(tiny_db, "SELECT id AS ID, name AS Name FROM t", name="Q", where="db")
    want = judge.run_query(tiny_db, "SELECT id, name FROM t", name="Q", where="db")
    assert judge.compare_results(got, want, where="db", hidden=False) == []


def test_floats_compare_within_tolerance_but_not_beyond(tiny_db):
    want = pd.DataFrame({"x": [0.1 + 0.2]})
    assert judge.compare_results(pd.DataFrame({"x": [0.3]}), want, where="db", hidden=False) == []
    assert judge.compare_results(pd.DataFrame({"x": [0.31]}), want, where="db", hidden=False)


def test_integer_and_float_forms_of_a_number_are_equal():
    got, want = pd.DataFrame({"n": [3]}), pd.DataFrame({"n": [3.0]})
    assert judge.compare_results(got, want, where="db", hidden=False) == []


def test_missing_and_extra_columns_are_named(tiny_db):
    got = pd.DataFrame({"id": [1], "label": ["a"]})
    want = pd.DataFrame({"id": [1], "name": ["a"]})
    (problem,) = judge.compare_results(got, want, where="db", hidden=False)
    assert "missing column(s) name" in problem and "unexpected column(s) label" in problem


def test_wrong_types_are_reported():
    got, want = pd.DataFrame({"n": ["3"]}), pd.DataFrame({"n": [3]})
    (problem,) = judge.compare_results(got, want, where="db", hidden=False)
    assert "holds text values; expected numbers" in problem


def test_missing_rows_are_counted_and_shown_only_for_visible_data():
    want = pd.DataFrame({"id": [1, 2, 3]})
    got = pd.DataFrame({"id": [1, 2, 4]})
    (visible,) = judge.compare_results(got, want, where="db", hidden=False)
    (hidden,) = judge.compare_results(got, want, where="hidden db", hidden=True)
    assert "1 expected row(s) are missing" in visible and "id=3" in visible
    assert (
        "1 expected row(s) are missing" in hidden and "id=3" not in hidden and "id=4" not in hidden
    )


def test_duplicated_rows_count(tiny_db):
    got = pd.DataFrame({"id": [1, 1, 2]})
    want = pd.DataFrame({"id": [1, 2]})
    assert judge.compare_results(got, want, where="db", hidden=False)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("SELEC id FROM t", "syntax error"),
        ("SELECT nope FROM t", "no such column: nope"),
        ("SELECT 1; SELECT 2", "more than one statement"),
        ("", "is empty"),
        ("-- only a comment", "is empty"),
        (None, "must be a string"),
        ("DELETE FROM t", "tried to change the database"),
        ("ATTACH 'gradebook.db' AS g", "tried to change the database"),
        ("PRAGMA query_only = OFF", "tried to change the database"),
    ],
)
def test_broken_queries_get_one_clear_message(tiny_db, query, fragment):
    with pytest.raises(CheckFailed) as failure:
        judge.run_query(tiny_db, query, name="MY_SQL", where="the test database")
    message = str(failure.value)
    assert fragment in message and "Traceback" not in message and "\n" not in message
    assert (
        judge.run_query(tiny_db, "SELECT COUNT(*) AS n FROM t", name="Q", where="db")["n"][0] == 3
    )


def test_runaway_cross_join_is_stopped(tiny_db, monkeypatch):
    monkeypatch.setattr(judge, "MAX_QUERY_STEPS", 50_000)
    sql = "SELECT COUNT(*) FROM t a, t b, t c, t d, t e, t f, t g, t h, t i, t j"
    with pytest.raises(CheckFailed, match="too much work"):
        judge.run_query(tiny_db, sql, name="Q", where="db")


def test_hidden_databases_differ_from_the_visible_one():
    query = "SELECT COUNT(*) AS n FROM orders"
    counts = {
        judge.run_query(db.conn, query, name="Q", where=db.label)["n"][0]
        for db in (visible_database(), *hidden_databases())
    }
    assert len(counts) == 1 + len(hidden_databases())
    assert all(db.hidden for db in hidden_databases())


def test_learner_query_cannot_change_the_judging_database():
    with pytest.raises(CheckFailed, match="change the database"):
        week01.largest_team.check("DELETE FROM employees")
    week01.largest_team.check(week01._LARGEST_TEAM)


def test_recognised_mistake_is_named():
    limit_one = week01._LARGEST_TEAM.replace(
        "WHERE t.team_size = (SELECT MAX(team_size) FROM team)",
        "ORDER BY t.team_size DESC LIMIT 1",
    )
    with pytest.raises(CheckFailed, match="LIMIT 1"):
        week01.largest_team.check_hidden(limit_one)
