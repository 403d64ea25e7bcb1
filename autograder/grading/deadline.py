"""How long a learner's notebook may run: a multiple of the model solution's own run time.

The model solution (``source/<assignment>/<notebook>``) is taken in like a submission and
run in a confined kernel once per version of that notebook; its wall time is cached in
``.grading/solution-times.json``, which learner code cannot see. A flat limit must cover the
slowest notebook of the course; this one fits each notebook, so a submission that stalls
its kernel holds a worker for seconds, not ten minutes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from autograder.course import state_directory
from autograder.grading.intake import take_in

CACHE = "solution-times.json"


def _digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


def solution_seconds(
    course: Path, assignment: str, notebook: str, run: Callable[[Path], None]
) -> float | None:
    """Wall seconds of the model solution of ``notebook``, measured once with ``run(path)``.

    None when the course has no source for it (a course graded from release/ alone).
    Concurrent graders wait for one measurement instead of each making their own.
    """
    source = course / "source" / assignment / notebook
    release = course / "release" / assignment / notebook
    if not (source.is_file() and release.is_file()):
        return None
    state = state_directory(course)
    key, digest = f"{assignment}/{notebook}", _digest(source, release)
    # one lock per notebook, so two workers measure two notebooks at once; the shared cache
    # file has its own lock, held only to read or update it
    locks = state / "solution-locks"
    locks.mkdir(exist_ok=True)
    with (locks / f"{assignment}--{notebook}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cache = _cached(state)
        if cache.get(key, {}).get("digest") == digest:
            return float(cache[key]["seconds"])
        folder = state / "solutions" / Path(notebook).stem / assignment  # as a submission's
        take_in(source.parent, release.parent, folder)
        try:
            clock = time.monotonic()
            run(folder / notebook)
            seconds = round(time.monotonic() - clock, 3)  # as cached, so every caller agrees
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        with _cache_locked(state):
            cache = _read(state / CACHE)
            cache[key] = {"digest": digest, "seconds": seconds}
            partial = state / (CACHE + f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(partial, state / CACHE)
    return seconds


def untimed(course: Path) -> list[tuple[str, str]]:
    """(assignment, notebook) of each released notebook whose model solution has no time
    cached for its current version, in name order."""
    cache = _cached(state_directory(course))
    return [
        (source.parent.name, source.name)
        for source in sorted((course / "source").glob("*/*.ipynb"))
        if (release := course / "release" / source.parent.name / source.name).is_file()
        and cache.get(f"{source.parent.name}/{source.name}", {}).get("digest")
        != _digest(source, release)
    ]


def assignment_seconds(course: Path) -> dict[str, float]:
    """Per assignment, the summed cached run times of its notebooks' model solutions (any
    version): what grading one submission of it roughly costs, compared with the others."""
    cache = _cached(state_directory(course))
    totals: dict[str, float] = {}
    for key, entry in sorted(cache.items()):
        assignment, _, _ = key.partition("/")
        if isinstance(entry, dict) and isinstance(entry.get("seconds"), (int, float)):
            totals[assignment] = totals.get(assignment, 0.0) + float(entry["seconds"])
    return totals


def _cached(state: Path) -> dict:
    """The cached solution times, read under the cache's lock."""
    with _cache_locked(state):
        return _read(state / CACHE)


@contextmanager
def _cache_locked(state: Path) -> Iterator[None]:
    with (state / (CACHE + ".lock")).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def notebook_deadline(
    solution: float | None, *, floor: float, multiplier: float, ceiling: float
) -> float:
    """Seconds a submission may run: ``multiplier`` × the solution's, never under ``floor``
    nor over ``ceiling`` (which alone applies when the solution could not be measured)."""
    if solution is None:
        return ceiling
    return min(ceiling, max(floor, multiplier * solution))
