"""The learner's client of the course server: where the server is, ``autograder submit``, ``q.submit()``.

The server is real (``tests/server/serving.py``: ``autograder serve`` as a subprocess on a
free loopback port); the command runs as a learner runs it, in its own process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.utils.importstring import import_item
from typer.testing import CliRunner

from autograder import client, cohort, learner, notebooks
from autograder.cli.main import app
from autograder.learner_server import HTTP_EXCHANGE
from tests.keys import COURSE
from tests.server.serving import add_token, free_port, make_course, start_server

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "python_fundamentals.ipynb"


@pytest.fixture
def no_server_settings(tmp_path, monkeypatch):
    """No server in the environment; the config file in a fresh XDG_CONFIG_HOME."""
    monkeypatch.delenv(client.ENV_SERVER, raising=False)
    monkeypatch.delenv(client.ENV_TOKEN, raising=False)
    monkeypatch.delenv(client.ENV_HUB_TOKEN, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "ds-interview-loop" / "server.json"


# ---- where the server is -------------------------------------------------------------------


def test_the_config_file_lives_under_xdg_config_home_and_only_its_owner_reads_it(
    no_server_settings,
):
    path = client.write_config(server="127.0.0.1:8744/", token=" abc ")
    assert path == no_server_settings
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"server": "http://127.0.0.1:8744", "token": "abc"}
    path.chmod(0o644)  # a file left readable by others is closed again when rewritten
    client.write_config(server="http://h:1", token="t")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_xdg_config_home_it_is_under_home(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert client.config_path() == tmp_path / ".config" / "ds-interview-loop" / "server.json"


def test_arguments_beat_the_environment_which_beats_the_file(no_server_settings, monkeypatch):
    client.write_config(server="http://file:1", token="file-token")
    resolved = client.ServerConfig.resolve()
    assert (resolved.url, resolved.token) == ("http://file:1", "file-token")
    assert resolved.source == str(no_server_settings)

    monkeypatch.setenv(client.ENV_SERVER, "http://env:2")
    resolved = client.ServerConfig.resolve()
    assert (resolved.url, resolved.token) == ("http://env:2", "file-token")  # each on its own
    monkeypatch.setenv(client.ENV_TOKEN, "env-token")
    resolved = client.ServerConfig.resolve()
    assert (resolved.url, resolved.token, resolved.source) == (
        "http://env:2",
        "env-token",
        client.ENV_SERVER,
    )

    resolved = client.ServerConfig.resolve(server="http://arg:3", token="arg-token")
    assert (resolved.url, resolved.token) == ("http://arg:3", "arg-token")


def test_no_server_anywhere_is_one_sentence_saying_how_to_set_one(no_server_settings):
    with pytest.raises(client.ClientError, match="no course server is set: run `autograder"):
        client.ServerConfig.resolve()
    with pytest.raises(client.ClientError, match="no token for http://h:1"):
        client.ServerConfig.resolve(server="h:1")


def test_learner_setup_saves_the_server_and_points_nbgrader_at_it(no_server_settings, tmp_path):
    jupyter = tmp_path / "jupyter"
    result = CliRunner().invoke(
        app,
        ["learner-setup", "--config-dir", str(jupyter), "--server", "http://s:9", "--token", "t"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(no_server_settings.read_text()) == {"server": "http://s:9", "token": "t"}
    assert stat.S_IMODE(no_server_settings.stat().st_mode) == 0o600
    nbgrader = json.loads((jupyter / "nbgrader_config.json").read_text())
    assert nbgrader["ExchangeFactory"] == HTTP_EXCHANGE
    assert set(HTTP_EXCHANGE) == {
        "release_assignment",
        "fetch_assignment",
        "submit",
        "list",
        "collect",
        "release_feedback",
        "fetch_feedback",
    }
    for dotted in HTTP_EXCHANGE.values():  # each names a class nbgrader can load
        assert import_item(dotted).__name__ == dotted.rsplit(".", 1)[1]
    # what it did before is still done: the instructor's extensions are off
    page = json.loads((jupyter / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True


def test_learner_setup_wants_server_and_token_together(no_server_settings, tmp_path):
    result = CliRunner().invoke(
        app, ["learner-setup", "--config-dir", str(tmp_path), "--server", "http://s:9"]
    )
    assert result.exit_code == 2 and "together" in result.output
    assert not no_server_settings.exists()


def test_on_a_hub_the_single_user_servers_token_is_used_last(no_server_settings, monkeypatch):
    jupyter = no_server_settings.parent.parent / "jupyter"
    args = ["learner-setup", "--hub", "--config-dir", str(jupyter), "--server", "http://hub/s/c"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(no_server_settings.read_text()) == {"server": "http://hub/s/c"}
    assert json.loads((jupyter / "nbgrader_config.json").read_text())["ExchangeFactory"]
    with pytest.raises(client.ClientError, match="no token for http://hub/s/c"):
        client.ServerConfig.resolve()
    monkeypatch.setenv(client.ENV_HUB_TOKEN, "hub-token")
    assert client.ServerConfig.resolve().token == "hub-token"
    monkeypatch.setenv(client.ENV_TOKEN, "own-token")  # a token of one's own still wins
    assert client.ServerConfig.resolve().token == "own-token"


def test_learner_setup_hub_takes_a_server_and_no_token(no_server_settings, tmp_path):
    for extra in ([], ["--server", "http://s:9", "--token", "t"]):
        result = CliRunner().invoke(
            app, ["learner-setup", "--hub", "--config-dir", str(tmp_path), *extra]
        )
        assert result.exit_code == 2 and "--hub takes --server" in result.output
    assert not no_server_settings.exists()


# ---- which notebook, which assignment --------------------------------------------------------


def test_the_assignment_comes_from_the_notebooks_load_call_else_its_folder(tmp_path):
    released = notebooks.read(ROOT / "release" / "week01" / NOTEBOOK)
    assert client.assignment_of(tmp_path / "renamed" / NOTEBOOK, released) == "week01"
    assert client.assignment_of(tmp_path / "week05" / "x.ipynb", {"cells": []}) == "week05"


def test_the_kernel_finds_its_notebook_from_what_jupyterlab_gives_it(tmp_path):
    notebook = tmp_path / "week01" / NOTEBOOK
    notebook.parent.mkdir()
    notebook.write_text("{}")
    assert client.notebook_in_kernel({"__session__": str(notebook)}, {}) == notebook
    # a path relative to the server's root: the kernel runs in the notebook's folder
    found = client.notebook_in_kernel(
        {}, {"JPY_SESSION_NAME": f"week01/{NOTEBOOK}"}, notebook.parent
    )
    assert found == notebook
    with pytest.raises(client.ClientError, match=r'q.submit\("python_fundamentals.ipynb"\)'):
        client.notebook_in_kernel({}, {}, tmp_path)
    with pytest.raises(client.ClientError, match="cannot tell which notebook"):
        client.notebook_in_kernel({"__session__": str(tmp_path / "gone.ipynb")}, {}, tmp_path)


def test_a_notebook_older_than_its_last_run_is_unsaved(tmp_path):
    notebook = tmp_path / "n.ipynb"
    notebook.write_text("{}")
    saved = notebook.stat().st_mtime
    assert client.unsaved_since(notebook, saved + 5)
    assert not client.unsaved_since(notebook, saved - 5)
    assert not client.unsaved_since(notebook, None)  # no cell run since the checks loaded


def test_q_submit_asks_to_save_first_and_submits_nothing(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "week01"
    shutil.copytree(ROOT / "release" / "week01", folder)
    q = learner.read("week01", folder)
    notebook = folder / NOTEBOOK
    # the last cell started after the file was saved; the server is never asked (none is set)
    monkeypatch.setitem(learner._runs, "last", notebook.stat().st_mtime + 10)
    assert q.submit(notebook) is None
    out = " ".join(capsys.readouterr().out.split())
    assert "save the notebook first" in out and "no course server" not in out


def test_q_submit_without_a_notebook_outside_jupyterlab_says_how_to_name_it(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    folder = tmp_path / "week01"
    shutil.copytree(ROOT / "release" / "week01", folder)
    assert learner.read("week01", folder).submit() is None
    out = " ".join(capsys.readouterr().out.split())
    assert 'q.submit("python_fundamentals.ipynb")' in out


# ---- against a real server ------------------------------------------------------------------


def submit_command(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``autograder submit ARGS`` in its own process, as a learner runs it (wide: no folding)."""
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli.main", "submit", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "400", **(env or {})},
        timeout=600,
    )


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A served course with learner ana, and her right and wrong week-1 notebooks."""
    base = tmp_path_factory.mktemp("served")
    course = make_course(base)
    token = add_token(course, "ana")
    released = notebooks.read(ROOT / "release" / "week01" / NOTEBOOK)
    answers = cohort.solutions(notebooks.read(ROOT / "source" / "week01" / NOTEBOOK))
    bank = cohort.answer_bank(COURSE, "week01")
    wrong = {**answers, "sample_variance": bank["sample_variance"]["fail_population_variance"]}
    paths = {}
    for name, filled in (("right", answers), ("wrong", wrong)):
        path = base / name / "week01" / NOTEBOOK  # as nbgrader's fetch lays it out
        path.parent.mkdir(parents=True)
        shutil.copy2(ROOT / "release" / "week01" / "checks.json", path.parent)
        notebooks.write_normalized(cohort.fill(released, filled), path)
        paths[name] = path
    server = start_server(course)
    try:
        yield {"url": server.url, "token": token, **paths, "server": server}
    finally:
        server.stop()


def test_a_right_notebook_passes_every_check_hidden_ones_included(served):
    done = submit_command(
        str(served["right"]), "--server", served["url"], "--token", served["token"]
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "✓ hidden:" in out and "✗" not in out
    assert "sample_variance" in out and "merge_sorted" in out
    assert "4/4 auto-graded exercises have full marks" in one_line(out)


def test_a_wrong_answer_exits_1_with_its_hidden_failure_line(served):
    env = {client.ENV_SERVER: served["url"], client.ENV_TOKEN: served["token"]}
    done = submit_command(str(served["wrong"]), "--json", env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "graded"
    result = client.SubmissionResult.from_json(data)
    by = {e.exercise: e for e in result.exercises}
    assert not by["sample_variance"].full_marks and by["merge_sorted"].full_marks
    hidden = [c for c in by["sample_variance"].checks if c.kind == "hidden" and not c.passed]
    assert hidden, by["sample_variance"]
    # the table shows that line, as the grader wrote it
    done = submit_command(str(served["wrong"]), env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert one_line(f"✗ hidden: {hidden[0].message.lstrip('✗').strip()}") in one_line(done.stdout)


def test_a_token_the_server_does_not_know_exits_2_with_its_sentence(served):
    done = submit_command(str(served["right"]), "--server", served["url"], "--token", "nope")
    assert done.returncode == 2
    err = one_line(done.stderr)
    assert err.startswith("error: the server did not accept your token:"), err
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_over_the_hourly_limit_it_says_when_to_try_again(tmp_path):
    course = make_course(tmp_path)
    token = add_token(course, "bo")
    notebook = tmp_path / "week01" / NOTEBOOK
    shutil.copytree(ROOT / "release" / "week01", notebook.parent)
    with start_server(course, "--max-per-hour", "1") as server:
        args = (str(notebook), "--server", server.url, "--token", token)
        first = submit_command(*args)
        assert first.returncode == 1, first.stdout + first.stderr  # graded: nothing answered
        again = submit_command(*args)
    assert again.returncode == 2 and again.stdout == ""
    err = one_line(again.stderr)
    assert re.search(
        r"error: at most 1 submissions of week01 an hour: try again in \d+ s "
        r"\(at \d\d:\d\d UTC\)$",
        err,
    ), err


def test_an_unreachable_server_is_named_in_one_sentence(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    done = submit_command(
        str(ROOT / "release" / "week01" / NOTEBOOK), "--server", url, "--token", "t"
    )
    assert done.returncode == 2
    err = one_line(done.stderr)
    assert f"the course server at {url} is unreachable (connection refused)" in err
    assert "Traceback" not in done.stderr


def test_q_submit_shows_the_table_and_returns_the_result(served, capsys, monkeypatch):
    monkeypatch.setitem(learner._runs, "last", None)
    q = learner.read("week01", served["right"].parent)
    result = q.submit(served["right"], server=served["url"], token=served["token"])
    assert result is not None and result.ok
    out = one_line(capsys.readouterr().out)
    assert "✓ hidden:" in out and "have full marks" in out
