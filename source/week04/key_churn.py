"""Week 4's data: churn features at a cutoff, the visible split, hidden databases and hold-outs.

Instructor-only (never released). Hidden data comes only from ``context.hidden_seed(i)``:
indexes 0 and 1 build the hidden SQL databases, 2 and 3 the model hold-outs, 4 and 5 the
hidden data of compare_models and the metric probes.
"""

from __future__ import annotations

import functools
import sqlite3

import numpy as np
import pandas as pd

from autograder.data.churn import build_churn, churn_path, connect
from autograder.exercises import context
from autograder.judges.sql import Database, guarded

CUTOFF = "2024-07-01"
WINDOW_END = "2024-09-29"  # CUTOFF + 90 days
RECENT_START = "2024-04-02"  # CUTOFF - 90 days
ACTIVE_START = "2024-01-03"  # CUTOFF - 180 days
HOLDOUT_CUTOFF = "2024-10-01"  # the hold-out's later cutoff

FEATURES = ["tenure_days", "recency_days", "frequency", "monetary", "returns", "recent_orders"]

FEATURES_TEMPLATE = """
WITH history AS (
    SELECT customer_id,
           SUM(status = 'completed') AS frequency,
           ROUND(SUM(CASE WHEN status = 'completed' THEN amount ELSE 0 END), 2) AS monetary,
           MAX(CASE WHEN status = 'completed' THEN ordered_at END) AS last_completed,
           SUM(status = 'returned') AS returns,
           SUM(status = 'completed' AND ordered_at >= '{recent}') AS recent_orders,
           SUM(status = 'completed' AND ordered_at >= '{active}') AS active_orders
    FROM orders
    WHERE ordered_at < '{cutoff}'
    GROUP BY customer_id
),
future AS (
    SELECT DISTINCT customer_id
    FROM orders
    WHERE status = 'completed' AND ordered_at >= '{cutoff}' AND ordered_at < '{end}'
)
SELECT c.customer_id,
       CAST(julianday('{cutoff}') - julianday(c.signup_date) AS INTEGER) AS tenure_days,
       CAST(julianday('{cutoff}') - julianday(date(h.last_completed)) AS INTEGER) AS recency_days,
       h.frequency,
       h.monetary,
       h.returns,
       h.recent_orders,
       CASE WHEN f.customer_id IS NULL THEN 1 ELSE 0 END AS churned
FROM history AS h
JOIN customers AS c ON c.customer_id = h.customer_id
LEFT JOIN future AS f ON f.customer_id = h.customer_id
WHERE h.active_orders > 0
"""


def features_sql(cutoff: str) -> str:
    day = np.datetime64(cutoff, "D")
    return FEATURES_TEMPLATE.format(
        cutoff=cutoff,
        end=str(day + 90),
        recent=str(day - 90),
        active=str(day - 180),
    )


REFERENCE_SQL = features_sql(CUTOFF)
assert f"'{WINDOW_END}'" in REFERENCE_SQL and f"'{ACTIVE_START}'" in REFERENCE_SQL
assert f"'{RECENT_START}'" in REFERENCE_SQL


def features(conn: sqlite3.Connection, cutoff: str = CUTOFF) -> pd.DataFrame:
    """The reference feature table, one row per active customer, ordered by customer_id."""
    frame = pd.read_sql_query(features_sql(cutoff), conn)
    return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)


