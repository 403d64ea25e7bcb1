"""A week the engine has never heard of: released, self-checked and graded with no code change.

``tests/fixtures/course99`` is a course of its own whose only week, ``week99``, lives entirely
in ``source/week99/`` (a key and a notebook). The engine finds it from the course root.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder import cohort, learner, notebooks
from autograder.api.grade import grade
from autograder.api.release import release
from autograder.course import CONFIG_FILE
from autograder.judges import CheckFailed

pytestmark = pytest.mark.pipeline

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "course99"
WEEK = "week99"


def test_the_engine_does_not_know_the_week():
    engine = ROOT / "autograder"
    assert not any(WEEK in path.read_text(encoding="utf-8") for path in engine.rglob("*.py"))


def test_the_engine_names_none_of_the_courses_weeks():
    weeks = [p.name for p in (ROOT / "source").iterdir() if (p / "key.py").is_file()]
    named = sorted(
        f"{path.relative_to(ROOT)}: {week}"
        for path in (ROOT / "autograder").rglob("*.py")
        for week in weeks
        if week in path.read_text(encoding="utf-8")
    )
    assert weeks and named == []


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course99")
    shutil.copytree(FIXTURE, course, dirs_exist_ok=True)
    shutil.copy2(ROOT / CONFIG_FILE, course / CONFIG_FILE)  # the standard nbgrader setup
    report = release(root=course)
    assert report.ok, report
    return course


def test_release_writes_the_notebook_and_its_checks_but_not_the_key(course):
    released = sorted(p.name for p in (course / "release" / WEEK).iterdir())
    assert released == ["checks.json", "doubling.ipynb"]


def test_learners_self_check_from_the_released_folder(course, capsys):
    q = learner.read(WEEK, course / "release" / WEEK)
    q.double_all.check(lambda values: [v + v for v in values])
    assert "✓ double_all" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="squared each value instead of doubling"):
        q.double_all.check(lambda values: [v * v for v in values])
    with pytest.raises(CheckFailed, match="run when your notebook is graded"):
        q.double_all.check_hidden(lambda values: [v + v for v in values])


def test_grading_uses_the_key_and_the_hidden_seed(course):
    source = course / "source" / WEEK / "doubling.ipynb"
    released = notebooks.read(course / "release" / WEEK / "doubling.ipynb")
    answers = {
        "right": "def double_all(values):\n    return [v * 2 for v in values]",
        "visible_only": "def double_all(values):\n    return [2, 4, 6]",  # hard-coded example
        "squared": "def double_all(values):\n    return [v * v for v in values]",
    }
    for learner_id, text in answers.items():
        target = course / "submitted" / learner_id / WEEK / source.name
        target.parent.mkdir(parents=True)
        notebooks.write_normalized(cohort.fill(released, {"double_all": text}), target)
    report = grade(root=course, assignments=[WEEK])
    scores = {row["student_id"]: row["score"] for row in report.rows}
    assert scores == {"right": 2.0, "visible_only": 1.0, "squared": 0.0}
