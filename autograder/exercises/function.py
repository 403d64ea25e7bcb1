"""Function exercises: the learner writes a function; we call it on cases and compare."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograder.exercises.base import Exercise
from autograder.judges.calls import (
    BannedCall,
    CallOutcome,
    banned_references,
    call_on_copies,
    code_names,
)
from autograder.judges.errors import CheckFailed
from autograder.judges.values import describe_difference


@dataclass(frozen=True)
class Case:
    """One call of the learner's function. ``label`` describes a hidden case without its data."""

    args: tuple
    label: str = ""
    raises: type[Exception] | None = None


@dataclass(frozen=True)
class Mistake:
    """A recognised wrong answer: ``matches(args, result)`` is True when it explains ``result``."""

    message: str
    matches: Callable[[tuple, Any], bool]


def produces(wrong: Callable, *, tol: float = 1e-9) -> Callable[[tuple, Any], bool]:
    """A ``Mistake.matches`` saying the learner's result is what ``wrong`` returns."""

    def matches(args: tuple, result: Any) -> bool:
        try:
            return describe_difference(result, wrong(*copy.deepcopy(args)), tol=tol) is None
        except Exception:
            return False

    return matches


def _short(value: Any) -> str:
    if hasattr(value, "shape") and hasattr(value, "columns"):
        rows, columns = value.shape
        return f"<DataFrame: {rows} rows x {columns} columns>"
    text = repr(value)
    return text if len(text) <= 60 and "\n" not in text else text.replace("\n", " ")[:57] + "..."


def _call_text(name: str, args: tuple) -> str:
    return f"{name}({', '.join(_short(a) for a in args)})"


class FunctionExercise(Exercise):
    kind = "function"
    quote_arrays = False  # quote a visible case's whole array results when they differ

    def __init__(
        self,
        id: str,
        *,
        name: str,
        reference: Callable,
        visible: tuple[Case, ...] | Callable[[], tuple[Case, ...]],
        hidden: tuple[Case, ...] | Callable[[], tuple[Case, ...]],
        mistakes: tuple[Mistake, ...] = (),
        banned: tuple[str, ...] = (),
        banned_methods: tuple[str, ...] = (),
        tol: float = 1e-9,
        hints: tuple[str, ...] = (),
    ):
        super().__init__(id, hints=hints)
        self.name = name
        self.reference = reference
        self.visible = visible
        self.hidden = hidden
        self.mistakes = mistakes
        self.banned = banned  # "module:attr" functions that fail the check if called
        self.banned_methods = banned_methods  # method names the code must not use
        self.tol = tol

    def _judge(self, answer: Any, *, hidden: bool) -> None:
        if not callable(answer):
            raise CheckFailed(f"{self.name} must be a function; it is a {type(answer).__name__}")
        used = code_names(answer) & set(self.banned_methods)
        if used:
            raise CheckFailed(
                f"{self.name} calls {', '.join(sorted(used))}(); this exercise asks you to compute it yourself"
            )
        banned = banned_references(answer, self.banned)
        if banned:
            raise CheckFailed(
                f"{self.name} uses {banned}(); this exercise asks you to compute it yourself"
            )
        cases = self.hidden if hidden else self.visible
        cases = cases() if callable(cases) else cases  # data-backed cases are built on first use
        for index, case in enumerate(cases, start=1):
            problem = self._judge_case(answer, case, hidden=hidden, index=index)
            if problem:
                raise CheckFailed(problem)

    def _where(self, case: Case, *, hidden: bool, index: int) -> str:
        if hidden:
            return f"on hidden case {index}" + (f" ({case.label})" if case.label else "")
        return f"for {_call_text(self.name, case.args)}"

    def _raised(self, error: Exception, where: str) -> str:
        """What to tell a learner whose function raised where it should have returned."""
        if isinstance(error, NotImplementedError):
            return f"{self.name} is not written yet: replace `raise NotImplementedError()` with your code"
        return f"{self.name} raised {type(error).__name__}: {error} {where}"

    def _call(self, func: Callable, args: tuple) -> tuple[CallOutcome, list[str]]:
        """Call on copies; the list holds warnings that fail the answer (none by default)."""
        return call_on_copies(func, args, banned=self.banned), []

    def _compare(self, result: Any, expected: Any) -> str | None:
        return describe_difference(result, expected, tol=self.tol)

    def _warned(self, messages: list[str], where: str) -> str:
        return (
            f"{self.name} triggered a numpy warning {where} ({messages[0]}); make the "
            "computation numerically safe so no overflow or invalid value occurs"
        )

    def _judge_case(self, func: Callable, case: Case, *, hidden: bool, index: int) -> str | None:
        where = self._where(case, hidden=hidden, index=index)
        try:
            outcome, warned = self._call(func, case.args)
        except BannedCall as banned:
            return str(banned)
        if outcome.mutated:
            names = ", ".join(f"argument {i + 1}" for i in outcome.mutated)
            return f"{self.name} changed its input ({names}) {where}; leave arguments as they were and build a new result"
        if case.raises is not None:
            if outcome.error is None:
                return f"{self.name} should raise {case.raises.__name__} {where}, but it returned {type(outcome.result).__name__}"
            if not isinstance(outcome.error, case.raises):
                return (
                    f"{self.name} raised {type(outcome.error).__name__} {where}; "
                    f"expected {case.raises.__name__} with a clear message"
                )
            return None
        if outcome.error is not None:
            return self._raised(outcome.error, where)
        if warned:
            return self._warned(warned, where)
        expected = self.reference(*copy.deepcopy(case.args))
        problem = self._compare(outcome.result, expected)
        if problem is None:
            return None
        message = f"{self.name} {problem} {where}"
        quoted = problem == "returned the wrong value" or (
            self.quote_arrays and "wrong value" in problem
        )
        if not hidden and quoted:  # visible data may be quoted
            got, want = _short(outcome.result), _short(expected)
            if case.label:  # a case too big to print names itself
                message = f"{self.name} returned {got} on {case.label}; expected {want}"
            else:
                message = f"{_call_text(self.name, case.args)} returned {got}; expected {want}"
        for mistake in self.mistakes:
            if mistake.matches(case.args, outcome.result):
                return f"{message} — {mistake.message}"
        return message
