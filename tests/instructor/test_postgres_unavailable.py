"""A PostgreSQL answer on a grader without PostgreSQL is not graded as wrong code.

The grading machine lacks the PostgreSQL extra (``psycopg2`` cannot be imported, as after a
plain ``pip install ds-interview-loop``). ``autograder grade`` must then leave the
submission ungraded, say why and how to fix it, and grade it in full on its next run once
PostgreSQL is there — never score the answer 0 for the grader's fault.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from instructor_course import ROOT, WEEK, gradebook_cells, new_course, solution_scores

from autograder import cohort, notebooks, registry
from autograder.course import Course
from autograder.judges import postgres

pytestmark = pytest.mark.pipeline

LEARNER = "pia_postgres"
NOTEBOOK = "sql_fundamentals.ipynb"
EXERCISE = "latest_order"
ANSWER = ROOT / cohort.ANSWER_BANK / WEEK / EXERCISE / "pass_postgresql_distinct_on.sql"


def run_grade(course: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli.main", "grade", WEEK],
        cwd=course,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def graded_twice(tmp_path_factory, postgres_server):
    base = tmp_path_factory.mktemp("pg-missing")
    course = new_course(base / "course")
    # the model solutions, with one answer written in PostgreSQL
    source = notebooks.read(course / "source" / WEEK / NOTEBOOK)
    assignment = registry.load(Course.load(course), WEEK)
    answer = cohort.answer_source(assignment, EXERCISE, ANSWER)
    target = course / "submitted" / LEARNER / WEEK / NOTEBOOK
    target.parent.mkdir(parents=True)
    notebooks.write_normalized(cohort.fill(source, {EXERCISE: answer}), target)

    # a grader without the extra: psycopg2 cannot be imported, and no server is configured
    shim = base / "no-postgres"
    (shim / "psycopg2").mkdir(parents=True)
    (shim / "psycopg2" / "__init__.py").write_text(
        'raise ImportError("No module named psycopg2 (hidden for this test)")\n'
    )
    without = {k: v for k, v in os.environ.items() if k != postgres.URL_VARIABLE}
    without["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shim), without.get("PYTHONPATH")]))
    first = run_grade(course, without)
    cells_after_first = gradebook_cells(course)
    autograded_after_first = sorted(
        p.name for p in (course / "autograded" / LEARNER / WEEK).glob("*.ipynb")
    )
    second = run_grade(course, dict(os.environ))  # the extra is there, with the session's server
    return {
        "first": first,
        "first_cells": cells_after_first,
        "first_autograded": autograded_after_first,
        "second": second,
        "second_cells": gradebook_cells(course),
    }


def test_without_postgresql_the_grader_says_why_and_how_to_fix_it(graded_twice):
    first = graded_twice["first"]
    said = " ".join((first.stdout + first.stderr).split())  # the console wraps long lines
    assert first.returncode != 0, said
    assert LEARNER in said, said
    assert "could not be judged here, through no fault of the answer" in said, said
    assert "pip install 'ds-interview-loop[postgresql]'" in said, said
    assert "grade this submission again" in said, said


def test_without_postgresql_the_answer_is_not_scored(graded_twice):
    assert NOTEBOOK not in graded_twice["first_autograded"]
    scored = {
        key: cell
        for key, cell in graded_twice["first_cells"].items()
        if key[0] == LEARNER and key[2] == Path(NOTEBOOK).stem and cell[0] is not None
    }
    assert all(score > 0 for score, _, _ in scored.values()), scored


def test_with_postgresql_the_next_run_grades_it_in_full(graded_twice):
    second = graded_twice["second"]
    assert second.returncode == 0, second.stdout + second.stderr
    got = {
        key[3]: cell[0]
        for key, cell in graded_twice["second_cells"].items()
        if key[0] == LEARNER and key[2] == Path(NOTEBOOK).stem
    }
    full = {name: points for name, points in solution_scores().items() if name in got}
    assert f"{EXERCISE}_hidden" in full, sorted(got)
    assert {name: got[name] for name in full} == full
