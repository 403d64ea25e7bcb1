"""Feedback that teaches without leaking: learners see each test's result, not hidden test code.

nbgrader renders feedback from the autograded notebook, whose test cells hold the
instructor's full source, hidden tests included. The nbgrader step
:class:`autograder.grading.hide_hidden.HideHiddenTests` (configured for ``GenerateFeedback``
in nbgrader_config.py) removes them; :func:`feedback` generates the HTML for graded submissions and, optionally, releases it to
the exchange for learners to fetch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course, check_assignments, nbgrader_api
from autograder.grading.hide_hidden import HIDDEN_NOTICE, HideHiddenTests

__all__ = ["HIDDEN_NOTICE", "FeedbackReport", "HideHiddenTests", "feedback"]


@dataclass
class FeedbackReport:
    generated: list[tuple[str, str]] = field(default_factory=list)  # (student, assignment)
    released: list[str] = field(default_factory=list)  # assignments released to the exchange
    failures: list[tuple[str, str]] = field(default_factory=list)  # (assignment, why)


def feedback(
    *,
    root: str | Path | None = None,
    assignments: list[str] | None = None,
    release: bool = False,
) -> FeedbackReport:
    """Generate feedback HTML for every autograded submission; ``release`` hands it out."""
    course = Course.load(root).root
    api = nbgrader_api(course)
    report = FeedbackReport()
    for assignment in check_assignments(course, assignments):
        graded = sorted(p.parent.name for p in (course / "autograded").glob(f"*/{assignment}"))
        if not graded:
            continue
        result = api.generate_feedback(assignment)
        if not result.get("success"):
            report.failures.append((assignment, _last_line(result)))
            continue
        report.generated += [(student, assignment) for student in graded]
        if release:
            result = api.release_feedback(assignment)
            if result.get("success"):
                report.released.append(assignment)
            else:
                report.failures.append((assignment, _last_line(result)))
    return report


def _last_line(result: dict) -> str:
    text = "\n".join(filter(None, (result.get("log"), result.get("error"))))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "nbgrader gave no reason"
