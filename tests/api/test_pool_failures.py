"""The pool's bookkeeping: explaining why nbgrader could not grade a submission."""

from autograder.api.pool import failure_reason


def test_failure_reason_names_the_notebook_and_the_real_error():
    log = "\n".join(
        [
            "[INFO] Converting notebook /c/submitted/ann/week01/python_fundamentals.ipynb",
            "    nbformat.reader.NotJSONError: Notebook does not appear to be JSON: '{'",
            "[ERROR] There was an error processing assignment 'week01' for student 'ann'",
            "[ERROR] Please see the the above traceback for details on the specific errors on the above failures.",
        ]
    )
    reason = failure_reason(
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
        failure_reason({"log": "[ERROR] No notebooks were matched\n"})
        == "[ERROR] No notebooks were matched"
    )
    assert failure_reason({}) == "nbgrader gave no reason"
