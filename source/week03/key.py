"""Week 3 — technical application: SQL under time pressure and integrated coding.

The instructor's key (never released). SQL answers are judged on the store database and on
hidden store variants with planted traps (data/README.md lists them); ``top_growth_products``
brings its own hidden databases (key_growth.py). The coding exercises count the operations
done on their inputs' elements, never time.
"""

from __future__ import annotations

import functools
import math
from collections import Counter

import numpy as np
import pandas as pd

from autograder.data.store import build_store
from autograder.exercises import context
from autograder.exercises.function import Case, FunctionExercise, Mistake, produces
from autograder.exercises.operations import OperationBudgetExercise
from autograder.exercises.sql import SqlExercise, SqlMistake

from .key_growth import growth_database

TITLE = "Technical application: SQL escalation and integrated coding"
TOPICS = (
    "revenue growth by quarter, cohort retention, funnels, date gaps, self-join dedupe, CASE "
    "pivots, log parsing, sessions, top-k and hashmaps by operation count, rolling revenue"
)

# ----------------------------------------------------------------------- top_growth_products

_TOP_GROWTH = """
WITH latest AS (SELECT MAX(ordered_at) AS at FROM orders),
bounds AS (
    SELECT date(at, 'start of month',
                '-' || ((CAST(strftime('%m', at) AS INTEGER) - 1) % 3) || ' months')
               AS current_start
    FROM latest
),
quarters AS (
    SELECT date(current_start, '-6 months') AS previous_start,
           date(current_start, '-3 months') AS last_start,
           current_start
    FROM bounds
),
sales AS (
    SELECT oi.product_id,
           SUM(CASE WHEN o.ordered_at < q.last_start
                    THEN oi.quantity * oi.unit_price ELSE 0 END) AS previous_revenue,
           SUM(CASE WHEN o.ordered_at >= q.last_start
                    THEN oi.quantity * oi.unit_price ELSE 0 END) AS last_revenue
    FROM order_items AS oi
    JOIN orders AS o ON o.order_id = oi.order_id
    CROSS JOIN quarters AS q
    WHERE o.status = 'completed'
      AND o.ordered_at >= q.previous_start AND o.ordered_at < q.current_start
    GROUP BY oi.product_id
),
ranked AS (
    SELECT product_id,
           ROUND(previous_revenue, 2) AS previous_revenue,
           ROUND(last_revenue, 2) AS last_revenue,
           ROUND(last_revenue - previous_revenue, 2) AS growth,
           RANK() OVER (ORDER BY ROUND(last_revenue - previous_revenue, 2) DESC) AS growth_rank
    FROM sales
)
SELECT r.product_id, p.name, r.previous_revenue, r.last_revenue, r.growth
FROM ranked AS r JOIN products AS p ON p.product_id = r.product_id
WHERE r.growth_rank <= 10
ORDER BY r.growth DESC, r.product_id
"""


@functools.cache
def _growth_databases():
    """Two stores cut off mid-quarter (mid-Q3 2021, and mid-Q1 2021 so the quarters cross a
    year), with the launch, returns, boundary and tie traps of key_growth.py."""
    seeds = (context.hidden_seed(0), context.hidden_seed(1))
    cutoffs = ("2021-08-17 12:00:00", "2021-02-11 09:00:00")
    return tuple(
        growth_database(seed, cutoff, _TOP_GROWTH, f"hidden database {number}")
        for number, (seed, cutoff) in enumerate(zip(seeds, cutoffs, strict=True), start=1)
    )


top_growth_products = SqlExercise(
    "top_growth_products",
    variable="TOP_GROWTH_SQL",
    reference=_TOP_GROWTH,
    ordered=True,
    order_note="order by growth from the largest, then by product_id",
    hidden_databases=_growth_databases,
    mistakes=(
        SqlMistake(
            "you kept exactly 10 rows (LIMIT 10?): products tied with the 10th all belong in "
            "the answer; rank with RANK() and keep rank <= 10",
            _TOP_GROWTH.replace("WHERE r.growth_rank <= 10\n", "").replace(
                "ORDER BY r.growth DESC, r.product_id",
                "ORDER BY r.growth DESC, r.product_id LIMIT 10",
            ),
        ),
        SqlMistake(
            "you counted orders that were not completed (returned, cancelled or pending); only "
            "completed orders bring revenue",
            _TOP_GROWTH.replace("WHERE o.status = 'completed'\n      AND ", "WHERE "),
        ),
        SqlMistake(
            "you used percent growth; growth here is last_revenue - previous_revenue in dollars",
            _TOP_GROWTH.replace(
                "RANK() OVER (ORDER BY ROUND(last_revenue - previous_revenue, 2) DESC)",
                "RANK() OVER (ORDER BY (last_revenue - previous_revenue) / NULLIF(previous_revenue, 0) DESC)",
            ),
        ),
        SqlMistake(
            "products with no sales in one of the two quarters are missing: a product that "
            "did not sell in a quarter has revenue 0 there (an inner join drops it)",
            _TOP_GROWTH.replace(
                "    GROUP BY oi.product_id\n),",
                "    GROUP BY oi.product_id\n    HAVING previous_revenue > 0 AND last_revenue > 0\n),",
            ),
        ),
        SqlMistake(
            "you compared the current quarter (the one holding the latest order) with the "
            "quarter before it; the last quarter is the complete one before the current quarter",
            _TOP_GROWTH.replace(
                "'-6 months') AS previous_start", "'-3 months') AS previous_start"
            ).replace(
                "'-3 months') AS last_start,\n           current_start",
                "'+0 months') AS last_start,\n           date(current_start, '+3 months') AS current_start",
            ),
        ),
        SqlMistake(
            "the rows are the right products but ties on growth are not ordered by product_id",
            _TOP_GROWTH.replace(
                "ORDER BY r.growth DESC, r.product_id", "ORDER BY r.growth DESC, r.product_id DESC"
            ),
        ),
    ),
    hints=(
        "First find the current quarter's first day from MAX(ordered_at): date(x, 'start of "
        "month', '-N months') with N = (month - 1) % 3. The last quarter starts 3 months "
        "before it, the previous one 6 months before it.",
        "Compute both quarters' revenue per product in one pass with SUM(CASE WHEN ... THEN "
        "quantity * unit_price ELSE 0 END); a product absent from one quarter then gets 0.",
        "Timestamps have a time of day: use ordered_at >= start AND ordered_at < next_start. "
        "Rank the rounded growth with RANK() so ties at 10th place are all kept.",
    ),
)

