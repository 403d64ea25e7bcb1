"""The confined worker: learner code runs there; the judge sees only plain values."""

from __future__ import annotations

import pytest

from autograder.grading.confine import Limits
from autograder.grading.remote import Missing, RemoteFunction, Worker, WorkerGone, answer
from tests.grading.isolation import require_isolation

CELLS = [
    "import numpy as np",
    "def double(values):\n    values.append(0)\n    return [v * 2 for v in values]",
    "def overflow(z):\n    return 1 / (1 + np.exp(-z))",
    "def forever(x):\n    while True:\n        pass",
    "QUERY = 'SELECT 1'",
    "def top(items, k):\n    if k < 0:\n        raise ValueError('k must be >= 0')\n"
    "    return sorted(items)[:k]",
]


@pytest.fixture(params=[False, True], ids=["cold", "warm"])
def worker(tmp_path, request):
    with Worker(
        cwd=tmp_path,
        roots=[tmp_path],
        limits=Limits(cpu_seconds=60),
        timeout=60,
        step_timeout=3,
        warm=request.param,
    ) as running:
        for source in CELLS:
            running.request("run", cells=[source])
        yield running


def test_answers_are_functions_values_or_missing(worker):
    assert isinstance(answer(worker, CELLS, "double"), RemoteFunction)
    assert answer(worker, CELLS, "QUERY") == "SELECT 1"
    assert isinstance(answer(worker, CELLS, "nowhere"), Missing)


def test_a_call_reports_result_mutation_and_warnings(worker):
    double = answer(worker, CELLS, "double")
    outcome = double.call(([1, 2],), banned=())
    assert outcome.result == [2, 4, 0] and outcome.mutated == [0]
    assert "append" in double.names()  # compiled here, never run here
    warned = answer(worker, CELLS, "overflow").call((-1000.0,), banned=())
    assert any("overflow" in text for text in warned.warnings)


def test_a_counted_call_reports_values_or_the_error_the_answer_raised(worker):
    top = answer(worker, CELLS, "top")
    summary = top.counted(([3, 1, 2], 2), banned=())
    assert summary["values"] == [1, 2] and summary["comparisons"] > 0
    raised = top.counted(([3, 1, 2], -1), banned=())
    assert isinstance(raised["error"], ValueError) and "k must be" in str(raised["error"])


def test_a_call_that_never_returns_is_interrupted_and_the_worker_lives_on(worker):
    with pytest.raises(WorkerGone, match="ran out of time"):
        answer(worker, CELLS, "forever").call((1,), banned=())
    assert answer(worker, CELLS, "QUERY") == "SELECT 1"


def test_a_worker_that_exits_fails_every_later_request(worker):
    with pytest.raises(WorkerGone, match="ended the grading process"):
        worker.request("run", cells=["import os; os._exit(3)"])
    with pytest.raises(WorkerGone):
        answer(worker, CELLS, "double")


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_learner_code_cannot_read_the_course_or_the_answer_key(tmp_path, warm):
    require_isolation()  # private mounts and user nobody: skipped visibly, never under CI
    (tmp_path / "gradebook.db").write_text("secret")
    key = tmp_path / "source" / "week01" / "key.py"
    key.parent.mkdir(parents=True)
    key.write_text("REFERENCE = 42\n")
    probe = (
        "import os\n"
        "def read(path):\n"
        "    try:\n"
        "        return open(path).read()\n"
        "    except OSError as error:\n"
        "        return type(error).__name__\n"
        f"SEEN = read({str(tmp_path / 'gradebook.db')!r})\n"
        f"KEY = read({str(key)!r})\n"
        "USER = os.getuid()\n"
    )
    work = tmp_path / "autograded" / "learner"
    work.mkdir(parents=True)
    with Worker(
        cwd=work, roots=[tmp_path], limits=Limits(), timeout=60, step_timeout=30, warm=warm
    ) as worker:
        worker.request("run", cells=[probe])
        assert answer(worker, [probe], "SEEN") in ("FileNotFoundError", "PermissionError")
        assert answer(worker, [probe], "KEY") in ("FileNotFoundError", "PermissionError")
        assert answer(worker, [probe], "USER") == 65534
