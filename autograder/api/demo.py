"""A whole grading run on a synthetic cohort, in a throwaway copy of the course."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder import cohort, notebooks
from autograder.api.grade import GradeReport, grade
from autograder.api.release import generate
from autograder.course import Course, check_assignments, copy_configuration, copy_course_data

LEARNERS = {
    "ada_full": "every exercise answered correctly",
    "ben_partial": "the first half of each notebook's exercises answered, the rest left blank",
    "cy_blank": "the released notebooks handed back untouched",
    "dee_wrong": "a plausible wrong answer to every exercise",
}


@dataclass
class DemoResult:
    report: GradeReport
    workdir: Path | None  # None once the throwaway course is removed


def cohort_answers(
    solution: dict[str, str], bank: dict[str, dict[str, str]]
) -> dict[str, dict[str, str]]:
    """Each demo learner's answers for one notebook, by exercise id."""
    ids = list(solution)
    wrong = {}
    for exercise in ids:
        failing = [
            text
            for name, text in sorted(bank.get(exercise, {}).items())
            if name.startswith("fail_")
        ]
        if failing:
            wrong[exercise] = failing[0]
    return {
        "ada_full": dict(solution),
        "ben_partial": {e: solution[e] for e in ids[: (len(ids) + 1) // 2]},
        "cy_blank": {},
        "dee_wrong": wrong,
    }


def build_cohort(course: Path, assignments: list[str]) -> None:
    """Write the demo learners' submissions into ``course``/submitted/."""
    for assignment in assignments:
        bank = cohort.answer_bank(course, assignment)
        for source in sorted((course / "source" / assignment).glob("*.ipynb")):
            released = notebooks.read(course / "release" / assignment / source.name)
            answers = cohort_answers(cohort.solutions(notebooks.read(source)), bank)
            for learner, filled in answers.items():
                target = course / "submitted" / learner / assignment / source.name
                target.parent.mkdir(parents=True, exist_ok=True)
                notebooks.write_normalized(cohort.fill(released, filled), target)


def demo(
    *,
    root: str | Path | None = None,
    assignments: list[str] | None = None,
    keep: bool = False,
    on_progress: Callable[[str, str], None] | None = None,
    workers: int | None = None,
) -> DemoResult:
    """Copy the course aside, release it, grade a four-learner cohort, and return the grades.

    It grades as an instructor would a cohort: with the parallel grader, ``workers``
    processes (default: one per CPU core, at most four).
    """
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    course = Course.load(root).root
    wanted = check_assignments(course, assignments)
    workdir = Path(tempfile.mkdtemp(prefix="autograder-demo-"))
    try:
        copy_configuration(course, workdir)  # the hidden seeds too: hidden checks run
        copy_course_data(course, workdir)
        shutil.copytree(course / "source", workdir / "source")
        if (course / cohort.ANSWER_BANK).is_dir():
            shutil.copytree(course / cohort.ANSWER_BANK, workdir / cohort.ANSWER_BANK)
        generate(workdir, wanted)
        build_cohort(workdir, wanted)
        report = grade(root=workdir, assignments=wanted, on_progress=on_progress, workers=workers)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return DemoResult(report, workdir if keep else None)
