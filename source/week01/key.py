"""Week 1 — fundamentals: SQL on the store database, Python, pandas and numpy.

The instructor's key (never released): each exercise here is what a notebook's test cells
call, ``check()`` for the visible examples, ``check_hidden()`` for the edge cases and hidden
databases used in grading. ``autograder release`` compiles the visible part into
release/week01/checks.json.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from autograder.data.store import build_store
from autograder.exercises import context
from autograder.exercises.counted import ComparisonBudgetExercise
from autograder.exercises.function import Case, FunctionExercise, Mistake, produces
from autograder.exercises.prompt_rules import PromptRule
from autograder.exercises.sql import SqlExercise, SqlMistake
from autograder.judges.sql import Database, guarded

TITLE = "Fundamentals: SQL and Python"
TOPICS = (
    "self-joins and ties, monthly reports, window functions, variance by hand, merging sorted "
    "lists, pandas and numpy"
)

# --------------------------------------------------------------------------- sample_variance


def _variance(values, *, divisor_offset=1, digits=2, round_mean=False):
    if len(values) < 2:
        raise ValueError("sample variance needs at least two values")
    mean = sum(values) / len(values)
    if round_mean:
        mean = round(mean, 2)
    spread = sum((x - mean) ** 2 for x in values) / (len(values) - divisor_offset)
    return round(spread, digits) if digits is not None else spread


def _reference_variance(values):
    return _variance(values)


sample_variance = FunctionExercise(
    "sample_variance",
    name="sample_variance",
    reference=_reference_variance,
    visible=(
        Case(([2, 4, 4, 4, 5, 5, 7, 9],)),
        Case(([1, 2, 3, 4],)),
        Case(([10, 10, 10],)),
    ),
    hidden=(
        Case(([3, 8],), "two values"),
        Case(([-5, -1, 0, 4, 11, 23],), "negative numbers"),
        Case(([1_000_003, 1_000_007, 1_000_001, 1_000_011],), "large values close together"),
        Case(([7] * 9 + [8],), "one value differs"),
        Case(([0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89],), "a longer list"),
        Case(([4, 9, 2, 7],), "values whose mean is not a whole number"),
        # rounding the mean 23.4358... to 23.44 moves the variance 633.30499... past 633.305:
        # the only case where rounding the mean early changes the rounded answer
        Case(
            (
                [1, 91, 1, 1, 74, 3, 4, 42, 16, 65, 34, 23, 32, 78, 2, 6, 8, 5, 31, 32]
                + [4, 9, 24, 28, 80, 48, 7, 4, 10, 33, 10, 10, 0, 5, 30, 39, 0, 2, 22],
            ),
            "a mean with many decimals",
        ),
        Case(([5],), "a single value", raises=ValueError),
        Case(([],), "an empty list", raises=ValueError),
    ),
    prompt_rules=(
        PromptRule(
            "the sum of squared distances from the mean divided by n − 1",
            case="hidden case 1 (two values)",
            bank="fail_population_variance",
        ),
        PromptRule(
            "rounded to two decimals",
            case="hidden case 2 (negative numbers)",
            bank="fail_not_rounded",
        ),
        PromptRule("as a float", case="expected a float", bank="fail_returns_numpy_float"),
        PromptRule(
            "Do not use statistics, numpy's or pandas' variance functions",
            case="asks you to compute it yourself",
            bank="fail_uses_library_variance",
        ),
        PromptRule(
            "With fewer than two values the sample variance is undefined: raise ValueError",
            case="hidden case 8 (a single value)",
            bank="fail_no_length_check",
        ),
        PromptRule(
            "Do not change the list you are given",
            case="changed its input",
            bank="fail_mutates_input_centres_in_place",
        ),
    ),
    mistakes=(
        Mistake(
            "looks like you divided by n (population variance); the sample variance divides by n - 1",
            produces(lambda v: _variance(v, divisor_offset=0)),
        ),
        Mistake(
            "looks like you rounded the mean before using it; round only the final result",
            produces(lambda v: _variance(v, round_mean=True)),
        ),
        Mistake(
            "the value is right but not rounded: return round(result, 2)",
            produces(lambda v: _variance(v, digits=None)),
        ),
        Mistake(
            "looks like you returned the standard deviation; the variance is its square",
            produces(lambda v: round(_variance(v, digits=None) ** 0.5, 2)),
        ),
    ),
    banned=(
        "statistics:variance",
        "statistics:pvariance",
        "numpy:var",
        "numpy:nanvar",
        "pandas:Series.var",
        "pandas:DataFrame.var",
    ),
    banned_methods=("var", "nanvar", "pvariance"),
    hints=(
        "Find the mean first, then add up the squared distance of every value from it.",
        "Divide that sum by n - 1, not n: one degree of freedom went into estimating the mean.",
        "Round only at the very end, and check len(values) before anything else.",
    ),
)

# ------------------------------------------------------------------------------ merge_sorted


def _reference_merge(left, right):
    merged, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if right[j] < left[i]:
            merged.append(right[j])
            j += 1
        else:
            merged.append(left[i])
            i += 1
    return merged + left[i:] + right[j:]


def _interleaved(n: int, m: int) -> tuple[list[int], list[int]]:
    return [2 * k for k in range(n)], [2 * k + 1 for k in range(m)]


merge_sorted = ComparisonBudgetExercise(
    "merge_sorted",
    name="merge_sorted",
    reference=_reference_merge,
    budget=lambda args: sum(len(a) for a in args),
    budget_note="a merge needs at most one comparison per element it places (n + m in all); "
    "re-sorting the combined list costs more",
    visible=(
        Case(([1, 4, 9], [2, 3, 10, 12])),
        Case(([1, 2, 2], [2, 3])),
        Case(([], [5, 6])),
        Case((list(range(0, 100, 2)), list(range(1, 100, 2)))),
    ),
    hidden=(
        Case(([], []), "two empty lists"),
        Case(([3], []), "right list empty"),
        Case(([1, 2, 3], [7, 8, 9]), "every left element is smaller"),
        Case(([7, 8, 9], [1, 2, 3]), "every right element is smaller"),
        Case(([1, 1, 1, 5], [1, 1, 5, 5]), "many equal elements"),
        Case(([-9, -3, 0, 0, 12], [-10, -3, 4]), "negative numbers and duplicates"),
        Case((["apple", "fig", "kiwi"], ["banana", "fig", "plum"]), "strings"),
        Case(_interleaved(600, 600), "two long interleaved lists"),
        Case(([500], list(range(1000))), "one short list and one long list"),
        Case(([], [4, 9]), "left list empty"),
    ),
    prompt_rules=(
        PromptRule(
            "return a new sorted list",
            case="hidden case 1 (two empty lists)",
            bank="fail_returns_input_when_empty",
        ),
        PromptRule(
            "holding every element of both",
            case="hidden case 2 (right list empty)",
            bank="fail_drops_tail",
        ),
        PromptRule(
            "at most one comparison per element you place",
            case="hidden case 5 (many equal elements)",
            bank="fail_two_comparisons_per_step",
        ),
        PromptRule(
            "sorted(left + right) is not accepted",
            case="hidden case 4 (every right element is smaller)",
            bank="fail_sorted_concatenation",
        ),
        PromptRule(
            "Leave left and right unchanged (no pop, no sort on them)",
            case="changed its input",
            bank="fail_mutates_input_pop",
        ),
        PromptRule(
            "When two elements are equal, the one from left comes first",
            case="hidden case 5 (many equal elements)",
            bank="fail_unstable_ties",
        ),
        PromptRule(
            "Elements may be any mutually comparable values (numbers, strings, …)",
            case="hidden case 7 (strings)",
            bank="fail_infinity_sentinel",
        ),
    ),
    hints=(
        "Keep one index into each list and move forward in whichever list holds the smaller "
        "current element.",
        "When one list runs out, everything left in the other list is already in order.",
        "Compare each pair once; take from the left list when the two are equal so ties keep "
        "their order.",
    ),
)

# --------------------------------------------------------------------- revenue_by_category


def _reference_revenue_by_category(
    order_items: pd.DataFrame, products: pd.DataFrame
) -> pd.DataFrame:
    lines = order_items.merge(products[["product_id", "category"]], on="product_id")
    revenue = (lines["quantity"] * lines["unit_price"]).groupby(lines["category"]).sum()
    table = pd.DataFrame({"category": revenue.index.astype(object), "revenue": revenue.to_numpy()})
    table["share"] = table["revenue"] / table["revenue"].sum()
    table["revenue"] = table["revenue"].round(2)
    table = table.sort_values(["revenue", "category"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


def _toy_store() -> tuple[pd.DataFrame, pd.DataFrame]:
    products = pd.DataFrame(
        {
            "product_id": [1, 2, 3, 4, 5],
            "name": ["lamp", "mug", "novel", "kettle", "atlas"],
            "category": ["home", "kitchen", "books", "kitchen", "books"],
            "unit_price": [30.0, 8.0, 12.5, 25.0, 40.0],
        }
    )
    order_items = pd.DataFrame(
        {
            "order_id": [1, 1, 2, 3, 3, 4],
            "product_id": [1, 2, 3, 2, 4, 3],
            "quantity": [1, 4, 2, 1, 1, 3],
            "unit_price": [27.0, 8.0, 12.5, 7.5, 25.0, 11.0],  # prices paid, with discounts
        }
    )
    return order_items, products


def _store_frames(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    conn = build_store(":memory:", seed=seed, size="small", edge_cases=True)
    try:
        items = pd.read_sql_query("SELECT * FROM order_items ORDER BY order_id, product_id", conn)
        products = pd.read_sql_query("SELECT * FROM products ORDER BY product_id", conn)
    finally:
        conn.close()
    return items, products


@functools.cache
def _revenue_hidden_cases() -> tuple[Case, ...]:
    items, products = _store_frames(context.hidden_seed(0))
    toy_items, toy_products = _toy_store()
    extra = pd.DataFrame(
        {"product_id": [6], "name": ["robot"], "category": ["toys"], "unit_price": [15.0]}
    )
    return (
        Case((items, products), "a hidden store's order lines"),
        Case(
            (toy_items, pd.concat([toy_products, extra], ignore_index=True)),
            "a category with no sales",
        ),
        # books and kitchen both take 25.0; kitchen's line comes first, so only the name breaks it
        Case((toy_items.iloc[[4, 2]].reset_index(drop=True), toy_products), "two categories tie"),
        Case(
            _sub_cent_store((123.457, 45.678, 250.001), (3, 7, 2)),
            "prices with fractions of a cent",
        ),
        # 99.996 (art) and 100.004 (books) tie only once rounded: then the name decides
        Case(
            _sub_cent_store((33.332, 25.001, 150.0), (3, 4, 2)), "categories that tie once rounded"
        ),
    )


def _sub_cent_store(prices, quantities) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One order line per category (art, books, garden) at a price paid with fractions of a
    cent; totals are large enough that a share taken from rounded or unrounded revenue agree."""
    products = pd.DataFrame(
        {
            "product_id": [1, 2, 3],
            "name": ["easel", "atlas", "hose"],
            "category": ["art", "books", "garden"],
            "unit_price": [130.0, 50.0, 260.0],
        }
    )
    order_items = pd.DataFrame(
        {
            "order_id": [1, 2, 3],
            "product_id": [2, 1, 3],
            "quantity": [quantities[1], quantities[0], quantities[2]],
            "unit_price": [prices[1], prices[0], prices[2]],
        }
    )
    return order_items, products


