"""Where the course is, what it holds, and an nbgrader API bound to it.

:class:`Course` is the course configuration, read once (by a command, from the working
directory or ``--course``) and passed to whatever needs it.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "nbgrader_config.py"
SETTINGS_FILE = "course.toml"  # instructor-only settings: hidden seeds
STATE_DIRECTORY = ".grading"  # the grader's own state; inside the course, so kernels never see it
KEY_FILE = "key.py"  # an assignment's instructor-only exercise declarations (registry.py)


class CourseError(Exception):
    """A problem with the course folder or an instruction, explained for the person at the shell."""


def find_course_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) holding nbgrader_config.py."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file() and (folder / "source").is_dir():
            return folder
    raise CourseError(
        f"no course found at or above {here}: run this from the course folder "
        f"(the one holding {CONFIG_FILE} and source/)"
    )


@dataclass(frozen=True)
class Course:
    """The course configuration: where it is, its id, the store, the hidden seeds."""

    root: Path
    course_id: str
    store_path: Path | None  # data/store.db; None: checks use the learner's (built) store
    hidden_seeds: tuple[int, ...]

    @classmethod
    def load(cls, start: str | Path | None = None) -> Course:
        """Read the course at or above ``start`` (default: the working directory)."""
        from traitlets.config.loader import PyFileConfigLoader

        root = find_course_root(start)
        config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
        settings: dict = {}
        if (root / SETTINGS_FILE).is_file():
            try:
                settings = tomllib.loads((root / SETTINGS_FILE).read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise CourseError(f"{root / SETTINGS_FILE} is not valid TOML: {error}") from None
        seeds = settings.get("grading", {}).get("hidden_seeds", [])
        if not isinstance(seeds, list) or not all(isinstance(s, int) for s in seeds):
            raise CourseError(
                f"[grading] hidden_seeds in {SETTINGS_FILE} must be a list of integers"
            )
        store = root / "data" / "store.db"
        return cls(
            root=root,
            course_id=str(config.CourseDirectory.get("course_id", "") or root.name),
            store_path=store if store.is_file() else None,
            hidden_seeds=tuple(seeds),
        )


def state_directory(course: Path) -> Path:
    folder = course / STATE_DIRECTORY
    folder.mkdir(exist_ok=True)
    return folder


def configuration_files(root: Path) -> list[Path]:
    """nbgrader_config.py and course.toml (where present): what grades a course as it does."""
    return [
        Path(root) / name for name in (CONFIG_FILE, SETTINGS_FILE) if (Path(root) / name).is_file()
    ]


def copy_configuration(source: Path, target: Path) -> None:
    """The course's configuration files, so a copy of the course grades exactly as it does."""
    for path in configuration_files(source):
        shutil.copy2(path, Path(target) / path.name)


def copy_course_data(source: Path, target: Path) -> None:
    """The databases the course's notebooks open (``data/*.db``), into a copy of the course.

    Without them every grading kernel and checker of the copy builds them again from their
    seeds: the same data, about 0.4 s slower each time. Files the copy already has are kept.
    """
    for path in sorted((Path(source) / "data").glob("*.db")):
        destination = Path(target) / "data" / path.name
        if not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def source_assignments(root: Path) -> list[str]:
    """Assignment ids in source/ (folders holding a key), in name order."""
    folder = root / "source"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / KEY_FILE).is_file())


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

    config = nbgrader_config(root, **overrides)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir, config=config)


def nbgrader_config(root: Path, **overrides):
    """The traitlets ``Config`` of the course's nbgrader_config.py, rooted at ``root``, with
    ``overrides`` (``"Section.option": value``) applied on top."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    for dotted, value in overrides.items():
        section, option = dotted.split(".")
        setattr(config[section], option, value)
    return config