# -------------------------------------------------------------------------- cohort_retention

_COHORT = """
WITH RECURSIVE firsts AS (
    SELECT customer_id, MIN(ordered_at) AS first_at FROM orders GROUP BY customer_id
),
cohorts AS (
    SELECT customer_id, strftime('%Y-%m', first_at) AS cohort_month FROM firsts
    WHERE first_at >= '2021-01-01' AND first_at < '2022-01-01'
),
sizes AS (SELECT cohort_month, COUNT(*) AS cohort_size FROM cohorts GROUP BY cohort_month),
offsets(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM offsets WHERE n < 11),
grid AS (
    SELECT s.cohort_month, o.n AS months_since_first, s.cohort_size
    FROM sizes AS s JOIN offsets AS o
      ON o.n <= 12 - CAST(substr(s.cohort_month, 6, 2) AS INTEGER)
),
activity AS (
    SELECT DISTINCT c.cohort_month, c.customer_id,
           (CAST(strftime('%Y', o.ordered_at) AS INTEGER) - 2021) * 12
             + CAST(strftime('%m', o.ordered_at) AS INTEGER)
             - CAST(substr(c.cohort_month, 6, 2) AS INTEGER) AS months_since_first
    FROM cohorts AS c JOIN orders AS o ON o.customer_id = c.customer_id
)
SELECT g.cohort_month, g.months_since_first, g.cohort_size,
       COUNT(a.customer_id) AS active_customers,
       ROUND(1.0 * COUNT(a.customer_id) / g.cohort_size, 4) AS retention
FROM grid AS g
LEFT JOIN activity AS a
  ON a.cohort_month = g.cohort_month AND a.months_since_first = g.months_since_first
GROUP BY g.cohort_month, g.months_since_first, g.cohort_size
"""

cohort_retention = SqlExercise(
    "cohort_retention",
    variable="COHORT_RETENTION_SQL",
    reference=_COHORT,
    mistakes=(
        SqlMistake(
            "retention is 0 almost everywhere: integer division; multiply by 1.0 before dividing",
            _COHORT.replace(
                "ROUND(1.0 * COUNT(a.customer_id) / g.cohort_size, 4)",
                "ROUND(COUNT(a.customer_id) / g.cohort_size, 4)",
            ),
        ),
        SqlMistake(
            "cells where nobody came back are missing: list every month from 0 up to December "
            "2021 for each cohort, with 0 active customers and retention 0.0",
            _COHORT.replace("FROM grid AS g\nLEFT JOIN activity", "FROM grid AS g\nJOIN activity"),
        ),
        SqlMistake(
            "you counted orders, not customers: a customer with two orders in a month counts once",
            _COHORT.replace("SELECT DISTINCT c.cohort_month", "SELECT c.cohort_month"),
        ),
        SqlMistake(
            "a customer's cohort is the month of their first order ever, not their first order "
            "in 2021",
            _COHORT.replace(
                "SELECT customer_id, MIN(ordered_at) AS first_at FROM orders GROUP BY customer_id",
                "SELECT customer_id, MIN(ordered_at) AS first_at FROM orders "
                "WHERE ordered_at >= '2021-01-01' GROUP BY customer_id",
            ),
        ),
        SqlMistake(
            "you counted only completed orders; every order counts as activity, whatever its status",
            _COHORT.replace(
                "FROM orders GROUP BY customer_id",
                "FROM orders WHERE status = 'completed' GROUP BY customer_id",
            ).replace(
                "JOIN orders AS o ON o.customer_id = c.customer_id",
                "JOIN orders AS o ON o.customer_id = c.customer_id AND o.status = 'completed'",
            ),
        ),
    ),
    hints=(
        "Find each customer's first order ever (MIN(ordered_at)); keep customers whose first "
        "order falls in 2021; their cohort is that month.",
        "Months since the first order are calendar months: (year difference) * 12 + (month "
        "difference), not days divided by 30.",
        "Build the grid of cohort x month offsets first (a recursive CTE of 0..11), then LEFT "
        "JOIN the active customers to it so empty cells stay; divide with 1.0 * to avoid "
        "integer division.",
    ),
)

# ------------------------------------------------------------------------- conversion_funnel

