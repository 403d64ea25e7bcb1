"""Feedback preprocessing: hidden test source and tracebacks never reach a learner."""

import nbformat

from autograder.grading.hide_hidden import HIDDEN_NOTICE, HideHiddenTests

HIDDEN_LINE = "q.sample_variance.check_hidden(sample_variance)"


def graded_test_cell(source, outputs=()):
    cell = nbformat.v4.new_code_cell(source, outputs=list(outputs))
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 2}
    return cell


def run(*cells):
    nb = nbformat.v4.new_notebook(cells=list(cells))
    nb, _ = HideHiddenTests()(nb, {})  # as nbconvert calls it: only if enabled
    return nb.cells


def test_hidden_region_is_replaced_by_a_notice():
    source = (
        '"""Hidden check."""\nprint("hi")\n### BEGIN HIDDEN TESTS\n'
        + HIDDEN_LINE
        + "\n### END HIDDEN TESTS"
    )
    (cell,) = run(graded_test_cell(source))
    assert HIDDEN_LINE not in cell.source and "HIDDEN TESTS" not in cell.source
    assert cell.source.splitlines() == ['"""Hidden check."""', 'print("hi")', HIDDEN_NOTICE]


def test_a_traceback_quoting_the_hidden_line_is_cut_to_its_message():
    error = nbformat.v4.new_output(
        "error",
        ename="AssertionError",
        evalue="the variance of [1] should raise",
        traceback=["Traceback (most recent call last)", f"----> 4 {HIDDEN_LINE}", "AssertionError"],
    )
    (cell,) = run(
        graded_test_cell(
            "### BEGIN HIDDEN TESTS\n" + HIDDEN_LINE + "\n### END HIDDEN TESTS", [error]
        )
    )
    (output,) = cell.outputs
    assert output.traceback == ["AssertionError: the variance of [1] should raise"]
    assert HIDDEN_LINE not in str(output)


def test_hidden_checks_outside_markers_or_an_open_region_blank_the_cell():
    stray, open_region = run(
        graded_test_cell('"""Check."""\n' + HIDDEN_LINE),
        graded_test_cell("### BEGIN HIDDEN TESTS\n" + HIDDEN_LINE),
    )
    assert stray.source == '"""Check."""\n' + HIDDEN_NOTICE
    assert open_region.source == HIDDEN_NOTICE


def test_answer_cells_and_visible_tests_are_untouched():
    answer = nbformat.v4.new_code_cell("def f():\n    return 1")
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "f"}
    visible = graded_test_cell('"""Check f."""\nq.f.check(f)')
    got = run(answer, visible)
    assert [c.source for c in got] == [answer.source, visible.source]
