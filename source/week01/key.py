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
    )


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
        SqlMistake(
            "order_amount is not rounded to 2 decimals",
            _MONTHLY_REPORT.replace(
                "ROUND(COALESCE(SUM(amount), 0), 2)", "COALESCE(SUM(amount), 0)"
            ),
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

top_products_by_category = SqlExercise(
    "top_products_by_category",
    variable="TOP_PRODUCTS_SQL",
    reference=_TOP_PRODUCTS,
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
