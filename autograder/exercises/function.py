"""Function exercises: the learner writes a function; we call it on cases and compare."""

from __future__ import annotations

import builtins
import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograder.exercises.answer import Answer, FunctionAnswer
from autograder.exercises.base import CompileError, Exercise
from autograder.exercises.prompt_rules import PromptRule
from autograder.grading.codec import decode, encode
from autograder.judges.arrays import describe_close
from autograder.judges.calls import BannedCall, CallOutcome
from autograder.judges.errors import CheckFailed
from autograder.judges.values import describe_difference, frame_detail

_NOT_GIVEN: Any = object()


@dataclass(frozen=True)
class Case:
    """One call of the learner's function. ``label`` describes a hidden case without its data.

    ``expected`` is filled only in a learner-side exercise, where there is no reference.
    """

    args: tuple
    label: str = ""
    raises: type[Exception] | None = None
    expected: Any = _NOT_GIVEN


def args_key(args: tuple) -> str:
    """A stable text for a case's arguments, to find what was recorded for them."""
    return json.dumps(encode(tuple(args)), sort_keys=True)


@dataclass(frozen=True)
class Produces:
    """``Mistake.matches`` for a wrong answer that is a variant of the reference.

    The learner's result matches when it equals what ``wrong`` returns: within ``tol``
    (:func:`describe_difference`), or within ``close = (atol, rtol)`` (:func:`describe_close`).
    Several variants (``also``) may explain one mistake, e.g. a degree off by one either way.
    """

    wrong: Callable
    tol: float = 1e-9
    close: tuple[float, float] | None = None
    also: tuple[Callable, ...] = ()

    def outputs(self, args: tuple) -> list[Any]:
        found = []
        for variant in (self.wrong, *self.also):
            try:
                found.append(variant(*copy.deepcopy(args)))
            except Exception:
                continue  # a variant that cannot run on these arguments explains nothing
        return found

    def same(self, result: Any, output: Any) -> bool:
        try:
            if self.close is not None:
                return (
                    describe_close(result, output, atol=self.close[0], rtol=self.close[1]) is None
                )
            return describe_difference(result, output, tol=self.tol) is None
        except Exception:
            return False

    def __call__(self, args: tuple, result: Any) -> bool:
        return any(self.same(result, output) for output in self.outputs(args))

    def record(self, args: tuple) -> list[Any]:
        """Learner-side data: the variants' outputs on ``args``, and how to compare."""
        return [
            {"value": encode(output), "tol": self.tol, "close": self.close}
            for output in self.outputs(args)
        ]


@dataclass(frozen=True)
class Recorded:
    """A learner-side ``Mistake.matches``: the wrong outputs recorded per visible case."""

    outputs: dict[str, list[dict]]

    def __call__(self, args: tuple, result: Any) -> bool:
        for item in self.outputs.get(args_key(args), ()):
            close = tuple(item["close"]) if item["close"] is not None else None
            if Produces(_no_variant, item["tol"], close).same(result, decode(item["value"])):
                return True
        return False


def _no_variant(*_args: Any) -> Any:
    raise TypeError("a recorded mistake has no code")


@dataclass(frozen=True)
class Mistake:
    """A recognised wrong answer: ``matches(args, result)`` is True when it explains ``result``.

    Declare it with :func:`produces` (or :func:`~autograder.exercises.numeric.produces_close`)
    so it can be recorded for the learner's self-check; any other predicate is judged only
    when grading.
    """

    message: str
    matches: Callable[[tuple, Any], bool]


def produces(wrong: Callable, *, tol: float = 1e-9, also: tuple[Callable, ...] = ()) -> Produces:
    """A ``Mistake.matches`` saying the learner's result is what ``wrong`` returns."""
    return Produces(wrong, tol=tol, also=tuple(also))


def _short(value: Any) -> str:
    if hasattr(value, "shape") and hasattr(value, "columns"):
        rows, columns = value.shape
        return f"<DataFrame: {rows} rows x {columns} columns>"
    if type(value).__name__ == "Series" and hasattr(value, "index"):
        return f"<Series {value.name!r}: {len(value)} values>"
    text = repr(value)
    return text if len(text) <= 60 and "\n" not in text else text.replace("\n", " ")[:57] + "..."


def _is_frame(value: Any) -> bool:
    return type(value).__name__ in ("DataFrame", "Series") and hasattr(value, "index")


def call_text(name: str, args: tuple) -> str:
    """How a visible call is quoted in messages: ``name(arg, ...)``, arguments shortened."""
    return f"{name}({', '.join(_short(a) for a in args)})"


