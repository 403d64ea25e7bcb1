"""The confined worker: learner code runs there; the judge sees only plain values."""

from __future__ import annotations

import pytest

from autograder.grading.confine import Limits
from autograder.grading.remote import Missing, RemoteFunction, Worker, WorkerGone, answer

CELLS = [
    "import numpy as np",
    "def double(values):\n    values.append(0)\n    return [v * 2 for v in values]",
    "def overflow(z):\n    return 1 / (1 + np.exp(-z))",
    "def forever(x):\n    while True:\n        pass",
    "QUERY = 'SELECT 1'",
]


@pytest.fixture
def worker(tmp_path):
    with Worker(
        cwd=tmp_path, roots=[tmp_path], limits=Limits(cpu_seconds=60), timeout=60, step_timeout=3
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
    outcome = double.call_on_copies(([1, 2],), banned=())
    assert outcome.result == [2, 4, 0] and outcome.mutated == [0]
    assert "append" in double.__code__.co_names  # compiled here, never run here
    warned = answer(worker, CELLS, "overflow").call_on_copies((-1000.0,), banned=())
    assert any("overflow" in text for text in warned.warnings)


def test_a_call_that_never_returns_is_interrupted_and_the_worker_lives_on(worker):
    with pytest.raises(WorkerGone, match="ran out of time"):
        answer(worker, CELLS, "forever").call_on_copies((1,), banned=())
    assert answer(worker, CELLS, "QUERY") == "SELECT 1"


def test_a_worker_that_exits_fails_every_later_request(worker):
    with pytest.raises(WorkerGone, match="ended the grading process"):
        worker.request("run", cells=["import os; os._exit(3)"])
    with pytest.raises(WorkerGone):
        answer(worker, CELLS, "double")
