"""``autograder serve --workers 2``: learners graded at once by grading processes the server
keeps for its whole life (imports and warm templates paid once), with the same verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from serving import (
    NOTEBOOK,
    add_token,
    answered,
    bank_answer,
    make_course,
    start_server,
    submit,
    wait_graded,
)

pytestmark = pytest.mark.pipeline

WRONG = {"sample_variance": bank_answer("sample_variance", "fail_population_variance")}


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def spawned(pid: int) -> list[int]:
    """Children of ``pid`` started by multiprocessing's spawn (grading processes)."""
    found = []
    for child in children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"spawn_main" in command:
            found.append(child)
    return sorted(found)


def pool_workers(server_pid: int) -> list[int]:
    (grading,) = spawned(server_pid)  # the server's one grading process ...
    return spawned(grading)  # ... and the pool it keeps


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("workers"))
    learners = ("ana", "ben", "cy")
    tokens = {name: add_token(course, name) for name in learners}
    server = start_server(course, "--workers", "2")
    files = {
        "ana": {NOTEBOOK: answered(course)},
        "ben": {NOTEBOOK: answered(course, wrong=WRONG)},
        "cy": {NOTEBOOK: answered(course)},
    }
    ids = {name: submit(server, tokens[name], files[name]).json["id"] for name in learners}
    first = {name: wait_graded(server, tokens[name], ids[name]) for name in learners}
    workers_then = pool_workers(server.process.pid)
    again = submit(server, tokens["ben"], files["ana"]).json["id"]
    second = wait_graded(server, tokens["ben"], again)
    workers_now = pool_workers(server.process.pid)
    yield {"first": first, "second": second, "then": workers_then, "now": workers_now}
    assert server.stop() == 0, server.output()


def score(graded: dict) -> tuple[float, float]:
    (python,) = [n for n in graded["result"]["notebooks"] if n["notebook"] == NOTEBOOK]
    return python["score"], python["max_score"]


def test_learners_submitting_at_once_get_their_own_verdicts(served):
    first = served["first"]
    assert all(graded["status"] == "graded" for graded in first.values()), first
    assert score(first["ana"]) == score(first["cy"]) == (13.0, 13.0)
    got, most = score(first["ben"])
    assert got < most
    exercises = {
        e["exercise"]: e for n in first["ben"]["result"]["notebooks"] for e in n["exercises"]
    }
    assert exercises["sample_variance"]["score"] < exercises["sample_variance"]["max_score"]


def test_the_grading_processes_outlive_each_batch(served):
    assert served["second"]["status"] == "graded"
    assert score(served["second"]) == (13.0, 13.0)
    assert len(served["then"]) == 2, served["then"]
    assert served["now"] == served["then"]
