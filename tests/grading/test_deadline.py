"""A notebook's deadline follows its model solution's measured run time, measured once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.grading.deadline import CACHE, notebook_deadline, solution_seconds

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


def test_no_source_means_no_measurement(course):
    clock = Clock()
    assert solution_seconds(course, "week01", "sql_fundamentals.ipynb", clock) is None
    assert clock.ran == []
