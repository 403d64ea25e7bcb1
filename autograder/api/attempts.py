"""Attempts at an assignment (submissions the course server graded), summed up per learner.

The server keeps every graded submission as an attempt; the gradebook holds only the one that
counts (latest or best). For each learner and assignment the report shows how many attempts
were graded and the score over them: the first, the best and the latest. A rising score over
a few attempts is practice; many attempts at the same score may be probing.

Reading the attempts is the server's business (:func:`autograder.server.attempts.read_attempts`);
this module only sums up what it is given, so the report does not depend on the server.
"""

from __future__ import annotations

import csv
import html
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ATTEMPT_COLUMNS = (
    "student_id",
    "assignment",
    "attempts",
    "failed",
    "first_score",
    "best_score",
    "latest_score",
    "max_score",
    "counted_score",
    "first_at",
    "latest_at",
)


@dataclass(frozen=True)
class Attempt:
    """One graded (or failed) submission: its scores over the notebooks it handed in."""

    learner: str
    assignment: str
    received_at: str  # ISO 8601 UTC, sorts as it reads
    status: str  # "graded" or "failed" (a notebook that could not be graded)
    score: float | None  # None when failed
    max_score: float | None
    counted: bool  # the attempt the gradebook holds
    exercises: dict[str, float] = field(default_factory=dict)  # "notebook/exercise" -> score


@dataclass(frozen=True)
class AttemptSummary:
    learner: str
    assignment: str
    attempts: int  # graded attempts
    failed: int  # submissions that could not be graded
    first: float | None
    best: float | None
    latest: float | None
    max_score: float | None  # of the latest graded attempt
    counted: float | None  # the score of the attempt the gradebook holds
    first_at: str
    latest_at: str

    def row(self) -> dict:
        return {
            "student_id": self.learner,
            "assignment": self.assignment,
            "attempts": self.attempts,
            "failed": self.failed,
            "first_score": self.first,
            "best_score": self.best,
            "latest_score": self.latest,
            "max_score": self.max_score,
            "counted_score": self.counted,
            "first_at": self.first_at,
            "latest_at": self.latest_at,
        }


def summarise(
    attempts: list[Attempt], assignments: list[str] | None = None
) -> list[AttemptSummary]:
    """One summary per learner and assignment, by assignment then learner."""
    grouped: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        if assignments is None or attempt.assignment in assignments:
            grouped[(attempt.assignment, attempt.learner)].append(attempt)
    found = []
    for (assignment, learner), mine in sorted(grouped.items()):
        mine.sort(key=lambda a: a.received_at)
        graded = [a for a in mine if a.status == "graded" and a.score is not None]
        counted = [a.score for a in graded if a.counted]
        found.append(
            AttemptSummary(
                learner=learner,
                assignment=assignment,
                attempts=len(graded),
                failed=len(mine) - len(graded),
                first=graded[0].score if graded else None,
                best=max(a.score for a in graded) if graded else None,
                latest=graded[-1].score if graded else None,
                max_score=graded[-1].max_score if graded else None,
                counted=counted[0] if counted else None,
                first_at=mine[0].received_at,
                latest_at=mine[-1].received_at,
            )
        )
    return found


def write_csv(summaries: list[AttemptSummary], path: Path) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ATTEMPT_COLUMNS)
        writer.writeheader()
        writer.writerows(summary.row() for summary in summaries)


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def render(summaries: list[AttemptSummary]) -> str:
    """The report's *Attempts* section: one table per assignment."""
    esc = html.escape
    parts = [
        "<h2>Attempts</h2>",
        "<p>Submissions graded by the course server. <em>first</em>, <em>best</em> and "
        "<em>latest</em> are the scores of those attempts (over the notebooks each handed "
        "in); <em>counted</em> is the attempt the gradebook holds; <em>failed</em> counts "
        "submissions that could not be graded.</p>",
    ]
    by_assignment: dict[str, list[AttemptSummary]] = defaultdict(list)
    for summary in summaries:
        by_assignment[summary.assignment].append(summary)
    for assignment, rows in by_assignment.items():
        counts = [row.attempts for row in rows]
        gains = [row.best - row.first for row in rows if row.first is not None]
        parts.append(
            f"<h3>{esc(assignment)}</h3><p>{len(rows)} learner(s), "
            f"{statistics.fmean(counts):.1f} graded attempts on average (most {max(counts)})"
            + (f", best minus first {statistics.fmean(gains):+.1f} on average" if gains else "")
            + ".</p>"
        )
        parts.append(
            "<table class='attempts'><tr><th>learner</th><th>attempts</th><th>failed</th>"
            "<th>first</th><th>best</th><th>latest</th><th>of</th><th>counted</th>"
            "<th>last submitted</th></tr>"
        )
        for row in rows:
            parts.append(
                f"<tr><td class='name'>{esc(row.learner)}</td><td>{row.attempts}</td>"
                f"<td>{row.failed}</td><td>{_score(row.first)}</td><td>{_score(row.best)}</td>"
                f"<td>{_score(row.latest)}</td><td>{_score(row.max_score)}</td>"
                f"<td>{_score(row.counted)}</td><td>{esc(row.latest_at)}</td></tr>"
            )
        parts.append("</table>")
    return "\n".join(parts)
