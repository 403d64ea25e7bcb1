"""Operation budgets: values judged type-exactly, work counted on wrapped list elements."""

import heapq
import json
from collections import Counter

import pytest

from autograder.exercises.base import exercise_type
from autograder.exercises.function import Case, Mistake, produces
from autograder.exercises.operations import OperationBudgetExercise
from autograder.judges import CheckFailed
from autograder.judges.counting import ComparisonCounter, counted_call, wrap_all


def reference_top(items, k):
    counts = Counter(items)
    return sorted(counts, key=lambda x: (-counts[x], x))[:k]


def heap_top(items, k):
    counts = Counter(items)
    return heapq.nsmallest(k, counts, key=lambda x: (-counts[x], x))


def tied(n):
    words = [f"w{i:04d}" for i in range(n)] * 2
    return [words[(i * 7919) % len(words)] for i in range(len(words))]


def top_exercise(**extra):
    return OperationBudgetExercise(
        "top",
        name="top",
        reference=reference_top,
        budget=lambda args: 5 * len(set(args[0])) + args[1],
        budget_note="use a heap of k",
        visible=(Case((["a", "b", "a"], 1)), Case((tied(1500), 2))),
        hidden=(Case((["x"], -1), "negative k", raises=ValueError),),
        **extra,
    )


def test_arithmetic_and_hashing_are_counted():
    counter = ComparisonCounter()
    a, b = wrap_all([3, 4], "L", counter)
    assert a + b == 7 and 10 - a == 7 and a - 1 == 2 and -a == -3 and 2 * b == 8
    assert counter.arithmetic == 5
    assert {a: 1}[3] == 1 and counter.hashing == 1
    assert bool(wrap_all([0], "L", counter)[0]) is False and str(a) == "3"


def test_plain_arguments_pass_through_unwrapped():
    summary = counted_call(lambda nums, k: [k, nums[0]], ([5, 6], 9))
    assert summary["values"] == [9, 5] and summary["tags"] == [None, ["0", 0]]
    assert summary["mutated"] is False


def test_sorting_an_argument_in_place_is_mutation():
    assert counted_call(lambda nums, k: nums.sort() or [], ([2, 1], 0))["mutated"] is True


def test_a_heap_passes_and_a_full_sort_is_over_budget():
    exercise = top_exercise()
    exercise.check(heap_top)
    with pytest.raises(CheckFailed, match=r"comparison\(s\).*use a heap of k"):
        exercise.check(reference_top)


def test_values_are_judged_type_exactly_and_quoted_when_visible():
    with pytest.raises(CheckFailed, match=r"returned a tuple .*expected a list"):
        top_exercise().check(lambda items, k: tuple(heap_top(items, k)))
    with pytest.raises(CheckFailed, match=r"returned \['b'\]; expected \['a'\]"):
        top_exercise().check(lambda items, k: ["b"])


def test_expected_exceptions_and_recognised_mistakes():
    def no_check(items, k):
        return heap_top(items, max(k, 0))

    with pytest.raises(CheckFailed, match="should raise ValueError"):
        top_exercise().check_hidden(no_check)
    named = top_exercise(
        mistakes=(
            Mistake(
                "ties by first appearance",
                produces(lambda i, k: [x for x, _ in Counter(i).most_common(k)]),
            ),
        )
    )
    with pytest.raises(CheckFailed, match="ties by first appearance"):
        named.check(lambda items, k: [x for x, _ in Counter(items).most_common(k)])


def test_returning_elements_instead_of_indices_is_named():
    exercise = OperationBudgetExercise(
        "pair",
        name="pair",
        reference=lambda nums, target: [0, 1],
        budget=lambda args: 10,
        budget_note="",
        counts=("arithmetic", "hashing"),
        elements_returned=False,
        visible=(Case(([1, 2], 3)),),
        hidden=(),
    )
    with pytest.raises(CheckFailed, match="positions"):
        exercise.check(lambda nums, target: [nums[0], nums[1]])
    exercise.check(lambda nums, target: [0, 1])


def test_unknown_counts_are_refused():
    with pytest.raises(ValueError):
        top_exercise(counts=("time",))


def test_learner_side_data_round_trips():
    exercise = top_exercise()
    data = json.loads(json.dumps(exercise.learner_data()))
    rebuilt = exercise_type(data["type"]).from_learner_data(data)
    rebuilt.check(heap_top)
    with pytest.raises(CheckFailed, match="use a heap of k"):
        rebuilt.check(reference_top)
