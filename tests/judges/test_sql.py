"""The SQL judge: order, names, tolerance, hidden databases and clear failure messages."""

import sqlite3

import pandas as pd
import pytest

from autograder.exercises.sql import SqlExercise, hidden_databases, visible_database
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


# ------------------------------------------------------------------------- the work budget

_LATEST = """
WITH ranked AS (
    SELECT customer_id, order_id, ordered_at,
           ROW_NUMBER() OVER (
               PARTITION BY customer_id ORDER BY ordered_at DESC, order_id DESC
           ) AS position
    FROM orders
)
SELECT customer_id, order_id, ordered_at FROM ranked WHERE position = 1
"""
# correct, and several times the reference's work: one indexed lookup per order
_LATEST_CORRELATED = """
SELECT o.customer_id, o.order_id, o.ordered_at FROM orders AS o
WHERE o.order_id = (SELECT o2.order_id FROM orders AS o2 WHERE o2.customer_id = o.customer_id
                    ORDER BY o2.ordered_at DESC, o2.order_id DESC LIMIT 1)
"""
# correct too, but `+ 0` hides the index: every order rescans every order
_LATEST_RESCAN = """
SELECT o.customer_id, o.order_id, o.ordered_at FROM orders AS o
WHERE (
    SELECT COUNT(*) FROM orders AS o2
    WHERE o2.customer_id + 0 = o.customer_id
      AND (o2.ordered_at > o.ordered_at OR (o2.ordered_at = o.ordered_at AND o2.order_id > o.order_id))
) = 0
"""
_LATEST_CROSS = """
SELECT o.customer_id, MAX(o.order_id) AS order_id, MAX(o.ordered_at) AS ordered_at
FROM orders AS o CROSS JOIN customers AS c
GROUP BY o.customer_id
"""


@pytest.fixture(scope="module")
def latest() -> SqlExercise:
    return SqlExercise("latest", variable="LATEST_SQL", reference=_LATEST)


def test_a_correlated_subquery_doing_several_times_the_work_passes(latest):
    latest.check(_LATEST_CORRELATED)
    latest.check_hidden(_LATEST_CORRELATED)


def test_a_cross_join_is_stopped_and_named(latest):
    with pytest.raises(CheckFailed) as failure:
        latest.check(_LATEST_CROSS)
    message = str(failure.value)
    assert message.startswith("LATEST_SQL did too much work on the store database and was stopped")
    assert f"more than {judge.WORK_FACTOR}× the work of a straightforward query" in message
    assert "million steps, the limit on this database" in message
    assert "joins customers (as c) without a join condition" in message


def test_a_query_rescanning_a_table_per_row_is_stopped_without_blaming_a_join(latest):
    with pytest.raises(CheckFailed) as failure:
        latest.check(_LATEST_RESCAN)
    message = str(failure.value)
    assert f"more than {judge.WORK_FACTOR}× the work" in message
    assert "less repeated work" in message and "join" not in message


def test_a_stopped_query_on_a_hidden_database_quotes_no_step_count(latest):
    with pytest.raises(CheckFailed) as failure:
        latest.check_hidden(_LATEST_RESCAN)
    message = str(failure.value)
    assert "hidden database 1" in message and f"more than {judge.WORK_FACTOR}×" in message
    assert "million" not in message and "steps" not in message


def test_the_learners_self_check_enforces_the_same_budget(latest):
    data = latest.learner_data()
    steps = latest.reference_steps_on(visible_database())
    assert data["reference_steps"] == judge.work_unit(steps) >= steps
    learner = SqlExercise.from_learner_data(data)
    learner.check(_LATEST_CORRELATED)
    messages = []
    for exercise in (latest, learner):
        with pytest.raises(CheckFailed) as failure:
            exercise.check(_LATEST_RESCAN)
        messages.append(str(failure.value))
    assert messages[0] == messages[1] and "was stopped" in messages[0]