_FUNNEL = """
WITH viewed AS (
    SELECT session_id, MIN(occurred_at) AS at FROM web_events
    WHERE event_type = 'view' GROUP BY session_id
),
carted AS (
    SELECT v.session_id, MIN(e.occurred_at) AS at FROM viewed AS v
    JOIN web_events AS e ON e.session_id = v.session_id
     AND e.event_type = 'cart' AND e.occurred_at > v.at
    GROUP BY v.session_id
),
checked_out AS (
    SELECT c.session_id, MIN(e.occurred_at) AS at FROM carted AS c
    JOIN web_events AS e ON e.session_id = c.session_id
     AND e.event_type = 'checkout' AND e.occurred_at > c.at
    GROUP BY c.session_id
),
purchased AS (
    SELECT k.session_id, MIN(e.occurred_at) AS at FROM checked_out AS k
    JOIN web_events AS e ON e.session_id = k.session_id
     AND e.event_type = 'purchase' AND e.occurred_at > k.at
    GROUP BY k.session_id
),
steps AS (
    SELECT 1 AS step_number, 'view' AS step, (SELECT COUNT(*) FROM viewed) AS sessions
    UNION ALL SELECT 2, 'cart', (SELECT COUNT(*) FROM carted)
    UNION ALL SELECT 3, 'checkout', (SELECT COUNT(*) FROM checked_out)
    UNION ALL SELECT 4, 'purchase', (SELECT COUNT(*) FROM purchased)
)
SELECT step, sessions,
       ROUND(1.0 * sessions / LAG(sessions, 1, sessions) OVER (ORDER BY step_number), 4)
           AS step_conversion,
       ROUND(1.0 * sessions / FIRST_VALUE(sessions) OVER (ORDER BY step_number), 4)
           AS overall_conversion
FROM steps
ORDER BY step_number
"""

_NAIVE_FUNNEL = """
WITH steps AS (
    SELECT 1 AS step_number, 'view' AS step,
           (SELECT COUNT(DISTINCT session_id) FROM web_events WHERE event_type = 'view') AS sessions
    UNION ALL SELECT 2, 'cart',
           (SELECT COUNT(DISTINCT session_id) FROM web_events WHERE event_type = 'cart')
    UNION ALL SELECT 3, 'checkout',
           (SELECT COUNT(DISTINCT session_id) FROM web_events WHERE event_type = 'checkout')
    UNION ALL SELECT 4, 'purchase',
           (SELECT COUNT(DISTINCT session_id) FROM web_events WHERE event_type = 'purchase')
)
SELECT step, sessions,
       ROUND(1.0 * sessions / LAG(sessions, 1, sessions) OVER (ORDER BY step_number), 4)
           AS step_conversion,
       ROUND(1.0 * sessions / FIRST_VALUE(sessions) OVER (ORDER BY step_number), 4)
           AS overall_conversion
FROM steps ORDER BY step_number
"""

_FIRST_TIMES_FUNNEL = """
WITH firsts AS (
    SELECT session_id,
           MIN(CASE WHEN event_type = 'view' THEN occurred_at END) AS v,
           MIN(CASE WHEN event_type = 'cart' THEN occurred_at END) AS c,
           MIN(CASE WHEN event_type = 'checkout' THEN occurred_at END) AS k,
           MIN(CASE WHEN event_type = 'purchase' THEN occurred_at END) AS p
    FROM web_events GROUP BY session_id
),
steps AS (
    SELECT 1 AS step_number, 'view' AS step, SUM(v IS NOT NULL) AS sessions FROM firsts
    UNION ALL SELECT 2, 'cart', SUM(v < c) FROM firsts
    UNION ALL SELECT 3, 'checkout', SUM(v < c AND c < k) FROM firsts
    UNION ALL SELECT 4, 'purchase', SUM(v < c AND c < k AND k < p) FROM firsts
)
SELECT step, sessions,
       ROUND(1.0 * sessions / LAG(sessions, 1, sessions) OVER (ORDER BY step_number), 4)
           AS step_conversion,
       ROUND(1.0 * sessions / FIRST_VALUE(sessions) OVER (ORDER BY step_number), 4)
           AS overall_conversion
FROM steps ORDER BY step_number
"""

conversion_funnel = SqlExercise(
    "conversion_funnel",
    variable="FUNNEL_SQL",
    reference=_FUNNEL,
    ordered=True,
    order_note="one row per step in funnel order: view, cart, checkout, purchase",
    mistakes=(
        SqlMistake(
            "you counted sessions that have each event anywhere; a session reaches a step only "
            "with that event after it reached the step before",
            _NAIVE_FUNNEL,
        ),
        SqlMistake(
            "you compared each step's first event only: a session whose first cart came before "
            "its first view can still add to cart later; look for a cart after the first view",
            _FIRST_TIMES_FUNNEL,
        ),
        SqlMistake(
            "you counted events, not sessions: repeated events in one session count once",
            _NAIVE_FUNNEL.replace("COUNT(DISTINCT session_id)", "COUNT(*)"),
        ),
        SqlMistake(
            "event ids follow arrival at the server, not time: order events by occurred_at",
            _FUNNEL.replace("MIN(occurred_at) AS at", "MIN(event_id) AS at")
            .replace("MIN(e.occurred_at) AS at", "MIN(e.event_id) AS at")
            .replace("e.occurred_at > ", "e.event_id > "),
        ),
    ),
    hints=(
        "Take each session's first view. Then its first cart strictly after that view, its "
        "first checkout after that cart, and its first purchase after that checkout (one CTE "
        "per step, each joined to the previous one).",
        "Count sessions, not events (a session can view or add to cart many times), and "
        "compare occurred_at, not event_id.",
        "LAG(sessions) OVER (ORDER BY step_number) gives the previous step's count; multiply "
        "by 1.0 before dividing.",
    ),
)

# ---------------------------------------------------------------------- repeat_purchase_gap