def split_xy(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    return frame.drop(columns="churned"), frame["churned"].to_numpy(dtype=np.int64)


@functools.cache
def visible_table() -> pd.DataFrame:
    conn = connect(churn_path(context.store().parent))
    try:
        return features(conn)
    finally:
        conn.close()


# ------------------------------------------------------------------ hidden SQL databases

_PLANTED_SIGNUP = "2023-05-10"


def _plant(conn: sqlite3.Connection) -> None:
    """Customers whose rows sit exactly on the boundaries a leaky or sloppy query gets wrong."""
    next_customer = conn.execute("SELECT MAX(customer_id) FROM customers").fetchone()[0] + 1
    next_order = conn.execute("SELECT MAX(order_id) FROM orders").fetchone()[0] + 1
    plans = [
        # only cancelled orders before the cutoff: not an active customer
        [("2024-03-10 10:00:00", "cancelled", 80.0), ("2024-05-02 11:30:00", "cancelled", 45.0)],
        # a completed order at the cutoff's midnight: after the cutoff, so not churned, and
        # not a feature; the last completed order before is one second earlier
        [
            ("2024-02-14 09:00:00", "completed", 30.0),
            ("2024-06-30 23:59:59", "completed", 55.5),
            ("2024-07-01 00:00:00", "completed", 999.0),
        ],
        # orders later on the cutoff day: still after the cutoff
        [("2024-05-20 08:15:00", "completed", 61.0), ("2024-07-01 12:00:00", "completed", 700.0)],
        # only a cancelled and a returned order in the window: churned
        [
            ("2024-06-01 14:00:00", "completed", 42.0),
            ("2024-06-02 15:00:00", "returned", 42.0),
            ("2024-07-15 10:00:00", "cancelled", 50.0),
            ("2024-08-03 10:00:00", "returned", 20.0),
        ],
        # the only order after the cutoff falls at the window's end (midnight): churned
        [("2024-04-11 19:00:00", "completed", 25.0), ("2024-09-29 00:00:00", "completed", 80.0)],
        # ... and one on the window's last day: not churned
        [("2024-04-12 19:00:00", "completed", 26.0), ("2024-09-28 23:59:59", "completed", 81.0)],
        # last completed order on the first day of the active period: active
        [("2023-08-01 10:00:00", "completed", 33.0), ("2024-01-03 00:00:00", "completed", 34.0)],
        # last completed order one second before it: not active (a recent return doesn't count)
        [
            ("2023-08-02 10:00:00", "completed", 35.0),
            ("2024-01-02 23:59:59", "completed", 36.0),
            ("2024-03-03 10:00:00", "returned", 37.0),
        ],
        # a big spender after the cutoff: none of it is a feature
        [
            ("2024-06-20 18:00:00", "completed", 15.0),
            ("2024-07-02 10:00:00", "completed", 2500.0),
            ("2024-07-03 10:00:00", "completed", 2500.0),
            ("2024-07-04 10:00:00", "returned", 2500.0),
            ("2024-10-15 10:00:00", "completed", 2500.0),
        ],
        # only post-window orders: churned (activity after the window does not count)
        [("2024-05-05 05:05:05", "completed", 48.0), ("2024-11-11 11:11:11", "completed", 48.0)],
        # a purchase at the first moment of the 90 recent days and one a second before; a
        # fraction of a cent, so a total that is not rounded to 2 decimals differs
        [("2024-04-01 23:59:59", "completed", 12.5), ("2024-04-02 00:00:00", "completed", 45.678)],
    ]
    customers, orders = [], []
    for offset, plan in enumerate(plans):
        customer = next_customer + offset
        customers.append((customer, _PLANTED_SIGNUP, "consumer", "organic"))
        for ordered_at, status, amount in plan:
            orders.append((customer, ordered_at, status, amount))
    orders.sort(key=lambda row: row[1])
    conn.executemany(
        "INSERT INTO customers (customer_id, signup_date, segment, channel) VALUES (?, ?, ?, ?)",
        customers,
    )
    conn.executemany(
        "INSERT INTO orders (order_id, customer_id, ordered_at, status, amount) "
        "VALUES (?, ?, ?, ?, ?)",
        [(next_order + i, *row) for i, row in enumerate(orders)],
    )
    conn.commit()


@functools.cache
def hidden_databases() -> tuple[Database, ...]:
    databases = []
    for number, index in enumerate((0, 1), start=1):
        conn = build_churn(
            ":memory:",
            seed=context.hidden_seed(index),
            n_customers=400,
            first_customer_id=10_000 * number + 1,
        )
        _plant(conn)
        databases.append(Database(f"hidden database {number}", guarded(conn), hidden=True))
    return tuple(databases)


@functools.cache
def holdout(index: int) -> pd.DataFrame:
    """Other customers (another id range), at the later cutoff: the model's hidden test set."""
    conn = build_churn(
        ":memory:",
        seed=context.hidden_seed(index),
        n_customers=1200,
        first_customer_id=100_001 + 10_000 * index,
    )
    try:
        return features(conn, HOLDOUT_CUTOFF)
    finally:
        conn.close()


@functools.cache
def hidden_store_table(index: int, n_customers: int = 700) -> pd.DataFrame:
    conn = build_churn(":memory:", seed=context.hidden_seed(index), n_customers=n_customers)
    try:
        return features(conn)
    finally:
        conn.close()
