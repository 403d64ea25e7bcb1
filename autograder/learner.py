"""A learner's notebook loads its assignment's checks: ``q = autograder.load("weekNN")``.

The checks come from ``checks.json`` beside the notebook (nbgrader's fetch brings it with
the notebooks), so a learner needs the installed package and the released folder, nothing
else. Loading also switches the kernel to one-line self-check messages.
"""

from __future__ import annotations

import json
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
    return checks
