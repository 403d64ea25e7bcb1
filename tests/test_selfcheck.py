"""Self-check messages: one line per problem in a real kernel; real bugs keep their traceback."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import selfcheck
from autograder.judges import CheckFailed
from autograder.learner import read

RELEASE = Path(__file__).resolve().parents[1] / "release" / "week01"
selfcheck.install(read("week01", RELEASE).exercises)  # what autograder.load registers


def test_a_failed_check_is_one_line_per_problem():
    lines = selfcheck.lines_for(CheckFailed(["3 rows are missing", "the order is wrong"]))
    assert lines == ["✗ 3 rows are missing", "✗ the order is wrong"]


def test_an_unwritten_answer_says_so():
    assert "not written yet" in selfcheck.lines_for(NotImplementedError())[0]


def test_a_missing_answer_name_says_it_is_not_defined_yet():
    error = NameError("name 'LARGEST_TEAM_SQL' is not defined", name="LARGEST_TEAM_SQL")
    assert "LARGEST_TEAM_SQL is not defined yet" in selfcheck.lines_for(error)[0]


@pytest.mark.parametrize(
    "error",
    [NameError("name 'pandsa' is not defined", name="pandsa"), ZeroDivisionError("x"), KeyError(1)],
)
def test_unexpected_errors_are_left_to_ipython(error):
    assert selfcheck.lines_for(error) is None


@pytest.fixture(scope="module")
def kernel_outputs() -> list:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(source)
        for source in (
            'import autograder\nq = autograder.load("week01")',
            "q.sample_variance.check(lambda values: 0.0)",
            "raise NotImplementedError()",
            "q.largest_team.check(LARGEST_TEAM_SQL)",
            "1 / 0",
        )
    ]
    client = NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3")
    client.execute(cwd=str(RELEASE))  # a learner's folder: the notebooks and checks.json
    return [[o for o in cell.outputs if o.output_type == "error"] for cell in nb.cells]


def test_failures_reach_the_notebook_as_short_errors(kernel_outputs):
    for errors, fragment in zip(
        kernel_outputs[1:4],
        (
            "sample_variance([2, 4, 4, 4, 5, 5, 7, 9]) returned 0.0; expected 4.57",
            "not written yet",
            "not defined yet",
        ),
        strict=True,
    ):
        assert len(errors) == 1, "the kernel must still report an error (Validate counts it)"
        assert len(errors[0].traceback) == 1 and fragment in errors[0].traceback[0]


def test_loading_the_checks_has_no_error(kernel_outputs):
    assert kernel_outputs[0] == []


def test_importing_the_package_registers_nothing():
    import subprocess
    import sys

    code = "import autograder, autograder.exercises, autograder.selfcheck as s; print(s.answer_names())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "set()"


def test_a_real_bug_keeps_its_full_traceback(kernel_outputs):
    (error,) = kernel_outputs[4]
    assert error.ename == "ZeroDivisionError" and len(error.traceback) > 1
