"""SQL exercises that forbid some keywords: "now do it without window functions".

Interviewers often take a tool away ("your warehouse has no window functions") to see
whether a candidate understands what the tool did. A result cannot show how it was
computed, so :class:`RestrictedSqlExercise` reads the query's text: after removing comments,
string literals and quoted identifiers, none of the ``forbidden`` keywords may appear as a
word. The check runs before the query, on visible and hidden checks alike, and reaches the
learner's self-check through the check file.
"""

from __future__ import annotations

import re
from typing import Any

from autograder.exercises.answer import Answer
from autograder.exercises.sql import SqlExercise
from autograder.judges.errors import CheckFailed

# comments, then quoted text: '...' (with '' escapes), "...", `...` and [...]
_NOT_CODE = re.compile(
    r"--[^\n]*|/\*.*?(?:\*/|$)|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]", re.S
)


def code_words(sql: str) -> set[str]:
    """Upper-cased words of ``sql`` outside comments, strings and quoted identifiers."""
    return {word.upper() for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", _NOT_CODE.sub(" ", sql))}


class RestrictedSqlExercise(SqlExercise):
    """A :class:`SqlExercise` whose query must not use any of the ``forbidden`` keywords.

    ``forbidden_note`` says why, in the learner's words ("this round's engine has no window
    functions").
    """

    def __init__(self, id: str, *, forbidden: tuple[str, ...], forbidden_note: str = "", **kwargs):
        super().__init__(id, **kwargs)
        self.forbidden = tuple(word.upper() for word in forbidden)
        self.forbidden_note = forbidden_note

    def judge(self, answer: Answer, *, hidden: bool) -> None:
        if isinstance(answer, str):
            used = sorted(code_words(answer) & set(self.forbidden))
            if used:
                why = f": {self.forbidden_note}" if self.forbidden_note else ""
                raise CheckFailed(
                    f"{self.variable} uses {', '.join(used)}, which this exercise does not "
                    f"allow{why}"
                )
        super().judge(answer, hidden=hidden)

    def learner_data(self) -> dict[str, Any]:
        data = super().learner_data()
        data.update(forbidden=list(self.forbidden), forbidden_note=self.forbidden_note)
        return data

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> RestrictedSqlExercise:
        exercise = super().from_learner_data(data)
        exercise.forbidden = tuple(data["forbidden"])
        exercise.forbidden_note = data["forbidden_note"]
        return exercise
