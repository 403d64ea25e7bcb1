"""Test cells whose checks the trusted verdicts judge are not run in the kernel as well."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import determine_grade

from autograder.grading.kernel import NOT_JUDGED, ConfinedExecute

pytestmark = pytest.mark.pipeline

ROOT = Path(__file__).resolve().parents[2]


def graded(source: str, grade_id: str, *, test: bool) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": test,
        "solution": not test,
        "locked": test,
        "grade_id": grade_id,
        "points": 1 if test else None,
        "schema_version": 3,
    }
    return cell


def notebook() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('import autograder\n\nq = autograder.load("week01")'),
            graded("def sample_variance(values):\n    return 0.0", "answer", test=False),
            # a check call, and something the test can see ran (course test cells hold only
            # their docstring, a print and the checks)
            graded(
                "open('test-cell-ran', 'w').close()\nq.sample_variance.check(sample_variance)",
                "answer_visible",
                test=True,
            ),
            graded("print('no check here')", "plain_test", test=True),
            nbformat.v4.new_code_cell("print(sample_variance([1, 2]) + 1)"),
        ]
    )


def run(folder: Path, **settings) -> nbformat.NotebookNode:
    shutil.copy2(ROOT / "release" / "week01" / "checks.json", folder / "checks.json")
    nb = notebook()
    ConfinedExecute(timeout=60, **settings).preprocess(nb, {"metadata": {"path": str(folder)}})
    return nb


def test_a_judged_test_cell_is_left_unrun_with_a_failing_placeholder(tmp_path):
    nb = run(tmp_path, judged_elsewhere=True)
    setup, answer, judged, plain, after = nb.cells
    assert not (tmp_path / "test-cell-ran").exists()
    assert judged.execution_count is None
    assert [(o.output_type, o.evalue) for o in judged.outputs] == [("error", NOT_JUDGED)]
    # left as it is, nbgrader scores it 0: only the trusted verdict can give it points
    assert determine_grade(judged, logging.getLogger("test"))[0] == 0
    # every other cell ran, in order, test cells without checks included
    assert plain.outputs[0].text == "no check here\n"
    assert after.outputs[0].text == "1.0\n"
    assert setup.execution_count and answer.execution_count


def test_without_the_setting_the_kernel_runs_every_test_cell(tmp_path):
    nb = run(tmp_path)
    judged = nb.cells[2]
    assert (tmp_path / "test-cell-ran").exists()
    assert judged.execution_count is not None
    assert all(o.output_type != "error" or o.evalue != NOT_JUDGED for o in judged.outputs)