def _percent_share(items, products):
    table = _reference_revenue_by_category(items, products)
    table["share"] = table["share"] * 100
    return table


def _list_price_revenue(items, products):
    return _reference_revenue_by_category(
        items.drop(columns="unit_price").merge(
            products[["product_id", "unit_price"]], on="product_id"
        ),
        products,
    )


revenue_by_category = FunctionExercise(
    "revenue_by_category",
    name="revenue_by_category",
    reference=_reference_revenue_by_category,
    visible=lambda: (Case(_toy_store()),),
    hidden=_revenue_hidden_cases,
    tol=1e-4,
    prompt_rules=(
        PromptRule(
            "Return a new DataFrame with exactly the columns category, revenue, share",
            case="hidden case 1 (a hidden store's order lines)",
            bank="fail_keeps_quantity_column",
        ),
        PromptRule(
            "using the price paid (from order_items)",
            case="hidden case 1 (a hidden store's order lines)",
            bank="fail_list_price",
        ),
        PromptRule(
            "rounded to 2 decimals",
            case="hidden case 4 (prices with fractions of a cent)",
            bank="fail_revenue_not_rounded",
        ),
        PromptRule(
            "a fraction between 0 and 1",
            case="hidden case 1 (a hidden store's order lines)",
            bank="fail_percent_share",
        ),
        PromptRule(
            "not rounded",
            case="hidden case 1 (a hidden store's order lines)",
            bank="fail_share_rounded",
        ),
        PromptRule(
            "one row per category that has at least one order line",
            case="hidden case 2 (a category with no sales)",
            bank="fail_keeps_unsold_category",
        ),
        PromptRule(
            "sorted by the rounded revenue from the largest",
            case="hidden case 1 (a hidden store's order lines)",
            bank="fail_smallest_revenue_first",
        ),
        PromptRule(
            "equal rounded revenues by category name A→Z",
            case="hidden case 3 (two categories tie)",
            bank="fail_ties_not_broken_by_name",
        ),
        PromptRule(
            "the rounded revenue",
            case="hidden case 5 (categories that tie once rounded)",
            bank="fail_sorted_before_rounding",
        ),
        PromptRule(
            "with a fresh index 0, 1, 2, …",
            case="hidden case 1 (a hidden store's order lines)",
            bank="fail_forgets_reset_index",
        ),
        PromptRule(
            "Do not modify the DataFrames you are given",
            case="changed its input",
            bank="fail_mutates_input_column",
        ),
    ),
    mistakes=(
        Mistake(
            "share should be a fraction between 0 and 1, not a percentage", produces(_percent_share)
        ),
        Mistake(
            "you used the list price from products; revenue uses the price paid in order_items",
            produces(_list_price_revenue),
        ),
    ),
    hints=(
        "Bring each order line's category in with a merge on product_id.",
        "Revenue of a line is quantity x the unit_price paid on that line (order_items), not "
        "the list price.",
        "Sort by revenue from the largest, break ties by category, and reset the index.",
    ),
)

