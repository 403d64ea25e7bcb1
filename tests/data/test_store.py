"""The store database generator: determinism, shipped artefact, invariants, planted edge cases."""

import re
import sqlite3
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.data import store
from autograder.data.store import (
    STORE_SEED,
    TABLES,
    build_store,
    connect,
    store_path,
    table_counts,
    table_digest,
)

REPO = Path(__file__).resolve().parents[2]
HIDDEN_SEEDS = Course.load(REPO).hidden_seeds[:3]  # instructor-only, from course.toml
SHIPPED = REPO / "data" / "store.db"
CARD = REPO / "data" / "README.md"


def one(conn: sqlite3.Connection, sql: str, *params):
    return conn.execute(sql, params).fetchone()[0]


def column(conn: sqlite3.Connection, sql: str, *params) -> list:
    return [row[0] for row in conn.execute(sql, params)]


@pytest.fixture(scope="module")
def shipped():
    conn = connect(SHIPPED)
    yield conn
    conn.close()


@pytest.fixture(scope="module", params=HIDDEN_SEEDS, ids=lambda seed: f"seed{seed}")
def seed(request) -> int:
    return request.param


@pytest.fixture(scope="module")
def variant(seed):
    """A hidden-style database: small, edge cases planted."""
    conn = build_store(":memory:", seed=seed, size="small", edge_cases=True)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def plain_small(seed):
    """The same seed and size without the planted edge cases."""
    conn = build_store(":memory:", seed=seed, size="small", edge_cases=False)
    yield conn
    conn.close()


DATABASES = ["shipped", "small-plain"] + [f"small-edge-{seed}" for seed in HIDDEN_SEEDS]


@pytest.fixture(scope="module", params=DATABASES)
def any_db(request):
    name = request.param
    if name == "shipped":
        conn = connect(SHIPPED)
    elif name == "small-plain":
        conn = build_store(":memory:", seed=HIDDEN_SEEDS[0], size="small")
    else:
        conn = build_store(
            ":memory:", seed=int(name.rsplit("-", 1)[1]), size="small", edge_cases=True
        )
    yield conn
    conn.close()


# --- the shipped artefact ----------------------------------------------------------------------


def test_rebuilding_the_shipped_seed_reproduces_the_shipped_file(shipped, tmp_path):
    target = tmp_path / "rebuilt.db"
    assert build_store(target, seed=STORE_SEED) is None
    rebuilt = connect(target)
    try:
        assert table_counts(rebuilt) == table_counts(shipped)
        assert table_digest(rebuilt) == table_digest(shipped)
    finally:
        rebuilt.close()


def test_shipped_file_is_small_and_where_store_path_says():
    assert SHIPPED.is_file()
    assert SHIPPED.stat().st_size < 5 * 1024 * 1024
    assert store_path(REPO / "source") == SHIPPED  # found from anywhere in the course


def test_shipped_row_counts_are_in_the_advertised_ranges(shipped):
    counts = table_counts(shipped)
    assert list(counts) == list(TABLES)
    assert 80 <= counts["employees"] <= 120
    assert counts["customers"] == 1500
    assert 140 <= counts["products"] <= 160
    assert 18_000 <= counts["orders"] <= 22_000
    assert counts["orders"] <= counts["order_items"] <= 5 * counts["orders"]
    assert one(shipped, "SELECT COUNT(DISTINCT category) FROM products") == 8


def test_data_card_quotes_the_shipped_counts_and_digest(shipped):
    card = CARD.read_text(encoding="utf-8")
    for table, count in table_counts(shipped).items():
        assert re.search(rf"\|\s*`?{table}`?\s*\|\s*{count:,}\s*\|", card), table
    assert table_digest(shipped) in card
    assert "python -m autograder.data.store" in card


