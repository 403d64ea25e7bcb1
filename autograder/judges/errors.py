"""How a check reports a wrong answer: by raising, so nbgrader scores the test cell 0."""


class CheckFailed(AssertionError):
    """An answer did not pass a check; the message says what is wrong, in plain words."""

    def __init__(self, problems: str | list[str]):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        super().__init__(
            "\n".join(f"- {p}" if len(self.problems) > 1 else p for p in self.problems)
        )


class Unavailable(CheckFailed):
    """A check that cannot run here (hidden data outside grading, PostgreSQL without its
    extra or its server): not a fault of the answer. A learner reads the message; a grader
    must not score the answer on it."""
