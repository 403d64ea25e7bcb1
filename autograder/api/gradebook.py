"""The course gradebook (nbgrader's SQLAlchemy models): every read and write in one place.

- **Private gradebooks** for pooled grading: :func:`build_template` copies the course
  structure (no learners), :func:`read_scores` reads what nbgrader saved for a submission.
- **Commits**: :func:`commit` writes one learner's scores to the course gradebook in a single
  transaction, applying nbgrader's rule for manual grades; :func:`commit_with_retries` waits
  out a gradebook locked by someone else.
- **Reads**: :func:`gradebook_rows`, one row per learner, assignment and exercise.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

from autograder.notebooks import exercise_of

GRADE_COLUMNS = (
    "student_id",
    "assignment",
    "notebook",
    "exercise",
    "score",
    "max_score",
    "needs_manual_grade",
)
COMMIT_ATTEMPTS = 6  # a gradebook locked by someone else (formgrader, a script) is waited for
# Gradebook tables that describe the course (not learners): copied into the private gradebooks.
STRUCTURE_TABLES = (
    "course",
    "assignment",
    "notebook",
    "base_cell",
    "grade_cells",
    "solution_cells",
    "task_cells",
    "source_cell",
)


def build_template(main_url: str, course_id: str, path: Path) -> None:
    """An SQLite gradebook holding the course structure of ``main_url`` and no learners."""
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    path.unlink(missing_ok=True)
    source = create_engine(main_url)
    target = create_engine(f"sqlite:///{path}")
    try:
        # nbgrader stamps a new gradebook with its schema version by running `alembic heads`
        # in a subprocess (about 3 s of CPU); the course gradebook already holds that version
        try:
            with source.connect() as read:
                version = read.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:  # a gradebook made without alembic: let nbgrader stamp this one
            version = None
        if version is not None:
            Base.metadata.create_all(bind=target)
            with target.begin() as write:
                write.execute(
                    text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
                )
                write.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": version})
        Gradebook(f"sqlite:///{path}", course_id).close()  # this course (and, if new, schema)
        with source.connect() as read, target.begin() as write:
            for table in Base.metadata.sorted_tables:
                if table.name not in STRUCTURE_TABLES:
                    continue
                rows = [dict(row) for row in read.execute(table.select()).mappings()]
                if table.name == "course":
                    rows = [row for row in rows if row["id"] != course_id]
                if rows:
                    write.execute(table.insert(), rows)
    finally:
        source.dispose()
        target.dispose()


def read_scores(url: str, course_id: str, student: str, assignment: str) -> dict:
    """What nbgrader saved for one submission, as plain values."""
    from nbgrader.api import Gradebook

    with Gradebook(url, course_id) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return {
            "timestamp": submission.timestamp,
            "notebooks": {
                notebook.name: {
                    "late_penalty": notebook.late_submission_penalty,
                    "grades": {
                        g.name: (g.auto_score, g.needs_manual_grade) for g in notebook.grades
                    },
                    "comments": {c.name: c.auto_comment for c in notebook.comments},
                }
                for notebook in submission.notebooks
            },
        }


def commit(gradebook, outcome) -> None:
    """Write one submission's scores to the course gradebook in a single transaction.

    Manual scores, manual comments and extra credit are left alone; a grade cell that has a
    manual score is marked for review, exactly as nbgrader's ``SaveAutoGrades`` does.
    """
    scores = outcome.scores
    submission = _submission(gradebook, outcome.student, outcome.assignment)
    if scores["timestamp"] is not None:
        submission.timestamp = scores["timestamp"]
    for notebook in submission.notebooks:
        saved = scores["notebooks"].get(notebook.name)
        if saved is None:
            continue
        handed_in = f"{notebook.name}.ipynb" in outcome.taken
        notebook.late_submission_penalty = saved["late_penalty"]
        for grade in notebook.grades:
            if grade.name in saved["grades"]:
                auto, needs_review = saved["grades"][grade.name]
                grade.auto_score = auto
                grade.needs_manual_grade = bool(
                    needs_review or (handed_in and grade.manual_score is not None)
                )
        for comment in notebook.comments:
            if comment.name in saved["comments"]:
                comment.auto_comment = saved["comments"][comment.name]
    gradebook.db.commit()


def _submission(gradebook, student_id: str, assignment: str):
    """The learner's submission, created (with empty grades) inside the open transaction.

    nbgrader's ``add_student``/``add_submission`` commit on their own; creating the rows here
    instead keeps a learner's first submission and its scores in one transaction.
    """
    from nbgrader.api import (
        Comment,
        Grade,
        MissingEntry,
        Student,
        SubmittedAssignment,
        SubmittedNotebook,
    )

    try:
        return gradebook.find_submission(assignment, student_id)
    except MissingEntry:
        pass
    with gradebook.db.no_autoflush:
        try:
            student = gradebook.find_student(student_id)
        except MissingEntry:
            student = Student(id=student_id)
            gradebook.db.add(student)
        submission = SubmittedAssignment(
            assignment=gradebook.find_assignment(assignment), student=student
        )
        gradebook.db.add(submission)
        for notebook in submission.assignment.notebooks:
            submitted = SubmittedNotebook(notebook=notebook, assignment=submission)
            rows = [submitted]
            rows += [Grade(cell_id=c.id, notebook=submitted) for c in notebook.grade_cells]
            rows += [Comment(cell_id=c.id, notebook=submitted) for c in notebook.solution_cells]
            for cell in notebook.task_cells:
                rows += [
                    Comment(cell_id=cell.id, notebook=submitted),
                    Grade(cell_id=cell.id, notebook=submitted),
                ]
            gradebook.db.add_all(rows)
    gradebook.db.flush()
    return submission


def share_engines() -> None:
    """One SQLAlchemy engine per database in this grading process, for nbgrader's gradebooks.

    nbgrader opens a gradebook (a new engine) several times for every notebook it grades, and
    a new engine compiles every statement again: about a tenth of a second per submission.
    ``Gradebook.close()`` still disposes of the engine's connections, so a database file
    replaced between two gradebooks (a worker's private one) is opened afresh.
    """
    import threading

    import nbgrader.api

    if getattr(nbgrader.api.create_engine, "shared", False):
        return
    create, engines, lock = nbgrader.api.create_engine, {}, threading.Lock()

    def create_engine(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        with lock:
            if key not in engines:
                engines[key] = create(url, **options)
            return engines[key]

    create_engine.shared = True
    nbgrader.api.create_engine = create_engine


def writer_url(url: str) -> str:
    """SQLite waits up to a minute for a lock held by another program, instead of 5 s."""
    if url.startswith("sqlite") and "timeout=" not in url:
        return url + ("&" if "?" in url else "?") + "timeout=60"
    return url


def commit_with_retries(gradebook, outcome) -> str | None:
    """Commit with retries; the reason when the gradebook could not be written."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(COMMIT_ATTEMPTS):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # nbgrader's own SQLAlchemy session warnings
                commit(gradebook, outcome)
            return None
        except OperationalError as error:
            gradebook.db.rollback()
            if attempt == COMMIT_ATTEMPTS - 1:
                return f"could not write the gradebook: {error.orig or error}"
            time.sleep(0.5 * 2**attempt)
    return None


def gradebook_rows(course: Path, assignments: list[str], db_url: str | None = None) -> list[dict]:
    """One row per student, assignment and exercise, summed over the exercise's grade cells."""
    from nbgrader.api import Assignment, Grade, Gradebook, SubmittedAssignment, SubmittedNotebook
    from sqlalchemy.orm import selectinload, undefer

    from autograder.course import nbgrader_api

    url = db_url or nbgrader_api(course).coursedir.db_url
    rows: dict[tuple, dict] = {}
    # the notebooks, their grades (with each one's max_score) and the grades' cells in a
    # few queries, not one per object
    notebooks = selectinload(SubmittedAssignment.notebooks)
    loaded = (
        notebooks.selectinload(SubmittedNotebook.notebook),
        notebooks.selectinload(SubmittedNotebook.grades).options(
            undefer(Grade.max_score), selectinload(Grade.cell)
        ),
    )
    with Gradebook(url) as gradebook:
        for assignment in assignments:
            submissions = (
                gradebook.db.query(SubmittedAssignment)
                .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
                .filter(Assignment.name == assignment)
                .options(*loaded)
                .all()
            )
            exercises: dict[str, list[str]] = {}  # notebook -> its solution cells' names
            for submission in submissions:
                for notebook in submission.notebooks:
                    if notebook.name not in exercises:
                        source = gradebook.find_notebook(notebook.name, assignment)
                        exercises[notebook.name] = [cell.name for cell in source.solution_cells]
                    for grade in notebook.grades:
                        exercise = exercise_of(grade.name, exercises[notebook.name])
                        key = (submission.student_id, assignment, notebook.name, exercise)
                        row = rows.setdefault(
                            key,
                            dict(zip(GRADE_COLUMNS, (*key, 0.0, 0.0, False), strict=True)),
                        )
                        row["score"] += grade.score or 0.0
                        row["max_score"] += grade.max_score or 0.0
                        row["needs_manual_grade"] = row["needs_manual_grade"] or bool(
                            grade.needs_manual_grade
                        )
    return [rows[key] for key in sorted(rows)]
