"""The churn database: determinism, the shipped file, invariants, a churn rate in band, a signal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from autograder.data import churn
from autograder.data.churn import CHURN_SEED, build_churn, churn_path, connect, table_digest

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "data" / "churn.db"
CARD = REPO / "data" / "README.md"

# a churn definition like the course's: active = a purchase in the 180 days before the cutoff,
# churned = no purchase in the 90 days after it
FEATURES = """
WITH h AS (
    SELECT customer_id,
           SUM(status = 'completed') AS frequency,
           SUM(CASE WHEN status = 'completed' THEN amount ELSE 0 END) AS monetary,
           julianday('{cutoff}') - julianday(date(MAX(CASE WHEN status = 'completed'
                                                     THEN ordered_at END))) AS recency,
           SUM(status = 'returned') AS returns,
           SUM(status = 'completed' AND ordered_at >= date('{cutoff}', '-180 days')) AS active
    FROM orders WHERE ordered_at < '{cutoff}' GROUP BY customer_id
)
SELECT h.*, julianday('{cutoff}') - julianday(c.signup_date) AS tenure,
       NOT EXISTS (SELECT 1 FROM orders AS o WHERE o.customer_id = h.customer_id
                   AND o.status = 'completed' AND o.ordered_at >= '{cutoff}'
                   AND o.ordered_at < date('{cutoff}', '+90 days')) AS churned
FROM h JOIN customers AS c USING (customer_id) WHERE h.active > 0
"""


def features(conn: sqlite3.Connection, cutoff: str) -> pd.DataFrame:
    return pd.read_sql_query(FEATURES.format(cutoff=cutoff), conn)


@pytest.fixture(scope="module")
def shipped():
    conn = connect(SHIPPED)
    yield conn
    conn.close()


def test_the_shipped_file_is_the_public_seed_and_documented(shipped):
    rebuilt = build_churn(":memory:")
    assert table_digest(shipped) == table_digest(rebuilt)
    assert table_digest(shipped) in CARD.read_text(encoding="utf-8")
    assert SHIPPED.stat().st_size < 5_000_000


def test_same_seed_same_rows_and_other_seeds_differ():
    one = build_churn(":memory:", seed=11, n_customers=200)
    two = build_churn(":memory:", seed=11, n_customers=200)
    other = build_churn(":memory:", seed=12, n_customers=200)
    assert table_digest(one) == table_digest(two) != table_digest(other)


def test_invariants(shipped):
    def one(sql):
        return shipped.execute(sql).fetchone()[0]

    assert (
        one(
            "SELECT COUNT(*) FROM orders o JOIN customers c USING (customer_id) "
            "WHERE date(o.ordered_at) < c.signup_date"
        )
        == 0
    )
    assert (
        one(
            "SELECT COUNT(*) FROM orders WHERE status NOT IN ('completed', 'returned', 'cancelled')"
        )
        == 0
    )
    assert (
        one("SELECT MIN(ordered_at) >= '2022-01-01' AND MAX(ordered_at) < '2025-01-01' FROM orders")
        == 1
    )
    assert one("SELECT COUNT(*) FROM orders WHERE amount IS NULL OR amount <= 0") == 0
    assert one("SELECT COUNT(*) FROM orders WHERE time(ordered_at) = '00:00:00'") == 0
    ids = [
        row[0]
        for row in shipped.execute("SELECT order_id FROM orders ORDER BY ordered_at, order_id")
    ]
    assert ids == sorted(ids)


def test_the_id_range_moves():
    conn = build_churn(":memory:", seed=3, n_customers=50, first_customer_id=100_001)
    assert conn.execute("SELECT MIN(customer_id), MAX(customer_id) FROM customers").fetchone() == (
        100_001,
        100_050,
    )
    with pytest.raises(ValueError):
        build_churn(":memory:", n_customers=0)


@pytest.mark.parametrize("seed", [CHURN_SEED, 7001, 7002, 7003])
@pytest.mark.parametrize("cutoff", ["2024-07-01", "2024-10-01"])
def test_churners_are_15_to_30_percent_of_active_customers(seed, cutoff):
    table = features(build_churn(":memory:", seed=seed, n_customers=1200), cutoff)
    assert len(table) > 400
    assert 0.15 <= table["churned"].mean() <= 0.30


def test_churn_is_learnable_from_history_and_carries_over_to_other_customers():
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler

    columns = ["frequency", "monetary", "recency", "returns", "tenure"]
    train = features(build_churn(":memory:"), "2024-07-01")
    test = features(build_churn(":memory:", seed=9, n_customers=1200), "2024-10-01")
    scaler = StandardScaler().fit(np.log1p(train[columns]))
    model = LogisticRegression().fit(scaler.transform(np.log1p(train[columns])), train["churned"])
    scores = model.predict_proba(scaler.transform(np.log1p(test[columns])))[:, 1]
    assert roc_auc_score(test["churned"], scores) > 0.75  # chance is 0.5
    # more than recency alone: the other behaviours carry signal too
    for column in ("frequency", "returns"):
        assert abs(roc_auc_score(test["churned"], test[column]) - 0.5) > 0.05


def test_connect_finds_the_file_above_or_builds_it_once(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO / "source")
    assert churn_path() == SHIPPED
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = churn_path()
    assert path == tmp_path / "cache" / "ds-interview-loop" / f"churn-{CHURN_SEED}.db"
    conn = connect()
    try:
        assert table_digest(conn) == table_digest(build_churn(":memory:"))
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM orders")
    finally:
        conn.close()


def test_main_rebuilds_and_prints_the_digest(tmp_path, capsys):
    target = tmp_path / "churn.db"
    churn.main(["--out", str(target), "--customers", "60", "--seed", "5"])
    conn = connect(target)
    try:
        assert table_digest(conn) in capsys.readouterr().out
    finally:
        conn.close()
