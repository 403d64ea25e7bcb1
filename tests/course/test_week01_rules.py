"""Week-1 rules the answer bank does not cover on its own: banned helpers and fair cases."""

from fractions import Fraction

import numpy as np
import pytest

from autograder.judges import CheckFailed
from tests.keys import key

week01 = key("week01")


def exact_variance(values) -> Fraction:
    mean = Fraction(sum(values), len(values))
    return sum((Fraction(v) - mean) ** 2 for v in values) / (len(values) - 1)


@pytest.mark.parametrize("case", [*week01.sample_variance.visible, *week01.sample_variance.hidden])
def test_no_variance_case_sits_on_a_rounding_boundary(case):
    """Otherwise a correct answer computed another way could round differently."""
    if case.raises:
        return
    hundredths = exact_variance(*case.args) * 100
    assert abs(hundredths - round(hundredths) - Fraction(1, 2)) > Fraction(1, 10**6)
    assert abs(hundredths - round(hundredths) + Fraction(1, 2)) > Fraction(1, 10**6)


def uses_statistics(values):
    import statistics

    return round(statistics.variance(values), 2)


def uses_numpy(values):
    return round(float(np.var(values, ddof=1)), 2)


def uses_array_method(values):
    return round(float(np.array(values).var(ddof=1)), 2)


@pytest.mark.parametrize("answer", [uses_statistics, uses_numpy, uses_array_method])
def test_library_variance_is_refused(answer):
    with pytest.raises(CheckFailed, match="yourself"):
        week01.sample_variance.check(answer)


def test_a_non_function_answer_is_explained():
    with pytest.raises(CheckFailed, match="must be a function"):
        week01.sample_variance.check(4.57)


def test_not_yet_written_answer_says_so():
    def sample_variance(values):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not written yet"):
        week01.sample_variance.check(sample_variance)


def test_hidden_failures_do_not_print_hidden_inputs():
    def off_by_one(values):
        return round(sum(values) / len(values), 2)

    with pytest.raises(CheckFailed) as failure:
        week01.sample_variance.check_hidden(off_by_one)
    assert "hidden case 1 (two values)" in str(failure.value)
    assert "[3, 8]" not in str(failure.value)


def test_visible_failures_show_the_call_and_the_expected_value():
    with pytest.raises(
        CheckFailed,
        match=r"sample_variance\(\[2, 4, 4, 4, 5, 5, 7, 9\]\) returned 4.0; expected 4.57",
    ):
        week01.sample_variance.check(lambda values: 4.0)


def test_hints_get_more_specific_and_stop_at_the_last(capsys):
    week01.merge_sorted.hint()
    week01.merge_sorted.hint(99)
    first, last = capsys.readouterr().out.strip().splitlines()
    assert first.startswith("Hint 1/3") and "hint(2)" in first
    assert last.startswith("Hint 3/3") and "hint(" not in last.split(":", 1)[1]


def test_the_rounding_tie_of_revenue_by_category_exists_only_after_rounding():
    """Sorting before rounding must give another order than sorting the rounded revenue."""
    case = next(c for c in week01.revenue_by_category.hidden() if "once rounded" in c.label)
    items, products = case.args
    lines = items.merge(products[["product_id", "category"]], on="product_id")
    exact = (lines["quantity"] * lines["unit_price"]).groupby(lines["category"]).sum()
    rounded = exact.round(2)
    tied = rounded[rounded.duplicated(keep=False)]
    assert len(tied) == 2 and exact[tied.index].nunique() == 2
    by_exact = exact[tied.index].sort_values(ascending=False).index.tolist()
    assert by_exact != sorted(tied.index)  # the exact order is not the names' order


def test_a_small_category_lets_an_unsold_product_reach_the_top_3():
    """Some category of each hidden database has fewer than three sold products and one that
    never sold, so a LEFT JOIN from products would list it."""
    query = """
        SELECT p.category, COUNT(DISTINCT oi.product_id) AS sold, COUNT(DISTINCT p.product_id) AS n
        FROM products AS p LEFT JOIN order_items AS oi ON oi.product_id = p.product_id
        GROUP BY p.category HAVING sold < 3 AND n > sold
    """
    for database in week01.top_products_by_category.hidden_databases():
        assert database.conn.execute(query).fetchall(), database.label
