"""The pooled grader's bookkeeping, without running notebooks: retries, templates, commits."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.api import gradebook as gradebook_db
from autograder.api import pool
from autograder.api.gradebook import writer_url

WEEK = "w1"


class FakeApi:
    """Answers ``autograde`` from a script, writing the graded notebook when told to."""

    def __init__(self, course: Path, script: list[tuple[bool, str, bool]]):
        self.course, self.script, self.calls = course, list(script), 0

    def autograde(self, assignment, student, force=True, create=True):
        self.calls += 1
        success, log, writes = self.script.pop(0)
        if writes:
            target = self.course / "autograded" / student / assignment / "nb.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("{}")
        return {"success": success, "log": log}


def test_a_kernel_that_lost_its_port_is_started_again(tmp_path):
    api = FakeApi(
        tmp_path,
        [
            (False, "zmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:5')", False),
            (True, "", True),
        ],
    )
    assert pool.run_autograde(api, tmp_path, "ann", WEEK, ["nb.ipynb"]) == (True, None, False)
    assert api.calls == 2


def test_a_success_that_wrote_nothing_is_not_taken_for_a_grade(tmp_path):
    stale = tmp_path / "autograded" / "ann" / WEEK / "nb.ipynb"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    import os

    os.utime(stale, (1, 1))  # graded long ago
    api = FakeApi(tmp_path, [(True, "", False)] * pool.ATTEMPTS)
    ok, reason, transient = pool.run_autograde(api, tmp_path, "ann", WEEK, ["nb.ipynb"])
    assert not ok and transient and "did not write the graded notebook" in reason
    assert api.calls == pool.ATTEMPTS


def test_a_learner_error_is_not_retried(tmp_path):
    log = "[INFO] Converting notebook x/nb.ipynb\nnbformat.reader.NotJSONError: Notebook does not appear to be JSON"
    api = FakeApi(tmp_path, [(False, log, False)])
    ok, reason, transient = pool.run_autograde(api, tmp_path, "ann", WEEK, ["nb.ipynb"])
    assert (ok, transient, api.calls) == (False, False, 1)
    assert reason.startswith("nb.ipynb: NotJSONError")


@pytest.fixture
def gradebook_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url, "course") as gradebook:
        gradebook.add_assignment(WEEK)
        gradebook.update_or_create_notebook("nb", WEEK)
        gradebook.update_or_create_grade_cell("auto", "nb", WEEK, max_score=2, cell_type="code")
        gradebook.update_or_create_grade_cell(
            "essay", "nb", WEEK, max_score=3, cell_type="markdown"
        )
        gradebook.update_or_create_solution_cell("essay", "nb", WEEK)
        gradebook.add_student("ann")
    return url


def scores(auto, essay=(None, True)) -> pool.Outcome:
    return pool.Outcome(
        "ann",
        WEEK,
        taken=["nb.ipynb"],
        scores={
            "timestamp": None,
            "notebooks": {
                "nb": {
                    "late_penalty": None,
                    "grades": {"auto": (auto, False), "essay": essay},
                    "comments": {"essay": None},
                }
            },
        },
    )


def test_template_holds_the_course_structure_and_no_learner(gradebook_url, tmp_path):
    template = tmp_path / "template.db"
    gradebook_db.build_template(gradebook_url, "course", template)
    with Gradebook(f"sqlite:///{template}", "course") as gradebook:
        notebook = gradebook.find_notebook("nb", WEEK)
        assert sorted(c.name for c in notebook.grade_cells) == ["auto", "essay"]
        assert gradebook.students == []


def test_the_template_takes_its_schema_version_from_the_course_gradebook(
    gradebook_url, tmp_path, monkeypatch
):
    """nbgrader stamps a new gradebook by running `alembic heads` in a subprocess (~3 s of
    CPU, once per pooled batch); the template copies the course gradebook's version instead."""
    import nbgrader.api
    from sqlalchemy import create_engine, text

    def no_alembic():
        raise AssertionError("the template ran alembic")

    monkeypatch.setattr(nbgrader.api, "get_alembic_version", no_alembic)
    template = tmp_path / "template.db"
    gradebook_db.build_template(gradebook_url, "course", template)
    versions = []
    for url in (gradebook_url, f"sqlite:///{template}"):
        engine = create_engine(url)
        with engine.connect() as read:
            versions.append(read.execute(text("SELECT version_num FROM alembic_version")).all())
        engine.dispose()
    assert versions[0] == versions[1] and len(versions[0]) == 1


def test_commit_writes_auto_scores_and_keeps_manual_ones(gradebook_url):
    with Gradebook(writer_url(gradebook_url), "course") as gradebook:
        gradebook_db.commit(gradebook, scores(2.0))
        essay = gradebook.find_grade("essay", "nb", WEEK, "ann")
        essay.manual_score = 2.5
        gradebook.db.commit()
        gradebook_db.commit(gradebook, scores(1.0))  # graded again after the manual grade
    with Gradebook(gradebook_url, "course") as gradebook:
        auto = gradebook.find_grade("auto", "nb", WEEK, "ann")
        essay = gradebook.find_grade("essay", "nb", WEEK, "ann")
        assert (auto.auto_score, auto.needs_manual_grade) == (1.0, False)
        assert (essay.manual_score, essay.needs_manual_grade) == (2.5, True)


def test_an_auto_grade_with_a_manual_override_is_flagged_for_review(gradebook_url):
    with Gradebook(gradebook_url, "course") as gradebook:
        gradebook_db.commit(gradebook, scores(2.0))
        gradebook.find_grade("auto", "nb", WEEK, "ann").manual_score = 1.0
        gradebook.db.commit()
        gradebook_db.commit(gradebook, scores(0.0))
        auto = gradebook.find_grade("auto", "nb", WEEK, "ann")
        assert (auto.auto_score, auto.manual_score, auto.needs_manual_grade) == (0.0, 1.0, True)


def test_sqlite_writer_waits_for_locks():
    assert writer_url("sqlite:////c/gradebook.db") == "sqlite:////c/gradebook.db?timeout=60"
    assert writer_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_a_first_submission_is_not_committed_before_its_scores(gradebook_url, tmp_path):
    import sqlite3

    with Gradebook(gradebook_url, "course") as gradebook:
        submission = gradebook_db._submission(gradebook, "bob", WEEK)
        assert [g.name for g in submission.notebooks[0].grades] == ["auto", "essay"]
        with sqlite3.connect(tmp_path / "gradebook.db") as other:
            assert other.execute("SELECT id FROM student WHERE id = 'bob'").fetchall() == []
        gradebook.db.rollback()


def test_only_the_private_gradebook_skips_fsync(tmp_path):
    from sqlalchemy import create_engine, text

    private, course = tmp_path / "worker-1.db", tmp_path / "gradebook.db"
    pool._unsynced(private)
    found = {}
    for path in (private, course):
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as connection:
            found[path.name] = connection.execute(text("PRAGMA synchronous")).scalar()
        engine.dispose()
    assert found == {"worker-1.db": 0, "gradebook.db": 2}  # OFF; the course's stays FULL