# ---------------------------------------------------------------------- standardize_columns


def _standardize(matrix, *, ddof=1, axis=0, guard=True):
    data = np.asarray(matrix, dtype=float)
    centred = data - data.mean(axis=axis, keepdims=True)
    spread = data.std(axis=axis, ddof=ddof, keepdims=True)
    if guard:
        return np.divide(centred, spread, out=np.zeros_like(centred), where=spread > 0)
    with np.errstate(all="ignore"):
        return centred / spread


def _reference_standardize(matrix):
    return _standardize(matrix)


_rng = np.random.default_rng(11)

standardize_columns = FunctionExercise(
    "standardize_columns",
    name="standardize_columns",
    reference=_reference_standardize,
    visible=(
        Case((np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]]),)),
        Case((np.array([[4, 1], [8, 3], [6, 2], [2, 2]]),)),
    ),
    hidden=(
        Case((np.round(_rng.normal(50, 12, size=(40, 5)), 3),), "a random 40 x 5 matrix"),
        Case((np.array([[3.0, 1.0], [3.0, 2.0], [3.0, 4.0]]),), "a constant column"),
        Case((np.arange(12).reshape(6, 2),), "integer input"),
        Case((np.array([[1.5, -2.0, 0.0], [2.5, 2.0, 0.5]]),), "two rows"),
    ),
    prompt_rules=(
        PromptRule(
            "every column has been turned into z-scores",
            case="hidden case 1 (a random 40 x 5 matrix)",
            bank="fail_standardizes_rows",
        ),
        PromptRule(
            "using the sample standard deviation (ddof=1)",
            case="hidden case 1 (a random 40 x 5 matrix)",
            bank="fail_population_std",
        ),
        PromptRule(
            "its z-scores are all 0.0 (not NaN)",
            case="hidden case 2 (a constant column)",
            bank="fail_nan_for_constant_column",
        ),
        PromptRule(
            "Integer input is allowed; the result is always floating point",
            case="hidden case 3 (integer input)",
            bank="fail_zeros_like_keeps_integers",
        ),
        PromptRule(
            "Do not change the array you are given",
            case="changed its input",
            bank="fail_asarray_mutates_float_input",
        ),
    ),
    mistakes=(
        Mistake(
            "looks like you used the population standard deviation (ddof=0); use ddof=1",
            produces(lambda m: _standardize(m, ddof=0)),
        ),
        Mistake(
            "looks like you standardised each row; standardise each column (axis=0)",
            produces(lambda m: _standardize(m, axis=1)),
        ),
        Mistake(
            "a column with no spread must become zeros, not NaN: guard the division",
            produces(lambda m: _standardize(m, guard=False)),
        ),
    ),
    hints=(
        "Use axis=0 so the mean and standard deviation are taken down each column.",
        "The sample standard deviation uses ddof=1.",
        "A column whose values are all equal has no spread: return zeros there instead of "
        "dividing by zero. Don't change the input array in place.",
    ),
)

