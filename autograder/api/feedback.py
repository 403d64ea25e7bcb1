"""Feedback that teaches without leaking: learners see each test's result, not hidden test code.

nbgrader renders feedback from the autograded notebook, whose test cells hold the
instructor's full source, hidden tests included, and whose outputs could quote it in a
traceback. :class:`HideHiddenTests` (configured for ``GenerateFeedback`` in
nbgrader_config.py, so ``nbgrader generate_feedback`` uses it too) replaces each hidden-test
region with a one-line notice and shortens every error a test cell shows to its one-line
message. The verdict outputs written by the grader (a ✓ line or ``CheckFailed: <message>``)
already say what was wrong in words, so nothing a learner needs is lost.

:func:`feedback` generates the HTML for graded submissions and, optionally, releases it to
the exchange for learners to fetch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from autograder.course import Course, check_assignments, nbgrader_api
from autograder.notebooks import is_test_cell

HIDDEN_NOTICE = "# Hidden tests ran here when your notebook was graded; their code is not shown."


class HideHiddenTests(Preprocessor):
    """Blank hidden-test source and shorten test-cell errors to their message."""

    enabled = Bool(True, help="nbconvert runs a preprocessor only when it is enabled").tag(
        config=True
    )
    begin = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end = Unicode("END HIDDEN TESTS").tag(config=True)
    hidden_call = Unicode(
        "check_hidden",
        help="a call only hidden tests make: a test cell that still names it "
        "after the hidden regions are removed is blanked entirely",
    ).tag(config=True)

    def hide(self, source: str) -> str:
        kept, inside, hid = [], False, False
        for line in source.splitlines():
            if self.begin in line:
                inside, hid = True, True
                kept.append(line[: len(line) - len(line.lstrip())] + HIDDEN_NOTICE)
            elif self.end in line:
                inside = False
            elif not inside:
                kept.append(line)
        if inside or (self.hidden_call and self.hidden_call in "\n".join(kept)):
            # an unterminated region, or hidden checks outside the markers: show none of it
            docstring = source.splitlines()[:1] if source.lstrip().startswith('"""') else []
            return "\n".join([*docstring, HIDDEN_NOTICE])
        return "\n".join(kept) if hid else source

    def preprocess_cell(self, cell, resources, index):
        if not is_test_cell(cell):
            return cell, resources
        cell.source = self.hide(cell.source)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
                output["traceback"] = [self.hide(message)]
                output["evalue"] = self.hide(str(output.get("evalue", "")))
        return cell, resources


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
