"""The parallel grader with nbgrader's gradebook on a real PostgreSQL server.

Several graders (or a JupyterHub deployment) share one gradebook through ``db_url``. The
same cohort graded into SQLite one submission at a time and into PostgreSQL by two worker
processes must get the same grade in every cell. The server is ``AUTOGRADER_TEST_POSTGRES``
(a URL whose role may create databases) when set, else a real PostgreSQL started for this
module by the pip-installed ``pgserver`` package; each run grades into a database of its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid

import pytest
from instructor_course import WEEK, gradebook_cells, new_course
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from autograder.api.demo import build_cohort
from autograder.api.grade import grade

pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def server():
    """A PostgreSQL server URL: the configured one, or a private one from pgserver."""
    if os.environ.get("AUTOGRADER_TEST_POSTGRES"):
        yield os.environ["AUTOGRADER_TEST_POSTGRES"]
        return
    import pgserver

    # not under pytest's tmp folder: as root, pgserver runs the server as its own user, which
    # must be able to reach the data folder
    folder = tempfile.mkdtemp(prefix="gradebook-pg-")
    running = pgserver.get_server(folder, cleanup_mode="stop")
    yield running.get_uri().replace("postgresql://", "postgresql+psycopg2://", 1)
    running.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def database_url(server):
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"gradebook_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        pytest.fail(f"the PostgreSQL server at {server} refused a new database ({error.orig})")
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, database_url):
    base = tmp_path_factory.mktemp("postgres")
    on_sqlite = new_course(base / "sqlite")
    on_postgres = new_course(
        base / "postgres", extra_config=f"c.CourseDirectory.db_url = {database_url!r}"
    )
    build_cohort(on_sqlite, [WEEK])
    shutil.rmtree(on_sqlite / "submitted" / "cy_blank")  # three learners are enough here
    shutil.copytree(on_sqlite / "submitted", on_postgres / "submitted")
    sequential = grade(root=on_sqlite, assignments=[WEEK], workers=1)
    pooled = grade(root=on_postgres, assignments=[WEEK], workers=2)
    return {
        "sqlite": gradebook_cells(on_sqlite),
        "postgres": gradebook_cells(on_postgres, database_url),
        "reports": (sequential, pooled),
        "url": database_url,
    }


def test_the_gradebook_really_is_on_postgresql(graded):
    engine = create_engine(graded["url"])
    with engine.connect() as connection:
        students = connection.execute(text("SELECT id FROM student ORDER BY id")).scalars().all()
    engine.dispose()
    assert students == ["ada_full", "ben_partial", "dee_wrong"]


def test_postgresql_grades_equal_sqlite_grades(graded):
    assert len(graded["sqlite"]) > 40
    assert graded["postgres"] == graded["sqlite"]
    sequential, pooled = graded["reports"]
    assert pooled.rows == sequential.rows and pooled.failures == sequential.failures == []