# ------------------------------------------------------------------------------ largest_team

_LARGEST_TEAM = """
WITH team AS (
    SELECT manager_id, COUNT(*) AS team_size
    FROM employees
    WHERE manager_id IS NOT NULL
    GROUP BY manager_id
)
SELECT m.employee_id AS manager_id, m.name AS manager_name, t.team_size
FROM team AS t
JOIN employees AS m ON m.employee_id = t.manager_id
WHERE t.team_size = (SELECT MAX(team_size) FROM team)
"""

largest_team = SqlExercise(
    "largest_team",
    variable="LARGEST_TEAM_SQL",
    reference=_LARGEST_TEAM,
    mistakes=(
        SqlMistake(
            "you kept only one manager (LIMIT 1?): when managers tie, return every one of them",
            _LARGEST_TEAM.replace(
                "WHERE t.team_size = (SELECT MAX(team_size) FROM team)",
                "ORDER BY t.team_size DESC, m.employee_id LIMIT 1",
            ),
        ),
        SqlMistake(
            "you counted the manager as a member of their own team; count direct reports only",
            _LARGEST_TEAM.replace("t.team_size\nFROM", "t.team_size + 1 AS team_size\nFROM"),
        ),
        SqlMistake(
            "you counted employees with no manager (manager_id IS NULL) as a team",
            """
            WITH team AS (SELECT manager_id, COUNT(*) AS team_size FROM employees GROUP BY manager_id)
            SELECT t.manager_id, m.name AS manager_name, t.team_size
            FROM team AS t LEFT JOIN employees AS m ON m.employee_id = t.manager_id
            WHERE t.team_size = (SELECT MAX(team_size) FROM team)
            """,
        ),
        SqlMistake(
            "you grouped teams by the manager's name; two managers can share a name, so group "
            "by id",
            """
            WITH team AS (
                SELECT MIN(m.employee_id) AS manager_id, m.name AS manager_name,
                       COUNT(*) AS team_size
                FROM employees AS e JOIN employees AS m ON m.employee_id = e.manager_id
                GROUP BY m.name
            )
            SELECT * FROM team WHERE team_size = (SELECT MAX(team_size) FROM team)
            """,
        ),
    ),
    prompt_rules=(
        PromptRule(
            "a query returning the columns manager_id, manager_name, team_size",
            case="missing column(s) manager_name",
            bank="fail_name_column_not_aliased",
        ),
        PromptRule(
            "If several managers tie for the largest team, return all of them",
            case="you kept only one manager",
            bank="fail_limit_1_drops_ties",
        ),
        PromptRule(
            "Count direct reports only (not the manager",
            case="you counted the manager as a member of their own team",
            bank="fail_counts_manager_in_team",
        ),
        PromptRule(
            "not reports of reports",
            case="hidden database 1",
            bank="fail_counts_reports_of_reports",
        ),
        PromptRule(
            "one row per manager with the largest number of direct reports",
            case="you counted employees with no manager",
            bank="fail_null_manager_team",
        ),
        PromptRule(
            "Find the manager (or managers) with the most direct reports",
            case="you grouped teams by the manager's name",
            bank="fail_grouped_by_manager_name",
        ),
        PromptRule(
            "the largest number of direct reports",
            case="hidden database 1",
            bank="fail_count_distinct_report_names",
        ),
    ),
    hints=(
        "Join employees to itself: one copy plays the report, the other the manager "
        "(e.manager_id = m.employee_id).",
        "Count reports per manager id in a CTE, then keep the managers whose count equals the "
        "maximum count.",
        "LIMIT 1 silently drops a tie; compare with MAX() instead.",
    ),
)

