"""What a prompt promises, and how the course keeps each promise.

A prompt is a contract: every rule it states (an error raised, a bound, a tie-break,
"distinct", "rounded before ranking", ...) is recorded on its exercise as a
:class:`PromptRule`: the prompt's own words, the hidden case whose data makes an answer
breaking the rule fail, and the ``fail_`` answer in the course's answer bank that breaks that
rule alone. A convention test reads these and fails when a rule is unguarded. Instructor
data only: nothing here reaches a learner's check file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PromptRule:
    """One rule a prompt states.

    ``words``: the prompt's words stating it (found in the exercise's notebook, whitespace
    and markdown emphasis aside). ``case``: text of the hidden failure message that names the
    case enforcing it, e.g. ``"hidden case 3 (k equal to the list's length)"`` or ``"hidden
    database 2"``. ``bank``: the stem of the ``fail_`` answer that breaks this rule alone; its
    hidden check must fail naming ``case``.
    """

    words: str
    case: str
    bank: str

    def __post_init__(self):
        if not self.bank.startswith("fail_"):
            raise ValueError(f"a rule's bank answer is a fail_ answer, not {self.bank!r}")
        if not self.words.strip() or not self.case.strip():
            raise ValueError("a rule needs the prompt's words and the case that enforces it")
