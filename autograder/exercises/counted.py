"""Exercises on sorted sequences whose complexity is judged by counting comparisons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograder.exercises.answer import FunctionAnswer
from autograder.exercises.function import Case, FunctionExercise, args_key, call_text


class ComparisonBudgetExercise(FunctionExercise):
    """The learner merges/combines sorted lists; elements are wrapped to count comparisons.

    Each list argument's elements are wrapped in :class:`Counted`, tagged with (argument,
    position). The result must hold exactly those objects, in value order, with equal values
    kept in argument-then-position order, using at most ``budget(args)`` ordering comparisons.
    """

    kind = "function"

    def __init__(self, id: str, *, budget: Callable[[tuple], int], budget_note: str, **kwargs):
        super().__init__(id, **kwargs)
        self.budget = budget
        self.budget_note = budget_note

    def _judge_case(
        self, func: FunctionAnswer, case: Case, *, hidden: bool, index: int
    ) -> str | None:
        where = self._where(case, hidden=hidden, index=index)
        summary = func.counted(case.args, banned=self.banned)
        if summary.get("banned"):
            return summary["banned"]
        if summary["error"] is not None:
            return self._raised(summary["error"], where)
        if summary["mutated"]:
            return (
                f"{self.name} changed its input {where} (e.g. pop() or sort() on an argument); "
                "read the inputs with indexes and build a new list"
            )
        if summary["type"] != "list":
            return f"{self.name} returned a {summary['type']} {where}; expected a list"
        if summary["returned_input"]:
            return (
                f"{self.name} returned a list that is one of its inputs {where}; build a new list"
            )
        expected = sorted(  # by value; ties keep argument-then-position order
            (value, str(arg), pos)
            for arg, values in enumerate(case.args)
            for pos, value in enumerate(values)
        )
        want_tags = [[arg, pos] for _, arg, pos in expected]
        if summary["tags"] != want_tags:
            return self._explain(summary, expected, case, where, hidden)
        if summary["comparisons"] > self.budget(case.args):
            sizes = " + ".join(str(len(a)) for a in case.args)
            return (
                f"{self.name} made {summary['comparisons']} comparisons {where} (lists of {sizes} elements); "
                f"{self.budget_note}"
            )
        return None

    def _explain(self, summary: dict, expected: list, case: Case, where: str, hidden: bool) -> str:
        tags = summary["tags"]
        got_values = summary["values"]
        want_values = [value for value, _, _ in expected]
        if len(tags) < len(expected):
            present = {tuple(tag) for tag in tags if tag is not None}
            # a dropped tail: from each input, the lost elements are all at its end
            flags = [
                [(str(i), pos) not in present for pos in range(len(arg))]
                for i, arg in enumerate(case.args)
            ]
            tails = all(f == sorted(f) for f in flags)
            if tails and got_values == sorted(got_values):
                lost = len(expected) - len(present)
                return (
                    f"{self.name} lost {lost} element(s) {where}: the end of one list is missing; "
                    "when one list runs out, copy what is left of the other"
                )
            return f"{self.name} returned {len(tags)} elements {where}; expected {len(expected)}"
        if len(tags) > len(expected):
            return f"{self.name} returned {len(tags)} elements {where}; expected {len(expected)} (some twice?)"
        if got_values == want_values:
            return (
                f"{self.name} put equal elements in the wrong order {where}: on a tie, take the "
                "element from the left list first (use <= when comparing left to right)"
            )
        if not hidden:
            return f"{call_text(self.name, case.args)} returned {got_values!r}; expected {want_values!r}"
        return f"{self.name} returned the elements in the wrong order {where}"

    # ------------------------------------------------------------------ learner-side data

    def learner_data(self) -> dict[str, Any]:
        data = super().learner_data()
        budgets = {args_key(case.args): self.budget(case.args) for case in self.cases(hidden=False)}
        data.update(budgets=budgets, budget_note=self.budget_note)
        return data

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> ComparisonBudgetExercise:
        exercise = super().from_learner_data(data)
        budgets = data["budgets"]
        exercise.budget = lambda args: budgets[args_key(args)]
        exercise.budget_note = data["budget_note"]
        return exercise
