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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "AUTOGRADER_PROFILE"

_record: dict[str, float] | None = None
_stack: list[list[float]] = []  # [start, seconds spent in nested spans], innermost last


def enabled() -> bool:
    return bool(os.environ.get(ENV))


@contextmanager
def recording(on: bool | None = None) -> Iterator[dict[str, float] | None]:
    """Collect spans into a fresh record (phase -> seconds) for the duration; yields None,
    and records nothing, when profiling is off."""
    global _record
    if not (enabled() if on is None else on):
        yield None
        return
    outer, outer_stack = _record, _stack[:]
    _record = {}
    _stack.clear()
    try:
        yield _record
    finally:
        _record = outer
        _stack[:] = outer_stack


@contextmanager
def phase(name: str) -> Iterator[None]:
    if _record is None:
        yield
        return
    record = _record
    frame = [time.perf_counter(), 0.0]
    _stack.append(frame)
    try:
        yield
    finally:
        elapsed = time.perf_counter() - frame[0]
        _stack.pop()
        record[name] = record.get(name, 0.0) + elapsed - frame[1]
        if _stack:
            _stack[-1][1] += elapsed


@contextmanager
def paused() -> Iterator[None]:
    """Record nothing inside: work done for another purpose (a model solution's run) is timed
    by the span around it, not split into this submission's phases."""
    global _record
    outer, outer_stack = _record, _stack[:]
    _record = None
    _stack.clear()
    try:
        yield
    finally:
        _record = outer
        _stack[:] = outer_stack


def count(name: str, n: int = 1) -> None:
    """Count events (say, test cells judged) in the current record, if any."""
    if _record is not None:
        _record["#" + name] = _record.get("#" + name, 0) + n


def write(entry: dict) -> None:
    """Append ``entry`` as a JSON line to the profile file, when profiling is on."""
    target = os.environ.get(ENV)
    if target:
        with Path(target).open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry, sort_keys=True) + "\n")