_REPEAT_GAP = """
WITH completed AS (
    SELECT o.customer_id, c.segment, o.ordered_at,
           LAG(o.ordered_at) OVER (
               PARTITION BY o.customer_id ORDER BY o.ordered_at, o.order_id
           ) AS previous_at
    FROM orders AS o JOIN customers AS c ON c.customer_id = o.customer_id
    WHERE o.status = 'completed'
)
SELECT segment,
       COUNT(DISTINCT customer_id) AS customers,
       COUNT(*) AS gaps,
       ROUND(AVG(julianday(ordered_at) - julianday(previous_at)), 2) AS mean_gap_days
FROM completed
WHERE previous_at IS NOT NULL
GROUP BY segment
"""

repeat_purchase_gap = SqlExercise(
    "repeat_purchase_gap",
    variable="REPEAT_GAP_SQL",
    reference=_REPEAT_GAP,
    mistakes=(
        SqlMistake(
            "you included orders that were not completed",
            _REPEAT_GAP.replace("    WHERE o.status = 'completed'\n", ""),
        ),
        SqlMistake(
            "gaps are in whole days: use julianday(later) - julianday(earlier) with the time of "
            "day, not date()",
            _REPEAT_GAP.replace(
                "julianday(ordered_at) - julianday(previous_at)",
                "julianday(date(ordered_at)) - julianday(date(previous_at))",
            ),
        ),
        SqlMistake(
            "you averaged each customer's mean gap; the mean is over all gaps of the segment",
            """
WITH completed AS (
    SELECT o.customer_id, c.segment, o.ordered_at,
           LAG(o.ordered_at) OVER (PARTITION BY o.customer_id ORDER BY o.ordered_at, o.order_id) AS previous_at
    FROM orders AS o JOIN customers AS c ON c.customer_id = o.customer_id
    WHERE o.status = 'completed'
), per_customer AS (
    SELECT segment, customer_id, COUNT(*) AS gaps,
           AVG(julianday(ordered_at) - julianday(previous_at)) AS mean_gap
    FROM completed WHERE previous_at IS NOT NULL GROUP BY segment, customer_id
)
SELECT segment, COUNT(*) AS customers, SUM(gaps) AS gaps, ROUND(AVG(mean_gap), 2) AS mean_gap_days
FROM per_customer GROUP BY segment
""",
        ),
        SqlMistake(
            "the previous order must be the same customer's: PARTITION BY customer_id",
            _REPEAT_GAP.replace("PARTITION BY o.customer_id ORDER BY", "ORDER BY"),
        ),
        SqlMistake(
            "two orders placed at the same second are still two orders: a gap of 0 days counts",
            _REPEAT_GAP.replace("WHERE previous_at IS NOT NULL", "WHERE previous_at < ordered_at"),
        ),
    ),
    hints=(
        "LAG(ordered_at) OVER (PARTITION BY customer_id ORDER BY ordered_at, order_id) gives "
        "each order the same customer's previous completed order.",
        "julianday(b) - julianday(a) is the gap in days with the fraction from the time of day.",
        "Drop the first order of each customer (no previous one), then aggregate the gaps per "
        "segment; customers counts customers with at least one gap.",
    ),
)

# ---------------------------------------------------------------------- duplicate_customers

_DUPLICATES = """
WITH typed AS (
    SELECT account_id, LOWER(TRIM(email)) AS email FROM accounts WHERE email IS NOT NULL
)
SELECT a.account_id, b.account_id AS duplicate_account_id, a.email
FROM typed AS a
JOIN typed AS b ON a.email = b.email AND a.account_id < b.account_id
"""

duplicate_customers = SqlExercise(
    "duplicate_customers",
    variable="DUPLICATES_SQL",
    reference=_DUPLICATES,
    mistakes=(
        SqlMistake(
            "each pair appears twice (or an account is paired with itself): keep a.account_id "
            "< b.account_id",
            _DUPLICATES.replace("a.account_id < b.account_id", "a.account_id <> b.account_id"),
        ),
        SqlMistake(
            "you matched emails exactly; compare them after TRIM and LOWER (people type "
            "capitals and stray spaces)",
            _DUPLICATES.replace("LOWER(TRIM(email)) AS email", "email"),
        ),
        SqlMistake(
            "you trimmed spaces but did not ignore case (LOWER)",
            _DUPLICATES.replace("LOWER(TRIM(email)) AS email", "TRIM(email) AS email"),
        ),
        SqlMistake(
            "you ignored case but did not trim spaces (TRIM)",
            _DUPLICATES.replace("LOWER(TRIM(email)) AS email", "LOWER(email) AS email"),
        ),
        SqlMistake(
            "you matched accounts without an email: NULL means unknown, never a match",
            _DUPLICATES.replace(
                "LOWER(TRIM(email)) AS email FROM accounts WHERE email IS NOT NULL",
                "COALESCE(LOWER(TRIM(email)), '') AS email FROM accounts",
            ),
        ),
        SqlMistake(
            "with three accounts for one email there are three pairs; you kept one per email",
            """
SELECT MIN(account_id) AS account_id, MAX(account_id) AS duplicate_account_id,
       LOWER(TRIM(email)) AS email
FROM accounts WHERE email IS NOT NULL
GROUP BY LOWER(TRIM(email)) HAVING COUNT(*) > 1
""",
        ),
    ),
    hints=(
        "Normalise first: LOWER(TRIM(email)) in a CTE, leaving out accounts without an email.",
        "Join the CTE to itself on the normalised email.",
        "a.account_id < b.account_id keeps each pair once and never pairs an account with "
        "itself; three accounts of one person give three pairs.",
    ),
)

# ---------------------------------------------------------------------------- segment_pivot

