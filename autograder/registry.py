"""Find a course's assignments and load each one's key from the course root.

A course keeps each assignment self-contained in ``source/<assignment>/``: its notebooks and
``key.py``, the instructor-only declarations of its exercises (references, visible and
hidden cases, mistakes, hints). A key module defines ``TITLE`` and ``TOPICS`` (a line each)
and ``EXERCISES``, a tuple of exercises; it may import private siblings named ``key_*.py``
with relative imports (``from .key_data import ...``). Keys never reach learners:
nbgrader_config.py keeps them out of release/, and what learners may see is compiled from
them into ``checks.json`` (:mod:`autograder.checkfile`).

This module is the one place that turns an assignment id into its exercises: grading,
release, the course map, the answer bank and the report all ask it.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from dataclasses import dataclass
from pathlib import Path

from autograder.course import KEY_FILE, Course, CourseError, source_assignments
from autograder.exercises import context
from autograder.exercises.base import Exercise

KEY_PATTERNS = ("key.py", "key_*.py")  # instructor-only files of an assignment folder
_PACKAGE = "autograder_course_keys"


@dataclass(frozen=True)
class Assignment:
    """One assignment's metadata and exercises, as its key declares them."""

    id: str
    title: str
    topics: str
    exercises: tuple[Exercise, ...]
    folder: Path  # source/<assignment>/
    module: types.ModuleType  # the key itself, for the course's own tests

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(f"{self.id} has no exercise {exercise_id!r}")

    def get(self, exercise_id: str) -> Exercise | None:
        return next((e for e in self.exercises if e.id == exercise_id), None)

    @property
    def notebooks(self) -> list[Path]:
        return sorted(self.folder.glob("*.ipynb"))


def assignment_ids(course: Course) -> list[str]:
    """Assignments in source/ (folders holding a key), in name order."""
    return source_assignments(course.root)


_loaded: dict[tuple[Path, str], tuple[tuple, Assignment]] = {}


def load(course: Course, assignment: str) -> Assignment:
    """The assignment's key, loaded by path (again only when key files change)."""
    folder = course.root / "source" / assignment
    path = folder / KEY_FILE
    if not path.is_file():
        known = ", ".join(assignment_ids(course)) or "none"
        raise CourseError(f"{assignment} has no {KEY_FILE} in source/ (assignments: {known})")
    # A key's hidden data is built lazily and cached in the key module, from the course's seeds
    # and store: a change to either (course.toml edited under a running server) loads it anew.
    stamp = (
        max(p.stat().st_mtime_ns for p in folder.glob("key*.py")),
        course.hidden_seeds,
        course.store_path,
    )
    # Checks read hidden data lazily from this course: hand it over on every load, cached or
    # not, so grading a second course in one process never sees the first one's seeds.
    context.provide(hidden_seeds=course.hidden_seeds, store=course.store_path)
    cached = _loaded.get((course.root, assignment))
    if cached and cached[0] == stamp:
        return cached[1]
    module = _exec_key(folder, assignment)
    loaded = _assignment(module, assignment, folder)
    _loaded[(course.root, assignment)] = (stamp, loaded)
    return loaded


def _exec_key(folder: Path, assignment: str) -> types.ModuleType:
    """Run key.py as ``autograder_course_keys.<id>.key``, so ``from .key_x import`` works."""
    package_name = f"{_PACKAGE}.{_identifier(assignment)}"
    for name in [n for n in sys.modules if n == package_name or n.startswith(package_name + ".")]:
        del sys.modules[name]  # a reload sees edited siblings too
    if _PACKAGE not in sys.modules:
        root = types.ModuleType(_PACKAGE)
        root.__path__ = []
        sys.modules[_PACKAGE] = root
    package = types.ModuleType(package_name)
    package.__path__ = [str(folder)]
    sys.modules[package_name] = package
    spec = importlib.util.spec_from_file_location(f"{package_name}.key", folder / KEY_FILE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[spec.name]
        raise CourseError(
            f"source/{assignment}/{KEY_FILE} failed to load: {type(error).__name__}: {error}"
        ) from error
    return module


def _identifier(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)


def _assignment(module: types.ModuleType, assignment: str, folder: Path) -> Assignment:
    where = f"source/{assignment}/{KEY_FILE}"
    exercises = getattr(module, "EXERCISES", None)
    if not isinstance(exercises, tuple | list) or not all(
        isinstance(e, Exercise) for e in exercises
    ):
        raise CourseError(f"{where} must define EXERCISES, a tuple of exercises")
    ids = [e.id for e in exercises]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise CourseError(f"{where} declares {', '.join(repeated)} more than once")
    for attribute in ("TITLE", "TOPICS"):
        if not isinstance(getattr(module, attribute, None), str):
            raise CourseError(f"{where} must define {attribute}, a line of text")
    return Assignment(assignment, module.TITLE, module.TOPICS, tuple(exercises), folder, module)