def _exception_type(name: str | None) -> type[Exception] | None:
    if name is None:
        return None
    found = getattr(builtins, name, None)
    if isinstance(found, type) and issubclass(found, Exception):
        return found
    raise ValueError(f"a check file names an unknown exception {name!r}")


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
        prompt_rules: tuple[PromptRule, ...] = (),
    ):
        super().__init__(id, hints=hints, prompt_rules=prompt_rules)
        self.name = name
        self.reference = reference
        self.visible = visible
        self.hidden = hidden
        self.mistakes = mistakes
        self.banned = banned  # "module:attr" functions that fail the check if called
        self.banned_methods = banned_methods  # method names the code must not use
        self.tol = tol

    @property
    def answer_name(self) -> str:
        return self.name

    def cases(self, *, hidden: bool) -> tuple:
        cases = self.hidden if hidden else self.visible
        return cases() if callable(cases) else cases  # data-backed cases are built on first use

    def warm(self) -> None:
        self.cases(hidden=True)

    def judge(self, answer: Answer, *, hidden: bool) -> None:
        if not isinstance(answer, FunctionAnswer):
            raise CheckFailed(f"{self.name} must be a function; it is a {type(answer).__name__}")
        used = answer.names() & set(self.banned_methods)
        if used:
            raise CheckFailed(
                f"{self.name} calls {', '.join(sorted(used))}(); this exercise asks you to compute it yourself"
            )
        banned = answer.banned_reference(self.banned)
        if banned:
            raise CheckFailed(
                f"{self.name} uses {banned}(); this exercise asks you to compute it yourself"
            )
        for index, case in enumerate(self.cases(hidden=hidden), start=1):
            problem = self._judge_case(answer, case, hidden=hidden, index=index)
            if problem:
                raise CheckFailed(problem)

    def expected(self, case: Case) -> Any:
        """What the reference returns for ``case`` (recorded in a learner-side exercise)."""
        if case.expected is not _NOT_GIVEN:
            return copy.deepcopy(case.expected)
        return self.reference(*copy.deepcopy(case.args))

    def _where(self, case: Case, *, hidden: bool, index: int) -> str:
        if hidden:
            return f"on hidden case {index}" + (f" ({case.label})" if case.label else "")
        return f"for {call_text(self.name, case.args)}"

    def _raised(self, error: Exception, where: str) -> str:
        """What to tell a learner whose function raised where it should have returned."""
        if isinstance(error, NotImplementedError):
            return f"{self.name} is not written yet: replace `raise NotImplementedError()` with your code"
        return f"{self.name} raised {type(error).__name__}: {error} {where}"

    def _call(self, func: FunctionAnswer, args: tuple) -> tuple[CallOutcome, list[str]]:
        """Call on copies; the list holds warnings that fail the answer (none by default)."""
        return func.call(args, banned=self.banned), []

    def _compare(self, result: Any, expected: Any) -> str | None:
        return describe_difference(result, expected, tol=self.tol)

    def _warned(self, messages: list[str], where: str) -> str:
        return (
            f"{self.name} triggered a numpy warning {where} ({messages[0]}); make the "
            "computation numerically safe so no overflow or invalid value occurs"
        )

    def _judge_case(
        self, func: FunctionAnswer, case: Case, *, hidden: bool, index: int
    ) -> str | None:
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
        expected = self.expected(case)
        problem = self._compare(outcome.result, expected)
        if problem is None:
            return None
        message = f"{self.name} {problem} {where}"
        # a DataFrame or Series says where it differs (values only from visible data)
        detail = frame_detail(outcome.result, expected, tol=self.tol, show_values=not hidden)
        frames = _is_frame(outcome.result) and _is_frame(expected)
        quoted = not frames and (
            problem == "returned the wrong value"
            or (self.quote_arrays and "wrong value" in problem)
        )
        if detail is not None:
            message += f": {detail}"
        elif not hidden and quoted:  # visible data may be quoted
            got, want = _short(outcome.result), _short(expected)
            if case.label:  # a case too big to print names itself
                message = f"{self.name} returned {got} on {case.label}; expected {want}"
            else:
                message = f"{call_text(self.name, case.args)} returned {got}; expected {want}"
        for mistake in self.mistakes:
            if mistake.matches(case.args, outcome.result):
                return f"{message} — {mistake.message}"
        return message

    # ------------------------------------------------------------------ learner-side data

    def learner_data(self) -> dict[str, Any]:
        data = super().learner_data()
        cases = [self._case_data(case) for case in self.cases(hidden=False)]
        mistakes = []
        for mistake in self.mistakes:
            if not isinstance(mistake.matches, Produces):
                continue  # a predicate is code: it names the mistake only when grading
            outputs = {
                args_key(case.args): mistake.matches.record(case.args)
                for case in self.cases(hidden=False)
                if isinstance(case, Case) and case.raises is None
            }
            mistakes.append({"message": mistake.message, "outputs": outputs})
        data.update(
            name=self.name,
            visible=cases,
            mistakes=mistakes,
            banned=list(self.banned),
            banned_methods=list(self.banned_methods),
            tol=self.tol,
        )
        return data

    def _case_data(self, case: Any) -> dict[str, Any]:
        if not isinstance(case, Case):
            raise CompileError(
                f"the visible check {getattr(case, 'label', case)!r} is code, not a case; "
                "declare visible checks as Case(...) (or a probe type that records itself)"
            )
        return {
            "args": encode(tuple(case.args)),
            "label": case.label,
            "raises": case.raises.__name__ if case.raises else None,
            "expected": None if case.raises else encode(self.expected(case)),
        }

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> FunctionExercise:
        exercise = super().from_learner_data(data)
        exercise.name = data["name"]
        exercise.reference = None
        exercise.visible = tuple(cls._case_from(item) for item in data["visible"])
        exercise.hidden = ()
        exercise.mistakes = tuple(
            Mistake(item["message"], Recorded(item["outputs"])) for item in data["mistakes"]
        )
        exercise.banned = tuple(data["banned"])
        exercise.banned_methods = tuple(data["banned_methods"])
        exercise.tol = data["tol"]
        return exercise

    @classmethod
    def _case_from(cls, item: dict[str, Any]) -> Case:
        expected = _NOT_GIVEN if item["expected"] is None else decode(item["expected"])
        return Case(decode(item["args"]), item["label"], _exception_type(item["raises"]), expected)