_PIVOT = """
SELECT p.category,
       ROUND(SUM(CASE WHEN c.segment = 'consumer' THEN oi.quantity * oi.unit_price ELSE 0 END), 2)
           AS consumer,
       ROUND(SUM(CASE WHEN c.segment = 'small_business' THEN oi.quantity * oi.unit_price ELSE 0 END), 2)
           AS small_business,
       ROUND(SUM(CASE WHEN c.segment = 'enterprise' THEN oi.quantity * oi.unit_price ELSE 0 END), 2)
           AS enterprise,
       ROUND(SUM(oi.quantity * oi.unit_price), 2) AS total
FROM order_items AS oi
JOIN orders AS o ON o.order_id = oi.order_id
JOIN customers AS c ON c.customer_id = o.customer_id
JOIN products AS p ON p.product_id = oi.product_id
WHERE o.status = 'completed' AND o.ordered_at >= '2021-01-01' AND o.ordered_at < '2022-01-01'
GROUP BY p.category
"""

segment_pivot = SqlExercise(
    "segment_pivot",
    variable="SEGMENT_PIVOT_SQL",
    reference=_PIVOT,
    mistakes=(
        SqlMistake(
            "a segment with no sales in a category shows NULL; it must show 0 (ELSE 0 inside "
            "the CASE, or COALESCE)",
            _PIVOT.replace(" ELSE 0 END", " END"),
        ),
        SqlMistake(
            "you counted orders that were not completed",
            _PIVOT.replace("WHERE o.status = 'completed' AND ", "WHERE "),
        ),
        SqlMistake(
            "your 2021 filter drops orders on 31 December after midnight; use ordered_at < '2022-01-01'",
            _PIVOT.replace("o.ordered_at < '2022-01-01'", "o.ordered_at <= '2021-12-31'"),
        ),
        SqlMistake(
            "revenue comes from the order lines (quantity * unit_price), not products.unit_price",
            _PIVOT.replace("oi.quantity * oi.unit_price", "oi.quantity * p.unit_price"),
        ),
    ),
    hints=(
        "One row per category: GROUP BY p.category after joining order_items, orders, "
        "customers and products.",
        "Each segment column is SUM(CASE WHEN c.segment = '...' THEN quantity * unit_price "
        "ELSE 0 END).",
        "Keep completed orders placed from '2021-01-01' up to (not including) '2022-01-01'.",
    ),
)

# --------------------------------------------------------------------------- parse_access_log


