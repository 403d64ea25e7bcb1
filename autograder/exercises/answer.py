"""The learner's answer as the checks see it: one typed interface, local or remote.

In a learner's notebook the answer is a function in the same process
(:class:`LocalFunction`); while grading it lives in a confined worker
(:class:`autograder.grading.remote.RemoteFunction`). Checks only use this interface, so
the same judging code runs in both places. A value that is not a function (a query string,
a number) is passed as itself.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from autograder.judges.calls import (
    BannedCall,
    CallOutcome,
    _same,
    banned_references,
    call_on_copies,
    code_names,
    forbid,
)
from autograder.judges.counting import counted_call

Steps = Sequence[tuple[str, tuple]]  # (method name, arguments) called in turn on a result


class FunctionAnswer:
    """A learner's function: called on copies, counted, and read for the names it uses."""

    name: str

    def call(self, args: tuple, *, banned: tuple[str, ...]) -> CallOutcome:
        """Call on copies of ``args``: result or error, mutated arguments, warnings."""
        raise NotImplementedError

    def call_methods(
        self, args: tuple, steps: Steps, *, banned: tuple[str, ...], timeout: float | None = None
    ) -> CallOutcome:
        """Call on copies of ``args``, then each ``(method, args)`` step on the previous result.

        E.g. ``steps=[("fit", (X, y)), ("predict_proba", (X_test,))]`` on a function that
        builds an estimator: the object in between never leaves the learner's side, only the
        last step's result does. See :func:`call_methods_on_copies`; ``timeout`` bounds the
        whole call where the answer runs in another process (locally there is no limit).
        """
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

    def call_methods(
        self, args: tuple, steps: Steps, *, banned: tuple[str, ...], timeout: float | None = None
    ) -> CallOutcome:
        return call_methods_on_copies(self.func, args, steps, banned=banned)

    def counted(self, args: tuple, *, banned: tuple[str, ...]) -> dict:
        return counted_call(self.func, args, banned=banned)

    def banned_reference(self, banned: tuple[str, ...]) -> str | None:
        return banned_references(self.func, banned)

    def names(self) -> set[str]:
        return code_names(self.func)


def call_methods_on_copies(
    func: Callable, args: tuple, steps: Steps, *, banned: tuple[str, ...] = ()
) -> CallOutcome:
    """``func(*args)``, then ``result = getattr(result, method)(*step_args)`` for each step.

    Every argument is a deep copy. ``mutated`` numbers the arguments as if they were one list:
    ``args`` first, then each step's arguments in turn. Unlike :func:`call_on_copies`, every
    warning is kept, as ``"<category name>: <message>"`` (a model's ConvergenceWarning is as
    telling as numpy's overflow). The first error stops the chain and is the outcome's error.
    """
    pristine = copy.deepcopy((tuple(args), [tuple(a) for _, a in steps]))
    passed = copy.deepcopy(pristine)
    outcome = CallOutcome()
    with forbid(banned), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = func(*passed[0])
            for (method, _), step_args in zip(steps, passed[1], strict=True):
                value = getattr(value, method)(*step_args)
            outcome.result = value
        except BannedCall:
            raise
        except Exception as error:  # the learner's error is data here, not a crash
            outcome.error = error
    outcome.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
    before = [*pristine[0], *(a for step in pristine[1] for a in step)]
    after = [*passed[0], *(a for step in passed[1] for a in step)]
    outcome.mutated = [
        i for i, (a, b) in enumerate(zip(before, after, strict=True)) if not _same(a, b)
    ]
    return outcome


Answer = FunctionAnswer | Any


def as_answer(value: Any, name: str) -> Answer:
    """Wrap a plain function; pass an answer that already is one, or a value, unchanged."""
    if isinstance(value, FunctionAnswer) or not callable(value) or isinstance(value, type):
        return value
    return LocalFunction(value, name)
