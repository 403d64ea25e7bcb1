"""Probes that call several functions of one answer cell, so the grader can count the work.

Why this exists: some tasks are split between functions that the *grader* composes, because
that is the only way to count what an answer does across the sandbox boundary. Entity
resolution is the example: a learner writes a blocking function (keys per record) and a pair
matcher; the grader forms the candidate pairs from the keys, counts them against a budget,
and calls the matcher on each candidate, so "never compare every pair" is judged by
counting, not timing. A :class:`~autograder.exercises.numeric.Probe` calls one function;
a :class:`CompanionProbe` gets a caller for each function it names, all defined by the same
answer (the exercise's own function and its companions).

Companion probes are hidden checks only: learner-side, a :class:`CompanionExercise` is the
:class:`~autograder.exercises.numeric.NumericExercise` its visible cases need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograder.exercises.answer import FunctionAnswer, LocalFunction
from autograder.exercises.base import CompileError
from autograder.exercises.numeric import NumericExercise, Probe, ProbeStopped
from autograder.judges.calls import BannedCall


@dataclass(frozen=True)
class CompanionProbe:
    """A hidden check that calls the exercise's function and its companions.

    ``run(calls)`` receives a dict from function name to a caller (like a
    :class:`Probe`'s ``call``: copies in, result out, stops with a message when the function
    raises or changes its input) and returns a problem in plain words, or None.
    """

    label: str
    run: Callable[[dict[str, Callable[..., Any]]], str | None]


def companion_answer(answer: FunctionAnswer, name: str) -> FunctionAnswer | None:
    """The function ``name`` defined beside ``answer`` (None when it is not defined)."""
    if isinstance(answer, LocalFunction):
        found = getattr(answer.func, "__globals__", {}).get(name)
        if callable(found) and not isinstance(found, type):
            return LocalFunction(found, name)
        return None
    from autograder.grading.remote import RemoteFunction

    if isinstance(answer, RemoteFunction):
        if answer.worker.request("describe", name=name)["kind"] != "callable":
            return None
        return RemoteFunction(answer.worker, name, answer.code)
    return None


class CompanionExercise(NumericExercise):
    """A numeric exercise whose hidden cases may be :class:`CompanionProbe` s.

    ``companions`` names the other functions of the answer cell that companion probes call.
    """

    def __init__(self, id: str, *, companions: tuple[str, ...], **kwargs):
        super().__init__(id, **kwargs)
        self.companions = tuple(companions)

    def _judge_case(self, func: FunctionAnswer, case: Any, *, hidden: bool, index: int):
        if isinstance(case, CompanionProbe):
            return self._judge_companions(func, case, hidden=hidden, index=index)
        return super()._judge_case(func, case, hidden=hidden, index=index)

    def _caller(self, func: FunctionAnswer, where: str) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            outcome, warned = self._call(func, args)
            if outcome.mutated:
                names = ", ".join(f"argument {i + 1}" for i in outcome.mutated)
                raise ProbeStopped(
                    f"{func.name} changed its input ({names}) {where}; leave arguments as "
                    "they were and build a new result"
                )
            if outcome.error is not None:
                raise ProbeStopped(self._raised_by(func.name, outcome.error, where))
            if warned:
                raise ProbeStopped(self._warned(warned, where))
            return outcome.result

        return call

    def _raised_by(self, name: str, error: Exception, where: str) -> str:
        if isinstance(error, NotImplementedError):
            return (
                f"{name} is not written yet: replace `raise NotImplementedError()` with your code"
            )
        return f"{name} raised {type(error).__name__}: {error} {where}"

    def _judge_companions(
        self, func: FunctionAnswer, probe: CompanionProbe, *, hidden: bool, index: int
    ) -> str | None:
        where = self._where_probe(probe, hidden=hidden, index=index)  # type: ignore[arg-type]
        calls = {self.name: self._caller(func, where)}
        for name in self.companions:
            other = companion_answer(func, name)
            if other is None:
                return f"{name} is not defined: this check needs it beside {self.name}"
            calls[name] = self._caller(other, where)
        try:
            problem = probe.run(calls)
        except BannedCall as banned:
            return str(banned)
        except ProbeStopped as stopped:
            return str(stopped)
        return f"{problem} {where}" if problem else None

    # ------------------------------------------------------------------ learner-side data

    def learner_data(self) -> dict[str, Any]:
        for case in self.cases(hidden=False):
            if isinstance(case, CompanionProbe | Probe):
                raise CompileError(f"the visible check {case.label!r} is code, not a case")
        data = super().learner_data()
        data["type"] = NumericExercise.__name__  # what the visible cases need, learner-side
        return data
