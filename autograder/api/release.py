"""Generate learner versions (release/) from source/ with nbgrader, and prove they match."""

from __future__ import annotations

import filecmp
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder import checkfile, notebooks, registry
from autograder.course import (
    Course,
    CourseError,
    check_assignments,
    copy_configuration,
    nbgrader_api,
)
from autograder.exercises.base import CompileError
from autograder.grading.verdicts import unparsed_test_cells


@dataclass
class ReleaseReport:
    assignments: list[str]
    notebooks: list[Path] = field(default_factory=list)
    out_of_date: list[str] = field(default_factory=list)  # release files that differ from source/
    leaks: list[str] = field(default_factory=list)  # secret source lines found in release/
    timed: dict[str, float | None] = field(default_factory=dict)  # model solutions' seconds

    @property
    def ok(self) -> bool:
        return not self.out_of_date and not self.leaks


def protocol_problems(course: Course, assignment: str) -> list[str]:
    """Test cells of ``assignment`` the trusted verdicts could not judge, with the reason."""
    problems = []
    for path in sorted((course.root / "source" / assignment).glob("*.ipynb")):
        nb = notebooks.read(path)
        code = [c for c in nb.cells if c.cell_type == "code"]
        tests = [(notebooks.grade_id(c), c.source) for c in code if notebooks.is_test_cell(c)]
        others = [c.source for c in code if not notebooks.is_test_cell(c)]
        problems += [
            f"source/{assignment}/{path.name}: {p}" for p in unparsed_test_cells(others, tests)
        ]
    return problems


def generate(root: Path | Course, assignments: list[str]) -> list[Path]:
    """Release each assignment of the course: nbgrader's student notebooks and checks.json.

    Refuses (CourseError) a test cell the grader could not judge outside the kernel, and an
    exercise whose visible checks cannot be written as learner-side data.
    """
    course = root if isinstance(root, Course) else Course.load(root)
    root = course.root
    problems = [p for assignment in assignments for p in protocol_problems(course, assignment)]
    if problems:
        raise CourseError("cannot release:\n" + "\n".join(f"- {p}" for p in problems))
    api = nbgrader_api(root)
    written = []
    for assignment in assignments:
        key = registry.load(course, assignment)
        try:
            checks = checkfile.compile_assignment(key)
        except CompileError as error:
            raise CourseError(f"cannot release {assignment}: {error}") from None
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            reason = (result.get("error") or result.get("log") or "").strip().splitlines()
            raise CourseError(
                f"nbgrader could not generate {assignment}: {reason[-1] if reason else 'no reason given'}"
            )
        check_path = root / "release" / assignment / checkfile.CHECK_FILE
        check_path.write_text(checkfile.dumps(checks), encoding="utf-8")
        written += sorted((root / "release" / assignment).glob("*.ipynb"))
    return written


def release(
    *,
    root: str | Path | None = None,
    assignments: list[str] | None = None,
    check: bool = False,
    time_solutions: bool = False,
) -> ReleaseReport:
    """Regenerate release/ (or, with ``check``, generate aside and compare with release/).

    Either way the result is checked for leaked solutions, hidden tests and mark schemes.
    ``time_solutions`` then runs each released notebook's model solution once, as grading
    would, and caches its time (:func:`autograder.grading.kernel.time_solutions`), so no
    learner's grading waits for that run; not with ``check``, which changes nothing.
    """
    course = Course.load(root)
    wanted = check_assignments(course.root, assignments)
    report = ReleaseReport(wanted)
    if check:
        with tempfile.TemporaryDirectory(prefix="release-check-") as scratch:
            copy = Path(scratch)
            copy_configuration(course.root, copy)
            for assignment in wanted:
                shutil.copytree(course.root / "source" / assignment, copy / "source" / assignment)
            # the copy compiles against the course's own store
            generate(Course(copy, course.course_id, course.store_path, course.hidden_seeds), wanted)
            for assignment in wanted:
                report.out_of_date += _differences(
                    copy / "release" / assignment, course.root / "release" / assignment
                )
    else:
        report.notebooks = generate(course, wanted)
    report.leaks = find_leaks(course.root, wanted)
    if time_solutions and not check and report.ok:
        from autograder.grading.kernel import time_solutions as run_solutions

        report.timed = run_solutions(course.root, wanted)
    return report


def _differences(fresh: Path, committed: Path) -> list[str]:
    if not committed.is_dir():
        return [f"{committed.relative_to(committed.parents[1])}/ is missing"]
    names = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    names |= {p.relative_to(committed) for p in committed.rglob("*") if p.is_file()}
    problems = []
    for name in sorted(names):
        label = f"release/{committed.name}/{name}"
        if not (committed / name).exists():
            problems.append(f"{label} is missing")
        elif not (fresh / name).exists():
            problems.append(f"{label} has no source")
        elif not _same(fresh / name, committed / name):
            problems.append(f"{label} differs from what source/ generates")
    return problems


def _same(fresh: Path, committed: Path) -> bool:
    if filecmp.cmp(fresh, committed, shallow=False):
        return True
    if fresh.name != checkfile.CHECK_FILE:
        return False
    try:
        texts = fresh.read_text(encoding="utf-8"), committed.read_text(encoding="utf-8")
        return checkfile.equivalent(*(json.loads(text) for text in texts))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False


def find_leaks(course: Path, assignments: list[str]) -> list[str]:
    """Secret lines of source/ notebooks that appear in their release/ versions."""
    leaks = []
    for assignment in assignments:
        for source in sorted((course / "source" / assignment).glob("*.ipynb")):
            released = course / "release" / assignment / source.name
            if not released.exists():
                continue
            text = released.read_text(encoding="utf-8")
            release_lines = {
                line.strip()
                for cell in notebooks.read(released).cells
                for line in cell.source.splitlines()
            }
            for line in sorted(notebooks.secret_lines(notebooks.read(source))):
                if line in release_lines or line in text:
                    leaks.append(f"release/{assignment}/{source.name}: {line[:60]}")
    return leaks
