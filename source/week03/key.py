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
from autograder.exercises.prompt_rules import PromptRule
from autograder.exercises.sql import HIDDEN_VARIANTS, SqlExercise, SqlMistake
from autograder.judges.sql import Database, guarded

from .key_growth import growth_database

TITLE = "Technical application: SQL escalation and integrated coding"
TOPICS = (
    "revenue growth by quarter, cohort retention, funnels, date gaps, self-join dedupe, CASE "
    "pivots, log parsing, sessions, top-k and hashmaps by operation count, rolling revenue"
)

# The store variants with a few more traps for one exercise (its prompt states a rule the
# shared variants cannot bite on): built from the same hidden seeds, then ``plant`` runs.


def _variants_with(plant):
    @functools.cache
    def build() -> tuple[Database, ...]:
        databases = []
        seeds = context.hidden_seeds()[:HIDDEN_VARIANTS]
        for number, seed in enumerate(seeds, start=1):
            conn = build_store(":memory:", seed=seed, size="small", edge_cases=True)
            with conn:
                plant(conn)
            databases.append(Database(f"hidden database {number}", guarded(conn), hidden=True))
        return tuple(databases)

    return build


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
    """Two stores cut off mid-quarter (mid-Q3 2021, then a pending order in Q4 makes Q4
    current; and mid-Q1 2021 so the quarters cross a year), with the launch, returns,
    boundary, rounding and tie traps of key_growth.py."""
    seeds = (context.hidden_seed(0), context.hidden_seed(1))
    cutoffs = ("2021-08-17 12:00:00", "2021-02-11 09:00:00")
    return tuple(
        growth_database(
            seed, cutoff, _TOP_GROWTH, f"hidden database {number}", pending_quarter=number == 1
        )
        for number, (seed, cutoff) in enumerate(zip(seeds, cutoffs, strict=True), start=1)
    )


