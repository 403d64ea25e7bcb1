"""A copy of the course (demo, benchmarks, test courses) takes its databases along."""

import shutil
from pathlib import Path

from autograder.course import copy_configuration, copy_course_data


def test_a_copy_gets_the_course_databases_byte_for_byte(course_root: Path, tmp_path: Path):
    copy_configuration(course_root, tmp_path)
    copy_course_data(course_root, tmp_path)
    databases = sorted(p.name for p in (course_root / "data").glob("*.db"))
    assert databases, "the course ships its databases in data/"
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == databases
    for name in databases:
        copied = (tmp_path / "data" / name).read_bytes()
        assert copied == (course_root / "data" / name).read_bytes()


def test_a_copy_that_already_has_its_data_keeps_it(course_root: Path, tmp_path: Path):
    shutil.copytree(course_root / "data", tmp_path / "data")
    (tmp_path / "data" / "store.db").write_bytes(b"the copy's own")
    copy_course_data(course_root, tmp_path)
    copy_course_data(course_root, tmp_path)  # twice is harmless
    assert (tmp_path / "data" / "store.db").read_bytes() == b"the copy's own"
    assert (tmp_path / "data" / "churn.db").read_bytes() == (
        course_root / "data" / "churn.db"
    ).read_bytes()
