"""A notebook's deadline follows its model solution's measured run time, measured once."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder.grading.confine import Limits
from autograder.grading.deadline import (
    CACHE,
    assignment_seconds,
    notebook_deadline,
    solution_seconds,
)
from autograder.grading.kernel import OVERDUE, ConfinedExecute
from autograder.grading.remote import Worker, WorkerGone

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "python_fundamentals.ipynb"


@pytest.fixture
def course(tmp_path) -> Path:
    for folder in ("source", "release"):
        (tmp_path / folder / "week01").mkdir(parents=True)
        shutil.copy2(ROOT / folder / "week01" / NOTEBOOK, tmp_path / folder / "week01" / NOTEBOOK)
    return tmp_path


class Clock:
    """A stand-in for running a notebook: records what it ran, takes no time."""

    def __init__(self):
        self.ran: list[Path] = []
        self.sources: list[str] = []

    def __call__(self, path: Path) -> None:
        self.ran.append(path)
        self.sources.append(path.read_text(encoding="utf-8"))


def test_the_deadline_is_a_multiple_of_the_solution_between_floor_and_ceiling():
    limits = {"floor": 30, "multiplier": 10, "ceiling": 600}
    assert notebook_deadline(2.5, **limits) == 30
    assert notebook_deadline(7.0, **limits) == 70
    assert notebook_deadline(100.0, **limits) == 600
    assert notebook_deadline(None, **limits) == 600


def test_the_solution_is_run_as_a_submission_once_per_version(course):
    clock = Clock()
    first = solution_seconds(course, "week01", NOTEBOOK, clock)
    assert first is not None and first >= 0
    assert len(clock.ran) == 1
    # it ran the learner's view of the notebook (answers from source/, the rest released),
    # in a folder of the grader's own state, which is gone afterwards
    assert "### BEGIN SOLUTION" in clock.sources[0]
    assert clock.ran[0].is_relative_to(course / ".grading")
    assert not clock.ran[0].exists()
    assert (course / ".grading" / CACHE).is_file()

    assert solution_seconds(course, "week01", NOTEBOOK, clock) == pytest.approx(first, abs=1e-3)
    assert len(clock.ran) == 1, "an unchanged solution is not measured again"

    source = course / "source" / "week01" / NOTEBOOK
    source.write_text(source.read_text(encoding="utf-8").replace("Sample variance", "Variance"))
    solution_seconds(course, "week01", NOTEBOOK, clock)
    assert len(clock.ran) == 2, "a changed solution is measured again"


def test_two_notebooks_are_measured_at_once_and_both_cached(course):
    """One notebook's measurement does not hold up another's (workers measure in parallel)."""
    other = "sql_fundamentals.ipynb"
    for folder in ("source", "release"):
        shutil.copy2(ROOT / folder / "week01" / other, course / folder / "week01" / other)
    started = threading.Event()
    overlapped = []

    def slow(path: Path) -> None:  # waits, inside its measurement, for the other to start
        started.set()
        overlapped.append(second_started.wait(timeout=20))

    second_started = threading.Event()

    def quick(path: Path) -> None:
        second_started.set()

    first = threading.Thread(target=solution_seconds, args=(course, "week01", NOTEBOOK, slow))
    first.start()
    assert started.wait(timeout=20)
    solution_seconds(course, "week01", other, quick)
    first.join()
    assert overlapped == [True]
    cached = json.loads((course / ".grading" / CACHE).read_text(encoding="utf-8"))
    assert set(cached) == {f"week01/{NOTEBOOK}", f"week01/{other}"}


def test_an_assignment_costs_the_sum_of_its_notebooks_solution_times(course):
    assert assignment_seconds(course) == {}

    def sleepy(path: Path) -> None:
        time.sleep(0.05)

    first = solution_seconds(course, "week01", NOTEBOOK, sleepy)
    cache = course / ".grading" / CACHE
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["week01/other.ipynb"] = {"digest": "old version", "seconds": 1.5}
    data["week02/a.ipynb"] = {"digest": "x", "seconds": 0.25}
    data["broken/entry.ipynb"] = "not a time"
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert assignment_seconds(course) == pytest.approx({"week01": first + 1.5, "week02": 0.25})
    assert first >= 0.05


def test_no_source_means_no_measurement(course):
    clock = Clock()
    assert solution_seconds(course, "week01", "sql_fundamentals.ipynb", clock) is None
    assert clock.ran == []


# ------------------------------------------------------- the deadline, as the grader applies it

# Each cell stays under its own limit of 60 s; the third would take the notebook far past its
# 12 s. (Start-up counts against the notebook, so the short cells leave room for a slow one.)
CELLS = ["import time", "time.sleep(1)", "time.sleep(40)", "print('never')"]


@pytest.mark.pipeline
def test_cells_each_in_time_but_together_over_the_deadline_stop_the_kernel(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    ConfinedExecute(timeout=60, notebook_timeout=12).preprocess(
        nb, {"metadata": {"path": str(tmp_path)}}
    )
    errors = [[o for o in c.outputs if o.output_type == "error"] for c in nb.cells]
    assert errors[0] == [] and errors[1] == [], errors
    interrupted, skipped = errors[2], errors[3]
    assert [e.ename for e in interrupted] == ["KeyboardInterrupt", OVERDUE], errors
    assert "used up its 12 s for all its cells while this cell ran" in interrupted[-1].evalue
    assert [e.ename for e in skipped] == [OVERDUE] and "did not run" in skipped[0].evalue
    assert not nb.cells[3].outputs[:-1], "the last cell must not have run"


@pytest.mark.pipeline
@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_cells_each_in_time_but_together_over_the_deadline_stop_the_worker(tmp_path, warm):
    with Worker(
        cwd=tmp_path, roots=[tmp_path], limits=Limits(), timeout=12, step_timeout=60, warm=warm
    ) as worker:
        for source in CELLS[:2]:
            assert worker.request("run", cells=[source]) == {"errors": []}
        with pytest.raises(WorkerGone, match=r"ran out of time \(12 s for all its checks\)"):
            worker.request("run", cells=[CELLS[2]])
        with pytest.raises(WorkerGone, match="12 s for all its checks"):
            worker.request("describe", name="time")  # and every later request fails
