"""Generate learner versions (release/) from source/ with nbgrader, and prove they match."""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder import notebooks
from autograder.course import (
    CONFIG_FILE,
    CourseError,
    check_assignments,
    find_course_root,
    nbgrader_api,
)


@dataclass
class ReleaseReport:
    assignments: list[str]
    notebooks: list[Path] = field(default_factory=list)
    out_of_date: list[str] = field(default_factory=list)  # release files that differ from source/
    leaks: list[str] = field(default_factory=list)  # secret source lines found in release/

    @property
    def ok(self) -> bool:
        return not self.out_of_date and not self.leaks


def generate(root: Path, assignments: list[str]) -> list[Path]:
    """Run nbgrader generate_assignment for each assignment in the course at ``root``."""
    api = nbgrader_api(root)
    written = []
    for assignment in assignments:
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            reason = (result.get("error") or result.get("log") or "").strip().splitlines()
            raise CourseError(
                f"nbgrader could not generate {assignment}: {reason[-1] if reason else 'no reason given'}"
            )
        written += sorted((root / "release" / assignment).glob("*.ipynb"))
    return written


def release(
    *, root: str | Path | None = None, assignments: list[str] | None = None, check: bool = False
) -> ReleaseReport:
    """Regenerate release/ (or, with ``check``, generate aside and compare with release/).

    Either way the result is checked for leaked solutions, hidden tests and mark schemes.
    """
    course = find_course_root(root)
    wanted = check_assignments(course, assignments)
    report = ReleaseReport(wanted)
    if check:
        with tempfile.TemporaryDirectory(prefix="release-check-") as scratch:
            copy = Path(scratch)
            shutil.copy2(course / CONFIG_FILE, copy / CONFIG_FILE)
            for assignment in wanted:
                shutil.copytree(course / "source" / assignment, copy / "source" / assignment)
            generate(copy, wanted)
            for assignment in wanted:
                report.out_of_date += _differences(
                    copy / "release" / assignment, course / "release" / assignment
                )
    else:
        report.notebooks = generate(course, wanted)
    report.leaks = find_leaks(course, wanted)
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
        elif not filecmp.cmp(fresh / name, committed / name, shallow=False):
            problems.append(f"{label} differs from what source/ generates")
    return problems


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
