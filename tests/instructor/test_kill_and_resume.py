"""Killing ``autograder grade --workers 2`` with SIGKILL mid-batch loses nothing.

A real run is killed as soon as it has committed its first learner. The gradebook must be
intact, hold every committed grade and the manual grade an instructor gave beforehand, and
no grading process may outlive the kill. Running again finishes the rest without grading
again what was committed.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from instructor_course import (
    WEEK,
    gradebook_cells,
    integrity,
    mixed_cohort,
    new_course,
    solution_scores,
)
from nbgrader.api import Gradebook

from autograder.api.grade import grade

pytestmark = pytest.mark.pipeline

LEARNERS = ("ada_full", "ben_partial", "cy_blank", "dee_wrong")
LEARNERS += ("eve_full", "fay_blank", "gil_half", "zed_broken")
MANUAL_CELL = ("ada_full", WEEK, "python_fundamentals", "merge_sorted_complexity")


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def journal_lines(course: Path) -> list[str]:
    path = course / ".grading" / "journal.jsonl"
    if not path.exists():
        return []
    return [line for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    course = new_course(tmp_path_factory.mktemp("resume") / "course")
    mixed_cohort(course)
    # an instructor already graded ada's written answer by hand
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        gradebook.add_student("ada_full")
        gradebook.add_submission(WEEK, "ada_full")
        cell = gradebook.find_grade(MANUAL_CELL[3], MANUAL_CELL[2], WEEK, "ada_full")
        cell.manual_score = 1.5
        gradebook.db.commit()
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder.cli.main", "grade", "--workers", "2", WEEK],
        cwd=course,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    family: set[int] = set()
    while not journal_lines(course):
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "no learner was committed in time"
        family |= descendants(process.pid)
        time.sleep(0.05)
    family |= descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    after_kill = {
        "cells": gradebook_cells(course),
        "integrity": integrity(course),
        "journal": journal_lines(course),
        "mtimes": {
            path: path.stat().st_mtime_ns for path in (course / "autograded").rglob("*.ipynb")
        },
    }
    # nothing the grader started may outlive it (it would keep writing learners' folders)
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(0.2)
    survivors = [pid for pid in family if alive(pid)]
    started = []
    report = grade(
        root=course,
        assignments=[WEEK],
        workers=2,
        on_progress=lambda student, week: started.append(student),
    )
    return {
        "course": course,
        "after_kill": after_kill,
        "survivors": survivors,
        "family": family,
        "started": started,
        "report": report,
    }


def committed_learners(killed) -> set[str]:
    import json

    return {json.loads(line)["student"] for line in killed["after_kill"]["journal"]}


def test_the_kill_came_mid_batch(killed):
    done = committed_learners(killed)
    assert 1 <= len(done) < len(LEARNERS), done
    assert len(killed["family"]) >= 2, "the workers should have been running"


def test_gradebook_survives_the_kill_with_committed_and_manual_grades(killed):
    after = killed["after_kill"]
    assert after["integrity"] == "ok"
    for learner in committed_learners(killed) - {"zed_broken"}:
        cells = {k: v for k, v in after["cells"].items() if k[0] == learner}
        assert cells and all(
            auto is not None
            for (_, _, _, name), (auto, _, _) in cells.items()
            if name.endswith(("_visible", "_hidden"))
        )
    assert after["cells"][MANUAL_CELL][1] == 1.5


def test_no_grading_process_outlives_the_kill(killed):
    assert killed["survivors"] == []


def test_resume_grades_only_what_was_not_committed(killed):
    done = committed_learners(killed)
    everyone = set(LEARNERS)
    report = killed["report"]
    assert sorted(killed["started"]) == sorted(everyone - done)
    assert {student for student, _ in report.resumed} == done
    # what was committed before the kill was not graded again
    for path, mtime in killed["after_kill"]["mtimes"].items():
        if path.relative_to(killed["course"] / "autograded").parts[0] in done:
            assert path.stat().st_mtime_ns == mtime, path
    assert not (killed["course"] / ".grading" / "journal.jsonl").exists()


def test_after_resuming_every_learner_has_the_right_grades(killed):
    cells = gradebook_cells(killed["course"])
    points = solution_scores()
    for learner in ("ada_full", "eve_full"):
        auto = {k[3]: v[0] for k, v in cells.items() if k[0] == learner and k[3] in points}
        assert auto == points, learner
    for learner in ("cy_blank", "fay_blank"):
        assert all(v[0] in (0, None) for k, v in cells.items() if k[0] == learner)
    auto, manual, needs_review = cells[MANUAL_CELL]
    assert manual == 1.5 and needs_review  # kept, and flagged for review as nbgrader does
    assert [(s, w) for s, w, _ in killed["report"].failures] == [("zed_broken", WEEK)]
    assert integrity(killed["course"]) == "ok"
