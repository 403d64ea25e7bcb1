"""What every exercise offers a notebook: ``check()``, ``check_hidden()``, ``hint()``.

Results are signalled by exceptions (:class:`~autograder.judges.CheckFailed`): nbgrader
scores a test cell that raises as 0, and a learner reads the message.
"""

from __future__ import annotations

from typing import Any


class Exercise:
    """Base of the declarative exercise types; subclasses implement ``_judge``."""

    kind = "exercise"

    def __init__(self, id: str, *, hints: tuple[str, ...] = ()):
        self.id = id
        self.hints = tuple(hints)

    def check(self, answer: Any) -> None:
        """Check ``answer`` against the visible examples; raise CheckFailed if it is wrong."""
        self._judge(answer, hidden=False)
        print(self.passed(hidden=False))

    def check_hidden(self, answer: Any) -> None:
        """Re-judge ``answer`` on edge cases and data the learner never saw (grading only)."""
        self._judge(answer, hidden=True)
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

    def _judge(self, answer: Any, *, hidden: bool) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"
