"""The learner-server configuration: instructor extensions off, the rest of the config kept."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from autograder.cli.main import app
from autograder.learner_server import write_learner_config


def test_instructor_extensions_are_disabled_and_other_settings_kept(tmp_path):
    page = tmp_path / "labconfig" / "page_config.json"
    page.parent.mkdir(parents=True)
    page.write_text(json.dumps({"disabledExtensions": {"some:other": True}, "theme": "dark"}))
    write_learner_config(tmp_path)
    data = json.loads(page.read_text())
    assert data["theme"] == "dark" and data["disabledExtensions"]["some:other"] is True
    assert data["disabledExtensions"]["@jupyter/nbgrader:create-assignment"] is True
    assert data["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    assert "@jupyter/nbgrader:validate-assignment" not in data["disabledExtensions"]
    server = json.loads((tmp_path / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False
    }


def test_the_command_writes_where_asked(tmp_path):
    result = CliRunner().invoke(app, ["learner-setup", "--config-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "labconfig" / "page_config.json").is_file()