def test_shipped_data_has_the_described_shapes(shipped):
    per_year = dict(
        shipped.execute("SELECT substr(ordered_at, 1, 4), COUNT(*) FROM orders GROUP BY 1")
    )
    assert per_year["2019"] < per_year["2020"] < per_year["2021"]
    per_month = dict(
        shipped.execute("SELECT substr(ordered_at, 6, 2), COUNT(*) FROM orders GROUP BY 1")
    )
    ordinary = [n for month, n in per_month.items() if month not in ("11", "12")]
    assert min(per_month["11"], per_month["12"]) > 1.3 * max(ordinary)
    pending = one(shipped, "SELECT AVG(status = 'pending') FROM orders")
    assert 0.005 <= pending <= 0.03
    no_email = one(shipped, "SELECT AVG(email IS NULL) FROM customers")
    assert 0.01 <= no_email <= 0.06
    # Zipf-like products: the best seller sells far more than the median product
    units = column(
        shipped, "SELECT SUM(quantity) FROM order_items GROUP BY product_id ORDER BY 1 DESC"
    )
    assert units[0] > 10 * units[len(units) // 2]
    # a few heavy buyers
    per_customer = column(
        shipped, "SELECT COUNT(*) FROM orders GROUP BY customer_id ORDER BY 1 DESC"
    )
    assert per_customer[0] > 10 * per_customer[len(per_customer) // 2]


def test_visible_data_has_namesakes_among_managers_and_customers(shipped):
    managers_sharing = one(
        shipped,
        """SELECT COUNT(*) FROM (
               SELECT name FROM employees
               WHERE employee_id IN (SELECT manager_id FROM employees)
               GROUP BY name HAVING COUNT(*) >= 2)""",
    )
    assert managers_sharing >= 1
    customers_sharing = one(
        shipped,
        "SELECT COUNT(*) FROM (SELECT name FROM customers GROUP BY name HAVING COUNT(*) >= 2)",
    )
    assert customers_sharing >= 2


def test_visible_org_is_one_tree_under_one_ceo(shipped):
    assert column(shipped, "SELECT title FROM employees WHERE manager_id IS NULL") == [
        "Chief Executive Officer"
    ]
    reached = one(
        shipped,
        """WITH RECURSIVE tree(id) AS (
               SELECT employee_id FROM employees WHERE manager_id IS NULL
               UNION SELECT e.employee_id FROM employees e JOIN tree ON e.manager_id = tree.id)
           SELECT COUNT(*) FROM tree""",
    )
    assert reached == one(shipped, "SELECT COUNT(*) FROM employees")
    teams = column(shipped, "SELECT COUNT(*) FROM employees GROUP BY manager_id")
    assert min(teams) <= 2 and max(teams) >= 10


# --- connect / store_path / main -----------------------------------------------------------------


def test_connect_works_from_another_directory_and_is_read_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    conn = connect()
    try:
        assert one(conn, "SELECT COUNT(*) FROM customers") == 1500
        with pytest.raises(sqlite3.OperationalError):
            conn.execute(
                "INSERT INTO customers VALUES (99999, 'x', NULL, 'y', 'consumer', '2020-01-01')"
            )
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM orders")
    finally:
        conn.close()
    assert not list(tmp_path.iterdir())


def test_connect_writable_on_request(tmp_path):
    target = tmp_path / "copy.db"
    build_store(target, seed=HIDDEN_SEEDS[0], size="small")
    conn = connect(target, readonly=False)
    try:
        conn.execute("DELETE FROM order_items")
        assert one(conn, "SELECT COUNT(*) FROM order_items") == 0
    finally:
        conn.close()


def test_connect_read_only_does_not_create_a_missing_file(tmp_path):
    with pytest.raises(sqlite3.OperationalError):
        connect(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_store_path_falls_back_to_a_built_cache(tmp_path, monkeypatch, shipped):
    monkeypatch.chdir(tmp_path)  # a learner's folder: no data/store.db above it
    monkeypatch.delenv("AUTOGRADER_STORE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = store_path()
    assert path == tmp_path / "cache" / "ds-interview-loop" / f"store-{STORE_SEED}.db"
    cached = connect(path)
    try:
        assert table_digest(cached) == table_digest(shipped)
    finally:
        cached.close()
    assert store_path() == path  # built once, then reused
    monkeypatch.setenv("AUTOGRADER_STORE", str(SHIPPED))
    assert store_path() == SHIPPED  # an explicit choice wins


def test_build_to_a_path_replaces_the_file_atomically(tmp_path):
    target = tmp_path / "store.db"
    target.write_text("not a database")
    assert build_store(target, seed=HIDDEN_SEEDS[1], size="small") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.db"]  # no temp file left
    conn = connect(target)
    try:
        assert one(conn, "SELECT COUNT(*) FROM orders") > 0
    finally:
        conn.close()


def test_build_rejects_an_unknown_size():
    with pytest.raises(ValueError):
        build_store(":memory:", size="medium")


def test_main_prints_counts_and_digest(tmp_path, capsys):
    target = tmp_path / "main.db"
    store.main(["--out", str(target), "--size", "small", "--seed", str(HIDDEN_SEEDS[2])])
    out = capsys.readouterr().out
    conn = connect(target)
    try:
        assert table_digest(conn) in out
        for table, count in table_counts(conn).items():
            assert re.search(rf"{table}\s+{count:,}", out)
    finally:
        conn.close()


# --- determinism ---------------------------------------------------------------------------------


@pytest.mark.parametrize("edge_cases", [False, True])
def test_same_seed_same_contents(edge_cases):
    digests = set()
    for _ in range(2):
        conn = build_store(":memory:", seed=HIDDEN_SEEDS[0], size="small", edge_cases=edge_cases)
        digests.add(table_digest(conn))
        conn.close()
    assert len(digests) == 1


def test_different_seeds_differ():
    digests, orders = set(), set()
    for seed in HIDDEN_SEEDS:
        conn = build_store(":memory:", seed=seed, size="small", edge_cases=True)
        digests.add(table_digest(conn))
        orders.add(table_counts(conn)["orders"])
        conn.close()
    assert len(digests) == len(HIDDEN_SEEDS)
    assert len(orders) == len(HIDDEN_SEEDS)


def test_edge_cases_and_size_change_the_contents(plain_small, variant, shipped):
    assert table_digest(plain_small) != table_digest(variant)
    full = table_counts(shipped)
    small = table_counts(plain_small)
    assert 150 <= small["customers"] <= 350
    assert 2_500 <= small["orders"] <= 4_000
    assert 25 <= small["employees"] <= 60
    assert small["orders"] < full["orders"] / 4


def test_small_build_has_all_products(plain_small, shipped):
    products = "SELECT * FROM products ORDER BY product_id"
    small = build_store(":memory:", seed=STORE_SEED, size="small")
    try:
        assert small.execute(products).fetchall() == shipped.execute(products).fetchall()
    finally:
        small.close()


def test_digest_sees_a_single_changed_value():
    conn = build_store(":memory:", seed=HIDDEN_SEEDS[0], size="small")
    before = table_digest(conn)
    conn.execute("UPDATE order_items SET quantity = quantity + 1 WHERE rowid = 1")
    assert table_digest(conn) != before


# --- invariants, on the shipped database and on small variants ----------------------------------


def test_foreign_keys_hold(any_db):
    assert any_db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert (
        one(
            any_db,
            "SELECT COUNT(*) FROM orders WHERE customer_id NOT IN "
            "(SELECT customer_id FROM customers)",
        )
        == 0
    )
    assert (
        one(
            any_db,
            "SELECT COUNT(*) FROM order_items WHERE order_id NOT IN (SELECT order_id FROM orders)",
        )
        == 0
    )
    assert (
        one(
            any_db,
            "SELECT COUNT(*) FROM order_items WHERE product_id NOT IN "
            "(SELECT product_id FROM products)",
        )
        == 0
    )
    assert (
        one(
            any_db,
            "SELECT COUNT(*) FROM employees WHERE manager_id IS NOT NULL AND "
            "manager_id NOT IN (SELECT employee_id FROM employees)",
        )
        == 0
    )


def test_every_order_has_one_to_five_lines(any_db):
    sizes = column(
        any_db,
        "SELECT COUNT(oi.product_id) FROM orders o LEFT JOIN order_items oi USING (order_id) "
        "GROUP BY o.order_id",
    )
    assert min(sizes) >= 1 and max(sizes) <= 5
    assert one(any_db, "SELECT COUNT(*) FROM order_items WHERE quantity < 1") == 0


def test_amount_is_the_rounded_sum_of_items_except_pending(any_db):
    rows = any_db.execute(
        """SELECT o.status, o.amount, SUM(oi.quantity * oi.unit_price), SUM(oi.quantity * CAST(
                  ROUND(oi.unit_price * 100) AS INTEGER))
           FROM orders o JOIN order_items oi USING (order_id) GROUP BY o.order_id"""
    ).fetchall()
    for status, amount, total, cents in rows:
        if status == "pending":
            assert amount is None
        else:
            assert amount is not None
            assert abs(amount - round(total, 2)) < 1e-9
            assert round(amount * 100) == cents
    wrong = one(
        any_db,
        """SELECT COUNT(*) FROM orders o
           JOIN (SELECT order_id, SUM(quantity * unit_price) AS s FROM order_items GROUP BY 1) t
             USING (order_id)
           WHERE o.amount IS NOT NULL AND ABS(o.amount - ROUND(t.s, 2)) > 1e-9""",
    )
    assert wrong == 0
    assert (
        one(any_db, "SELECT COUNT(*) FROM orders WHERE (amount IS NULL) <> (status = 'pending')")
        == 0
    )


def test_prices_have_two_decimals(any_db):
    for sql in ("SELECT unit_price FROM products", "SELECT unit_price FROM order_items"):
        prices = column(any_db, sql)
        assert min(prices) > 0
        assert all(abs(p * 100 - round(p * 100)) < 1e-6 for p in prices)


def test_categorical_columns_use_the_documented_values(any_db):
    assert set(column(any_db, "SELECT DISTINCT status FROM orders")) == {
        "completed",
        "returned",
        "cancelled",
        "pending",
    }
    assert set(column(any_db, "SELECT DISTINCT segment FROM customers")) == {
        "consumer",
        "small_business",
        "enterprise",
    }
    assert len(set(column(any_db, "SELECT DISTINCT category FROM products"))) == 8


def test_dates_are_well_formed_and_in_range(any_db):
    bad_stamp = one(
        any_db,
        """SELECT COUNT(*) FROM orders WHERE datetime(ordered_at) IS NOT ordered_at
           OR ordered_at < '2019-01-01 00:00:00' OR ordered_at > '2021-12-31 23:59:59'""",
    )
    assert bad_stamp == 0
    for table, col in (
        ("customers", "signup_date"),
        ("employees", "hired_on"),
        ("products", "launched_on"),
    ):
        assert one(any_db, f"SELECT COUNT(*) FROM {table} WHERE date({col}) IS NOT {col}") == 0
        assert one(any_db, f"SELECT MAX({col}) FROM {table}") <= "2021-12-31"


def test_nobody_orders_before_signing_up_and_nothing_sells_before_launch(any_db):
    early = one(
        any_db,
        "SELECT COUNT(*) FROM orders o JOIN customers c USING (customer_id) "
        "WHERE date(o.ordered_at) < c.signup_date",
    )
    assert early == 0
    unlaunched = one(
        any_db,
        "SELECT COUNT(*) FROM order_items oi JOIN orders o USING (order_id) "
        "JOIN products p USING (product_id) WHERE date(o.ordered_at) < p.launched_on",
    )
    assert unlaunched == 0


def test_order_ids_ascend_with_time(any_db):
    backwards = one(
        any_db,
        """SELECT COUNT(*) FROM (
               SELECT ordered_at, LAG(ordered_at) OVER (ORDER BY order_id) AS before FROM orders)
           WHERE before > ordered_at""",
    )
    assert backwards == 0
    assert one(any_db, "SELECT MIN(order_id) FROM orders") == 1
    assert one(any_db, "SELECT MAX(order_id) = COUNT(*) FROM orders") == 1


def test_emails_are_unique_when_present(any_db):
    assert one(any_db, "SELECT COUNT(email) = COUNT(DISTINCT email) FROM customers") == 1


def test_the_org_chart_has_no_cycles(any_db):
    reached = one(
        any_db,
        """WITH RECURSIVE tree(id, depth) AS (
               SELECT employee_id, 0 FROM employees WHERE manager_id IS NULL
               UNION ALL SELECT e.employee_id, depth + 1 FROM employees e
               JOIN tree ON e.manager_id = tree.id WHERE depth < 50)
           SELECT COUNT(DISTINCT id) FROM tree""",
    )
    assert reached == one(any_db, "SELECT COUNT(*) FROM employees")
    assert column(
        any_db,
        "SELECT COUNT(*) FROM employees WHERE title = 'Chief Executive Officer'"
        " AND manager_id IS NULL",
    ) == [1]


# --- planted edge cases (one test per trap, for every hidden seed) -------------------------------

TEAMS = """
    WITH teams AS (SELECT manager_id, COUNT(*) AS n FROM employees
                   WHERE manager_id IS NOT NULL GROUP BY manager_id)
    SELECT manager_id FROM teams WHERE n = (SELECT MAX(n) FROM teams)
"""


def test_edge_1_tie_for_the_biggest_team_and_a_namesake_manager(variant):
    tied = column(variant, TEAMS)
    assert len(tied) >= 2
    marks = ",".join("?" * len(tied))
    namesakes = one(
        variant,
        f"""SELECT COUNT(*) FROM employees e JOIN employees t ON e.name = t.name
            WHERE t.employee_id IN ({marks}) AND e.employee_id <> t.employee_id""",
        *tied,
    )
    assert namesakes >= 1


def test_edge_2_contractors_without_manager_outnumber_the_biggest_team(variant, plain_small):
    biggest = one(
        variant,
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM employees WHERE manager_id IS NOT NULL "
        "GROUP BY manager_id)",
    )
    no_manager = one(variant, "SELECT COUNT(*) FROM employees WHERE manager_id IS NULL")
    assert no_manager >= 4 and no_manager > biggest
    naive = variant.execute(
        "SELECT manager_id FROM employees GROUP BY manager_id ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    assert naive is None
    assert one(plain_small, "SELECT COUNT(*) FROM employees WHERE manager_id IS NULL") == 1


def test_edge_3_a_month_of_2020_without_orders(variant, plain_small):
    month_sql = (
        "SELECT DISTINCT CAST(strftime('%m', ordered_at) AS INTEGER) FROM orders "
        "WHERE strftime('%Y', ordered_at) = ?"
    )
    missing = set(range(1, 13)) - set(column(variant, month_sql, "2020"))
    assert len(missing) == 1 and missing.isdisjoint({1, 12})
    for year in ("2019", "2021"):
        assert set(column(variant, month_sql, year)) == set(range(1, 13))
    assert set(column(plain_small, month_sql, "2020")) == set(range(1, 13))


def test_edge_4_orders_at_year_boundaries(variant):
    for stamp in (
        "2019-12-31 23:59:59",
        "2020-12-31 18:30:00",
        "2020-12-31 23:59:59",
        "2021-01-01 00:00:00",
    ):
        assert one(variant, "SELECT COUNT(*) FROM orders WHERE ordered_at = ?", stamp) >= 1
    between = one(
        variant,
        "SELECT COUNT(*) FROM orders WHERE ordered_at BETWEEN '2020-01-01' AND '2020-12-31'",
    )
    by_year = one(variant, "SELECT COUNT(*) FROM orders WHERE strftime('%Y', ordered_at) = '2020'")
    assert between < by_year


def test_edge_5_namesake_customers_who_both_ordered(variant):
    pairs = one(
        variant,
        """SELECT COUNT(*) FROM (
               SELECT name FROM customers
               WHERE customer_id IN (SELECT customer_id FROM orders)
               GROUP BY name HAVING COUNT(DISTINCT customer_id) >= 2)""",
    )
    assert pairs >= 2


def test_edge_6_many_pending_orders_without_amount(variant, plain_small):
    assert one(variant, "SELECT AVG(amount IS NULL) FROM orders") >= 0.05
    assert (
        one(variant, "SELECT COUNT(*) FROM orders WHERE amount IS NULL AND status <> 'pending'")
        == 0
    )
    assert one(plain_small, "SELECT AVG(amount IS NULL) FROM orders") < 0.03


RANKED = """
    WITH revenue AS (
        SELECT p.category, p.product_id, SUM(oi.quantity * oi.unit_price) AS revenue
        FROM products p JOIN order_items oi USING (product_id)
        GROUP BY p.category, p.product_id),
    ranked AS (
        SELECT *, RANK() OVER (PARTITION BY category ORDER BY revenue DESC) AS rnk FROM revenue)
    SELECT category, product_id, revenue, rnk FROM ranked
"""


def test_edge_7_exact_revenue_ties_at_rank_three(variant):
    rows = variant.execute(RANKED).fetchall()
    third: dict[str, list] = {}
    for category, product, revenue, rnk in rows:
        if rnk == 3:
            third.setdefault(category, []).append((product, revenue))
    tied = {c: r for c, r in third.items() if len(r) == 2 and r[0][1] == r[1][1]}
    assert len(tied) >= 2
    # the tie is exact whatever the summation order (pandas, Python, another SQLite)
    for pairs in tied.values():
        totals = set()
        for product, _ in pairs:
            values = column(
                variant,
                "SELECT quantity * unit_price FROM order_items WHERE product_id = ? ORDER BY 1",
                product,
            )
            totals |= {sum(values), sum(reversed(values)), sum(sorted(values, key=abs)[::-1])}
        assert len(totals) == 1


def test_edge_7_a_tie_for_first_place_in_another_category(variant):
    rows = variant.execute(RANKED).fetchall()
    first: dict[str, set] = {}
    for category, _, revenue, rnk in rows:
        if rnk == 1:
            first.setdefault(category, set()).add(revenue)
    counts = {c: sum(1 for row in rows if row[0] == c and row[3] == 1) for c in first}
    assert any(n == 2 for n in counts.values())  # so DENSE_RANK and RANK differ in the top 3


def test_edge_8_two_orders_share_a_customers_latest_time(variant):
    customers = one(
        variant,
        """WITH latest AS (SELECT customer_id, MAX(ordered_at) AS at FROM orders
                          GROUP BY customer_id)
           SELECT COUNT(*) FROM (
               SELECT o.customer_id FROM orders o
               JOIN latest l ON o.customer_id = l.customer_id AND o.ordered_at = l.at
               GROUP BY o.customer_id HAVING COUNT(DISTINCT o.order_id) >= 2)""",
    )
    assert customers >= 3


def test_edge_9_a_customer_and_a_product_without_orders(variant):
    assert (
        one(
            variant,
            "SELECT COUNT(*) FROM customers WHERE customer_id NOT IN "
            "(SELECT customer_id FROM orders)",
        )
        >= 1
    )
    assert (
        one(
            variant,
            "SELECT COUNT(*) FROM products WHERE product_id NOT IN "
            "(SELECT product_id FROM order_items)",
        )
        >= 1
    )


# --- tables added later, and the traps planted for them -------------------------------------

CORE_DIGEST = "42a3c4ec80d409dddf456a80301cce0692121e51bd1b0862758d153f353387d3"


def test_later_tables_left_the_core_tables_unchanged(shipped):
    assert table_digest(shipped, store.CORE_TABLES) == CORE_DIGEST
    assert table_digest(shipped) != CORE_DIGEST


def test_web_events_are_well_formed(any_db):
    assert set(column(any_db, "SELECT DISTINCT event_type FROM web_events")) == {
        "search",
        "view",
        "cart",
        "checkout",
        "purchase",
    }
    same_second = one(
        any_db,
        "SELECT COUNT(*) FROM (SELECT session_id, occurred_at FROM web_events "
        "GROUP BY 1, 2 HAVING COUNT(*) > 1)",
    )
    assert same_second == 0
    unlaunched = one(
        any_db,
        "SELECT COUNT(*) FROM web_events e JOIN products p USING (product_id) "
        "WHERE date(e.occurred_at) < p.launched_on",
    )
    assert unlaunched == 0


def test_account_emails_match_after_trim_and_lower(any_db):
    raw = one(any_db, "SELECT COUNT(email) - COUNT(DISTINCT email) FROM accounts")
    typed = one(any_db, "SELECT COUNT(email) - COUNT(DISTINCT LOWER(TRIM(email))) FROM accounts")
    assert typed > raw >= 0


def test_edge_10_orders_at_the_edges_of_march_2021(variant):
    for stamp in ("2021-02-28 23:59:59", "2021-03-31 23:59:59", "2021-04-01 00:00:00"):
        assert (
            one(
                variant,
                "SELECT COUNT(*) FROM orders WHERE ordered_at = ? AND status = 'completed'",
                stamp,
            )
            >= 1
        )


def test_edge_11_a_first_order_one_second_before_the_next_month(variant):
    found = one(
        variant,
        """SELECT COUNT(*) FROM orders a JOIN orders b USING (customer_id)
           WHERE a.ordered_at = '2021-06-30 23:59:59' AND b.ordered_at = '2021-07-01 00:00:00'
             AND a.ordered_at = (SELECT MIN(ordered_at) FROM orders o
                                 WHERE o.customer_id = a.customer_id)""",
    )
    assert found >= 1


def test_edge_12_a_march_day_without_completed_orders(variant):
    days = column(
        variant,
        """SELECT date(ordered_at) FROM orders WHERE ordered_at >= '2021-03-01'
           AND ordered_at < '2021-04-01' GROUP BY 1 HAVING SUM(status = 'completed') = 0""",
    )
    assert days


def test_edge_13_a_category_without_enterprise_sales_in_2021(variant):
    categories = one(
        variant,
        """SELECT COUNT(*) FROM (
               SELECT p.category FROM order_items oi JOIN orders o USING (order_id)
               JOIN customers c USING (customer_id) JOIN products p USING (product_id)
               WHERE o.status = 'completed' AND o.ordered_at >= '2021-01-01'
               GROUP BY p.category HAVING SUM(c.segment = 'enterprise') = 0)""",
    )
    assert categories >= 1


def test_edge_14_namesake_reports_in_a_largest_team(variant):
    distinct_names = column(
        variant,
        f"""WITH tied AS ({TEAMS})
            SELECT COUNT(DISTINCT e.name) FROM employees e JOIN tied t
              ON e.manager_id = t.manager_id GROUP BY t.manager_id""",
    )
    biggest = one(
        variant,
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM employees "
        "WHERE manager_id IS NOT NULL GROUP BY manager_id)",
    )
    assert min(distinct_names) < biggest


def test_edge_15_untidy_sessions_and_late_event_ids(variant):
    cart_before_view = one(
        variant,
        """SELECT COUNT(DISTINCT c.session_id) FROM web_events c
           WHERE c.event_type = 'cart' AND c.occurred_at < (
               SELECT MIN(v.occurred_at) FROM web_events v
               WHERE v.session_id = c.session_id AND v.event_type = 'view')""",
    )
    no_view = one(
        variant,
        """SELECT COUNT(DISTINCT session_id) FROM web_events WHERE event_type = 'purchase'
           AND session_id NOT IN (SELECT session_id FROM web_events WHERE event_type = 'view')""",
    )
    late = one(
        variant,
        """SELECT COUNT(*) FROM web_events a JOIN web_events b USING (session_id)
           WHERE a.occurred_at < b.occurred_at AND a.event_id > b.event_id""",
    )
    assert cart_before_view >= 4 and no_view >= 2 and late >= 1


def test_edge_16_three_accounts_and_null_emails_under_one_name(variant):
    triple = one(
        variant,
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM accounts WHERE email IS NOT NULL "
        "GROUP BY LOWER(TRIM(email)))",
    )
    assert triple >= 3
    null_namesakes = one(
        variant,
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM accounts WHERE email IS NULL GROUP BY name)",
    )
    assert null_namesakes >= 2
