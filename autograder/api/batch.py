"""Bookkeeping that makes a grading batch resumable: a journal, a lock and fingerprints.

A batch writes ``.grading/journal.jsonl`` in the course folder: one line per submission whose
grades are committed to the gradebook, appended (and synced to disk) only *after* the commit.
A batch that ends normally deletes its journal. A batch that was killed leaves it behind, and
the next run skips every submission the journal names whose files have not changed since, so
it finishes the rest without regrading what was done. A submission graded but not yet
journalled when the grader died is simply graded again (grading is deterministic).

``.grading/`` lies inside the course folder, so the confined kernels never see it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import CourseError, state_directory

JOURNAL = "journal.jsonl"
LOCK = "lock"


@dataclass
class Done:
    """A submission whose grades are in the gradebook, as the journal recorded it."""

    student: str
    assignment: str
    fingerprint: str
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def fingerprint(submitted: Path, release: Path) -> str:
    """A hash of every file handed in and of the released assignment it is graded against."""
    digest = hashlib.sha256()
    for folder in (submitted, release):
        digest.update(f"\0{folder.name}\0".encode())
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@contextmanager
def batch_lock(course: Path) -> Iterator[None]:
    """Only one grading batch per course at a time; the lock dies with its process."""
    path = state_directory(course) / LOCK
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CourseError(
                "another `autograder grade` is running on this course; wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Journal:
    """Append-only record of committed submissions; see the module docstring."""

    def __init__(self, course: Path, *, resume: bool):
        self.path = state_directory(course) / JOURNAL
        self.done: dict[tuple[str, str], Done] = {}
        if self.path.exists():
            if resume:
                self.done = self._read()
            else:
                self.path.unlink()
        self.interrupted = bool(self.done)
        self._handle = self.path.open("a", encoding="utf-8")

    def _read(self) -> dict[tuple[str, str], Done]:
        done = {}
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = Done(**json.loads(line))
            except (ValueError, TypeError):
                continue  # a line cut short by the kill that interrupted the batch
            done[(entry.student, entry.assignment)] = entry
        return done

    def finished(self, student: str, assignment: str, digest: str) -> Done | None:
        """The journal entry if this submission, unchanged, was already committed."""
        entry = self.done.get((student, assignment))
        return entry if entry and entry.fingerprint == digest else None

    def record(self, entry: Done) -> None:
        self._handle.write(json.dumps(entry.__dict__) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.done[(entry.student, entry.assignment)] = entry

    def close(self, *, complete: bool) -> None:
        self._handle.close()
        if complete:
            self.path.unlink(missing_ok=True)