def test_the_budget_is_relative_with_a_floor_and_a_ceiling():
    assert judge.WorkBudget(0).limit == judge.MIN_STEPS
    middle = judge.WorkBudget(2_000_000)
    assert middle.limit == judge.WORK_FACTOR * judge.work_unit(2_000_000)
    assert 2_000_000 * judge.WORK_FACTOR <= middle.limit < 2_000_000 * judge.WORK_FACTOR * 1.3
    assert judge.WorkBudget(10**9).limit == judge.MAX_STEPS
    # a few hundred steps of run-to-run noise give the same budget, so check files are stable
    assert judge.work_unit(1_070_000) == judge.work_unit(1_080_000)


def test_a_runaway_recursion_is_stopped_and_named(tiny_db):
    sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT MAX(n) FROM r"
    with pytest.raises(CheckFailed) as failure:
        judge.run_query(tiny_db, sql, name="Q", where="db", budget=judge.WorkBudget(10_000))
    message = str(failure.value)
    assert "more than 2000× the work" in message and "20.0 million steps" in message
    assert "recursive CTE" in message and "join" not in message


TABLES = {"orders", "customers", "t"}


@pytest.mark.parametrize(
    ("sql", "unlinked"),
    [
        ("SELECT * FROM orders a, orders b", ["orders (as b)"]),
        ("SELECT * FROM orders o CROSS JOIN customers", ["customers"]),
        ("SELECT * FROM orders o JOIN customers c ON 1 = 1", ["customers (as c)"]),
        ("SELECT * FROM orders o LEFT JOIN customers c ON TRUE", ["customers (as c)"]),
        ("SELECT * FROM orders o, customers c WHERE o.status = 'x'", ["customers (as c)"]),
        ("SELECT * FROM (SELECT o.* FROM orders o, t) AS s", ["t"]),
        ('SELECT * FROM "orders" o, [customers] c', ["customers (as c)"]),
        ("SELECT * FROM orders o, customers c WHERE o.customer_id = c.customer_id", []),
        ("SELECT * FROM orders o JOIN customers c ON o.customer_id = c.customer_id", []),
        ("SELECT * FROM orders JOIN customers USING (customer_id)", []),
        ("SELECT * FROM orders NATURAL JOIN customers", []),
        # an unqualified column may belong to either table: unsure, so not named
        ("SELECT * FROM orders o, customers c WHERE o.customer_id = id", []),
        ("SELECT * FROM orders o, customers c WHERE EXISTS (SELECT 1 FROM t)", []),
        # one side a CTE or a subquery (often a single row): not named
        ("WITH q AS (SELECT 1 AS x) SELECT * FROM orders CROSS JOIN q", []),
        ("SELECT * FROM orders, (SELECT MAX(amount) AS m FROM orders) AS top", []),
        ("WITH orders AS (SELECT 1 AS x) SELECT * FROM orders, customers", []),
        ("SELECT 'FROM orders, customers' AS text FROM t -- FROM orders, customers", []),
    ],
)
def test_joins_without_a_condition_are_found_conservatively(sql, unlinked):
    assert judge.unlinked_tables(sql, TABLES) == unlinked


def test_differing_values_are_shown_at_the_precision_compared_and_their_column_named():
    want = pd.DataFrame({"category": ["books", "toys"], "revenue": [55438.0, 120.5]})
    got = want.assign(revenue=[55437.98, 120.5])
    (visible,) = judge.compare_results(got, want, where="db", hidden=False)
    assert "the values differ in column(s) revenue" in visible
    assert "you returned (category='books', revenue=55437.98)" in visible
    assert "missing (category='books', revenue=55438)" in visible
    (hidden,) = judge.compare_results(got, want, where="hidden db", hidden=True)
    assert hidden.endswith("the values differ in column(s) revenue")
    assert "5543" not in hidden and "books" not in hidden
