"""Feedback without hidden test code: an nbgrader step for ``GenerateFeedback``.

nbgrader renders feedback from the autograded notebook, whose test cells hold the
instructor's full source, hidden tests included, and whose outputs could quote it in a
traceback. :class:`HideHiddenTests` (configured for ``GenerateFeedback`` in
nbgrader_config.py, so ``nbgrader generate_feedback`` uses it too) replaces each hidden-test
region with a one-line notice and shortens every error a test cell shows to its one-line
message. The verdict outputs written by the grader (a ✓ line or ``CheckFailed: <message>``)
already say what was wrong in words, so nothing a learner needs is lost.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

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
