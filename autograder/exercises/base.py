"""What every exercise offers a notebook: ``check()``, ``check_hidden()``, ``hint()``.

Results are signalled by exceptions (:class:`~autograder.judges.CheckFailed`): nbgrader
scores a test cell that raises as 0, and a learner reads the message.

An exercise exists in two forms. The instructor's, declared in a course's key, holds the
reference and the hidden cases. The learner's is rebuilt from the released check file
(:mod:`autograder.checkfile`) and holds only what may be seen: ``learner_data()`` writes
that data, ``from_learner_data()`` reads it back, and the same judging code runs on both.
"""

from __future__ import annotations

from typing import Any

from autograder.exercises.answer import Answer, as_answer
from autograder.exercises.context import AT_GRADING, HiddenUnavailable
from autograder.exercises.prompt_rules import PromptRule


class CompileError(ValueError):
    """Part of an exercise cannot be written as learner-side data; the message says which."""


_TYPES: dict[str, type[Exercise]] = {}


def exercise_type(name: str) -> type[Exercise]:
    try:
        return _TYPES[name]
    except KeyError:
        raise ValueError(f"unknown exercise type {name!r} in the check file") from None


class Exercise:
    """Base of the declarative exercise types; subclasses implement ``judge``."""

    kind = "exercise"
    learner_side = False  # True for an exercise rebuilt from a check file (no hidden checks)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _TYPES[cls.__name__] = cls

    def __init__(
        self, id: str, *, hints: tuple[str, ...] = (), prompt_rules: tuple[PromptRule, ...] = ()
    ):
        self.id = id
        self.hints = tuple(hints)
        self.prompt_rules = tuple(prompt_rules)  # instructor-only: never in learner data

    @property
    def answer_name(self) -> str:
        """The name the learner's answer cell defines (a function or a query variable)."""
        return self.id

    def check(self, answer: Any) -> None:
        """Check ``answer`` against the visible examples; raise CheckFailed if it is wrong."""
        self.judge(as_answer(answer, self.answer_name), hidden=False)
        print(self.passed(hidden=False))

    def check_hidden(self, answer: Any) -> None:
        """Re-judge ``answer`` on edge cases and data the learner never saw (grading only)."""
        if self.learner_side:
            raise HiddenUnavailable(AT_GRADING)
        self.judge(as_answer(answer, self.answer_name), hidden=True)
        print(self.passed(hidden=True))

    def passed(self, *, hidden: bool) -> str:
        return f"✓ {self.id}: the {'hidden' if hidden else 'visible'} checks pass"

    def hint(self, n: int = 1) -> None:
        """Print the ``n``-th hint (hints get more specific, none gives the answer away)."""
        if not self.hints:
            print(f"{self.id} has no hints.")
            return
        n = max(1, min(n, len(self.hints)))
        more = f" (try hint({n + 1}) for more)" if n < len(self.hints) else ""
        print(f"Hint {n}/{len(self.hints)} for {self.id}: {self.hints[n - 1]}{more}")

    def judge(self, answer: Answer | Any, *, hidden: bool) -> None:
        """Raise CheckFailed unless ``answer`` passes the visible (or hidden) checks."""
        raise NotImplementedError

    def warm(self) -> None:
        """Build the hidden data judging needs (the key caches it), so the first submission a
        fresh grading process grades does not wait for it. Nothing to build by default."""

    # ------------------------------------------------------------------ learner-side data

    def learner_data(self) -> dict[str, Any]:
        """This exercise as learner-side data (no reference, no hidden case)."""
        return {"type": type(self).__name__, "id": self.id, "hints": list(self.hints)}

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> Exercise:
        exercise = cls.__new__(cls)
        Exercise.__init__(exercise, data["id"], hints=tuple(data["hints"]))
        exercise.learner_side = True
        return exercise

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"
