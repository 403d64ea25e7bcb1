"""Week 8's hidden data: store variants with planted customers, and ML debugging data sets.

Everything here is built at grading time from the course's hidden seeds (never a literal
seed a learner could read in a released file). The planted customers give both SQL rounds
their traps: a month streak across a year boundary, tied longest streaks, a cancelled-only
month inside a streak, customers with no completed order, and completed-order amounts whose
median needs care (even counts, a duplicated middle value, one order only).
"""

from __future__ import annotations

import functools
import sqlite3

import numpy as np

from autograder.data.store import build_store
from autograder.exercises import context
from autograder.judges.sql import Database, guarded

# (label, [(ordered_at, status, amount)]) per planted customer
PLANTED: tuple[tuple[str, tuple[tuple[str, str, float | None], ...]], ...] = (
    (
        "a streak across the new year",
        (
            ("2019-10-05 10:00:00", "completed", 10.0),
            ("2019-11-12 11:30:00", "completed", 20.0),
            ("2019-12-31 23:59:59", "completed", 20.0),
            ("2020-01-01 00:00:00", "completed", 50.0),
            ("2020-02-14 09:15:00", "completed", 7.5),
            ("2020-06-01 12:00:00", "completed", 60.0),
            ("2020-07-01 12:00:00", "completed", 60.0),
        ),
    ),
    (
        "two longest streaks of equal length",
        (
            ("2020-07-03 08:00:00", "completed", 31.0),
            ("2020-08-03 08:00:00", "completed", 33.0),
            ("2020-09-03 08:00:00", "completed", 40.0),
            ("2019-03-03 08:00:00", "completed", 12.0),
            ("2019-04-03 08:00:00", "completed", 15.0),
            ("2019-05-03 08:00:00", "completed", 30.0),
        ),
    ),
    (
        "a month with only a cancelled order inside a streak",
        (
            ("2021-01-10 10:00:00", "completed", 20.0),
            ("2021-02-10 10:00:00", "completed", 30.0),
            ("2021-03-10 10:00:00", "cancelled", 1000.0),
            ("2021-04-10 10:00:00", "completed", 40.0),
            ("2021-05-02 10:00:00", "completed", 45.0),
            ("2021-05-09 10:00:00", "completed", 50.0),
            ("2021-05-20 10:00:00", "returned", 70.0),
            ("2021-06-10 10:00:00", "completed", 55.0),
            ("2021-07-10 10:00:00", "pending", None),
            ("2021-07-11 10:00:00", "completed", 60.0),
        ),
    ),
    (
        "no completed order",
        (
            ("2020-03-03 10:00:00", "cancelled", 80.0),
            ("2020-04-03 10:00:00", "pending", None),
        ),
    ),
    (
        "the same month in three years, two equal amounts",
        (
            ("2019-06-15 10:00:00", "completed", 25.0),
            ("2020-06-15 10:00:00", "completed", 25.0),
            ("2021-06-15 10:00:00", "returned", 25.0),
        ),
    ),
    (
        "a December-January streak and a duplicated upper middle",
        (
            ("2019-04-20 10:00:00", "completed", 3.0),
            ("2020-12-30 22:00:00", "completed", 1.0),
            ("2021-01-02 10:00:00", "completed", 2.0),
            ("2021-01-03 10:00:00", "completed", 3.0),
        ),
    ),
    ("a single completed order", (("2021-11-11 11:11:11", "completed", 99.99),)),
)


def plant(conn: sqlite3.Connection) -> None:
    """Add the planted customers and their orders to a store connection."""
    next_customer = conn.execute("SELECT MAX(customer_id) FROM customers").fetchone()[0] + 1
    next_order = conn.execute("SELECT MAX(order_id) FROM orders").fetchone()[0] + 1
    for offset, (_label, orders) in enumerate(PLANTED):
        customer = next_customer + offset
        conn.execute(
            "INSERT INTO customers VALUES (?, ?, NULL, 'Springfield', 'consumer', '2018-06-01')",
            (customer, f"Planted Customer {offset + 1}"),
        )
        for ordered_at, status, amount in orders:
            conn.execute(
                "INSERT INTO orders VALUES (?, ?, ?, ?, ?)",
                (next_order, customer, ordered_at, status, amount),
            )
            next_order += 1
    conn.commit()


@functools.cache
def planted_databases() -> tuple[Database, ...]:
    """Two small store variants from the hidden seeds, each with the planted customers."""
    databases = []
    for number, index in enumerate((0, 1), start=1):
        conn = build_store(
            ":memory:", seed=context.hidden_seed(index), size="small", edge_cases=True
        )
        plant(conn)
        databases.append(Database(f"hidden database {number}", guarded(conn), hidden=True))
    return tuple(databases)


# ------------------------------------------------------------------ ML debugging data


def classification_data(
    seed: int, *, n: int, informative: int, noise: int, positive_rate: float, outliers: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``informative`` useful and ``noise`` useless features; y = 1 for about
    ``positive_rate`` of them. With ``outliers`` the columns have wildly different scales and
    a few extreme values, so scaling outside the folds changes the fitted models."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, informative + noise))
    logits = X[:, :informative] @ rng.normal(0.8, 0.3, size=informative) if informative else 0
    threshold = np.quantile(logits + rng.logistic(size=n), 1 - positive_rate)
    y = ((logits + rng.logistic(size=n)) > threshold).astype(int)
    if y.sum() < 10:  # keep both classes in every fold
        y[rng.choice(n, 10, replace=False)] = 1
    if outliers:
        X = X * rng.choice([0.01, 1.0, 100.0, 1e4], size=X.shape[1])
        rows = rng.choice(n, 3, replace=False)
        X[rows, : max(1, X.shape[1] // 3)] *= 40
    return np.round(X, 6), y
