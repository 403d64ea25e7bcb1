"""Release: with ``time_solutions`` each model solution is timed once, and grading reuses it."""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.api.release import release
from autograder.course import copy_configuration
from autograder.grading.deadline import solution_seconds

ROOT = Path(__file__).resolve().parents[2]
WEEK = "week01"


def not_run(path: Path) -> None:
    raise AssertionError(f"grading ran the model solution {path.name} again")


def test_release_times_each_solution_as_grading_would_and_grading_does_not_run_it(tmp_path):
    copy_configuration(ROOT, tmp_path)
    shutil.copytree(ROOT / "source" / WEEK, tmp_path / "source" / WEEK)
    report = release(root=tmp_path, assignments=[WEEK], time_solutions=True)
    names = sorted(p.name for p in (tmp_path / "source" / WEEK).glob("*.ipynb"))
    assert sorted(report.timed) == [f"{WEEK}/{name}" for name in names]
    for name in names:
        seconds = report.timed[f"{WEEK}/{name}"]
        assert seconds is not None and 0 < seconds < 60, (name, seconds)
        # what a grading worker's deadline asks for: the cached time, nothing run
        assert solution_seconds(tmp_path, WEEK, name, not_run) == seconds


def test_release_check_and_plain_release_time_nothing(tmp_path):
    copy_configuration(ROOT, tmp_path)
    shutil.copytree(ROOT / "source" / WEEK, tmp_path / "source" / WEEK)
    assert release(root=tmp_path, assignments=[WEEK]).timed == {}
    assert release(root=tmp_path, assignments=[WEEK], check=True, time_solutions=True).timed == {}
    assert not (tmp_path / ".grading" / "solution-times.json").exists()
