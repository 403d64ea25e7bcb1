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