top_growth_products = SqlExercise(
    "top_growth_products",
    variable="TOP_GROWTH_SQL",
    reference=_TOP_GROWTH,
    ordered=True,
    order_note="order by growth from the largest, then by product_id",
    hidden_databases=_growth_databases,
    prompt_rules=(
        PromptRule(
            "do not write a date into your query",
            case="hidden database 2",
            bank="fail_hardcoded_2021_quarters",
        ),
        PromptRule(
            "the one containing the latest ordered_at in orders (any status)",
            case="hidden database 1",
            bank="fail_quarter_from_completed_orders",
        ),
        PromptRule(
            "The last quarter is the quarter just before the current one",
            case="hidden database 1",
            bank="fail_current_quarter_as_last",
        ),
        PromptRule(
            "Returned, cancelled and pending orders bring no revenue",
            case="hidden database 1",
            bank="fail_every_status",
        ),
        PromptRule(
            "up to and including its last day at 23:59:59",
            case="hidden database 1",
            bank="fail_between_last_day",
        ),
        PromptRule(
            "in dollars (not a percentage)", case="hidden database 1", bank="fail_percent_growth"
        ),
        PromptRule(
            "a product launched during the last quarter grows by its whole last-quarter revenue",
            case="hidden database 1",
            bank="fail_inner_join_of_quarters",
        ),
        PromptRule(
            "Round previous_revenue, last_revenue and growth to 2 decimals",
            case="hidden database 1",
            bank="fail_unrounded_revenues",
        ),
        PromptRule(
            "rank products by the rounded growth",
            case="hidden database 1",
            bank="fail_ranks_unrounded_growth",
        ),
        PromptRule("with RANK() semantics", case="hidden database 1", bank="fail_dense_rank"),
        PromptRule(
            "products tied with the 10th are all returned",
            case="hidden database 1",
            bank="fail_limit_10_cuts_tie",
        ),
        PromptRule(
            "ordered by growth from the largest, then by product_id",
            case="hidden database 1",
            bank="fail_ties_by_larger_id",
        ),
    ),
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
            "you ranked products by growth before rounding it; rank by the growth rounded to "
            "2 decimals, so products that tie in cents share a rank",
            _TOP_GROWTH.replace(
                "RANK() OVER (ORDER BY ROUND(last_revenue - previous_revenue, 2) DESC)",
                "RANK() OVER (ORDER BY last_revenue - previous_revenue DESC)",
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
    prompt_rules=(
        PromptRule(
            "first order ever",
            case="hidden database 1",
            bank="fail_first_order_in_2021",
        ),
        PromptRule(
            "(any status), keeping",
            case="hidden database 1",
            bank="fail_cohort_from_completed_orders",
        ),
        PromptRule(
            "keeping the cohorts whose first order falls in 2021",
            case="hidden database 1",
            bank="fail_first_orders_up_to_december_31",
        ),
        PromptRule(
            "every order counts as activity, whatever its status",
            case="hidden database 1",
            bank="fail_completed_orders_only",
        ),
        PromptRule(
            "up to the offset of December 2021",
            case="hidden database 1",
            bank="fail_twelve_months_per_cohort",
        ),
        PromptRule(
            "counted in calendar months",
            case="hidden database 1",
            bank="fail_months_as_days_over_30",
        ),
        PromptRule(
            "(each customer once)",
            case="hidden database 1",
            bank="fail_counts_orders",
        ),
        PromptRule(
            "active_customers / cohort_size as a decimal share",
            case="hidden database 1",
            bank="fail_integer_division",
        ),
        PromptRule(
            "rounded to 4 decimals",
            case="hidden database 1",
            bank="fail_retention_not_rounded",
        ),
        PromptRule(
            "A cell where nobody was active is still listed",
            case="hidden database 1",
            bank="fail_drops_empty_cells",
        ),
    ),
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


def _plant_same_second_cart(conn) -> None:
    """Two sessions whose first cart is logged at the very second of their view, then a
    checkout and a purchase: "after the first view" is strict, so they reach only view."""
    session, event = conn.execute(
        "SELECT MAX(session_id) + 1, MAX(event_id) + 1 FROM web_events"
    ).fetchone()
    rows = []
    for offset, day in enumerate(("2021-06-15", "2021-09-03")):
        for step, at in (("view", "12:00:00"), ("cart", "12:00:00"), ("checkout", "12:01:00"),
                         ("purchase", "12:02:00")):  # fmt: skip
            rows.append((event + len(rows), session + offset, step, 7, f"{day} {at}"))
    conn.executemany("INSERT INTO web_events VALUES (?, ?, ?, ?, ?)", rows)


# Session shapes the shared variants lack, each twice; what a correct query finds in brackets.
_FUNNEL_SHAPES = (
    # viewed again after the cart: the cart still follows the FIRST view (purchase)
    (("view", "10:00:00"), ("cart", "10:01:00"), ("view", "10:02:00"), ("checkout", "10:03:00"),
     ("purchase", "10:04:00")),
    # a checkout after an early cart (before any view) but before the cart that counts (cart)
    (("cart", "11:00:00"), ("view", "11:01:00"), ("checkout", "11:02:00"), ("cart", "11:03:00")),
    # a checkout at the very second of the counted cart is not after it (cart)
    (("view", "13:00:00"), ("cart", "13:01:00"), ("checkout", "13:01:00"),
     ("purchase", "13:02:00")),
    # a purchase at the very second of the checkout is not after it (checkout)
    (("view", "14:00:00"), ("cart", "14:01:00"), ("checkout", "14:02:00"),
     ("purchase", "14:02:00")),
)  # fmt: skip


def _plant_funnel_traps(conn) -> None:
    """The same-second cart above, then each of _FUNNEL_SHAPES on two days."""
    _plant_same_second_cart(conn)
    session, event = conn.execute(
        "SELECT MAX(session_id) + 1, MAX(event_id) + 1 FROM web_events"
    ).fetchone()
    rows = []
    for day in ("2021-05-11", "2021-10-20"):
        for shape in _FUNNEL_SHAPES:
            for step, at in shape:
                rows.append((event + len(rows), session, step, 7, f"{day} {at}"))
            session += 1
    conn.executemany("INSERT INTO web_events VALUES (?, ?, ?, ?, ?)", rows)


conversion_funnel = SqlExercise(
    "conversion_funnel",
    variable="FUNNEL_SQL",
    reference=_FUNNEL,
    ordered=True,
    order_note="one row per step in funnel order: view, cart, checkout, purchase",
    hidden_databases=_variants_with(_plant_funnel_traps),
    prompt_rules=(
        PromptRule(
            "a cart event that happened (by occurred_at) after the session's first view",
            case="hidden database 1",
            bank="fail_cart_at_the_view_second",
        ),
        PromptRule(
            "after the session's first view",
            case="hidden database 1",
            bank="fail_cart_after_last_view",
        ),
        PromptRule(
            "a cart before any view does not count",
            case="hidden database 1",
            bank="fail_first_times_only",
        ),
        PromptRule(
            "a session without a view reaches nothing",
            case="hidden database 1",
            bank="fail_every_session_views",
        ),
        PromptRule(
            "a checkout event after the first cart event that counted for the previous step",
            case="hidden database 1",
            bank="fail_checkout_after_view",
        ),
        PromptRule(
            "the first cart event that counted for the previous step",
            case="hidden database 1",
            bank="fail_checkout_after_first_cart_overall",
        ),
        PromptRule(
            "and purchase likewise after that checkout",
            case="hidden database 1",
            bank="fail_purchase_at_the_checkout_second",
        ),
        PromptRule(
            "a session reaches step k when its events contain the first k steps in order of time",
            case="hidden database 1",
            bank="fail_sessions_with_each_event",
        ),
        PromptRule(
            "Events can repeat",
            case="hidden database 1",
            bank="fail_counts_events",
        ),
        PromptRule(
            "never by event_id",
            case="hidden database 1",
            bank="fail_orders_by_event_id",
        ),
        PromptRule(
            "sessions divided by the previous step's sessions",
            case="hidden database 1",
            bank="fail_step_conversion_from_view",
        ),
        PromptRule(
            "1.0 for view",
            case="hidden database 1",
            bank="fail_null_step_conversion_for_view",
        ),
        PromptRule(
            "both rounded to 4 decimals",
            case="hidden database 1",
            bank="fail_not_rounded",
        ),
        PromptRule(
            "rows in funnel order",
            case="hidden database 1",
            bank="fail_steps_in_alphabetical_order",
        ),
    ),
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
    prompt_rules=(
        PromptRule(
            "take their completed orders in time order",
            case="hidden database 1",
            bank="fail_every_status",
        ),
        PromptRule(
            "since that customer's previous completed order",
            case="hidden database 1",
            bank="fail_no_partition",
        ),
        PromptRule(
            "with the fraction from the time of day",
            case="hidden database 1",
            bank="fail_whole_days",
        ),
        PromptRule(
            "two orders at the same second give a gap of 0, which counts",
            case="hidden database 1",
            bank="fail_drops_zero_gaps",
        ),
        PromptRule(
            "customers (customers with at least one gap)",
            case="hidden database 1",
            bank="fail_customers_without_gaps",
        ),
        PromptRule(
            "the mean over all gaps of the segment (not the mean of each customer's mean)",
            case="hidden database 1",
            bank="fail_mean_of_customer_means",
        ),
        PromptRule(
            "rounded to 2 decimals",
            case="hidden database 1",
            bank="fail_mean_not_rounded",
        ),
    ),
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


def _plant_email_traps(conn) -> None:
    """Different people whose emails differ only where LIKE's '_' matches any character, or
    by a space inside the email (TRIM removes only leading and trailing spaces)."""
    account = conn.execute("SELECT MAX(account_id) + 1 FROM accounts").fetchone()[0]
    rows = [
        ("Kim Lee", "kimxlee@example.com"),  # '_' in the later account's email
        ("Kim Lee", "kim_lee@example.com"),
        ("Ana Ruiz", "ana_ruiz@example.org"),  # '_' in the earlier account's email
        ("Ana Ruiz", "ana.ruiz@example.org"),
        ("Jo Ann Park", "jo ann@example.net"),
        ("Joann Park", " joann@example.net"),
    ]
    conn.executemany(
        "INSERT INTO accounts VALUES (?, ?, ?, '2021-06-01 10:00:00')",
        [(account + i, name, email) for i, (name, email) in enumerate(rows)],
    )


duplicate_customers = SqlExercise(
    "duplicate_customers",
    variable="DUPLICATES_SQL",
    reference=_DUPLICATES,
    hidden_databases=_variants_with(_plant_email_traps),
    prompt_rules=(
        PromptRule(
            "after removing leading and trailing spaces (TRIM)",
            case="hidden database 1",
            bank="fail_lower_without_trim",
        ),
        PromptRule(
            "removing leading and trailing spaces",
            case="hidden database 1",
            bank="fail_replace_every_space",
        ),
        PromptRule(
            "their emails are equal",
            case="hidden database 1",
            bank="fail_like_wildcards",
        ),
        PromptRule(
            "ignoring letter case (LOWER)",
            case="hidden database 1",
            bank="fail_trim_without_lower",
        ),
        PromptRule(
            "An account without an email (NULL) matches no other account",
            case="hidden database 1",
            bank="fail_null_emails_match",
        ),
        PromptRule(
            "Names do not matter",
            case="hidden database 1",
            bank="fail_same_name",
        ),
        PromptRule(
            "account_id (the smaller id)",
            case="hidden database 1",
            bank="fail_larger_id_first",
        ),
        PromptRule(
            "Each pair appears exactly once",
            case="hidden database 1",
            bank="fail_both_directions",
        ),
        PromptRule(
            "an account is never paired with itself",
            case="hidden database 1",
            bank="fail_pairs_with_itself",
        ),
        PromptRule(
            "email (the trimmed, lower-case email)",
            case="hidden database 1",
            bank="fail_email_as_typed",
        ),
        PromptRule(
            "a person with three accounts gives three pairs",
            case="hidden database 1",
            bank="fail_one_pair_per_email",
        ),
    ),
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


def _plant_pivot_traps(conn) -> None:
    """A category with products but no sale at all, and two completed 2021 lines of a single
    item paid with a fraction of a cent (after a percentage discount), the second in an order
    at 2021-12-31 23:59:59: only sums rounded to cents match, lines rounded one by one do not,
    and the year's last second belongs to 2021."""
    product = conn.execute("SELECT MAX(product_id) + 1 FROM products").fetchone()[0]
    conn.execute(
        "INSERT INTO products VALUES (?, 'Seed Starter Kit', 'garden', 24.99, '2021-03-01')",
        (product,),
    )
    order_id, item = conn.execute(
        "SELECT oi.order_id, oi.product_id FROM order_items AS oi JOIN orders AS o "
        "USING (order_id) WHERE o.status = 'completed' AND o.ordered_at >= '2021-05-01' "
        "AND oi.quantity = 1 ORDER BY oi.order_id, oi.product_id LIMIT 1"
    ).fetchone()
    conn.execute(
        "UPDATE order_items SET unit_price = unit_price + 0.004 "
        "WHERE order_id = ? AND product_id = ?",
        (order_id, item),
    )
    conn.execute("UPDATE orders SET amount = amount + 0.004 WHERE order_id = ?", (order_id,))
    # the same customer buys a product of the same category at 2021's last second, again
    # 0.004 over whole cents: rounding each line before summing loses a cent of that cell
    customer, category = conn.execute(
        "SELECT o.customer_id, p.category FROM orders AS o JOIN products AS p "
        "ON p.product_id = ? WHERE o.order_id = ?",
        (item, order_id),
    ).fetchone()
    other, price = conn.execute(
        "SELECT product_id, unit_price FROM products WHERE category = ? "
        "ORDER BY product_id DESC LIMIT 1",
        (category,),
    ).fetchone()
    last = conn.execute("SELECT MAX(order_id) + 1 FROM orders").fetchone()[0]
    conn.execute(
        "INSERT INTO orders VALUES (?, ?, '2021-12-31 23:59:59', 'completed', ?)",
        (last, customer, round(price + 0.004, 3)),
    )
    conn.execute(
        "INSERT INTO order_items VALUES (?, ?, 1, ?)", (last, other, round(price + 0.004, 3))
    )


segment_pivot = SqlExercise(
    "segment_pivot",
    variable="SEGMENT_PIVOT_SQL",
    reference=_PIVOT,
    hidden_databases=_variants_with(_plant_pivot_traps),
    prompt_rules=(
        PromptRule(
            "completed orders placed in 2021",
            case="hidden database 1",
            bank="fail_every_status",
        ),
        PromptRule(
            "from '2021-01-01 00:00:00'",
            case="hidden database 1",
            bank="fail_after_new_year_midnight",
        ),
        PromptRule(
            "to '2021-12-31 23:59:59'",
            case="hidden database 1",
            bank="fail_drops_december_31",
        ),
        PromptRule(
            "placed in 2021 (from '2021-01-01 00:00:00' to '2021-12-31 23:59:59')",
            case="hidden database 1",
            bank="fail_before_the_last_second",
        ),
        PromptRule(
            "quantity * unit_price over order_items",
            case="hidden database 1",
            bank="fail_list_price",
        ),
        PromptRule(
            "one row per category with at least one such sale",
            case="hidden database 1",
            bank="fail_every_category",
        ),
        PromptRule(
            "the columns category, consumer, small_business, enterprise (each segment's revenue)",
            case="hidden database 1",
            bank="fail_rows_per_segment",
        ),
        PromptRule(
            "A segment without sales in a category shows 0, not NULL",
            case="hidden database 1",
            bank="fail_null_for_no_sales",
        ),
        PromptRule(
            "each rounded to 2 decimals",
            case="hidden database 1",
            bank="fail_not_rounded",
        ),
        PromptRule(
            "Revenue is quantity * unit_price over order_items",
            case="hidden database 1",
            bank="fail_rounds_each_line",
        ),
    ),
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


def _number(text: str, digits: str) -> int | None:
    """The whole number ``text`` spells, or None. "ascii" is the prompt's rule (0-9 only);
    the others are what int() or str.isdecimal() would let through."""
    if digits == "int":
        try:
            return int(text)
        except ValueError:
            return None
    ok = text.isdecimal() if digits == "decimal" else text.isascii() and text.isdigit()
    return int(text) if ok else None


def _parse_log(
    lines,
    *,
    p95="nearest",
    strip_query=True,
    negative_ok=False,
    check_path=True,
    digits="ascii",
    statuses=(100, 599),
    min_latency=0,
):
    groups: dict[str, list[int]] = {}
    malformed = 0
    for line in lines:
        parts = line.split()
        if len(parts) != 5:
            malformed += 1
            continue
        _, _, path, status_text, latency_text = parts
        status = _number(status_text, digits)
        negative = negative_ok and latency_text.startswith("-")
        latency = _number(latency_text[1:] if negative else latency_text, digits)
        good = (
            status is not None
            and statuses[0] <= status <= statuses[1]
            and latency is not None
            and latency >= min_latency
            and (path.startswith("/") or not check_path)
        )
        if not good:
            malformed += 1
            continue
        endpoint = path.split("?", 1)[0] if strip_query else path
        groups.setdefault(endpoint, []).append(-latency if negative else latency)
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


def _requests(*fields: tuple[str, str, str, str]) -> list[str]:
    """Log lines from (method, path, status, latency) fields, one second apart."""
    return [
        f"2024-05-03T08:00:{i:02d} {method} {path} {status} {latency}"
        for i, (method, path, status, latency) in enumerate(fields)
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
    ok = ("GET", "/n", "200", "7")  # one well-formed request beside each trap
    # Each rule of the prompt has its own small case, so a failure names the rule it breaks;
    # the number traps sit in the status or the latency field, both "digits only".
    return (
        Case(([],), "no lines at all"),
        Case(
            (
                [
                    "garbage",
                    "",
                    "   ",
                    "GET /x 200 5",
                    "2024-05-02T10:00:00 GET /x 200 5 extra",
                    "2024-05-02T10:00:00 GET /x OK 5",
                    "2024-05-02T10:00:00 GET /x 200 abc",
                ],
            ),
            "only malformed lines",
        ),
        Case((_latency_lines("/search", [40]),), "a single request"),
        Case(
            (_requests(ok, ("GET", "a/b", "200", "7"), ("GET", "n", "200", "9")),),
            "a path without a leading slash",
        ),
        Case(
            (
                _requests(
                    ("GET", "/s?q=shoes", "200", "30"),
                    ("GET", "/s", "200", "20"),
                    ("GET", "/s?", "200", "25"),
                    ("GET", "/?ref=mail", "200", "5"),
                ),
            ),
            "query strings",
        ),
        Case(
            (_requests(("GET", "/s?q=a?b", "200", "30"), ("GET", "/s?x=1?y=2?z", "200", "31")),),
            "a query string holding a second '?'",
        ),
        Case(
            (
                _requests(
                    ("GET", "/Cart", "200", "11"),
                    ("GET", "/cart", "200", "12"),
                    ("GET", "/cart/", "200", "13"),
                    ("GET", "/cart#top", "200", "14"),
                    ("GET", "/cart//items", "200", "15"),
                ),
            ),
            "paths that differ by case, a trailing slash or a fragment",
        ),
        Case(
            (
                _requests(
                    ("GET", "/e", "404", "9"),
                    ("POST", "/e", "500", "10"),
                    ("DELETE", "/e", "301", "11"),
                    ("PATCH", "/e", "102", "12"),
                    ("get", "/e", "200", "13"),
                ),
            ),
            "error statuses and every method",
        ),
        Case(
            (_requests(ok, ("GET", "/b", "100", "8"), ("GET", "/b", "599", "9")),),
            "status codes 100 and 599 (on the bounds)",
        ),
        Case(
            (_requests(ok, ("GET", "/b", "99", "8"), ("GET", "/b", "600", "9")),),
            "status codes 99 and 600 (just outside the bounds)",
        ),
        Case(
            (_requests(ok, ("GET", "/z", "200", "0"), ("GET", "/z", "200", "4")),), "a latency of 0"
        ),
        Case(
            (_latency_lines("/a", [5, 9]) + ["2024-05-02T10:00:00 GET /a 200 -3"],),
            "a negative latency",
        ),
        Case(
            (
                _requests(
                    ok,
                    ("GET", "/p", "+200", "8"),
                    ("GET", "/p", "200", "+9"),
                    ("GET", "/p", "2_00", "10"),
                    ("GET", "/p", "200", "1_000"),
                ),
            ),
            "a plus sign or an underscore in a number",
        ),
        Case(
            (
                _requests(
                    ok,
                    ("GET", "/f", "200", "12.0"),
                    ("GET", "/f", "200", "1e3"),
                    ("GET", "/f", "200.0", "12"),
                ),
            ),
            "a decimal point or an exponent",
        ),
        Case(
            (
                _requests(
                    ok,
                    ("GET", "/u", "200", "2\u00b2"),
                    ("GET", "/u", "200", "\u00bd"),
                    ("GET", "/u", "\u00b2\u2070\u2070", "5"),
                ),
            ),
            "superscripts and fractions",
        ),
        Case(
            (
                _requests(
                    ok,
                    ("GET", "/d", "\u0662\u0660\u0660", "8"),
                    ("GET", "/d", "200", "\uff15"),
                    ("GET", "/d", "200", "\u09e9\u09e6"),
                ),
            ),
            "digits of other scripts",
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
        Case((_latency_lines("/search", list(range(1, 101))),), "100 requests: latencies 1..100"),
        Case(
            (
                _latency_lines(
                    "/b", [7, 7, 7, 3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 99, 1]
                ),
            ),
            "21 requests",
        ),
        # 0.95 * 15 = 14.25: rounding the rank, or numpy's "nearest" method, takes the 14th
        Case(
            (_latency_lines("/r", [31, 8, 77, 15, 42, 23, 90, 4, 61, 19, 55, 36, 12, 70, 28]),),
            "15 requests",
        ),
        Case((lines,), "600 requests with malformed lines among them"),
        Case(
            (
                [
                    "yesterday GET /t 200 5",
                    "2024-13-45T25:61:00 GET /t 200 6",
                    "2024-05-02T10:00:00 GET /t 200 7",
                ],
            ),
            "timestamps that are not dates",
        ),
        Case(
            (_requests(ok, ("GET", "/z", "200", "007"), ("GET", "/z", "200", "00")),),
            "latencies with leading zeros",
        ),
        Case(  # "0200" is digits only and 200: well-formed; "0099" is 99 and "0600" 600
            (
                _requests(
                    ok,
                    ("GET", "/s", "0200", "4"),
                    ("GET", "/s", "0099", "4"),
                    ("GET", "/s", "0600", "4"),
                ),
            ),
            "statuses with leading zeros",
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
    prompt_rules=(
        PromptRule(
            "line.split() gives exactly 5 fields",
            case="hidden case 2 (only malformed lines)",
            bank="fail_ignores_extra_fields",
        ),
        PromptRule(
            "The timestamp and the method are not checked",
            case="hidden case 22 (timestamps that are not dates)",
            bank="fail_checks_timestamp",
        ),
        PromptRule(
            "one or more of the ASCII characters 0 to 9 and nothing else",
            case="hidden case 23 (latencies with leading zeros)",
            bank="fail_latency_without_leading_zeros",
        ),
        PromptRule(
            "both written with **digits only**",
            case="hidden case 24 (statuses with leading zeros)",
            bank="fail_status_exactly_three_digits",
        ),
        PromptRule(
            "Every other line (including an empty one) is malformed: count it in m and skip "
            "it; never raise",
            case="hidden case 2 (only malformed lines)",
            bank="fail_crashes_on_bad_latency",
        ),
        PromptRule(
            "the path starts with /",
            case="hidden case 4 (a path without a leading slash)",
            bank="fail_no_path_check",
        ),
        PromptRule(
            "the status is a whole number from 100 to 599 (both included)",
            case="hidden case 9 (status codes 100 and 599 (on the bounds))",
            bank="fail_status_bounds_exclusive",
        ),
        PromptRule(
            "from 100 to 599",
            case="hidden case 10 (status codes 99 and 600 (just outside the bounds))",
            bank="fail_status_up_to_600",
        ),
        PromptRule(
            "the latency a whole number >= 0 (so 0 is fine)",
            case="hidden case 11 (a latency of 0)",
            bank="fail_latency_must_be_positive",
        ),
        PromptRule(
            "a sign (-3, +5)",
            case="hidden case 12 (a negative latency)",
            bank="fail_accepts_negative_latency",
        ),
        PromptRule(
            "an underscore (1_000)",
            case="hidden case 13 (a plus sign or an underscore in a number)",
            bank="fail_int_decides_digits",
        ),
        PromptRule(
            "a decimal point or an exponent (12.5, 1e3)",
            case="hidden case 14 (a decimal point or an exponent)",
            bank="fail_float_is_integer",
        ),
        PromptRule(
            "superscripts and fractions (², ½)",
            case="hidden case 15 (superscripts and fractions)",
            bank="fail_isdigit_then_int",
        ),
        PromptRule(
            "digits of other scripts (٣, ５)",
            case="hidden case 16 (digits of other scripts)",
            bank="fail_regex_unicode_digits",
        ),
        PromptRule(
            "the path with its query string removed",
            case="hidden case 5 (query strings)",
            bank="fail_keeps_query_string",
        ),
        PromptRule(
            "everything from the first ?",
            case="hidden case 6 (a query string holding a second '?')",
            bank="fail_cuts_at_last_question_mark",
        ),
        PromptRule(
            "nothing else is normalised",
            case="hidden case 7 (paths that differ by case, a trailing slash or a fragment)",
            bank="fail_urlsplit_path",
        ),
        PromptRule(
            "Requests of every status and method count",
            case="hidden case 8 (error statuses and every method)",
            bank="fail_only_success_statuses",
        ),
        PromptRule(
            "the nearest-rank 95th percentile",
            case="hidden case 3 (a single request)",
            bank="fail_numpy_percentile",
        ),
        PromptRule(
            "take the value at 1-based position ceil(0.95 * n)",
            case="hidden case 18 (100 requests: latencies 1..100)",
            bank="fail_index_int_095n",
        ),
        PromptRule("ceil(0.95 * n)", case="hidden case 20 (15 requests)", bank="fail_rounds_rank"),
        PromptRule(
            "It is one of the observed latencies, an int",
            case="hidden case 3 (a single request)",
            bank="fail_numpy_int_latency",
        ),
        PromptRule(
            'With no well-formed line, "endpoints" is {}',
            case="hidden case 1 (no lines at all)",
            bank="fail_pandas_empty_log",
        ),
    ),
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
        # Other scripts' digits pass int(), str.isdecimal() and the regex \\d alike, so
        # that message names what was accepted, not which tool accepted it.
        Mistake(
            "digits of another script were accepted as a number; digits only means the ASCII "
            "characters 0-9 (int(), str.isdigit(), str.isdecimal() and the regex \\d all "
            "accept them)",
            produces(lambda lines: _parse_log(lines, digits="decimal")),
        ),
        Mistake(
            "a sign or an underscore was accepted as part of a number, as int() accepts them; "
            "digits only means the ASCII characters 0-9",
            produces(lambda lines: _parse_log(lines, digits="int")),
        ),
        Mistake(
            "statuses 100 and 599 are well-formed: the range includes both ends",
            produces(lambda lines: _parse_log(lines, statuses=(101, 598))),
        ),
        Mistake(
            "a status of 600 is malformed: the range ends at 599",
            produces(lambda lines: _parse_log(lines, statuses=(100, 600))),
        ),
        Mistake(
            "a latency of 0 is well-formed (>= 0)",
            produces(lambda lines: _parse_log(lines, min_latency=1)),
        ),
    ),
    hints=(
        "Split each line with line.split() (any run of whitespace) and check you got exactly "
        "five fields before using them. Check a number's text before converting it, and never "
        "let a bad line raise.",
        "int(), str.isdigit(), str.isdecimal() and the regex \\d all accept characters that "
        "are not the ASCII digits 0-9 (a sign, '1_000', '²', '٣'); text.isascii() and "
        "text.isdigit() together, or re.fullmatch('[0-9]+', text), accept only them.",
        "Group latencies per path with the query string removed (path.split('?')[0]). "
        "Nearest rank: sort the latencies and take the one at 1-based position "
        "ceil(0.95 * n), i.e. index (95 * n + 99) // 100 - 1 with integers only.",
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
    prompt_rules=(
        PromptRule(
            "a new session starts when an event comes more than 30 minutes (1800 seconds) "
            "after the previous event",
            case="hidden case 4 (a gap of 30 minutes and 1 second)",
            bank="fail_gap_in_whole_minutes",
        ),
        PromptRule(
            "a gap of exactly 1800 seconds stays in the same session",
            case="hidden case 3 (gaps of exactly 30 minutes)",
            bank="fail_gap_of_exactly_30_minutes_splits",
        ),
        PromptRule(
            "after the previous event",
            case="hidden case 3 (gaps of exactly 30 minutes)",
            bank="fail_gap_from_session_start",
        ),
        PromptRule(
            "one tuple (start, end, events) per session",
            case="hidden case 2 (one event)",
            bank="fail_lists_not_tuples",
        ),
        PromptRule("(all int)", case="hidden case 2 (one event)", bank="fail_numpy_split_points"),
        PromptRule(
            "in time order: its first timestamp",
            case="hidden case 4 (a gap of 30 minutes and 1 second)",
            bank="fail_sessions_latest_first",
        ),
        PromptRule(
            "Events at the same second belong to the same session",
            case="hidden case 5 (events at the same second)",
            bank="fail_raises_on_equal_times",
        ),
        PromptRule(
            "An empty list gives []",
            case="hidden case 1 (no events)",
            bank="fail_indexes_first_event",
        ),
        PromptRule(
            "If a timestamp is smaller than the one before it, raise ValueError",
            case="hidden case 7 (events out of order)",
            bank="fail_sorts_instead_of_raising",
        ),
    ),
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
        Case((["b", "c", "a", "c", "b", "c"], 3), "different counts, no ties"),
        Case((["b", "a", "c", "b", "c", "a"], 2), "a three-way tie"),
        # c, b and a tie for 2nd place; c and b appear first, a is the smallest
        Case(
            (["d", "c", "b", "d", "a", "c", "b", "a", "e", "d"], 2), "a tie across the k-th place"
        ),
        # 9 < 10 < 100 as numbers, but '10' < '100' < '9' as text
        Case(([10, 9, 100, 10, 9, 100, 7], 2), "tied integers of different lengths"),
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
    prompt_rules=(
        PromptRule(
            "most frequent first",
            case="hidden case 3 (k larger than the number of distinct items)",
            bank="fail_heap_order_not_reversed",
        ),
        PromptRule(
            "Items that occur equally often are ordered by the item itself, smaller first",
            case="hidden case 5 (a three-way tie)",
            bank="fail_nlargest_larger_item_first",
        ),
        PromptRule(
            "returns a list of the k most frequent items",
            case="hidden case 6 (a tie across the k-th place)",
            bank="fail_most_common_then_sorted",
        ),
        PromptRule(
            "items are comparable: strings, or numbers",
            case="hidden case 7 (tied integers of different lengths)",
            bank="fail_ties_by_str",
        ),
        PromptRule(
            "If there are fewer than k distinct items, return them all",
            case="hidden case 1 (no items)",
            bank="fail_pops_k_times",
        ),
        PromptRule("k = 0 gives []", case="hidden case 2 (k = 0)", bank="fail_size_k_heap_k_zero"),
        PromptRule(
            "a negative k raises ValueError",
            case="hidden case 9 (a negative k)",
            bank="fail_no_negative_check",
        ),
        PromptRule(
            "your function may make at most d * (2 * ceil(log2(k + 1)) + 3) + k such comparisons",
            case="hidden case 10 (8000 items all tied, k = 3)",
            bank="fail_full_sort",
        ),
        PromptRule(
            "Your function must run in O(n log k)",
            case="hidden case 11 (4000 items all tied, k = 40)",
            bank="fail_k_selection_passes",
        ),
        PromptRule(
            "Return the items themselves (not counts",
            case="hidden case 3 (k larger than the number of distinct items)",
            bank="fail_returns_pairs",
        ),
        PromptRule(
            "not copies made with str()",
            case="hidden case 7 (tied integers of different lengths)",
            bank="fail_str_copies",
        ),
    ),
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


def _two_sum(nums, target, *, keep="first", outer="j", self_ok=False):
    if outer == "i":
        for i in range(len(nums)):
            for j in range(i + 1, len(nums)):
                if nums[i] + nums[j] == target:
                    return [i, j]
        return []
    seen: dict = {}
    for j, x in enumerate(nums):
        if self_ok and x not in seen:
            seen[x] = j
        need = target - x
        if need in seen:
            return [seen[need], j]
        if keep == "last" or x not in seen:
            seen[x] = j
    return []


def _reference_two_sum(nums, target):
    return _two_sum(nums, target)


def _two_sum_stress(n: int, seed: int) -> tuple[list[int], int]:
    """n - 2 distinct even numbers, then two odd ones at the end that make a pair (evens
    may pair among themselves too: the smallest j wins)."""
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
        # (0, 4) has the smaller i, (2, 3) the smaller j
        Case(([3, 9, 6, 2, 5, 1], 8), "two pairs: the one with the smaller j starts later"),
        Case(_two_sum_stress(600, seed), "600 numbers"),
        Case(_two_sum_stress(5000, seed + 1), "5000 numbers"),
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
    prompt_rules=(
        PromptRule(
            "returns [i, j] with i < j",
            case="hidden case 3 (two equal numbers)",
            bank="fail_returns_j_first",
        ),
        PromptRule(
            "a number cannot be paired with itself",
            case="hidden case 2 (one number: it cannot pair with itself)",
            bank="fail_pairs_with_itself",
        ),
        PromptRule(
            "the smallest j",
            case="hidden case 8 (two pairs: the one with the smaller j starts later)",
            bank="fail_smallest_i_first",
        ),
        PromptRule(
            "for that j the smallest i",
            case="hidden case 5 (repeated values: smallest j, then smallest i)",
            bank="fail_last_index_kept",
        ),
        PromptRule(
            "If no pair exists, return []",
            case="hidden case 1 (no numbers)",
            bank="fail_returns_none_without_pair",
        ),
        PromptRule(
            "The result is a list of two int indices",
            case="hidden case 3 (two equal numbers)",
            bank="fail_returns_tuple",
        ),
        PromptRule(
            "(positions, not the numbers)",
            case="hidden case 3 (two equal numbers)",
            bank="fail_returns_numbers",
        ),
        PromptRule(
            "you may make at most 5 * n + 5 such operations",
            case="hidden case 9 (600 numbers)",
            bank="fail_nested_loops",
        ),
        PromptRule(
            "sorting (O(n log n)) fail",
            case="hidden case 9 (600 numbers)",
            bank="fail_sort_then_binary_search",
        ),
    ),
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
        Mistake(
            "you paired a number with itself (i == j): look the complement up before storing "
            "the number",
            produces(lambda nums, target: _two_sum(nums, target, self_ok=True)),
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
    ends = toy.copy()
    ends.loc[0, "status"] = "returned"  # the last order (12 March) is cancelled already
    # each order a few hundredths of a cent over a whole cent: unrounded sums show it, while
    # rounding each day before or after the 7-day sum gives the same cents
    fractional = toy.copy()
    fractional["amount"] = fractional["amount"] + 0.0003
    return (
        Case((store_orders,), "a hidden store's orders over eleven weeks"),
        Case((gap,), "three weeks without orders"),
        Case((toy.iloc[[0]].reset_index(drop=True),), "a single order"),
        Case((toy.iloc[[3, 7, 9]].reset_index(drop=True),), "no completed order at all"),
        Case((toy.iloc[::-1].reset_index(drop=True),), "orders not sorted by time"),
        Case((ends,), "the first and the last order not completed"),
        Case((fractional,), "amounts with more than two decimals"),
    )


rolling_revenue = FunctionExercise(
    "rolling_revenue",
    name="rolling_revenue",
    reference=_reference_rolling,
    visible=lambda: (Case((_toy_orders(),)),),
    hidden=_rolling_hidden,
    tol=1e-6,
    prompt_rules=(
        PromptRule(
            "orders of any status set this range",
            case="hidden case 2 (three weeks without orders)",
            bank="fail_range_from_completed_days",
        ),
        PromptRule(
            "rows in any order",
            case="hidden case 5 (orders not sorted by time)",
            bank="fail_range_from_first_and_last_rows",
        ),
        PromptRule(
            "one row per calendar day",
            case="hidden case 1 (a hidden store's orders over eleven weeks)",
            bank="fail_rows_not_days",
        ),
        PromptRule(
            "in date order",
            case="hidden case 1 (a hidden store's orders over eleven weeks)",
            bank="fail_missing_days_appended",
        ),
        PromptRule(
            "with a fresh RangeIndex",
            case="hidden case 1 (a hidden store's orders over eleven weeks)",
            bank="fail_day_index",
        ),
        PromptRule(
            "exactly these columns",
            case="hidden case 1 (a hidden store's orders over eleven weeks)",
            bank="fail_extra_column",
        ),
        PromptRule(
            "the date as text 'YYYY-MM-DD'",
            case="hidden case 1 (a hidden store's orders over eleven weeks)",
            bank="fail_datetime_day_column",
        ),
        PromptRule(
            "the sum of amount over that day's completed orders",
            case="hidden case 1 (a hidden store's orders over eleven weeks)",
            bank="fail_every_status",
        ),
        PromptRule(
            "0.0 on a day without any",
            case="hidden case 1 (a hidden store's orders over eleven weeks)",
            bank="fail_nan_on_days_without_orders",
        ),
        PromptRule(
            "the sum of revenue over that day and the 6 days before it",
            case="hidden case 1 (a hidden store's orders over eleven weeks)",
            bank="fail_seven_sale_days",
        ),
        PromptRule(
            "the first rows are partial sums, never NaN",
            case="hidden case 1 (a hidden store's orders over eleven weeks)",
            bank="fail_nan_first_days",
        ),
        PromptRule(
            "Round both number columns to 2 decimals",
            case="hidden case 7 (amounts with more than two decimals)",
            bank="fail_not_rounded",
        ),
        PromptRule(
            "must not change them",
            case="changed its input",
            bank="fail_mutates_input",
        ),
    ),
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