# ---------------------------------------------------------------------------- monthly_report

_MONTHLY_REPORT = """
WITH RECURSIVE month_numbers(n) AS (
    SELECT 1 UNION ALL SELECT n + 1 FROM month_numbers WHERE n < 12
),
calendar AS (SELECT printf('2020-%02d', n) AS month FROM month_numbers),
monthly AS (
    SELECT strftime('%Y-%m', ordered_at) AS month,
           COUNT(DISTINCT customer_id) AS customers,
           COUNT(*) AS transactions,
           ROUND(COALESCE(SUM(amount), 0), 2) AS order_amount
    FROM orders
    WHERE ordered_at >= '2020-01-01' AND ordered_at < '2021-01-01'
    GROUP BY month
)
SELECT c.month,
       COALESCE(m.customers, 0) AS customers,
       COALESCE(m.transactions, 0) AS transactions,
       COALESCE(m.order_amount, 0) AS order_amount
FROM calendar AS c LEFT JOIN monthly AS m ON m.month = c.month
ORDER BY c.month
"""

_MONTHS_WITH_ORDERS_ONLY = """
SELECT strftime('%Y-%m', ordered_at) AS month, COUNT(DISTINCT customer_id) AS customers,
       COUNT(*) AS transactions, ROUND(COALESCE(SUM(amount), 0), 2) AS order_amount
FROM orders WHERE ordered_at >= '2020-01-01' AND ordered_at < '2021-01-01'
GROUP BY month ORDER BY month
"""

