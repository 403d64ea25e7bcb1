"""Week-3 rules the answer bank does not cover on its own: every planted trap is caught.

For each trap a hidden database (or hidden case) plants, one bank answer that gets exactly
that thing wrong must fail the hidden check; several of them pass the visible check, which
is why the hidden data exists. The top-growth databases are checked for their shape too.
"""

from __future__ import annotations

import pandas as pd
import pytest

from autograder.judges import CheckFailed
from tests.course import answer_banks
from tests.keys import key

week01 = key("week01")
week03 = key("week03")

# (week, answer cell, bank answer, trap it falls into, passes the visible check too)
TRAPS = [
    (
        "week03",
        "top_growth_products",
        "fail_hardcoded_2021_quarters",
        "a database ending mid-quarter",
        True,
    ),
    (
        "week03",
        "top_growth_products",
        "fail_inner_join_of_quarters",
        "a product launched in the last quarter",
        True,
    ),
    ("week03", "top_growth_products", "fail_limit_10_cuts_tie", "a tie at 10th place", True),
    ("week03", "top_growth_products", "fail_dense_rank", "a tie above 10th place", True),
    (
        "week03",
        "top_growth_products",
        "fail_between_last_day",
        "an order at 23:59:59 on the quarter's last day",
        False,
    ),
    (
        "week03",
        "top_growth_products",
        "fail_every_status",
        "returned, cancelled and pending orders",
        False,
    ),
    (
        "week03",
        "cohort_retention",
        "fail_drops_empty_cells",
        "cohort cells without activity",
        False,
    ),
    (
        "week03",
        "cohort_retention",
        "fail_months_as_days_over_30",
        "a first order at 23:59:59 on 30 June",
        False,
    ),
    ("week03", "cohort_retention", "fail_completed_orders_only", "activity of every status", False),
    ("week03", "conversion_funnel", "fail_first_times_only", "a cart before the first view", False),
    ("week03", "conversion_funnel", "fail_counts_events", "repeated events", False),
    (
        "week03",
        "conversion_funnel",
        "fail_orders_by_event_id",
        "event ids that lag occurred_at",
        False,
    ),
    (
        "week03",
        "repeat_purchase_gap",
        "fail_drops_zero_gaps",
        "two orders at the same second",
        False,
    ),
    ("week03", "repeat_purchase_gap", "fail_every_status", "returned and cancelled orders", False),
    ("week03", "duplicate_customers", "fail_null_emails_match", "accounts without an email", False),
    (
        "week03",
        "duplicate_customers",
        "fail_one_pair_per_email",
        "a person with three accounts",
        False,
    ),
    ("week03", "duplicate_customers", "fail_lower_without_trim", "emails with stray spaces", False),
    (
        "week03",
        "segment_pivot",
        "fail_null_for_no_sales",
        "a category without enterprise sales",
        False,
    ),
    ("week03", "segment_pivot", "fail_drops_december_31", "orders late on 31 December", False),
    (
        "week03",
        "conversion_funnel",
        "fail_cart_after_last_view",
        "a view again after the cart",
        True,
    ),
    (
        "week03",
        "conversion_funnel",
        "fail_checkout_after_first_cart_overall",
        "a checkout between an early cart and the cart that counts",
        True,
    ),
    (
        "week03",
        "conversion_funnel",
        "fail_purchase_at_the_checkout_second",
        "a purchase at the second of its checkout",
        True,
    ),
    ("week03", "duplicate_customers", "fail_like_wildcards", "an '_' in an email", True),
    (
        "week03",
        "duplicate_customers",
        "fail_replace_every_space",
        "a space inside an email",
        True,
    ),
    (
        "week03",
        "segment_pivot",
        "fail_before_the_last_second",
        "an order at 2021-12-31 23:59:59",
        True,
    ),
    ("week03", "segment_pivot", "fail_rounds_each_line", "two sub-cent lines in a cell", True),
    (
        "week01",
        "largest_team",
        "fail_count_distinct_report_names",
        "two reports of a tied manager share a name",
        True,
    ),
    (
        "week01",
        "running_revenue",
        "fail_days_without_completed_orders",
        "a March day without completed orders",
        True,
    ),
]


def answer(week: str, cell: str, name: str):
    bank = answer_banks.bank(week)[cell]
    file = next(f for f in bank if f.rsplit(".", 1)[0] == name)
    namespace: dict = {"__name__": "__main__"}
    exec(compile(bank[file], f"<{week}/{cell}/{file}>", "exec"), namespace)
    (exercise,) = answer_banks.checks_of(week, cell)
    return exercise, namespace[exercise.answer_name]


@pytest.mark.parametrize(
    ("week", "cell", "name", "trap", "passes_visible"), TRAPS, ids=[t[3] for t in TRAPS]
)
def test_each_planted_trap_is_caught_by_the_hidden_check(week, cell, name, trap, passes_visible):
    exercise, query = answer(week, cell, name)
    if passes_visible:
        exercise.check(query)  # only the hidden data can tell
    with pytest.raises(CheckFailed, match="hidden database"):
        exercise.check_hidden(query)


def test_growth_databases_move_the_quarters_and_keep_ties_at_tenth():
    databases = week03._growth_databases()
    assert len(databases) == 2 and all(db.hidden for db in databases)
    latest = [
        db.conn.execute("SELECT MAX(ordered_at) FROM orders").fetchone()[0] for db in databases
    ]
    assert latest[0].startswith("2021-10") and latest[1].startswith("2021-02")
    # in the first, the latest order is pending: the latest completed one is a quarter earlier
    completed = (
        databases[0]
        .conn.execute("SELECT MAX(ordered_at) FROM orders WHERE status = 'completed'")
        .fetchone()[0]
    )
    assert completed < "2021-10-01"
    for db in databases:
        result = pd.read_sql_query(week03._TOP_GROWTH, db.conn)
        assert len(result) == 11  # ties at 4th and at 10th
        assert result["growth"].iloc[9] == result["growth"].iloc[10]  # rounded: a tie
        unrounded = pd.read_sql_query(
            week03._TOP_GROWTH.replace(
                "ROUND(last_revenue - previous_revenue, 2) AS growth",
                "last_revenue - previous_revenue AS growth",
            ),
            db.conn,
        )
        assert unrounded["growth"].iloc[9] != unrounded["growth"].iloc[10]  # unrounded: no tie
        assert result["growth"].iloc[3] == result["growth"].iloc[4]
        backwards = db.conn.execute(
            "SELECT COUNT(*) FROM (SELECT ordered_at, LAG(ordered_at) OVER (ORDER BY order_id) "
            "AS before FROM orders) WHERE before > ordered_at"
        ).fetchone()[0]
        assert backwards == 0


def test_hidden_sql_messages_quote_no_rows():
    _, query = answer("week03", "top_growth_products", "fail_limit_10_cuts_tie")
    with pytest.raises(CheckFailed) as failure:
        week03.top_growth_products.check_hidden(query)
    assert "e.g." not in str(failure.value)


def test_operation_budgets_name_the_counted_work():
    def sorted_top(items, k):
        from collections import Counter

        counts = Counter(items)
        return sorted(counts, key=lambda x: (-counts[x], x))[:k]

    with pytest.raises(CheckFailed, match=r"at most \d+ allowed"):
        week03.top_k_frequent.check(sorted_top)
