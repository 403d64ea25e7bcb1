"""Answers whose first line is ``-- dialect: postgresql`` run on a real PostgreSQL server."""

import socket
import sys

import pytest

from autograder.exercises.sql import SqlExercise, visible_database
from autograder.judges import CheckFailed, postgres
from autograder.judges.dialects import POSTGRESQL, SQLITE, dialect_of
from autograder.judges.errors import Unavailable
from autograder.sql import run_sql

PG = "-- dialect: postgresql\n"
MONTHLY = "SELECT strftime('%Y-%m', ordered_at) AS month, COUNT(*) AS orders FROM orders GROUP BY 1"
MONTHLY_PG = (
    PG + "SELECT TO_CHAR(DATE_TRUNC('month', ordered_at), 'YYYY-MM') AS month, "
    "COUNT(*) AS orders FROM orders GROUP BY 1"
)


@pytest.fixture
def server(postgres_server):
    return postgres_server


def run(sql: str):
    return postgres.run_query(visible_database().conn, sql, name="q", where="the store database")


def test_the_first_line_names_the_dialect():
    assert dialect_of(PG + "SELECT 1") == POSTGRESQL
    assert dialect_of("  -- Dialect: Postgres\nSELECT 1") == POSTGRESQL
    assert dialect_of("-- my note\n\n-- dialect: postgresql\nSELECT 1") == POSTGRESQL
    assert dialect_of("SELECT 1\n-- dialect: postgresql") == SQLITE
    assert dialect_of("SELECT 1") == SQLITE
    with pytest.raises(CheckFailed, match="dialect 'oracle'"):
        dialect_of("-- dialect: oracle\nSELECT 1")


def test_postgresql_semantics_not_sqlite(server):
    frame = run(PG + "SELECT DATE_TRUNC('month', DATE '2024-03-05')::date AS m, 7/2 AS q")
    assert frame.to_dict("records") == [{"m": "2024-03-01", "q": 3}]


def test_the_notebooks_run_helper_follows_the_line(server):
    store = visible_database().conn
    assert run_sql(PG + "SELECT 7/2 AS q, 7 % 2 AS r", store).to_dict("records") == [
        {"q": 3, "r": 1}
    ]
    assert run_sql("SELECT 7/2.0 AS q", store)["q"][0] == 3.5  # SQLite without the line
    with pytest.raises(CheckFailed, match=r"\(PostgreSQL\): function strftime"):
        run_sql(PG + "SELECT strftime('%Y', ordered_at) FROM orders", store)


def test_dates_and_timestamps_are_real_types(server):
    frame = run(
        "SELECT pg_typeof(o.ordered_at)::text AS ordered, pg_typeof(c.signup_date)::text AS signup,"
        " pg_typeof(o.amount)::text AS amount FROM orders o JOIN customers c USING (customer_id)"
        " LIMIT 1"
    )
    assert frame.to_dict("records") == [
        {"ordered": "timestamp without time zone", "signup": "date", "amount": "numeric"}
    ]


def test_a_postgresql_answer_is_judged_against_the_sqlite_reference(server):
    exercise = SqlExercise("monthly", variable="q", reference=MONTHLY)
    exercise.judge(MONTHLY_PG, hidden=False)
    exercise.judge(MONTHLY_PG, hidden=True)
    wrong = MONTHLY_PG.replace("'month'", "'year'")
    with pytest.raises(CheckFailed, match="row"):
        exercise.judge(wrong, hidden=False)
    with pytest.raises(CheckFailed, match="no such function: DATE_TRUNC"):
        exercise.judge(MONTHLY_PG.removeprefix(PG), hidden=False)


def test_postgresqls_own_error(server):
    with pytest.raises(CheckFailed) as failed:
        run(PG + "SELECT strftime('%Y', ordered_at) FROM orders")
    assert str(failed.value) == (
        "q could not run on the store database (PostgreSQL): function strftime(unknown, "
        "timestamp without time zone) does not exist"
    )


def test_read_only_and_one_statement(server):
    with pytest.raises(CheckFailed, match="tried to change the database"):
        run(PG + "DELETE FROM orders")
    with pytest.raises(CheckFailed, match="more than one statement"):
        run(PG + "SELECT 1; DELETE FROM orders")
    with pytest.raises(CheckFailed, match="permission denied"):
        run(PG + "SELECT pg_read_file('/etc/hostname')")
    with pytest.raises(CheckFailed, match="no result set"):
        run(PG + "BEGIN")
    with pytest.raises(CheckFailed, match="division by zero"):
        run(PG + "SELECT 1 / 0")
    assert len(run(PG + "SELECT ';' AS semi;")) == 1  # neither left a transaction open
    assert len(run("SELECT COUNT(*) AS n FROM orders")) == 1  # nothing was deleted
    assert run("SELECT COUNT(*) AS n FROM orders")["n"][0] > 0


def test_a_runaway_query_is_stopped(server, monkeypatch):
    monkeypatch.setenv(postgres.TIMEOUT_VARIABLE, "300")
    with pytest.raises(CheckFailed, match=r"ran too long on the store database .* 0\.3 s"):
        run(PG + "SELECT pg_sleep(5)")


def test_without_the_extra_one_sentence_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    exercise = SqlExercise("monthly", variable="q", reference=MONTHLY)
    with pytest.raises(postgres.PostgresUnavailable) as failed:
        exercise.judge(MONTHLY_PG, hidden=False)
    assert str(failed.value) == postgres.INSTALL
    assert "pip install 'ds-interview-loop[postgresql]'" in postgres.INSTALL


def test_a_server_that_cannot_be_reached_is_not_the_answers_fault(server, monkeypatch):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(postgres.URL_VARIABLE, f"postgresql://nobody:secret@127.0.0.1:{port}/x")
    postgres.reset()
    try:
        exercise = SqlExercise("monthly", variable="q", reference=MONTHLY)
        with pytest.raises(postgres.PostgresUnavailable) as failed:
            exercise.judge(MONTHLY_PG, hidden=False)
        assert isinstance(failed.value, Unavailable)
        said = str(failed.value)
        assert said.startswith(
            f"the PostgreSQL server {postgres.URL_VARIABLE} names cannot be reached"
        )
        assert "secret" not in said
    finally:
        monkeypatch.undo()
        postgres.reset()
    assert len(run(PG + "SELECT 1 AS one")) == 1  # the configured server again, connected afresh


def test_a_restarted_server_is_connected_to_again(server):
    run(PG + "SELECT 1 AS one")
    postgres._reader().close()  # as a server restart leaves it
    assert run(PG + "SELECT 2 AS two")["two"][0] == 2


def test_an_answer_that_ends_its_own_connection_is_the_answers_fault(server):
    with pytest.raises(CheckFailed, match="ended its own connection") as failed:
        run(PG + "SELECT pg_terminate_backend(pg_backend_pid()) AS gone")
    assert not isinstance(failed.value, Unavailable)  # graded, not left for the grader
    assert run(PG + "SELECT 3 AS three")["three"][0] == 3
