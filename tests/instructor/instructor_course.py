"""Throwaway course copies with a synthetic cohort, for the instructor-side tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from nbgrader.api import Gradebook

from autograder import cohort, notebooks
from autograder.api.demo import build_cohort
from autograder.api.release import generate
from autograder.course import CONFIG_FILE, copy_configuration

ROOT = Path(__file__).resolve().parents[2]
WEEK = "week01"


def new_course(base: Path, weeks: tuple[str, ...] = (WEEK,), extra_config: str = "") -> Path:
    """source/ copied, release/ generated (which fills the gradebook's structure), no learners."""
    base.mkdir(parents=True)
    copy_configuration(ROOT, base)
    if extra_config:
        with (base / CONFIG_FILE).open("a", encoding="utf-8") as config:
            config.write("\n" + extra_config + "\n")
    shutil.copytree(ROOT / "source", base / "source")
    shutil.copytree(ROOT / cohort.ANSWER_BANK, base / cohort.ANSWER_BANK)
    generate(base, list(weeks))
    return base


def mixed_cohort(course: Path, week: str = WEEK) -> None:
    """The demo's four learners, one more of each full/blank kind, and two awkward ones."""
    build_cohort(course, [week])
    submitted = course / "submitted"
    shutil.copytree(submitted / "ada_full" / week, submitted / "eve_full" / week)
    shutil.copytree(submitted / "cy_blank" / week, submitted / "fay_blank" / week)
    # one notebook not even JSON: that learner fails, the batch goes on
    broken = submitted / "zed_broken" / week
    shutil.copytree(submitted / "ben_partial" / week, broken)
    (broken / "python_fundamentals.ipynb").write_text('{"cells": [', encoding="utf-8")
    # a learner who handed in only one notebook
    (submitted / "gil_half" / week).mkdir(parents=True)
    shutil.copy2(
        submitted / "ada_full" / week / "sql_fundamentals.ipynb",
        submitted / "gil_half" / week / "sql_fundamentals.ipynb",
    )


def gradebook_cells(course: Path, url: str | None = None) -> dict[tuple, tuple]:
    """Every grade cell of every submission: (auto score, manual score, needs manual grade)."""
    found = {}
    with Gradebook(url or f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in gradebook.assignment_submissions(assignment.name):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        key = (submission.student.id, assignment.name, notebook.name, grade.name)
                        found[key] = (
                            grade.auto_score,
                            grade.manual_score,
                            grade.needs_manual_grade,
                        )
    return found


def integrity(course: Path) -> str:
    import sqlite3

    with sqlite3.connect(course / "gradebook.db") as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def solution_scores(week: str = WEEK) -> dict[str, float]:
    """Points of every auto-graded test cell of ``week``, by grade id."""
    points = {}
    for path in sorted((ROOT / "source" / week).glob("*.ipynb")):
        for cell in notebooks.read(path).cells:
            meta = notebooks.nbgrader_meta(cell)
            if meta.get("grade") and not meta.get("solution"):
                points[meta["grade_id"]] = float(meta["points"])
    return points
