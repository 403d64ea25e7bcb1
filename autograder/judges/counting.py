"""Count comparisons by wrapping elements, so complexity is judged by work done, not time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class ComparisonCounter:
    ordering: int = 0  # <, <=, >, >=
    equality: int = 0  # ==, !=


class Counted:
    """A value that records every comparison made with it.

    ``tag`` says where the element came from, so stability (equal elements keep their
    input order) can be checked on the output.
    """

    __slots__ = ("value", "tag", "_counter")

    def __init__(self, value: Any, tag: Any, counter: ComparisonCounter):
        self.value = value
        self.tag = tag
        self._counter = counter

    def _order(self, other: Any, op) -> bool:
        self._counter.ordering += 1
        return op(self.value, other.value if isinstance(other, Counted) else other)

    def __lt__(self, other):
        return self._order(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._order(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._order(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._order(other, lambda a, b: a >= b)

    def __eq__(self, other):
        self._counter.equality += 1
        return self.value == (other.value if isinstance(other, Counted) else other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.value)

    def __repr__(self):
        return repr(self.value)


def wrap_all(values: list, side: str, counter: ComparisonCounter) -> list[Counted]:
    return [Counted(value, (side, index), counter) for index, value in enumerate(values)]


def counted_call(func, args: tuple, *, banned: tuple[str, ...] = ()) -> dict:
    """Call ``func`` on lists of :class:`Counted` elements; summarise it in plain values.

    The summary (what was returned, where each element came from, how many comparisons) is
    all a judge needs, so it can be computed in the learner's process and judged elsewhere.
    """
    from autograder.judges.calls import BannedCall, forbid

    counter = ComparisonCounter()
    wrapped = tuple(wrap_all(list(arg), str(i), counter) for i, arg in enumerate(args))
    before = [[id(x) for x in arg] for arg in wrapped]
    passed = tuple(list(arg) for arg in wrapped)
    try:
        with forbid(banned):
            result = func(*passed)
    except BannedCall as error:
        return {"banned": str(error)}
    except Exception as error:  # the learner's error is data here
        return {"error": error}
    summary = {
        "error": None,
        "mutated": [[id(x) for x in arg] for arg in passed] != before,
        "type": type(result).__name__,
        "returned_input": any(result is arg for arg in passed),
        "comparisons": counter.ordering,
        "tags": None,
        "values": None,
    }
    if type(result) is list:
        summary["tags"] = [list(x.tag) if type(x) is Counted else None for x in result]
        summary["values"] = [x.value if type(x) is Counted else x for x in result]
    return summary
