"""Grade bookkeeping: mapping grade cells to exercises and explaining failures."""

from autograder.api.grade import _reason, exercise_of


def test_grade_cells_map_to_the_longest_matching_exercise():
    exercises = ["merge_sorted", "merge_sorted_complexity", "sample_variance"]
    assert exercise_of("merge_sorted_hidden", exercises) == "merge_sorted"
    assert exercise_of("merge_sorted_complexity", exercises) == "merge_sorted_complexity"
    assert exercise_of("sample_variance_visible", exercises) == "sample_variance"
    assert exercise_of("sample_variances_visible", exercises) == "sample_variances_visible"


def test_failure_reason_names_the_notebook_and_the_real_error():
    log = "\n".join(
        [
            "[INFO] Converting notebook /c/submitted/ann/week01/python_fundamentals.ipynb",
            "    nbformat.reader.NotJSONError: Notebook does not appear to be JSON: '{'",
            "[ERROR] There was an error processing assignment 'week01' for student 'ann'",
            "[ERROR] Please see the the above traceback for details on the specific errors on the above failures.",
        ]
    )
    reason = _reason(
        {
            "success": False,
            "log": log,
            "error": "nbgrader.converters.base.NbGraderException: see above",
        }
    )
    assert (
        reason
        == "python_fundamentals.ipynb: NotJSONError: Notebook does not appear to be JSON: '{'"
    )


def test_failure_reason_without_a_traceback_falls_back_to_the_last_line():
    assert (
        _reason({"log": "[ERROR] No notebooks were matched\n"})
        == "[ERROR] No notebooks were matched"
    )
    assert _reason({}) == "nbgrader gave no reason"