def _parse_log(lines, *, p95="nearest", strip_query=True, negative_ok=False, check_path=True):
    groups: dict[str, list[int]] = {}
    malformed = 0
    for line in lines:
        parts = line.split()
        if len(parts) != 5:
            malformed += 1
            continue
        _, _, path, status, latency = parts
        good_status = status.isdecimal() and 100 <= int(status) <= 599
        digits = latency[1:] if negative_ok and latency.startswith("-") else latency
        if not good_status or not digits.isdecimal() or (check_path and not path.startswith("/")):
            malformed += 1
            continue
        endpoint = path.split("?", 1)[0] if strip_query else path
        groups.setdefault(endpoint, []).append(int(latency))
    endpoints = {}
    for endpoint, latencies in groups.items():
        latencies = sorted(latencies)
        n = len(latencies)
        if p95 == "nearest":
            value = latencies[(95 * n + 99) // 100 - 1]
        elif p95 == "floor":
            value = latencies[min(n - 1, int(0.95 * n))]
        else:
            value = float(np.percentile(latencies, 95))
        endpoints[endpoint] = {"requests": n, "p95_ms": value}
    return {"endpoints": endpoints, "malformed": malformed}


def _reference_parse_log(lines):
    return _parse_log(lines)


_LOG_VISIBLE = [
    "2024-05-01T09:00:01 GET /products 200 35",
    "2024-05-01T09:00:02 GET /products?page=2 200 41",
    "2024-05-01T09:00:02 POST /cart 201 88",
    "2024-05-01T09:00:03 GET /products 200 29",
    "this line is not a request",
    "2024-05-01T09:00:04 GET /cart 500 1203",
    "2024-05-01T09:00:05 GET /products 200 abc",
    "",
    "2024-05-01T09:00:06 POST /cart 200 67",
]


def _latency_lines(endpoint: str, latencies: list[int], method: str = "GET") -> list[str]:
    return [
        f"2024-05-02T10:{i // 60:02d}:{i % 60:02d} {method} {endpoint} 200 {ms}"
        for i, ms in enumerate(latencies)
    ]


_TWENTY = [12, 15, 11, 19, 14, 13, 250, 17, 16, 12, 18, 15, 14, 300, 13, 16, 11, 12, 17, 15]


@functools.cache
def _log_hidden() -> tuple[Case, ...]:
    rng = np.random.default_rng(context.hidden_seed(2))
    endpoints = ["/api/orders", "/api/products", "/health", "/api/cart/items"]
    lines = []
    for i in range(600):
        endpoint = endpoints[int(rng.integers(len(endpoints)))]
        suffix = f"?id={int(rng.integers(1000))}" if rng.random() < 0.3 else ""
        method = ("GET", "POST", "DELETE")[int(rng.integers(3))]
        status = (200, 200, 200, 201, 404, 500)[int(rng.integers(6))]
        ms = int(rng.lognormal(3.5, 0.8))
        lines.append(
            f"2024-06-0{1 + i % 9}T12:{i % 60:02d}:00 {method} {endpoint}{suffix} {status} {ms}"
        )
    broken = [
        "2024-06-01T12:00:00 GET /api/orders 200",
        "2024-06-01T12:00:00 GET /api/orders 200 12 extra",
        "2024-06-01T12:00:00 GET /api/orders OK 12",
        "2024-06-01T12:00:00 GET /api/orders 200 12.5",
        "   ",
    ]
    for line in broken:
        lines.insert(int(rng.integers(len(lines))), line)
    return (
        Case((lines,), "600 requests with malformed lines among them"),
        Case(([],), "no lines at all"),
        Case((["garbage", "", "GET /x 200 5"],), "only malformed lines"),
        Case((_latency_lines("/search", list(range(1, 101))),), "100 requests: latencies 1..100"),
        Case((_latency_lines("/search", [40]),), "a single request"),
        Case(
            (_latency_lines("/a", [5, 9]) + ["2024-05-02T10:00:00 GET /a 200 -3"],),
            "a negative latency",
        ),
        Case(
            (_latency_lines("/a", [5]) + ["2024-05-02T10:00:00 GET a/b 200 7"],),
            "a path without a leading slash",
        ),
        Case(
            (
                [
                    "2024-05-02T10:00:00   GET   /tabs\t200\t8  ",
                    "2024-05-02T10:00:01 GET /tabs 200 9",
                ],
            ),
            "runs of spaces and tabs between fields",
        ),
        Case(
            (
                _latency_lines(
                    "/b", [7, 7, 7, 3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 99, 1]
                ),
            ),
            "21 requests",
        ),
    )


parse_access_log = FunctionExercise(
    "parse_access_log",
    name="parse_access_log",
    reference=_reference_parse_log,
    visible=(
        Case((_LOG_VISIBLE,)),
        Case((_latency_lines("/checkout", _TWENTY),)),
    ),
    hidden=_log_hidden,
    mistakes=(
        Mistake(
            "looks like numpy's interpolated percentile; p95_ms is the nearest-rank value, one "
            "of the observed latencies (an int)",
            produces(lambda lines: _parse_log(lines, p95="numpy")),
        ),
        Mistake(
            "looks like you took the value at position int(0.95 * n) (0-based); the nearest "
            "rank is position ceil(0.95 * n) counting from 1",
            produces(lambda lines: _parse_log(lines, p95="floor")),
        ),
        Mistake(
            "the query string is part of your endpoint; cut the path at '?'",
            produces(lambda lines: _parse_log(lines, strip_query=False)),
        ),
        Mistake(
            "a negative latency is malformed: latency must be a whole number >= 0",
            produces(lambda lines: _parse_log(lines, negative_ok=True)),
        ),
        Mistake(
            "a path must start with '/'; count such lines as malformed",
            produces(lambda lines: _parse_log(lines, check_path=False)),
        ),
    ),
    hints=(
        "Split each line with line.split() (any run of whitespace) and check you got exactly "
        "five fields before using them; wrap int() conversions in a check, not a crash.",
        "Group latencies per path with the query string removed (path.split('?')[0]).",
        "Nearest rank: sort the latencies and take the one at 1-based position ceil(0.95 * n), "
        "i.e. index (95 * n + 99) // 100 - 1 with integers only.",
    ),
)

# ------------------------------------------------------------------------------- sessionize

_GAP = 30 * 60


def _sessions(timestamps, *, inclusive=True, from_start=False, raise_unsorted=True, as_lists=False):
    sessions: list = []
    previous = None
    for t in timestamps:
        if previous is not None and t < previous:
            if raise_unsorted:
                raise ValueError("timestamps must be in time order")
        if sessions:
            start, end, count = sessions[-1]
            anchor = start if from_start else end
            gap = t - anchor
            if (gap <= _GAP) if inclusive else (gap < _GAP):
                sessions[-1] = (start, t, count + 1)
                previous = t
                continue
        sessions.append((t, t, 1))
        previous = t
    return [list(s) for s in sessions] if as_lists else sessions


def _reference_sessionize(timestamps):
    return _sessions(timestamps)


@functools.cache
def _session_hidden() -> tuple[Case, ...]:
    rng = np.random.default_rng(context.hidden_seed(3))
    gaps = rng.choice([5, 60, 600, 1799, 1800, 1801, 3600, 86_400], size=400)
    stamps = (1_700_000_000 + np.cumsum(gaps)).tolist()
    return (
        Case(([],), "no events"),
        Case(([1_600_000_000],), "one event"),
        Case(([0, 1800, 3600, 5400],), "gaps of exactly 30 minutes"),
        Case(([0, 1801],), "a gap of 30 minutes and 1 second"),
        Case(([100, 100, 100],), "events at the same second"),
        Case(([0, 1000, 2000, 3000, 4000, 5000, 6000],), "a long session of short gaps"),
        Case(([0, 10, 5],), "events out of order", raises=ValueError),
        Case((stamps,), "400 events with mixed gaps"),
    )


sessionize = FunctionExercise(
    "sessionize",
    name="sessionize",
    reference=_reference_sessionize,
    visible=(
        Case(([0, 300, 900, 4000, 4100, 9000],)),
        Case(([1_000, 2_800, 4_601],)),
        Case(([],)),
    ),
    hidden=_session_hidden,
    mistakes=(
        Mistake(
            "a gap of exactly 30 minutes keeps the session going: start a new one only when the "
            "gap is MORE than 30 minutes",
            produces(lambda t: _sessions(t, inclusive=False)),
        ),
        Mistake(
            "you measured the gap from the session's first event; measure it from the previous "
            "event",
            produces(lambda t: _sessions(t, from_start=True)),
        ),
        Mistake(
            "each session must be a tuple (start, end, events), not a list",
            produces(lambda t: _sessions(t, as_lists=True)),
        ),
    ),
    hints=(
        "Walk the timestamps once, remembering the current session's start, last timestamp "
        "and count.",
        "Compare each timestamp with the previous one: more than 1800 seconds apart starts a "
        "new session; exactly 1800 does not.",
        "Don't forget to close the last session, and raise ValueError when a timestamp is "
        "smaller than the one before it.",
    ),
)

# ---------------------------------------------------------------------------- top_k_frequent


def _top_k(items, k, *, tie="smaller"):
    if k < 0:
        raise ValueError("k must be >= 0")
    counts = Counter(items)
    if tie == "first":
        return [item for item, _ in counts.most_common(k)]
    if tie == "larger":
        return sorted(counts, key=lambda x: (counts[x], x), reverse=True)[:k]
    return sorted(counts, key=lambda x: (-counts[x], x))[:k]


def _reference_top_k(items, k):
    return _top_k(items, k)


def _top_k_budget(args) -> int:
    items, k = args
    distinct = len(set(items))
    return distinct * (2 * math.ceil(math.log2(k + 1)) + 3) + k if k > 0 else distinct


def _all_tied(distinct: int, seed: int, prefix: str = "w") -> list[str]:
    """Every item twice, shuffled: each frequency comparison falls through to the items."""
    words = [f"{prefix}{i:05d}" for i in range(distinct)] * 2
    order = np.random.default_rng(seed).permutation(len(words))
    return [words[i] for i in order]


@functools.cache
def _top_k_hidden() -> tuple[Case, ...]:
    rng = np.random.default_rng(context.hidden_seed(4))
    skewed = [int(x) for x in rng.zipf(1.6, size=3000) if x < 500]
    return (
        Case(([], 3), "no items"),
        Case((["a", "b"], 0), "k = 0"),
        Case((["x", "y", "x"], 5), "k larger than the number of distinct items"),
        Case((["b", "a", "c", "b", "c", "a"], 2), "a three-way tie"),
        Case((skewed, 7), "integers with a skewed distribution"),
        Case((["p", "q"], -1), "a negative k", raises=ValueError),
        Case((_all_tied(8000, int(rng.integers(1 << 30)), "id"), 3), "8000 items all tied, k = 3"),
        Case(
            (_all_tied(4000, int(rng.integers(1 << 30)), "sku"), 40), "4000 items all tied, k = 40"
        ),
    )


top_k_frequent = OperationBudgetExercise(
    "top_k_frequent",
    name="top_k_frequent",
    reference=_reference_top_k,
    budget=_top_k_budget,
    budget_note="keep only k candidates in a heap (heapq.nsmallest, or a size-k heap) "
    "instead of sorting every distinct item: O(n log k), not O(n log n)",
    counts=("comparisons",),
    visible=(
        Case((["apple", "kiwi", "apple", "fig", "kiwi", "apple", "plum"], 2)),
        Case((["a", "b", "b", "a", "c"], 1)),
        Case((["b", "a", "b", "a", "c"], 1)),
        Case((_all_tied(1200, 17), 1)),
    ),
    hidden=_top_k_hidden,
    mistakes=(
        Mistake(
            "ties are broken by first appearance (Counter.most_common keeps insertion order); "
            "break them by the smaller item",
            produces(lambda items, k: _top_k(items, k, tie="first")),
        ),
        Mistake(
            "on a tie you put the larger item first; the smaller item comes first",
            produces(lambda items, k: _top_k(items, k, tie="larger")),
        ),
    ),
    hints=(
        "Count with a dict or collections.Counter first: that part is O(n).",
        "You need only k winners: heapq.nsmallest(k, counts, key=...) keeps k candidates, so "
        "each of the d distinct items costs O(log k), not O(log d).",
        "Make the key (-count, item): the most frequent first, and among equal counts the "
        "smaller item first.",
    ),
)

# --------------------------------------------------------------------------- two_sum_indices


def _two_sum(nums, target, *, keep="first", outer="j"):
    if outer == "i":
        for i in range(len(nums)):
            for j in range(i + 1, len(nums)):
                if nums[i] + nums[j] == target:
                    return [i, j]
        return []
    seen: dict = {}
    for j, x in enumerate(nums):
        need = target - x
        if need in seen:
            return [seen[need], j]
        if keep == "last" or x not in seen:
            seen[x] = j
    return []


def _reference_two_sum(nums, target):
    return _two_sum(nums, target)


def _two_sum_stress(n: int, seed: int) -> tuple[list[int], int]:
    """n distinct even numbers, then two odd ones at the end: the only pair is the last."""
    rng = np.random.default_rng(seed)
    evens = (2 * rng.choice(10 * n, size=n - 2, replace=False) - 6 * n).tolist()
    return [*evens, 7, 10 * n + 1], 10 * n + 8


@functools.cache
def _two_sum_hidden() -> tuple[Case, ...]:
    seed = context.hidden_seed(5)
    return (
        Case(([], 5), "no numbers"),
        Case(([5], 10), "one number: it cannot pair with itself"),
        Case(([3, 3], 6), "two equal numbers"),
        Case(([4, 1, 4, 2], 8), "a number that would pair with itself"),
        Case(([1, 1, 5, 5], 6), "repeated values: smallest j, then smallest i"),
        Case(([-3, 7, 0, 4, -7], -3), "negative numbers"),
        Case(([2, 7, 11, 15], 100), "no pair"),
        Case(_two_sum_stress(600, seed), "600 numbers, the pair at the end"),
        Case(_two_sum_stress(5000, seed + 1), "5000 numbers, the pair at the end"),
    )


two_sum_indices = OperationBudgetExercise(
    "two_sum_indices",
    name="two_sum_indices",
    reference=_reference_two_sum,
    budget=lambda args: 5 * len(args[0]) + 5,
    budget_note="one pass with a dict from value to index does a few operations per number: "
    "O(n). Nested loops are O(n^2) and sorting is O(n log n)",
    counts=("comparisons", "equality", "arithmetic", "hashing"),
    elements_returned=False,
    visible=(
        Case(([2, 7, 11, 15], 9)),
        Case(([2, 7, 4, 1, 3], 5)),
        Case(([1, 3, 1, 4], 2)),
        Case(_two_sum_stress(400, 3)),
    ),
    hidden=_two_sum_hidden,
    mistakes=(
        Mistake(
            "on repeated values you kept the last index; keep the first index of each value "
            "(the smallest i)",
            produces(lambda nums, target: _two_sum(nums, target, keep="last")),
        ),
        Mistake(
            "you returned the pair with the smallest i; the rule is the smallest j first",
            produces(lambda nums, target: _two_sum(nums, target, outer="i")),
        ),
    ),
    hints=(
        "For each position j, the number that would complete a pair is target - nums[j].",
        "Keep a dict from value to the first index where you saw it; look the complement up "
        "before adding nums[j], so a number never pairs with itself.",
        "Return [i, j] as soon as you find one: scanning j upwards gives the smallest j.",
    ),
)

# --------------------------------------------------------------------------- rolling_revenue


def _rolling(orders, *, fill=True, min_periods=1, statuses=("completed",)):
    days = pd.to_datetime(orders["ordered_at"]).dt.normalize()
    kept = orders["status"].isin(statuses)
    daily = orders.loc[kept, "amount"].groupby(days[kept]).sum()
    calendar = pd.date_range(days.min(), days.max(), freq="D")
    daily = daily.reindex(
        calendar if fill else daily.index.union(calendar[[0, -1]]), fill_value=0.0
    )
    window = daily.rolling(7, min_periods=min_periods).sum()
    return pd.DataFrame(
        {
            "day": [d.strftime("%Y-%m-%d") for d in daily.index],
            "revenue": daily.to_numpy(dtype=float).round(2),
            "revenue_7d": window.to_numpy(dtype=float).round(2),
        }
    )


def _reference_rolling(orders):
    return _rolling(orders)


def _toy_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "customer_id": [4, 9, 4, 2, 7, 9, 3, 4, 5, 2],
            "ordered_at": [
                "2021-03-01 09:15:00", "2021-03-01 18:40:12", "2021-03-02 23:59:59",
                "2021-03-04 08:00:00", "2021-03-04 12:30:00", "2021-03-06 10:00:00",
                "2021-03-09 00:00:00", "2021-03-10 14:45:00", "2021-03-11 16:20:00",
                "2021-03-12 19:05:00",
            ],
            "status": [
                "completed", "completed", "completed", "returned", "completed", "completed",
                "completed", "pending", "completed", "cancelled",
            ],
            "amount": [25.5, 14.0, 80.25, 60.0, 12.75, 40.0, 33.1, np.nan, 18.9, 22.0],
        }
    )  # fmt: skip