monthly_report = SqlExercise(
    "monthly_report",
    variable="MONTHLY_REPORT_SQL",
    reference=_MONTHLY_REPORT,
    ordered=True,
    order_note="order by month, January first",
    mistakes=(
        SqlMistake(
            "your date filter drops orders placed on 31 December after midnight: "
            "BETWEEN '2020-01-01' AND '2020-12-31' ends at 2020-12-31 00:00:00; "
            "use ordered_at < '2021-01-01'",
            _MONTHLY_REPORT.replace(
                "ordered_at >= '2020-01-01' AND ordered_at < '2021-01-01'",
                "ordered_at BETWEEN '2020-01-01' AND '2020-12-31'",
            ),
        ),
        SqlMistake(
            "customers counts orders, not different customers: use COUNT(DISTINCT customer_id)",
            _MONTHLY_REPORT.replace("COUNT(DISTINCT customer_id)", "COUNT(customer_id)"),
        ),
        SqlMistake(
            "you left out orders without an amount (pending ones): every order is a transaction",
            _MONTHLY_REPORT.replace("COUNT(*) AS transactions", "COUNT(amount) AS transactions"),
        ),
        SqlMistake(
            "a month with no orders is missing: all twelve months must appear, with zeros",
            _MONTHS_WITH_ORDERS_ONLY,
        ),
        SqlMistake(
            "a month with no orders shows 1 transaction: after a LEFT JOIN, count a column "
            "of orders (COUNT(o.order_id)) rather than COUNT(*)",
            _MONTHLY_REPORT.replace(
                "COALESCE(m.transactions, 0) AS transactions",
                "MAX(COALESCE(m.transactions, 0), 1) AS transactions",
            ),
        ),
    ),
    prompt_rules=(
        PromptRule(
            "month — text like '2020-01'",
            case="hidden database 1",
            bank="fail_month_number_only",
        ),
        PromptRule(
            "the number of different customers who placed an order that month",
            case="customers counts orders, not different customers",
            bank="fail_counts_orders_as_customers",
        ),
        PromptRule(
            "every order counts, whatever its status",
            case="you left out orders without an amount",
            bank="fail_skips_pending_orders",
        ),
        PromptRule(
            "one row per month of 2020",
            case="drops orders placed on 31 December after midnight",
            bank="fail_between_drops_dec31",
        ),
        PromptRule(
            "all twelve months",
            case="a month with no orders is missing",
            bank="fail_missing_empty_month",
        ),
        PromptRule(
            "the number of orders placed that month",
            case="a month with no orders shows 1 transaction",
            bank="fail_count_star_on_left_join",
        ),
        PromptRule(
            "a month without orders shows 0 in every figure",
            case="hidden database 1",
            bank="fail_null_amount_in_empty_month",
        ),
        PromptRule(
            "ordered from January to December",
            case="the rows are right but in the wrong order",
            bank="fail_newest_month_first",
        ),
        PromptRule(
            "returns exactly these columns",
            case="missing column(s) transactions",
            bank="fail_orders_column_name",
        ),
    ),
    hints=(
        "strftime('%Y-%m', ordered_at) turns a timestamp into its month, e.g. '2020-03'.",
        "Timestamps have a time of day: filter with ordered_at >= '2020-01-01' AND ordered_at "
        "< '2021-01-01'.",
        "A month with no orders still needs a row: build the twelve months (a recursive CTE) "
        "and LEFT JOIN the monthly figures to them.",
    ),
)

# ---------------------------------------------------------------- top_products_by_category

_TOP_PRODUCTS = """
WITH revenue AS (
    SELECT p.category, p.product_id, ROUND(SUM(oi.quantity * oi.unit_price), 2) AS revenue
    FROM order_items AS oi JOIN products AS p ON p.product_id = oi.product_id
    GROUP BY p.category, p.product_id
),
ranked AS (
    SELECT category, product_id, revenue,
           RANK() OVER (PARTITION BY category ORDER BY revenue DESC) AS revenue_rank
    FROM revenue
)
SELECT category, product_id, revenue, revenue_rank FROM ranked WHERE revenue_rank <= 3
"""

# A new category with two sold products and one that never sold: in the planted stores every
# category has more than three sold products, so an unsold product could never reach the top 3.
_SMALL_CATEGORY = """
INSERT INTO products (product_id, name, category, unit_price, launched_on)
SELECT MAX(product_id) + 1, 'Garden Trowel', 'garden', 12.5, '2020-03-01' FROM products;
INSERT INTO products (product_id, name, category, unit_price, launched_on)
SELECT MAX(product_id) + 1, 'Garden Hose', 'garden', 30.0, '2020-03-01' FROM products;
INSERT INTO products (product_id, name, category, unit_price, launched_on)
SELECT MAX(product_id) + 1, 'Garden Gnome', 'garden', 19.0, '2020-03-01' FROM products;
INSERT INTO orders (order_id, customer_id, ordered_at, status, amount)
SELECT (SELECT MAX(order_id) + 1 FROM orders), (SELECT MIN(customer_id) FROM customers),
       datetime(MAX(ordered_at), '+1 hour'), 'completed', 55.0
FROM orders;
INSERT INTO order_items (order_id, product_id, quantity, unit_price)
SELECT (SELECT MAX(order_id) FROM orders), product_id, 2, 12.5
FROM products WHERE name = 'Garden Trowel';
INSERT INTO order_items (order_id, product_id, quantity, unit_price)
SELECT (SELECT MAX(order_id) FROM orders), product_id, 1, 30.0
FROM products WHERE name = 'Garden Hose';
"""


