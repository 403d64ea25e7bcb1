"""A learner's Jupyter server: nbgrader's learner tools on, the instructor's off.

nbgrader installs every extension everywhere: a learner would see the Create Assignment
sidebar and the Formgrader, which only confuse (and, without a course, fail). nbgrader's
documented remedy for student servers is to disable those extensions; this writes that
configuration into a Jupyter config folder (``jupyter --config-dir``, or a JupyterHub
image's), leaving Validate and the Assignments list.
"""

from __future__ import annotations

import json
from pathlib import Path

# lab extensions and server extensions an instructor uses and a learner does not
INSTRUCTOR_LAB_EXTENSIONS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment")
INSTRUCTOR_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",)


def _merge(path: Path, update: dict) -> None:
    """Add ``update`` to a JSON config file, keeping what else it holds."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for section, values in update.items():
        target = data.setdefault(section, {})
        for key, value in values.items():
            target[key] = {**target.get(key, {}), **value} if isinstance(value, dict) else value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_learner_config(config_dir: str | Path) -> list[Path]:
    """Disable the instructor's nbgrader extensions for servers using ``config_dir``."""
    folder = Path(config_dir)
    page = folder / "labconfig" / "page_config.json"
    server = folder / "jupyter_server_config.json"
    _merge(page, {"disabledExtensions": {name: True for name in INSTRUCTOR_LAB_EXTENSIONS}})
    _merge(
        server,
        {"ServerApp": {"jpserver_extensions": {n: False for n in INSTRUCTOR_SERVER_EXTENSIONS}}},
    )
    return [page, server]


# nbgrader's exchange over HTTP (autograder.exchange): the Assignments tab and the nbgrader
# commands reach the course server instead of a shared directory
HTTP_EXCHANGE = {
    "release_assignment": "autograder.exchange.HttpReleaseAssignment",
    "fetch_assignment": "autograder.exchange.HttpFetchAssignment",
    "submit": "autograder.exchange.HttpSubmit",
    "list": "autograder.exchange.HttpList",
    "collect": "autograder.exchange.HttpCollect",
    "release_feedback": "autograder.exchange.HttpReleaseFeedback",
    "fetch_feedback": "autograder.exchange.HttpFetchFeedback",
}


def write_exchange_config(config_dir: str | Path) -> Path:
    """Point nbgrader (its ``nbgrader_config.json`` in ``config_dir``) at the HTTP exchange."""
    path = Path(config_dir) / "nbgrader_config.json"
    _merge(path, {"ExchangeFactory": HTTP_EXCHANGE})
    return path
