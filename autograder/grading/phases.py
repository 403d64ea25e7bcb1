"""Where grading time goes: named spans of one submission's grading, cheap enough to leave on.

``phase("intake")`` adds the seconds spent inside it to the record being kept, if any, and
does nothing otherwise. Spans nest: a span's own time excludes the spans inside it, so the
phases of a record add up to the time of its outermost spans. Records are kept only while
:func:`recording` is active, which the grader enables when the environment variable
``AUTOGRADER_PROFILE`` names a file; each graded submission then appends one JSON line to it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "AUTOGRADER_PROFILE"

_lock = threading.Lock()  # spans of two threads (kernel and verdicts) add to one record


class _State(threading.local):
    record: dict[str, float] | None = None
    stack: list[list[float]]  # [start, seconds spent in nested spans], innermost last

    def __init__(self) -> None:
        self.stack = []


_state = _State()


def enabled() -> bool:
    return bool(os.environ.get(ENV))


@contextmanager
def _swapped(record: dict[str, float] | None) -> Iterator[None]:
    outer, outer_stack = _state.record, _state.stack
    _state.record, _state.stack = record, []
    try:
        yield
    finally:
        _state.record, _state.stack = outer, outer_stack


@contextmanager
def recording(on: bool | None = None) -> Iterator[dict[str, float] | None]:
    """Collect spans into a fresh record (phase -> seconds) for the duration; yields None,
    and records nothing, when profiling is off."""
    if not (enabled() if on is None else on):
        yield None
        return
    record: dict[str, float] = {}
    with _swapped(record):
        yield record


def current() -> dict[str, float] | None:
    """The record this thread adds to, to hand to a thread doing part of the same work."""
    return _state.record


def attached(record: dict[str, float] | None):
    """In another thread: add spans to ``record`` (from :func:`current`) for the duration.
    Its spans run alongside the first thread's, so a record's phases then add up to more
    than its wall time."""
    return _swapped(record)


@contextmanager
def phase(name: str) -> Iterator[None]:
    record = _state.record
    if record is None:
        yield
        return
    stack = _state.stack
    frame = [time.perf_counter(), 0.0]
    stack.append(frame)
    try:
        yield
    finally:
        elapsed = time.perf_counter() - frame[0]
        stack.pop()
        with _lock:
            record[name] = record.get(name, 0.0) + elapsed - frame[1]
        if stack:
            stack[-1][1] += elapsed


def paused():
    """Record nothing inside: work done for another purpose (a model solution's run) is timed
    by the span around it, not split into this submission's phases."""
    return _swapped(None)


def count(name: str, n: int = 1) -> None:
    """Count events (say, test cells judged) in the current record, if any."""
    record = _state.record
    if record is not None:
        with _lock:
            record["#" + name] = record.get("#" + name, 0) + n


def write(entry: dict) -> None:
    """Append ``entry`` as a JSON line to the profile file, when profiling is on."""
    target = os.environ.get(ENV)
    if target:
        with Path(target).open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry, sort_keys=True) + "\n")
