"""A learner's notebook loads its assignment's checks: ``q = autograder.load("weekNN")``.

The checks come from ``checks.json`` beside the notebook (nbgrader's fetch brings it with
the notebooks), so a learner needs the installed package and the released folder, nothing
else. Loading also switches the kernel to one-line self-check messages, and notes when each
cell starts, so ``q.submit()`` can tell a notebook that was not saved since its last run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from autograder import selfcheck
from autograder.checkfile import CHECK_FILE, exercises_from
from autograder.course import KEY_FILE
from autograder.exercises.base import Exercise


class Checks:
    """An assignment's exercises as attributes (``q.sample_variance.check(...)``)."""

    def __init__(self, assignment: str, title: str, topics: str, exercises: list[Exercise]):
        self.assignment = assignment
        self.title = title
        self.topics = topics
        self.exercises = tuple(exercises)
        for exercise in exercises:
            setattr(self, exercise.id, exercise)

    def __getattr__(self, name: str):
        raise AttributeError(
            f"{self.assignment} has no exercise {name!r} "
            f"(it has {', '.join(e.id for e in self.exercises)})"
        )

    def __repr__(self) -> str:
        return f"<checks for {self.assignment}: {len(self.exercises)} exercises>"

    def submit(
        self,
        notebook: str | Path | None = None,
        *,
        server: str | None = None,
        token: str | None = None,
        timeout: float = 300,
    ):
        """Grade this notebook on the course server, hidden tests included, and show the table.

        The notebook is the one this kernel runs (JupyterLab says which), or ``notebook``.
        Returns the :class:`autograder.client.SubmissionResult`, or None when nothing was
        graded (the reason is shown in one line).
        """
        from autograder import client

        try:
            path = Path(notebook) if notebook else client.notebook_in_kernel(_user_namespace())
            if client.unsaved_since(path, _runs["last"]):
                raise client.ClientError(
                    f"save the notebook first (Ctrl+S): {path.name} on disk is older than the "
                    "cells you last ran, and the server grades the saved file"
                )
            result = client.submit(
                path, server=server, token=token, assignment=self.assignment, timeout=timeout
            )
        except client.ClientError as error:
            _show_line(f"✗ {error}")
            return None
        _show_result(result)
        return result


def find_check_file(assignment: str, folder: str | Path | None = None) -> Path:
    """``checks.json`` in ``folder`` (default: the working directory) or its ``assignment``/."""
    here = Path(folder or Path.cwd())
    for candidate in (here / CHECK_FILE, here / assignment / CHECK_FILE):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"no {CHECK_FILE} for {assignment} in {here}: open the notebook from the folder the "
        f"assignment came in (it holds {CHECK_FILE}), or fetch the assignment again"
    )


def read(assignment: str, folder: str | Path | None = None) -> Checks:
    """The checks of ``assignment`` from its check file, without touching IPython.

    An instructor running a source notebook (``source/<assignment>/``, beside its key) gets
    the key's own exercises instead, hidden checks included.
    """
    here = Path(folder or Path.cwd())
    if (here / KEY_FILE).is_file() and here.name == assignment:
        return _from_key(assignment, here)
    path = find_check_file(assignment, folder)
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("assignment") != assignment:
        raise ValueError(f"{path} holds the checks of {data.get('assignment')}, not {assignment}")
    return Checks(assignment, data["title"], data["topics"], exercises_from(data))


def _from_key(assignment: str, folder: Path) -> Checks:
    from autograder import registry
    from autograder.course import Course

    key = registry.load(Course.load(folder), assignment)
    return Checks(assignment, key.title, key.topics, list(key.exercises))


def load(assignment: str, folder: str | Path | None = None) -> Checks:
    """The checks of ``assignment``, with short self-check messages in this kernel."""
    checks = read(assignment, folder)
    selfcheck.install(checks.exercises)
    _track_runs()
    return checks


# when the last finished cell started (what the saved file must be newer than)
_runs: dict[str, float | None] = {"current": None, "last": None}


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _user_namespace() -> dict:
    shell = _shell()
    return shell.user_ns if shell is not None else {}


def _started(*_) -> None:
    _runs["current"] = time.time()


def _finished(*_) -> None:
    _runs["last"] = _runs["current"]


def _track_runs() -> None:
    shell = _shell()
    if shell is None or _started in shell.events.callbacks["pre_run_cell"]:
        return
    shell.events.register("pre_run_cell", _started)
    shell.events.register("post_run_cell", _finished)


def _console():
    """Rich output: HTML in a Jupyter kernel, plain text elsewhere."""
    from rich.console import Console

    shell = _shell()
    return Console(force_jupyter=type(shell).__name__ == "ZMQInteractiveShell")


def _show_line(text: str) -> None:
    _console().print(text, style="red" if text.startswith("✗") else None, highlight=False)


def _show_result(result) -> None:
    from autograder.verdicts import submission_summary, submission_table

    console = _console()
    if result.exercises:
        console.print(submission_table(result))
    console.print(submission_summary(result), highlight=False, markup=False)
