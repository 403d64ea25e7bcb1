"""Numeric function exercises: tolerances, quiet floating point, and probes that simulate.

:class:`NumericExercise` is a :class:`~autograder.exercises.function.FunctionExercise` whose
results are numbers, arrays or tuples of them, compared with an absolute and a relative
tolerance. It can also refuse answers that trip numpy's floating-point warnings (an
overflowing ``exp``), and its cases may be :class:`Probe` s: checks that call the learner's
function themselves — many times, on generated data — and judge properties of the results
(coverage of an interval, a loss that never goes up) rather than one expected value.

Learner functions are only ever called through
:func:`~autograder.judges.calls.call_on_copies`, with plain values as arguments.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograder.exercises.function import Case, FunctionExercise
from autograder.judges.arrays import describe_close, numeric_warnings
from autograder.judges.calls import BannedCall, CallOutcome, call_on_copies


@dataclass(frozen=True)
class Probe:
    """A check that calls the learner's function itself and judges what comes back.

    ``run(call)`` returns a problem in plain words (None when all is well); ``call(*args)``
    calls the learner's function on copies of plain-value arguments and returns its result,
    or stops the probe with a message when the function raises, mutates its input or warns.
    ``label`` names the check in messages; it must not reveal hidden data.
    """

    label: str
    run: Callable[[Callable[..., Any]], str | None]


class ProbeStopped(Exception):
    """The learner's function failed during a probe; the message says how."""


def produces_close(
    wrong: Callable, *, atol: float = 1e-9, rtol: float = 0.0
) -> Callable[[tuple, Any], bool]:
    """A ``Mistake.matches`` saying the result is what ``wrong`` returns, within tolerances."""

    def matches(args: tuple, result: Any) -> bool:
        try:
            expected = wrong(*copy.deepcopy(args))
            return describe_close(result, expected, atol=atol, rtol=rtol) is None
        except Exception:
            return False

    return matches


class NumericExercise(FunctionExercise):
    """A function exercise on numbers and arrays (see the module docstring).

    ``compare(result, expected)`` replaces the default comparison (:func:`describe_close`
    with ``atol``/``rtol``) when a result needs tailored messages; ``quiet`` fails answers
    that overflow, divide by zero or produce invalid values along the way.
    """

    kind = "function"
    quote_arrays = True

    def __init__(
        self,
        id: str,
        *,
        atol: float = 1e-9,
        rtol: float = 0.0,
        quiet: bool = False,
        compare: Callable[[Any, Any], str | None] | None = None,
        **kwargs,
    ):
        super().__init__(id, tol=atol, **kwargs)
        self.atol = atol
        self.rtol = rtol
        self.quiet = quiet
        self.compare = compare or (
            lambda got, want: describe_close(got, want, atol=atol, rtol=rtol)
        )

    def _compare(self, result: Any, expected: Any) -> str | None:
        return self.compare(result, expected)

    # ------------------------------------------------------------------------ calling

    def _call(self, func: Callable, args: tuple) -> tuple[CallOutcome, list[str]]:
        """Call on copies; also report floating-point warnings raised during the call.

        The warnings come back with the outcome, so this works when the call runs in the
        grader's confined worker too.
        """
        outcome = call_on_copies(func, args, banned=self.banned)
        return outcome, numeric_warnings(outcome.warnings) if self.quiet else []

    def _where(self, case: Case, *, hidden: bool, index: int) -> str:
        if not hidden and case.label:  # a visible case too big to print names itself
            return f"on {case.label}"
        return super()._where(case, hidden=hidden, index=index)

    def _where_probe(self, probe: Probe, *, hidden: bool, index: int) -> str:
        return f"on hidden case {index} ({probe.label})" if hidden else f"on {probe.label}"

    # ------------------------------------------------------------------------ judging

    def _judge_case(self, func: Callable, case: Any, *, hidden: bool, index: int) -> str | None:
        if isinstance(case, Probe):
            return self._judge_probe(func, case, hidden=hidden, index=index)
        return super()._judge_case(func, case, hidden=hidden, index=index)

    def _judge_probe(self, func: Callable, probe: Probe, *, hidden: bool, index: int) -> str | None:
        where = self._where_probe(probe, hidden=hidden, index=index)

        def call(*args: Any) -> Any:
            outcome, warned = self._call(func, args)
            if outcome.mutated:
                names = ", ".join(f"argument {i + 1}" for i in outcome.mutated)
                raise ProbeStopped(
                    f"{self.name} changed its input ({names}) {where}; leave arguments as "
                    "they were and build a new result"
                )
            if outcome.error is not None:
                raise ProbeStopped(self._raised(outcome.error, where))
            if warned:
                raise ProbeStopped(self._warned(warned, where))
            return outcome.result

        try:
            problem = probe.run(call)
        except BannedCall as banned:
            return str(banned)
        except ProbeStopped as stopped:
            return str(stopped)
        return f"{self.name} {problem} {where}" if problem else None