@functools.cache
def _small_category_databases() -> tuple[Database, ...]:
    """The usual hidden stores, plus a category too small for an unsold product to be cut."""
    databases = []
    for number in (1, 2):
        seed = context.hidden_seed(number - 1)
        conn = build_store(":memory:", seed=seed, size="small", edge_cases=True)
        conn.executescript(_SMALL_CATEGORY)
        databases.append(Database(f"hidden database {number}", guarded(conn), hidden=True))
    return tuple(databases)


top_products_by_category = SqlExercise(
    "top_products_by_category",
    variable="TOP_PRODUCTS_SQL",
    reference=_TOP_PRODUCTS,
    hidden_databases=_small_category_databases,
    prompt_rules=(
        PromptRule(
            "A product's revenue is ROUND(SUM(quantity * unit_price), 2) over all its rows in "
            "order_items",
            case="hidden database 1",
            bank="fail_list_price_revenue",
        ),
        PromptRule(
            "rank products by revenue from the highest",
            case="you ranked from the lowest revenue",
            bank="fail_ranked_ascending",
        ),
        PromptRule(
            "Within each category",
            case="add PARTITION BY category",
            bank="fail_no_partition",
        ),
        PromptRule(
            "tied products share a rank",
            case="ties at the top-3 boundary were cut",
            bank="fail_row_number_cuts_ties",
        ),
        PromptRule(
            "the next rank is skipped",
            case="DENSE_RANK leaves no gap after a tie",
            bank="fail_dense_rank",
        ),
        PromptRule(
            "whose rank within its category is 3 or better",
            case="hidden database 1",
            bank="fail_top_two_only",
        ),
        PromptRule(
            "Products that never sold are left out",
            case="hidden database 1: you returned 29 row(s), expected 28",
            bank="fail_left_join_keeps_unsold",
        ),
    ),
    mistakes=(
        SqlMistake(
            "ties at the top-3 boundary were cut: tied products must share a rank (RANK, not "
            "ROW_NUMBER)",
            _TOP_PRODUCTS.replace(
                "RANK() OVER (PARTITION BY category ORDER BY revenue DESC)",
                "ROW_NUMBER() OVER (PARTITION BY category ORDER BY revenue DESC, product_id)",
            ),
        ),
        SqlMistake(
            "DENSE_RANK leaves no gap after a tie, so extra products slip into the top 3; use RANK",
            _TOP_PRODUCTS.replace("RANK() OVER", "DENSE_RANK() OVER"),
        ),
        SqlMistake(
            "products are ranked across all categories: add PARTITION BY category",
            _TOP_PRODUCTS.replace("PARTITION BY category ORDER BY", "ORDER BY"),
        ),
        SqlMistake(
            "you ranked from the lowest revenue: order the window by revenue DESC",
            _TOP_PRODUCTS.replace("ORDER BY revenue DESC", "ORDER BY revenue"),
        ),
    ),
    hints=(
        "First total each product's revenue in a CTE; rank in a second step.",
        "RANK() OVER (PARTITION BY category ORDER BY revenue DESC) restarts the ranking in "
        "every category.",
        "Window functions can't be used in WHERE: filter on the rank in an outer query.",
    ),
)

# ------------------------------------------------------------------------ running_revenue

_RUNNING_REVENUE = """
WITH daily AS (
    SELECT date(ordered_at) AS day, SUM(amount) AS revenue
    FROM orders
    WHERE status = 'completed' AND ordered_at >= '2021-03-01' AND ordered_at < '2021-04-01'
    GROUP BY day
)
SELECT day,
       ROUND(revenue, 2) AS revenue,
       ROUND(SUM(revenue) OVER (ORDER BY day), 2) AS running_revenue
FROM daily
ORDER BY day
"""

