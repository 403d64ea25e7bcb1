"""The ``autograder`` command: exit codes and one-line errors for bad input."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autograder.cli.main import app
from autograder.course import copy_configuration

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def empty_course(tmp_path) -> Path:
    copy_configuration(ROOT, tmp_path)
    shutil.copytree(ROOT / "source", tmp_path / "source")
    return tmp_path


def test_release_check_passes_on_the_committed_release(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["release", "--check"])
    assert result.exit_code == 0, result.output
    assert "matches source/" in result.output


def test_unknown_assignment_is_a_one_line_error(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["release", "--check", "week99"])
    assert result.exit_code == 2
    assert "unknown assignment(s): week99" in result.output
    assert "Traceback" not in result.output


def test_a_folder_that_is_not_a_course_is_named(tmp_path):
    result = runner.invoke(app, ["grade", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "no course found" in result.output


def test_release_check_fails_when_release_is_stale(empty_course):
    result = runner.invoke(app, ["release", "--check", "--root", str(empty_course)])
    assert result.exit_code == 1
    assert "is missing" in result.output


def test_grade_with_nothing_submitted_says_so(empty_course):
    csv = empty_course / "out" / "grades.csv"
    result = runner.invoke(app, ["grade", "--root", str(empty_course), "--csv", str(csv)])
    assert result.exit_code == 0, result.output
    assert "no submissions found" in result.output
    assert csv.read_text().startswith("student_id,assignment,notebook,exercise,score")


def test_normalize_check_flags_a_notebook_with_outputs(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1", execution_count=3)])
    path = tmp_path / "dirty.ipynb"
    nbformat.write(nb, str(path))
    assert runner.invoke(app, ["normalize", "--check", str(path)]).exit_code == 1
    assert runner.invoke(app, ["normalize", str(path)]).exit_code == 0
    assert runner.invoke(app, ["normalize", "--check", str(path)]).exit_code == 0


def test_check_exits_nonzero_when_an_exercise_is_not_passing(tmp_path):
    target = tmp_path / "python_fundamentals.ipynb"  # the released folder, as fetched
    shutil.copy2(ROOT / "release" / "week01" / "python_fundamentals.ipynb", target)
    shutil.copy2(ROOT / "release" / "week01" / "checks.json", tmp_path / "checks.json")
    result = runner.invoke(app, ["check", str(target)])
    assert result.exit_code == 1, result.output
    assert "not attempted" in result.output and "0/4 auto-graded exercises pass" in result.output


def test_check_exits_zero_when_every_visible_check_passes():
    result = runner.invoke(
        app, ["check", str(ROOT / "source" / "week01" / "python_fundamentals.ipynb")]
    )
    assert result.exit_code == 0, result.output
    assert "4/4 auto-graded exercises pass" in result.output


def test_feedback_with_nothing_graded_says_so(empty_course):
    result = runner.invoke(app, ["feedback", "--root", str(empty_course)])
    assert result.exit_code == 0, result.output
    assert "no autograded submissions" in result.output


def test_grade_refuses_zero_workers(empty_course):
    result = runner.invoke(app, ["grade", "--root", str(empty_course), "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output


def test_grade_refuses_a_course_without_its_hidden_seeds(empty_course):
    (empty_course / "course.toml").unlink()
    result = runner.invoke(app, ["grade", "--root", str(empty_course)])
    assert result.exit_code == 2
    assert "no course.toml" in result.output and "hidden_seeds" in result.output
