"""The server's own state in ``<course>/serve/server.db`` (SQLite, WAL): tokens and attempts.

A submission's status only moves forward: ``queued`` -> ``grading`` -> ``graded``|``failed``,
each move one committed transaction, so a server killed at any moment knows on restart which
submissions still need grading (``queued`` and ``grading``) and never records a result twice.
A verdict published before its feedback page is written is listed in ``feedback_pending`` in
the same transaction, so a restart writes the pages a kill left unwritten.
Each thread gets its own connection (sqlite3 connections are not shared across threads).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

SERVE_DIRECTORY = "serve"
DATABASE = "server.db"
FINAL = ("graded", "failed")

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,
    learner TEXT NOT NULL,
    instructor INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    learner TEXT NOT NULL,
    assignment TEXT NOT NULL,
    notebooks TEXT NOT NULL,
    received_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    error TEXT,
    result TEXT,
    total REAL,
    graded_at TEXT,
    counted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS by_learner ON submissions (learner, assignment, received_at);
CREATE TABLE IF NOT EXISTS released (
    assignment TEXT PRIMARY KEY,
    released_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback_released (
    assignment TEXT PRIMARY KEY,
    released_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback_pending (
    id TEXT PRIMARY KEY REFERENCES submissions (id)
);
"""


def now() -> str:
    """The current time, ISO 8601 UTC with microseconds (sorts as it reads)."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def serve_directory(course: Path) -> Path:
    return Path(course) / SERVE_DIRECTORY


class Store:
    """server.db of one course; safe to use from several threads."""

    def __init__(self, course: Path):
        self.folder = serve_directory(course)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / DATABASE
        self._local = threading.local()
        with self.connection() as db:
            db.executescript(SCHEMA)

    def connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # an acknowledged submission survives a crash
            self._local.db = db
        return _Transaction(db)

    # ------------------------------------------------------------------ tokens

    def add_token(self, digest: str, learner: str, instructor: bool) -> None:
        with self.connection() as db:
            db.execute(
                "INSERT INTO tokens (hash, learner, instructor, created_at) VALUES (?, ?, ?, ?)",
                (digest, learner, int(instructor), now()),
            )

    def token_owner(self, digest: str) -> sqlite3.Row | None:
        with self.connection() as db:
            return db.execute(
                "SELECT learner, instructor FROM tokens WHERE hash = ? AND revoked_at IS NULL",
                (digest,),
            ).fetchone()

    def tokens(self) -> list[sqlite3.Row]:
        with self.connection() as db:
            return db.execute(
                "SELECT learner, instructor, created_at, revoked_at FROM tokens "
                "ORDER BY learner, created_at"
            ).fetchall()

    def revoke(self, learner: str) -> int:
        with self.connection() as db:
            return db.execute(
                "UPDATE tokens SET revoked_at = ? WHERE learner = ? AND revoked_at IS NULL",
                (now(), learner),
            ).rowcount

    # ------------------------------------------------------------------ submissions

    def add_submission(
        self, submission: str, learner: str, assignment: str, notebooks: list[str], received: str
    ) -> None:
        with self.connection() as db:
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM submissions").fetchone()[0]
            db.execute(
                "INSERT INTO submissions (id, seq, learner, assignment, notebooks, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (submission, seq, learner, assignment, json.dumps(notebooks), received),
            )

    def submission(self, submission: str) -> sqlite3.Row | None:
        with self.connection() as db:
            return db.execute("SELECT * FROM submissions WHERE id = ?", (submission,)).fetchone()

    def submissions(self, learner: str | None, assignment: str | None) -> list[sqlite3.Row]:
        clauses, values = [], []
        if learner is not None:
            clauses.append("learner = ?")
            values.append(learner)
        if assignment is not None:
            clauses.append("assignment = ?")
            values.append(assignment)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self.connection() as db:
            return db.execute(
                f"SELECT * FROM submissions {where} ORDER BY seq DESC", values
            ).fetchall()

    def received_since(self, learner: str, assignment: str, since: str) -> list[str]:
        """When ``learner`` submitted ``assignment`` since ``since`` (failed ones not counted)."""
        with self.connection() as db:
            rows = db.execute(
                "SELECT received_at FROM submissions WHERE learner = ? AND assignment = ? "
                "AND received_at >= ? AND status != 'failed' ORDER BY received_at",
                (learner, assignment, since),
            ).fetchall()
        return [row[0] for row in rows]

    def unfinished(self) -> list[sqlite3.Row]:
        """Submissions not graded yet, first received first (a restart grades these)."""
        with self.connection() as db:
            return db.execute(
                "SELECT * FROM submissions WHERE status NOT IN ('graded', 'failed') ORDER BY seq"
            ).fetchall()

    def start_grading(self, submission: str) -> bool:
        with self.connection() as db:
            return bool(
                db.execute(
                    "UPDATE submissions SET status = 'grading' WHERE id = ? "
                    "AND status IN ('queued', 'grading')",
                    (submission,),
                ).rowcount
            )

    def finish(
        self,
        submission: str,
        *,
        status: str,
        error: str | None,
        result: dict | None,
        total: float | None,
        counted: bool,
        feedback_pending: bool = False,
    ) -> None:
        """Record the outcome once; the attempt that counts is the only one marked counted.
        ``feedback_pending``: its feedback page is still to be written."""
        row = self.submission(submission)
        with self.connection() as db:
            db.execute("BEGIN IMMEDIATE")
            if counted:
                db.execute(
                    "UPDATE submissions SET counted = 0 WHERE learner = ? AND assignment = ?",
                    (row["learner"], row["assignment"]),
                )
            changed = db.execute(
                "UPDATE submissions SET status = ?, error = ?, result = ?, total = ?, "
                "graded_at = ?, counted = ? WHERE id = ? AND status NOT IN ('graded', 'failed')",
                (
                    status,
                    error,
                    json.dumps(result) if result is not None else None,
                    total,
                    now(),
                    int(counted),
                    submission,
                ),
            ).rowcount
            if changed and feedback_pending:
                db.execute("INSERT OR IGNORE INTO feedback_pending (id) VALUES (?)", (submission,))
            db.execute("COMMIT")

    def feedback_pending(self, submission: str | None = None) -> list[sqlite3.Row]:
        """Graded submissions whose feedback page is still to be written (or ``submission``
        alone, if it is one), first graded first."""
        where, values = ("WHERE s.id = ?", (submission,)) if submission else ("", ())
        with self.connection() as db:
            return db.execute(
                "SELECT s.* FROM feedback_pending AS p JOIN submissions AS s ON s.id = p.id "
                f"{where} ORDER BY s.seq",
                values,
            ).fetchall()

    def feedback_written(self, submissions: list[str]) -> None:
        with self.connection() as db:
            db.executemany("DELETE FROM feedback_pending WHERE id = ?", [(i,) for i in submissions])

    def counted(self, learner: str, assignment: str) -> sqlite3.Row | None:
        with self.connection() as db:
            return db.execute(
                "SELECT * FROM submissions WHERE learner = ? AND assignment = ? AND counted = 1",
                (learner, assignment),
            ).fetchone()

    # ------------------------------------------------------------------ releases

    def release(self, assignment: str, *, feedback: bool = False) -> None:
        """Mark an assignment (or, with ``feedback``, its instructor's feedback) released."""
        table = "feedback_released" if feedback else "released"
        with self.connection() as db:
            db.execute(
                f"INSERT INTO {table} (assignment, released_at) VALUES (?, ?) "
                "ON CONFLICT (assignment) DO NOTHING",
                (assignment, now()),
            )

    def released(self, *, feedback: bool = False) -> set[str]:
        table = "feedback_released" if feedback else "released"
        with self.connection() as db:
            return {row[0] for row in db.execute(f"SELECT assignment FROM {table}")}


class _Transaction:
    """``with store.connection() as db``: the thread's connection (autocommit statements)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, kind, *exc):
        if kind is not None and self.db.in_transaction:
            self.db.execute("ROLLBACK")
        return False


def submission_json(row: sqlite3.Row) -> dict:
    """A submission as the API shows it."""
    return {
        "id": row["id"],
        "learner": row["learner"],
        "assignment": row["assignment"],
        "received_at": row["received_at"],
        "status": row["status"],
        "error": row["error"],
        "result": json.loads(row["result"]) if row["result"] else None,
    }
