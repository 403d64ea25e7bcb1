"""Every attempt the server graded, read from ``serve/server.db`` without writing to it.

The report reads these while the server may be running: the database is opened read-only
(SQLite's ``mode=ro``), so reading never creates it, changes its schema or takes a write lock.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from autograder.api.attempts import Attempt
from autograder.server.store import DATABASE, FINAL, serve_directory


def database(course: Path) -> Path:
    return serve_directory(course) / DATABASE


def read_attempts(course: Path, assignments: list[str] | None = None) -> list[Attempt]:
    """Graded and failed submissions (not those still queued), oldest first; none when the
    course has never been served."""
    path = database(course)
    if not path.is_file():
        return []
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        rows = db.execute(
            "SELECT learner, assignment, received_at, status, result, counted FROM submissions "
            f"WHERE status IN ({', '.join('?' for _ in FINAL)}) ORDER BY received_at",
            FINAL,
        ).fetchall()
    finally:
        db.close()
    return [_attempt(*row) for row in rows if assignments is None or row[1] in assignments]


def _attempt(learner, assignment, received_at, status, result, counted) -> Attempt:
    result = json.loads(result) if result else None
    graded = status == "graded" and result is not None
    return Attempt(
        learner=learner,
        assignment=assignment,
        received_at=received_at,
        status="graded" if graded else "failed",
        score=float(result["score"]) if graded else None,
        max_score=float(result["max_score"]) if graded else None,
        counted=bool(counted),
        exercises={
            f"{notebook['notebook']}/{exercise['exercise']}": float(exercise["score"])
            for notebook in (result or {}).get("notebooks", [])
            for exercise in notebook.get("exercises", [])
        },
    )
