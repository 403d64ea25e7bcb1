"""The cluster grader's pieces that need no cluster: what travels to a worker, bad addresses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.api import cluster
from autograder.api.grade import grade
from autograder.course import Course, CourseError
from autograder.grading.intake import MAX_NOTEBOOK_BYTES, take_in

NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def course(tmp_path) -> Course:
    write(tmp_path / "nbgrader_config.py", "c = get_config()\n")
    write(tmp_path / "course.toml", "[grading]\nhidden_seeds = [1]\n")
    write(tmp_path / "source" / "w1" / "key.py")
    write(tmp_path / "source" / "w1" / "key_data.py")
    write(tmp_path / "source" / "w1" / "nb.ipynb", NOTEBOOK)  # holds the solutions
    write(tmp_path / "source" / "w1" / "__pycache__" / "key.cpython-311.pyc")
    write(tmp_path / "source" / "w2" / "key.py")
    write(tmp_path / "release" / "w1" / "nb.ipynb", NOTEBOOK)
    write(tmp_path / "release" / "w1" / "checks.json", "{}")
    write(tmp_path / "release" / "w2" / "nb.ipynb", NOTEBOOK)
    write(tmp_path / "data" / "store.db")
    write(tmp_path / ".grading" / "template.db")
    write(tmp_path / "gradebook.db")
    write(tmp_path / "submitted" / "ann" / "w1" / "nb.ipynb", NOTEBOOK)
    write(tmp_path / "autograded" / "ann" / "w1" / "nb.ipynb", NOTEBOOK)
    return Course.load(tmp_path)


def test_a_worker_gets_the_course_content_and_no_learner_data(course):
    files = cluster.course_bundle(course, ["w1"])
    assert sorted(files) == [
        ".grading/template.db",
        "course.toml",
        "data/store.db",
        "nbgrader_config.py",
        "release/w1/checks.json",
        "release/w1/nb.ipynb",
        "source/w1/key.py",
        "source/w1/key_data.py",
        "source/w2/key.py",
    ]


def test_the_bundle_name_follows_its_content(course):
    files = cluster.course_bundle(course, ["w1"])
    assert cluster.digest(files) == cluster.digest(dict(reversed(files.items())))
    changed = {**files, "source/w1/key.py": b"y"}
    assert cluster.digest(changed) != cluster.digest(files)


def test_an_oversized_notebook_is_refused_on_the_worker_as_it_is_here(course, tmp_path):
    submitted = course.root / "submitted" / "ann" / "w1"
    with (submitted / "nb.ipynb").open("wb") as huge:
        huge.truncate(MAX_NOTEBOOK_BYTES + 1)
    write(submitted / "notes.txt", "mine")
    handed = cluster.handed_in(course.root, "ann", "w1")
    assert handed.oversized == {"nb.ipynb": MAX_NOTEBOOK_BYTES + 1}
    assert handed.files == {"notes.txt": b"mine"}
    remote = tmp_path / "worker" / "submitted"
    cluster.write_handed(remote, handed)
    release = course.root / "release" / "w1"
    here = take_in(submitted, release, tmp_path / "here")
    there = take_in(remote, release, tmp_path / "there")
    assert there.problems == here.problems and "over 20 MB" in there.problems[0]
    assert (tmp_path / "there" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("address", ["127.0.0.1:8786", "local:0", "local:two"])
def test_a_bad_scheduler_address_is_explained(address):
    with pytest.raises(CourseError, match="--scheduler"), cluster.connect(address):
        pass


def test_workers_and_a_scheduler_are_not_both_taken(course):
    with pytest.raises(CourseError, match="not both"):
        grade(root=course.root, workers=2, scheduler="local:2")
