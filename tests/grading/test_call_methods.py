"""call_methods across the confined worker: only plain values cross, the step time is bounded."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading.confine import Limits
from autograder.grading.remote import RemoteFunction, Worker, WorkerGone, answer

CELLS = [
    "import numpy as np",
    (
        "class Model:\n"
        "    def fit(self, X, y):\n"
        "        self.mean = float(np.mean(y))\n"
        "        return self\n"
        "    def predict(self, X):\n"
        "        return np.full(len(X), self.mean)\n"
        "    def forever(self):\n"
        "        while True:\n"
        "            pass\n"
        "    def spoil(self, values):\n"
        "        values.append(1)\n"
        "        return self\n"
    ),
    "def build_model():\n    return Model()",
]


@pytest.fixture
def worker(tmp_path):
    with Worker(
        cwd=tmp_path, roots=[tmp_path], limits=Limits(cpu_seconds=60), timeout=60, step_timeout=20
    ) as running:
        for source in CELLS:
            running.request("run", cells=[source])
        yield running


def test_the_estimator_stays_in_the_worker_and_the_last_result_crosses(worker):
    build = answer(worker, CELLS, "build_model")
    assert isinstance(build, RemoteFunction)
    outcome = build.call_methods(
        (),
        [("fit", (np.zeros((3, 1)), np.array([0, 1, 1]))), ("predict", (np.zeros((2, 1)),))],
        banned=(),
    )
    assert outcome.error is None
    assert type(outcome.result) is np.ndarray
    assert np.allclose(outcome.result, [2 / 3, 2 / 3])
    fitted = build.call_methods((), [("fit", (np.zeros((1, 1)), np.array([1])))], banned=())
    assert type(fitted.result).__name__ == "Model" and not hasattr(fitted.result, "mean")


def test_errors_and_mutations_come_back_as_data(worker):
    build = answer(worker, CELLS, "build_model")
    failed = build.call_methods((), [("nothing", ())], banned=())
    assert isinstance(failed.error, AttributeError)
    spoilt = build.call_methods((), [("spoil", ([0],))], banned=())
    assert spoilt.mutated == [0]


def test_a_step_past_its_time_limit_fails_only_that_request(worker):
    build = answer(worker, CELLS, "build_model")
    with pytest.raises(WorkerGone, match="ran out of time"):
        build.call_methods((), [("forever", ())], banned=(), timeout=1)
    assert answer(worker, CELLS, "build_model") is not None
