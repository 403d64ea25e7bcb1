"""Hidden databases for ``top_growth_products`` (instructor-only, never released).

Each is a small store variant (from a hidden seed) cut off in the middle of a quarter, so
the "last quarter" moves (in the second one it lies in the previous year), with traps
planted around the top 10 by revenue growth:

- a product launched during the last quarter that sells a lot in it (no previous sales);
- big returned, cancelled and pending orders for products just outside the top 10;
- a big completed order at the last quarter's final second (hh:mm:ss = 23:59:59), one at
  the first second of the quarter after it (excluded), and one at the first second of the
  previous quarter (included, pulling a top product's growth down);
- two products tied exactly at 4th place and two tied at 10th place once growth is rounded
  to cents (the larger id paid a tenth of a cent more; all other sales are whole quarters of a
  dollar, so the ties do not depend on the summation order);
- a line of a top product priced a sixteenth of a cent over whole cents, so unrounded
  revenues differ from the rounded ones;
- in the first database, a pending order in the quarter after the cutoff's: that quarter is
  the current one, though the latest completed order lies in the quarter before.

Order ids are renumbered afterwards so they still follow ``ordered_at``.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

from autograder.data.store import build_store
from autograder.judges.sql import Database, guarded

QUARTERS = """
WITH latest AS (SELECT MAX(ordered_at) AS at FROM orders),
bounds AS (
    SELECT date(at, 'start of month',
                '-' || ((CAST(strftime('%m', at) AS INTEGER) - 1) % 3) || ' months') AS cur
    FROM latest
)
SELECT date(cur, '-6 months'), date(cur, '-3 months'), cur FROM bounds
"""


def _growth(conn: sqlite3.Connection, reference: str) -> pd.DataFrame:
    ranked = reference.replace("WHERE r.growth_rank <= 10", "")
    return pd.read_sql_query(ranked, conn)


def _add_order(conn, at: str, status: str, lines: list[tuple[int, int, int]]) -> None:
    """An order at ``at`` by a customer who had signed up; lines are (product, qty, cents)."""
    customer = conn.execute(
        "SELECT customer_id FROM customers WHERE signup_date <= date(?) "
        "ORDER BY (customer_id * 7919) % 1009 LIMIT 1",
        (at,),
    ).fetchone()[0]
    order_id = conn.execute("SELECT MAX(order_id) + 1 FROM orders").fetchone()[0]
    cents = sum(qty * price for _, qty, price in lines)
    amount = None if status == "pending" else cents / 100
    conn.execute(
        "INSERT INTO orders VALUES (?, ?, ?, ?, ?)", (order_id, customer, at, status, amount)
    )
    conn.executemany(
        "INSERT INTO order_items VALUES (?, ?, ?, ?)",
        [(order_id, product, qty, price / 100) for product, qty, price in lines],
    )


def _quarters(value: float) -> int:
    """A positive amount in cents that is a whole number of quarters of a dollar."""
    return max(25, int(round(value * 4)) * 25)


def _unsold(conn, previous_start: str, current_start: str, count: int) -> list[int]:
    """Products with no line in the two quarters; one launched later (so it never sold)
    is moved to launch a month before the previous quarter."""
    rows = conn.execute(
        """SELECT product_id, launched_on < ? FROM products
           WHERE product_id NOT IN (
               SELECT oi.product_id FROM order_items oi JOIN orders o USING (order_id)
               WHERE o.ordered_at >= ? AND o.ordered_at < ?)
             AND (launched_on < ? OR product_id NOT IN (SELECT product_id FROM order_items))
           ORDER BY launched_on < ? DESC, product_id DESC LIMIT ?""",
        (previous_start, previous_start, current_start, previous_start, previous_start, count),
    ).fetchall()
    if len(rows) < count:
        raise RuntimeError("not enough unsold products to plant a tie")  # pragma: no cover
    for product, early in rows:
        if not early:
            conn.execute(
                "UPDATE products SET launched_on = date(?, '-1 month') WHERE product_id = ?",
                (previous_start, product),
            )
    return [product for product, _ in rows]


def _plant_tie(
    conn, reference: str, rank: int, products: list[int], quarters, *, tenth_of_cent=False
) -> None:
    """Give ``products`` the same growth, strictly between the current ranks rank-1 and rank.
    With ``tenth_of_cent`` the one with the larger id also paid a tenth of a cent more in
    the last quarter: the two tie only once growth is rounded to cents."""
    previous_start, last_start, _ = quarters
    growth = _growth(conn, reference)["growth"].tolist()
    above, below = growth[rank - 2], growth[rank - 1]
    target = int(np.floor((above + below) / 2 * 4)) * 25  # cents, a whole quarter
    if not below * 100 < target < above * 100:
        raise RuntimeError("no room for a tie between neighbouring ranks")  # pragma: no cover
    first, second = products
    _add_order(conn, f"{last_start} 15:20:00", "completed", [(first, 1, target)])
    _add_order(conn, f"{previous_start} 11:05:00", "completed", [(second, 2, 2525)])
    _add_order(conn, f"{last_start} 16:45:00", "completed", [(second, 1, target + 5050)])
    if tenth_of_cent:  # to the larger id, so ranking unrounded drops the other than LIMIT 10
        _add_order(conn, f"{last_start} 17:10:00", "completed", [(max(products), 1, 0.1)])


def _renumber_orders(conn) -> None:
    conn.executescript(
        """
        CREATE TEMP TABLE renumber AS
            SELECT order_id AS old_id,
                   ROW_NUMBER() OVER (ORDER BY ordered_at, order_id) AS new_id
            FROM orders;
        UPDATE order_items SET order_id = -(SELECT new_id FROM renumber WHERE old_id = order_id);
        UPDATE orders SET order_id = -(SELECT new_id FROM renumber WHERE old_id = order_id);
        UPDATE order_items SET order_id = -order_id;
        UPDATE orders SET order_id = -order_id;
        DROP TABLE renumber;
        """
    )


def growth_database(
    seed: int, cutoff: str, reference: str, label: str, *, pending_quarter: bool = False
) -> Database:
    """``pending_quarter``: the latest order is a pending one in the quarter after the
    cutoff's, so that (nearly empty) quarter is the current one; the latest completed order
    would point at the quarter before. The completed order at the current quarter's first
    second is then left out (it would make the latest completed order current too)."""
    conn = build_store(":memory:", seed=seed, size="small", edge_cases=True)
    with conn:
        conn.execute(
            "DELETE FROM order_items WHERE order_id IN "
            "(SELECT order_id FROM orders WHERE ordered_at > ?)",
            (cutoff,),
        )
        conn.execute("DELETE FROM orders WHERE ordered_at > ?", (cutoff,))
        if pending_quarter:
            (_, _, cut_quarter) = conn.execute(QUARTERS).fetchone()
            late = conn.execute("SELECT date(?, '+3 months', '+1 day')", (cut_quarter,)).fetchone()[
                0
            ]
            product = conn.execute(
                "SELECT product_id FROM products WHERE launched_on <= ? ORDER BY product_id LIMIT 1",
                (late,),
            ).fetchone()[0]
            _add_order(conn, f"{late} 09:30:00", "pending", [(product, 2, 1999)])
        quarters = conn.execute(QUARTERS).fetchone()
        previous_start, last_start, current_start = quarters
        ranked = _growth(conn, reference)
        top = ranked["growth"].tolist()
        ids = ranked["product_id"].tolist()

        # a product launched in the last quarter that sells a lot there
        launched = conn.execute(
            "SELECT product_id FROM products WHERE launched_on > ? ORDER BY product_id LIMIT 1",
            (cutoff[:10],),
        ).fetchone()[0]
        conn.execute(
            "UPDATE products SET launched_on = date(?, '+20 days') WHERE product_id = ?",
            (last_start, launched),
        )
        _add_order(
            conn,
            f"{last_start[:8]}25 10:30:00",
            "completed",
            [(launched, 3, _quarters(top[0] / 2.5))],
        )
        # money that was not kept: returned, cancelled, pending
        for position, status in ((12, "returned"), (13, "cancelled"), (14, "pending")):
            _add_order(
                conn,
                f"{last_start[:8]}{10 + position} 13:00:00",
                status,
                [(ids[position], 1, _quarters(top[0] * 1.1))],
            )
        # the last second of the last quarter counts; the first of the next one does not
        end = conn.execute("SELECT datetime(?, '-1 second')", (current_start,)).fetchone()[0]
        _add_order(conn, end, "completed", [(ids[15], 1, _quarters(top[2] * 1.05))])
        if not pending_quarter:
            _add_order(
                conn,
                f"{current_start} 00:00:00",
                "completed",
                [(ids[16], 1, _quarters(top[0] * 1.2))],
            )
        # the first second of the previous quarter counts there: a top product falls back
        _add_order(
            conn, f"{previous_start} 00:00:00", "completed", [(ids[1], 1, _quarters(top[1] * 1.5))]
        )
        _plant_tie(conn, reference, 4, _unsold(conn, previous_start, current_start, 2), quarters)
        _plant_tie(
            conn,
            reference,
            10,
            _unsold(conn, previous_start, current_start, 2),
            quarters,
            tenth_of_cent=True,
        )
        # a top product paid a sixteenth of a cent over a whole cent: only rounded sums match
        _add_order(conn, f"{last_start[:8]}05 10:00:00", "completed", [(ids[0], 1, 306.25)])
        _renumber_orders(conn)
    return Database(label, guarded(conn), hidden=True)