running_revenue = SqlExercise(
    "running_revenue",
    variable="RUNNING_REVENUE_SQL",
    reference=_RUNNING_REVENUE,
    ordered=True,
    order_note="order by day, earliest first",
    prompt_rules=(
        PromptRule("For March 2021", case="hidden database 1", bank="fail_between_drops_mar31"),
        PromptRule(
            "counting completed orders only",
            case="you included orders that were not completed",
            bank="fail_all_statuses",
        ),
        PromptRule(
            "one row per day that has at least one completed order",
            case="hidden database 1",
            bank="fail_days_without_completed_orders",
        ),
        PromptRule(
            "day — text like '2021-03-01'", case="hidden database 1", bank="fail_day_of_month_only"
        ),
        PromptRule(
            "the total from 1 March up to and including that day",
            case="your running total starts before 1 March",
            bank="fail_running_from_the_start_of_time",
        ),
        PromptRule(
            "up to and including that day",
            case="the window needs ORDER BY day",
            bank="fail_window_without_order",
        ),
        PromptRule(
            "rows must be ordered by day, earliest first",
            case="the rows are right but in the wrong order",
            bank="fail_newest_day_first",
        ),
    ),
    mistakes=(
        SqlMistake(
            "every row carries the month's total: the window needs ORDER BY day to make the sum "
            "run",
            _RUNNING_REVENUE.replace("SUM(revenue) OVER (ORDER BY day)", "SUM(revenue) OVER ()"),
        ),
        SqlMistake(
            "you included orders that were not completed",
            _RUNNING_REVENUE.replace("status = 'completed' AND ", ""),
        ),
        SqlMistake(
            "your running total starts before 1 March: filter to March before summing",
            """
            WITH daily AS (
                SELECT date(ordered_at) AS day, SUM(amount) AS revenue FROM orders
                WHERE status = 'completed' AND ordered_at < '2021-04-01' GROUP BY day
            ), running AS (
                SELECT day, ROUND(revenue, 2) AS revenue,
                       ROUND(SUM(revenue) OVER (ORDER BY day), 2) AS running_revenue FROM daily
            )
            SELECT * FROM running WHERE day >= '2021-03-01' ORDER BY day
            """,
        ),
    ),
    hints=(
        "date(ordered_at) gives the day of a timestamp.",
        "Total each day first (GROUP BY day), then run a window over the daily totals.",
        "SUM(revenue) OVER (ORDER BY day) adds up every day up to and including the current one.",
    ),
)

# ------------------------------------------------------------------------------ latest_order

_LATEST_ORDER = """
WITH ranked AS (
    SELECT customer_id, order_id, ordered_at,
           ROW_NUMBER() OVER (
               PARTITION BY customer_id ORDER BY ordered_at DESC, order_id DESC
           ) AS position
    FROM orders
)
SELECT customer_id, order_id, ordered_at FROM ranked WHERE position = 1
"""

latest_order = SqlExercise(
    "latest_order",
    variable="LATEST_ORDER_SQL",
    reference=_LATEST_ORDER,
    prompt_rules=(
        PromptRule(
            "For every customer who has placed at least one order",
            case="hidden database 1",
            bank="fail_customers_without_orders",
        ),
        PromptRule(
            "the one with the greatest ordered_at",
            case="you picked each customer's first order",
            bank="fail_first_order",
        ),
        PromptRule(
            "if two of their orders share that timestamp, the one with the larger order_id",
            case="on a tie you kept the smaller order_id",
            bank="fail_tie_keeps_smaller_id",
        ),
        PromptRule(
            "exactly one row per customer",
            case="some customers get two rows",
            bank="fail_rank_keeps_ties",
        ),
        PromptRule(
            "return the columns customer_id, order_id, ordered_at",
            case="missing column(s) ordered_at",
            bank="fail_latest_at_alias",
        ),
    ),
    mistakes=(
        SqlMistake(
            "some customers get two rows: when two orders share the latest timestamp, keep only "
            "the one with the larger order_id",
            """
            SELECT o.customer_id, o.order_id, o.ordered_at FROM orders AS o
            JOIN (SELECT customer_id, MAX(ordered_at) AS last_at FROM orders GROUP BY customer_id)
                 AS l ON l.customer_id = o.customer_id AND l.last_at = o.ordered_at
            """,
        ),
        SqlMistake(
            "on a tie you kept the smaller order_id; break ties by the larger order_id",
            _LATEST_ORDER.replace("ordered_at DESC, order_id DESC", "ordered_at DESC, order_id"),
        ),
        SqlMistake(
            "you picked each customer's first order, not their latest",
            _LATEST_ORDER.replace("ordered_at DESC, order_id DESC", "ordered_at, order_id"),
        ),
    ),
    hints=(
        "Number each customer's orders from the newest with ROW_NUMBER() OVER (PARTITION BY "
        "customer_id ORDER BY ...).",
        "Two orders can share a timestamp: add order_id DESC to the window's ORDER BY.",
        "Keep the rows numbered 1 in an outer query.",
    ),
)

EXERCISES = (
    sample_variance,
    merge_sorted,
    revenue_by_category,
    standardize_columns,
    largest_team,
    monthly_report,
    top_products_by_category,
    running_revenue,
    latest_order,
)
