"""Complexity by counting comparisons: a re-sort is caught, a true merge is not."""

import heapq

import pytest

from autograder.judges import CheckFailed
from autograder.judges.counting import ComparisonCounter, wrap_all
from tests.keys import key

week01 = key("week01")


def test_every_ordering_comparison_is_counted():
    counter = ComparisonCounter()
    a, b = wrap_all([1, 2], "L", counter)
    assert a < b and a <= b and b > a and b >= a and a != b
    assert counter.ordering == 4 and counter.equality == 1


def test_sorted_concatenation_is_rejected_by_comparison_count():
    with pytest.raises(CheckFailed, match="comparisons"):
        week01.merge_sorted.check(lambda left, right: sorted(left + right))


def test_sort_in_place_of_a_copy_is_rejected():
    def resort(left, right):
        merged = left + right
        merged.sort()
        return merged

    with pytest.raises(CheckFailed, match="comparisons"):
        week01.merge_sorted.check_hidden(resort)


def test_a_real_merge_passes_within_budget():
    week01.merge_sorted.check(week01._reference_merge)
    week01.merge_sorted.check_hidden(lambda left, right: list(heapq.merge(left, right)))
