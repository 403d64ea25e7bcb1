"""nbgrader's gradebooks in a grading process: one engine per database, files read afresh."""

from __future__ import annotations

import shutil

import nbgrader.api
from nbgrader.api import Gradebook

from autograder.api.gradebook import share_engines


def test_gradebooks_of_one_database_share_an_engine_and_see_a_replaced_file(tmp_path, monkeypatch):
    monkeypatch.setattr(nbgrader.api, "create_engine", nbgrader.api.create_engine)  # restored
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    for path, learner in ((first, "ada"), (second, "grace")):
        with Gradebook(f"sqlite:///{path}", "course") as gradebook:
            gradebook.add_student(learner)
    share_engines()
    share_engines()  # a second call changes nothing
    url = f"sqlite:///{first}"
    with Gradebook(url, "course") as one:
        engine = one.engine
        assert [s.id for s in one.students] == ["ada"]
    with Gradebook(url, "course") as two:
        assert two.engine is engine  # its statements compiled once
    with Gradebook(f"sqlite:///{second}", "course") as other:
        assert other.engine is not engine
    # a worker's private gradebook is copied over between gradings: the next one sees the copy
    shutil.copyfile(second, first)
    with Gradebook(url, "course") as three:
        assert three.engine is engine
        assert [s.id for s in three.students] == ["grace"]
