"""The learner's answer as the checks see it: one typed interface, local or remote.

In a learner's notebook the answer is a function in the same process
(:class:`LocalFunction`); while grading it lives in a confined worker
(:class:`autograder.grading.remote.RemoteFunction`). Checks only use this interface, so
the same judging code runs in both places. A value that is not a function (a query string,
a number) is passed as itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograder.judges.calls import CallOutcome, banned_references, call_on_copies, code_names
from autograder.judges.counting import counted_call


class FunctionAnswer:
    """A learner's function: called on copies, counted, and read for the names it uses."""

    name: str

    def call(self, args: tuple, *, banned: tuple[str, ...]) -> CallOutcome:
        """Call on copies of ``args``: result or error, mutated arguments, warnings."""
        raise NotImplementedError

    def counted(self, args: tuple, *, banned: tuple[str, ...]) -> dict:
        """Call with list elements wrapped to count comparisons (:mod:`judges.counting`)."""
        raise NotImplementedError

    def banned_reference(self, banned: tuple[str, ...]) -> str | None:
        """The banned function the code reaches through a global name, if any."""
        raise NotImplementedError

    def names(self) -> set[str]:
        """Global and attribute names the function's code refers to."""
        raise NotImplementedError


class LocalFunction(FunctionAnswer):
    """A function defined in this process (the learner's own kernel)."""

    def __init__(self, func: Callable, name: str):
        self.func = func
        self.name = name

    def call(self, args: tuple, *, banned: tuple[str, ...]) -> CallOutcome:
        return call_on_copies(self.func, args, banned=banned)

    def counted(self, args: tuple, *, banned: tuple[str, ...]) -> dict:
        return counted_call(self.func, args, banned=banned)

    def banned_reference(self, banned: tuple[str, ...]) -> str | None:
        return banned_references(self.func, banned)

    def names(self) -> set[str]:
        return code_names(self.func)


Answer = FunctionAnswer | Any


def as_answer(value: Any, name: str) -> Answer:
    """Wrap a plain function; pass an answer that already is one, or a value, unchanged."""
    if isinstance(value, FunctionAnswer) or not callable(value) or isinstance(value, type):
        return value
    return LocalFunction(value, name)
