"""Learner and instructor tokens: made here, shown once, stored only as a sha256 hash."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from autograder.course import Course, CourseError
from autograder.server.store import Store

LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_learner_id(learner: str) -> str:
    """A learner id is also a folder name in submitted/: letters, digits, ``_.-`` only."""
    if not LEARNER_ID.match(learner):
        raise CourseError(
            f"learner id {learner!r} must be 1-64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
    return learner


@dataclass(frozen=True)
class TokenInfo:
    learner: str
    instructor: bool
    created_at: str
    revoked_at: str | None


def add_token(*, root: str | Path | None = None, learner: str, instructor: bool = False) -> str:
    """A new token for ``learner`` (their earlier tokens stay valid until revoked)."""
    course = Course.load(root).root
    token = secrets.token_urlsafe(32)
    Store(course).add_token(digest(token), check_learner_id(learner), instructor)
    return token


def list_tokens(*, root: str | Path | None = None) -> list[TokenInfo]:
    course = Course.load(root).root
    return [
        TokenInfo(row["learner"], bool(row["instructor"]), row["created_at"], row["revoked_at"])
        for row in Store(course).tokens()
    ]


def revoke_tokens(*, root: str | Path | None = None, learner: str) -> int:
    """Revoke every token of ``learner``; how many were still valid."""
    course = Course.load(root).root
    revoked = Store(course).revoke(learner)
    if not revoked:
        raise CourseError(f"{learner} has no valid token")
    return revoked
