"""The one rule every answer-bank file is judged by, whatever the week."""

from __future__ import annotations


def assert_judged_as_named(name: str, kind: str, text: str, problems: list[str]) -> None:
    """``pass_*`` files pass every check; ``fail_*`` files fail, first saying ``text``."""
    if name.startswith("pass_"):
        assert kind == "pass", "a pass_ file starts with '# pass: <what>'"
        assert problems == [], f"{name} should score full marks:\n" + "\n".join(problems)
    else:
        assert name.startswith("fail_"), "bank files are named pass_* or fail_*"
        assert kind == "expect", "a fail_ file starts with '# expect: <message fragment>'"
        assert problems, f"{name} passed every check; it should lose points"
        assert text.lower() in problems[0].lower(), (
            f"expected {text!r} in the first failure message:\n{problems[0]}"
        )
