"""Function exercises whose complexity is judged by counting operations on input elements.

:class:`~autograder.exercises.counted.ComparisonBudgetExercise` judges merges, where the
result is the input elements themselves. Many classics (top-k by frequency, pair sums with a
hashmap) return something else (a few of the elements, or indices) and take plain arguments
besides the list (``k``, a target). This type calls the learner's function with every list
argument's elements wrapped (:mod:`autograder.judges.counting`), compares the returned values
type-exactly with the reference, and fails an answer that did more counted operations on the
elements than ``budget(args)`` allows. Which operations count is declared (``counts``):
ordering comparisons, equality tests, arithmetic, hashing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograder.exercises.answer import FunctionAnswer
from autograder.exercises.function import Case, FunctionExercise, args_key, call_text
from autograder.judges.values import article, describe_difference

OPERATIONS = {
    "comparisons": "comparison(s) (<, <=, >, >=)",
    "equality": "equality test(s) (==, !=)",
    "arithmetic": "arithmetic operation(s) (+, -, *)",
    "hashing": "hash(es) (use as a dict key or set member)",
}


class OperationBudgetExercise(FunctionExercise):
    """Judge values type-exactly and the work done on list elements by counting it.

    ``counts`` names the summary counters that add up to the work (keys of
    :data:`OPERATIONS`); ``budget(args)`` is the most work allowed on ``args``;
    ``budget_note`` says why (shown when the budget is exceeded). ``elements_returned``
    says whether the result may hold input elements (top-k returns items; an index
    exercise returns positions, so returning elements is named as a mistake).
    """

    kind = "function"

    def __init__(
        self,
        id: str,
        *,
        budget: Callable[[tuple], int],
        budget_note: str,
        counts: tuple[str, ...] = ("comparisons",),
        elements_returned: bool = True,
        **kwargs: Any,
    ):
        super().__init__(id, **kwargs)
        unknown = set(counts) - set(OPERATIONS)
        if unknown or not counts:
            raise ValueError(f"counts must name some of {sorted(OPERATIONS)}, not {counts!r}")
        self.budget = budget
        self.budget_note = budget_note
        self.counts = tuple(counts)
        self.elements_returned = elements_returned

    def work(self, summary: dict) -> int:
        return sum(int(summary.get(name, 0)) for name in self.counts)

    def _judge_case(
        self, func: FunctionAnswer, case: Case, *, hidden: bool, index: int
    ) -> str | None:
        where = self._where(case, hidden=hidden, index=index)
        summary = func.counted(case.args, banned=self.banned)
        if summary.get("banned"):
            return summary["banned"]
        if summary["error"] is not None:
            if case.raises is not None and isinstance(summary["error"], case.raises):
                return None
            return self._raised(summary["error"], where)
        if case.raises is not None:
            return (
                f"{self.name} should raise {case.raises.__name__} {where}, but it returned "
                f"a {summary['type']}"
            )
        if summary["mutated"]:
            return (
                f"{self.name} changed its input {where} (e.g. sort() or pop() on an argument); "
                "leave the arguments as they were"
            )
        expected = self.expected(case)
        if summary["type"] != type(expected).__name__ or summary["values"] is None:
            return (
                f"{self.name} returned {article(summary['type'])} {where}; "
                f"expected {article(type(expected).__name__)}"
            )
        if not self.elements_returned and any(tag is not None for tag in summary["tags"]):
            return (
                f"{self.name} returned elements of its input {where}; it should return their "
                "positions (indices)"
            )
        values = summary["values"]
        problem = describe_difference(values, expected, tol=self.tol)
        if problem is not None:
            message = f"{self.name} {problem} {where}"
            if not hidden:  # visible data may be quoted
                call = case.label or call_text(self.name, case.args)
                message = (
                    f"{call} returned {_short_list(values)}; expected {_short_list(expected)}"
                    if not case.label
                    else f"{self.name} returned {_short_list(values)} on {call}; "
                    f"expected {_short_list(expected)}"
                )
            for mistake in self.mistakes:
                if mistake.matches(case.args, values):
                    return f"{message} — {mistake.message}"
            return message
        used, allowed = self.work(summary), self.budget(case.args)
        if used > allowed:
            what = " and ".join(OPERATIONS[name] for name in self.counts)
            return (
                f"{self.name} made {used} {what} on the input's elements {where} "
                f"(at most {allowed} allowed); {self.budget_note}"
            )
        return None

    # ------------------------------------------------------------------ learner-side data

    def learner_data(self) -> dict[str, Any]:
        data = super().learner_data()
        budgets = {args_key(case.args): self.budget(case.args) for case in self.cases(hidden=False)}
        data.update(
            budgets=budgets,
            budget_note=self.budget_note,
            counts=list(self.counts),
            elements_returned=self.elements_returned,
        )
        return data

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> OperationBudgetExercise:
        exercise = super().from_learner_data(data)
        budgets = data["budgets"]
        exercise.budget = lambda args: budgets[args_key(args)]
        exercise.budget_note = data["budget_note"]
        exercise.counts = tuple(data["counts"])
        exercise.elements_returned = data["elements_returned"]
        return exercise


def _short_list(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