@functools.cache
def _rolling_hidden() -> tuple[Case, ...]:
    conn = build_store(":memory:", seed=context.hidden_seed(0), size="small", edge_cases=True)
    try:
        store_orders = pd.read_sql_query(
            "SELECT * FROM orders WHERE ordered_at >= '2020-10-20' AND ordered_at < '2021-01-10' "
            "ORDER BY order_id",
            conn,
        )
    finally:
        conn.close()
    toy = _toy_orders()
    gap = toy.copy()
    gap.loc[6:, "ordered_at"] = gap.loc[6:, "ordered_at"].str.replace("2021-03-", "2021-04-")
    return (
        Case((store_orders,), "a hidden store's orders over eleven weeks"),
        Case((gap,), "three weeks without orders"),
        Case((toy.iloc[[0]].reset_index(drop=True),), "a single order"),
        Case((toy.iloc[[3, 7, 9]].reset_index(drop=True),), "no completed order at all"),
        Case((toy.iloc[::-1].reset_index(drop=True),), "orders not sorted by time"),
    )


rolling_revenue = FunctionExercise(
    "rolling_revenue",
    name="rolling_revenue",
    reference=_reference_rolling,
    visible=lambda: (Case((_toy_orders(),)),),
    hidden=_rolling_hidden,
    tol=1e-6,
    mistakes=(
        Mistake(
            "the first six days are NaN: use rolling(7, min_periods=1) so an early day sums "
            "the days it has",
            produces(lambda o: _rolling(o, min_periods=7)),
        ),
        Mistake(
            "days without revenue are missing, so your 7-row window spans more than 7 days: "
            "reindex to every calendar day with 0.0 first",
            produces(lambda o: _rolling(o, fill=False)),
        ),
        Mistake(
            "you counted orders that were not completed",
            produces(
                lambda o: _rolling(o, statuses=("completed", "returned", "cancelled", "pending"))
            ),
        ),
    ),
    hints=(
        "Keep completed orders, turn ordered_at into a day (pd.to_datetime(...).dt.normalize()) "
        "and sum amount per day.",
        "Reindex the daily totals to pd.date_range(first_day, last_day) with fill_value=0.0, "
        "where the range spans all orders, whatever their status.",
        "rolling(7, min_periods=1).sum() over the filled days is the 7-day total; round both "
        "columns to 2 decimals and format day with strftime('%Y-%m-%d').",
    ),
)

EXERCISES = (
    top_growth_products,
    cohort_retention,
    conversion_funnel,
    repeat_purchase_gap,
    duplicate_customers,
    segment_pivot,
    parse_access_log,
    sessionize,
    top_k_frequent,
    two_sum_indices,
    rolling_revenue,
)
