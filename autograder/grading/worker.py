"""The learner's side of trusted judging: runs the learner's cells, then answers requests.

Started confined by :mod:`autograder.grading.remote`. Requests and replies are JSON lines
on descriptors saved before any learner code runs; the learner's own prints go nowhere.
Nothing here decides a grade: the judge, in another process, compares what comes back.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from autograder.grading.codec import decode, dumps, encode, loads


def _error(error: BaseException) -> dict:
    return {
        "type": type(error).__name__,
        "mro": [cls.__name__ for cls in type(error).__mro__],
        "message": str(error)[:2000],
    }


def _outcome(outcome) -> dict:
    """A :class:`~autograder.judges.calls.CallOutcome` as plain values."""
    return {
        "result": encode(outcome.result),
        "error": _error(outcome.error) if outcome.error is not None else None,
        "mutated": outcome.mutated,
        "warnings": [text[:500] for text in outcome.warnings[:20]],
    }


class Worker:
    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"__name__": "__main__"}

    def run(self, cells: list[str]) -> dict:
        errors = []
        for index, source in enumerate(cells):
            try:
                exec(compile(source, f"<cell {index + 1}>", "exec"), self.namespace)
            except BaseException as error:  # noqa: BLE001 (a cell's exit is data, as in a kernel)
                errors.append({"cell": index, **_error(error)})
        return {"errors": errors}

    def describe(self, name: str) -> dict:
        if name not in self.namespace:
            return {"kind": "missing"}
        value = self.namespace[name]
        if callable(value) and not isinstance(value, type):
            return {"kind": "callable"}
        return {"kind": "value", "value": encode(value)}

    def call(self, name: str, args: Any, banned: list[str]) -> dict:
        from autograder.judges.calls import BannedCall, call_on_copies

        try:
            outcome = call_on_copies(
                self.namespace[name], tuple(decode(args)), banned=tuple(banned)
            )
        except BannedCall as error:
            return {"banned": str(error)}
        return _outcome(outcome)

    def call_methods(self, name: str, args: Any, steps: list, banned: list[str]) -> dict:
        from autograder.exercises.answer import call_methods_on_copies
        from autograder.judges.calls import BannedCall

        chain = [(str(method), tuple(decode(step_args))) for method, step_args in steps]
        try:
            outcome = call_methods_on_copies(
                self.namespace[name], tuple(decode(args)), chain, banned=tuple(banned)
            )
        except BannedCall as error:
            return {"banned": str(error)}
        return _outcome(outcome)

    def counted(self, name: str, args: Any, banned: list[str]) -> dict:
        from autograder.judges.counting import counted_call

        summary = counted_call(self.namespace[name], tuple(decode(args)), banned=tuple(banned))
        if summary.get("error") is not None:
            summary["error"] = _error(summary["error"])
        if "values" in summary:  # absent when the answer raised or called a banned name
            summary["values"] = encode(summary["values"])
        return summary

    def banned_reference(self, name: str, banned: list[str]) -> dict:
        from autograder.judges.calls import banned_references

        return {"found": banned_references(self.namespace[name], tuple(banned))}


def main() -> None:
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (lives as long as the process)
    worker = Worker()
    for line in requests:
        request = loads(line)
        op = request.pop("op")
        try:
            reply = getattr(worker, op)(**request)
        except BaseException as error:  # noqa: BLE001 (reported to the judge, which decides)
            reply = {"failed": _error(error)}
        replies.write(dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    main()
