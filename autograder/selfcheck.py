"""What a learner sees when a self-check fails: one line per problem, never a traceback wall.

:func:`install` (called by :func:`autograder.load`) registers an IPython handler for the failures a learner expects — a check
that failed, an answer not written yet — which prints them as short red lines. The kernel
still reports an error, so nbgrader's Validate and grading count the cell as failed; any
other exception keeps IPython's full traceback, because it is a bug worth reading.
"""

from __future__ import annotations

from collections.abc import Iterable

from autograder.exercises.base import Exercise
from autograder.judges.errors import CheckFailed

RED, RESET = "\x1b[0;31m", "\x1b[0m"
NOT_WRITTEN = (
    "not written yet: replace `raise NotImplementedError()` with your answer and run the cell"
)


_answer_names: set[str] = set()


def answer_names() -> set[str]:
    """Functions and query variables the loaded assignments expect learners to define."""
    return set(_answer_names)


def lines_for(error: BaseException) -> list[str] | None:
    """The learner-facing lines for an expected failure; None for an unexpected one."""
    if isinstance(error, CheckFailed):
        return [f"✗ {problem}" for problem in error.problems]
    if isinstance(error, NotImplementedError):
        return [f"✗ This answer is {NOT_WRITTEN}, then run its check."]
    if isinstance(error, NameError) and getattr(error, "name", None) in answer_names():
        return [
            f"✗ {error.name} is not defined yet: write it in the answer cell above "
            "(delete `raise NotImplementedError()`), run that cell, then run this check."
        ]
    return None


def _handler(shell, etype, value, tb, tb_offset=None):
    lines = lines_for(value)
    if lines is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    stb = [f"{RED}{line}{RESET}" for line in lines]
    shell._showtraceback(etype, value, stb)
    return stb


def install(exercises: Iterable[Exercise] = ()) -> bool:
    """Use the short messages in the running IPython kernel; False when there is none."""
    _answer_names.update(exercise.answer_name for exercise in exercises)
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((CheckFailed, NotImplementedError, NameError), _handler)
    return True
