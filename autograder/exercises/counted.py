"""Exercises on sorted sequences whose complexity is judged by counting comparisons."""

from __future__ import annotations

from collections.abc import Callable

from autograder.exercises.function import Case, FunctionExercise, _call_text
from autograder.judges.calls import BannedCall, forbid
from autograder.judges.counting import ComparisonCounter, wrap_all


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

    def _judge_case(self, func: Callable, case: Case, *, hidden: bool, index: int) -> str | None:
        where = self._where(case, hidden=hidden, index=index)
        counter = ComparisonCounter()
        wrapped = tuple(wrap_all(list(arg), str(i), counter) for i, arg in enumerate(case.args))
        before = [[id(x) for x in arg] for arg in wrapped]
        passed = tuple(list(arg) for arg in wrapped)
        try:
            with forbid(self.banned):
                result = func(*passed)
        except BannedCall as banned:
            return str(banned)
        except Exception as error:
            return self._raised(error, where)
        if [[id(x) for x in arg] for arg in passed] != before:
            return (
                f"{self.name} changed its input {where} (e.g. pop() or sort() on an argument); "
                "read the inputs with indexes and build a new list"
            )
        if type(result) is not list:
            return f"{self.name} returned a {type(result).__name__} {where}; expected a list"
        if any(result is arg for arg in passed):
            return (
                f"{self.name} returned a list that is one of its inputs {where}; build a new list"
            )
        expected = sorted(
            (x for arg in wrapped for x in arg), key=lambda x: (x.value, x.tag[0], x.tag[1])
        )
        got_tags = [getattr(x, "tag", None) for x in result]
        want_tags = [x.tag for x in expected]
        if got_tags != want_tags:
            return self._explain(result, expected, wrapped, case, where, hidden)
        if counter.ordering > self.budget(case.args):
            sizes = " + ".join(str(len(a)) for a in case.args)
            return (
                f"{self.name} made {counter.ordering} comparisons {where} (lists of {sizes} elements); "
                f"{self.budget_note}"
            )
        return None

    def _explain(
        self, result: list, expected: list, wrapped: tuple, case: Case, where: str, hidden: bool
    ) -> str:
        got_values = [getattr(x, "value", x) for x in result]
        want_values = [x.value for x in expected]
        if len(result) < len(expected):
            present = {id(x) for x in result}
            lost = [x for x in expected if id(x) not in present]
            # a dropped tail: from each input, the lost elements are all at its end
            flags = [[id(x) not in present for x in arg] for arg in wrapped]
            tails = all(f == sorted(f) for f in flags)
            if tails and got_values == sorted(got_values):
                return (
                    f"{self.name} lost {len(lost)} element(s) {where}: the end of one list is missing; "
                    "when one list runs out, copy what is left of the other"
                )
            return f"{self.name} returned {len(result)} elements {where}; expected {len(expected)}"
        if len(result) > len(expected):
            return f"{self.name} returned {len(result)} elements {where}; expected {len(expected)} (some twice?)"
        if got_values == want_values:
            return (
                f"{self.name} put equal elements in the wrong order {where}: on a tie, take the "
                "element from the left list first (use <= when comparing left to right)"
            )
        if not hidden:
            return f"{_call_text(self.name, case.args)} returned {got_values!r}; expected {want_values!r}"
        return f"{self.name} returned the elements in the wrong order {where}"
