"""An exercise whose checks run elsewhere: what a grading kernel's notebook loads.

The grader judges every test cell outside the learner's kernel and replaces its output, so
inside the kernel a check only says so.
"""

from __future__ import annotations

from typing import Any

from autograder.exercises.base import Exercise


class Deferred(Exercise):
    kind = "deferred"

    def __init__(self, id: str):
        super().__init__(id)
        self.learner_side = True

    def judge(self, answer: Any, *, hidden: bool) -> None:
        return None

    def check(self, answer: Any) -> None:
        print(f"{self.id}: checked by the grader")

    check_hidden = check

    def hint(self, n: int = 1) -> None:
        print("Hints are not available while grading.")
