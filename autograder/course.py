"""Where the course is, what it holds, and an nbgrader API bound to it."""

from __future__ import annotations

import re
from pathlib import Path

CONFIG_FILE = "nbgrader_config.py"
ASSIGNMENT_PATTERN = re.compile(r"^week\d{2}$")


class CourseError(Exception):
    """A problem with the course folder or an instruction, explained for the person at the shell."""


def find_course_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) holding nbgrader_config.py.

    Falls back to the checkout the package was installed from, so the commands also work from
    outside the course.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file() and (folder / "source").is_dir():
            return folder
    if start is None:
        checkout = Path(__file__).resolve().parents[1]
        if (checkout / CONFIG_FILE).is_file() and (checkout / "source").is_dir():
            return checkout
    raise CourseError(
        f"no course found at or above {here}: run this from the course folder "
        f"(the one holding {CONFIG_FILE} and source/)"
    )


def source_assignments(root: Path) -> list[str]:
    """Assignment ids in source/, in week order."""
    return sorted(
        p.name
        for p in (root / "source").iterdir()
        if p.is_dir() and ASSIGNMENT_PATTERN.match(p.name)
    )


def check_assignments(root: Path, wanted: list[str] | None) -> list[str]:
    known = source_assignments(root)
    if not wanted:
        return known
    unknown = [a for a in wanted if a not in known]
    if unknown:
        raise CourseError(
            f"unknown assignment(s): {', '.join(unknown)} (the course has {', '.join(known)})"
        )
    return list(wanted)


def nbgrader_api(root: Path, **overrides):
    """An ``NbGraderAPI`` configured from the course's nbgrader_config.py, rooted at ``root``.

    ``overrides`` are ``"Section.option": value`` settings applied on top (e.g. a db_url).
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    for dotted, value in overrides.items():
        section, option = dotted.split(".")
        setattr(config[section], option, value)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir, config=config)
