"""Count comparisons by wrapping elements, so complexity is judged by work done, not time.

Besides comparisons, a wrapped element counts the arithmetic (``+ - *``, negation) and the
hashing (dict keys, set members) done with it, so hashmap exercises are judged the same way.
Arguments that are not lists are passed through (as copies), unwrapped.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any


@dataclass
class ComparisonCounter:
    ordering: int = 0  # <, <=, >, >=
    equality: int = 0  # ==, !=
    arithmetic: int = 0  # + - * and unary minus; the result is a plain value
    hashing: int = 0  # hash(): each use as a dict key or set member


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
        self._counter.hashing += 1
        return hash(self.value)

    def _arith(self, other: Any, op) -> Any:
        self._counter.arithmetic += 1
        return op(self.value, other.value if isinstance(other, Counted) else other)

    def __add__(self, other):
        return self._arith(other, lambda a, b: a + b)

    def __radd__(self, other):
        return self._arith(other, lambda a, b: b + a)

    def __sub__(self, other):
        return self._arith(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return self._arith(other, lambda a, b: b - a)

    def __mul__(self, other):
        return self._arith(other, lambda a, b: a * b)

    def __rmul__(self, other):
        return self._arith(other, lambda a, b: b * a)

    def __neg__(self):
        self._counter.arithmetic += 1
        return -self.value

    def __bool__(self):
        return bool(self.value)

    def __str__(self):
        return str(self.value)

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
    wrapped = tuple(
        wrap_all(list(arg), str(i), counter) if type(arg) is list else copy.deepcopy(arg)
        for i, arg in enumerate(args)
    )
    lists = [i for i, arg in enumerate(args) if type(arg) is list]
    before = [[id(x) for x in wrapped[i]] for i in lists]
    passed = tuple(list(arg) if type(arg) is list else arg for arg in wrapped)
    try:
        with forbid(banned):
            result = func(*passed)
    except BannedCall as error:
        return {"banned": str(error)}
    except Exception as error:  # the learner's error is data here
        return {"error": error}
    summary = {
        "error": None,
        "mutated": [[id(x) for x in passed[i]] for i in lists] != before,
        "type": type(result).__name__,
        "returned_input": any(result is arg for arg in passed),
        "comparisons": counter.ordering,
        "equality": counter.equality,
        "arithmetic": counter.arithmetic,
        "hashing": counter.hashing,
        "tags": None,
        "values": None,
    }
    if type(result) is list:
        summary["tags"] = [list(x.tag) if type(x) is Counted else None for x in result]
        summary["values"] = [x.value if type(x) is Counted else x for x in result]
    return summary
