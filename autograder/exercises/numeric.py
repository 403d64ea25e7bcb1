"""Numeric function exercises: tolerances, quiet floating point, and probes that simulate.

:class:`NumericExercise` is a :class:`~autograder.exercises.function.FunctionExercise` whose
results are numbers, arrays or tuples of them, compared with an absolute and a relative
tolerance. It can also refuse answers that trip numpy's floating-point warnings (an
overflowing ``exp``), and its cases may be :class:`Probe` s: checks that call the learner's
function themselves — many times, on generated data — and judge properties of the results
(coverage of an interval, a loss that never goes up) rather than one expected value.

Learner functions are only ever called through their
:class:`~autograder.exercises.answer.FunctionAnswer`, with plain values as arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograder.exercises.answer import FunctionAnswer
from autograder.exercises.base import CompileError
from autograder.exercises.function import Case, FunctionExercise, Produces
from autograder.judges.arrays import describe_close, numeric_warnings
from autograder.judges.calls import BannedCall, CallOutcome


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


class DataProbe:
    """A probe that can be written as learner-side data, so a visible check may use it.

    Like :class:`Probe` it has a ``label`` and ``run(call)``, but ``run`` is the engine's
    code and everything else is plain values (what the reference contributes is computed
    when the key is compiled and stored as data). ``learner_data()`` returns those values;
    ``from_learner_data`` rebuilds the probe from them.
    """

    label: str

    def run(self, call: Callable[..., Any]) -> str | None:
        raise NotImplementedError

    _types: dict[str, type[DataProbe]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        DataProbe._types[cls.__name__] = cls

    def learner_data(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> DataProbe:
        raise NotImplementedError

    @staticmethod
    def rebuild(item: dict[str, Any]) -> DataProbe:
        _register_engines()
        return DataProbe._types[item["probe"]].from_learner_data(item["data"])


class DataCompare:
    """A ``compare`` for :class:`NumericExercise` that can be written as learner-side data.

    Called like a compare function, ``compare(result, expected) -> problem or None``, but
    its code is the engine's and its parameters plain values, so a learner's self-check can
    judge with it. Subclasses register by class name, as :class:`DataProbe` s do.
    """

    _types: dict[str, type[DataCompare]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        DataCompare._types[cls.__name__] = cls

    def __call__(self, result: Any, expected: Any) -> str | None:
        raise NotImplementedError

    def learner_data(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> DataCompare:
        raise NotImplementedError

    @staticmethod
    def rebuild(item: dict[str, Any]) -> DataCompare:
        _register_engines()
        return DataCompare._types[item["compare"]].from_learner_data(item["data"])


def _register_engines() -> None:
    """Import the engine's data probes and comparisons, so a check file can name them.

    A learner's kernel imports no key, so nothing else would have defined them.
    """
    import autograder.exercises.probes  # noqa: F401


class ProbeStopped(Exception):
    """The learner's function failed during a probe; the message says how."""


def produces_close(
    wrong: Callable, *, atol: float = 1e-9, rtol: float = 0.0, also: tuple[Callable, ...] = ()
) -> Produces:
    """A ``Mistake.matches`` saying the result is what ``wrong`` returns, within tolerances."""
    return Produces(wrong, close=(atol, rtol), also=tuple(also))


class NumericExercise(FunctionExercise):
    """A function exercise on numbers and arrays (see the module docstring).

    ``compare(result, expected)`` replaces the default comparison (:func:`describe_close`
    with ``atol``/``rtol``) when a result needs tailored messages; only a :class:`DataCompare`
    can be released to learners. ``quiet`` fails answers
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
        compare: Callable[[Any, Any], str | None] | DataCompare | None = None,
        **kwargs,
    ):
        super().__init__(id, tol=atol, **kwargs)
        self.atol = atol
        self.rtol = rtol
        self.quiet = quiet
        self.compare = compare  # None: describe_close with atol and rtol

    def _compare(self, result: Any, expected: Any) -> str | None:
        if self.compare is not None:
            return self.compare(result, expected)
        return describe_close(result, expected, atol=self.atol, rtol=self.rtol)

    # ------------------------------------------------------------------------ calling

    def _call(self, func: FunctionAnswer, args: tuple) -> tuple[CallOutcome, list[str]]:
        """Call on copies; also report floating-point warnings raised during the call.

        The warnings come back with the outcome, so this works when the call runs in the
        grader's confined worker too.
        """
        outcome = func.call(args, banned=self.banned)
        return outcome, numeric_warnings(outcome.warnings) if self.quiet else []

    def _where(self, case: Case, *, hidden: bool, index: int) -> str:
        if not hidden and case.label:  # a visible case too big to print names itself
            return f"on {case.label}"
        return super()._where(case, hidden=hidden, index=index)

    def _where_probe(self, probe: Probe | DataProbe, *, hidden: bool, index: int) -> str:
        return f"on hidden case {index} ({probe.label})" if hidden else f"on {probe.label}"

    # ------------------------------------------------------------------------ judging

    def _judge_case(
        self, func: FunctionAnswer, case: Any, *, hidden: bool, index: int
    ) -> str | None:
        if isinstance(case, Probe | DataProbe):
            return self._judge_probe(func, case, hidden=hidden, index=index)
        return super()._judge_case(func, case, hidden=hidden, index=index)

    def _judge_probe(
        self, func: FunctionAnswer, probe: Probe | DataProbe, *, hidden: bool, index: int
    ) -> str | None:
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

    # ------------------------------------------------------------------ learner-side data

    def _case_data(self, case: Any) -> dict[str, Any]:
        if isinstance(case, DataProbe):
            return {"probe": type(case).__name__, "data": case.learner_data()}
        return super()._case_data(case)

    @classmethod
    def _case_from(cls, item: dict[str, Any]) -> Any:
        if "probe" in item:
            return DataProbe.rebuild(item)
        return super()._case_from(item)

    def learner_data(self) -> dict[str, Any]:
        if self.compare is not None and not isinstance(self.compare, DataCompare):
            raise CompileError(
                "its compare function is code; use the tolerance comparison (atol, rtol) or "
                "a DataCompare so the learner's self-check can judge results"
            )
        data = super().learner_data()
        data.update(atol=self.atol, rtol=self.rtol, quiet=self.quiet)
        if self.compare is not None:
            data["compare"] = {
                "compare": type(self.compare).__name__,
                "data": self.compare.learner_data(),
            }
        return data

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> NumericExercise:
        exercise = super().from_learner_data(data)
        exercise.atol, exercise.rtol, exercise.quiet = data["atol"], data["rtol"], data["quiet"]
        exercise.compare = DataCompare.rebuild(data["compare"]) if "compare" in data else None
        return exercise
