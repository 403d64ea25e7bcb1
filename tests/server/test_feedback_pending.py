"""A verdict is published before its feedback page is written, and no page is ever lost.

The page is written while nothing is queued, before the same learner's next attempt of the
assignment is graded (that grading replaces the notebook the page is made from), when a
learner asks for it, or once it has waited long enough; a kill leaves it to the next start.
"""

from __future__ import annotations

import datetime
import io
import json
import shutil
import sqlite3
import zipfile

import pytest
from serving import (
    NOTEBOOK,
    WEEK,
    add_token,
    answered,
    call,
    make_course,
    start_server,
    submit,
    wait_graded,
)

from autograder.server import grader as grading
from autograder.server.store import Store, now

pytestmark = pytest.mark.pipeline


def pages(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def queued(store: Store, submission: str, learner: str, assignment: str = WEEK) -> dict:
    store.add_submission(submission, learner, assignment, [NOTEBOOK], now())
    return dict(store.submission(submission))


def graded(store: Store, submission: str, *, pending: bool = True) -> None:
    store.finish(
        submission, status="graded", error=None, result=None, total=1.0, counted=True,
        feedback_pending=pending,
    )  # fmt: skip


def test_the_store_keeps_pending_pages_with_the_verdict_and_only_once(tmp_path):
    store = Store(tmp_path)
    for submission, learner in (("a1", "ana"), ("b1", "ben"), ("a2", "ana")):
        queued(store, submission, learner)
    graded(store, "a1")
    graded(store, "b1", pending=False)
    graded(store, "a2")
    graded(store, "a1")  # a second finish records nothing, so it cannot list a page again
    assert [row["id"] for row in store.feedback_pending()] == ["a1", "a2"]
    assert [row["id"] for row in store.feedback_pending("a2")] == ["a2"]
    assert store.feedback_pending("b1") == []
    store.feedback_written(["a1"])
    assert [row["id"] for row in store.feedback_pending()] == ["a2"]


def test_pages_wait_behind_other_learners_but_not_before_the_same_learners_attempt(tmp_path):
    store = Store(tmp_path)
    grader = grading.Grader(tmp_path, store)  # its grading process starts only when used
    queued(store, "a1", "ana")
    graded(store, "a1")
    pending = store.feedback_pending()
    ben = [queued(store, "b1", "ben")]
    ana_again = [queued(store, "a2", "ana")]
    ana_other_week = [queued(store, "a3", "ana", "week02")]
    assert grader._feedback_first([], pending)  # nothing queued: write it now
    assert not grader._feedback_first(ben, pending)  # another learner is graded first
    assert not grader._feedback_first(ana_other_week, pending)
    assert grader._feedback_first(ana_again, pending)  # would replace ana's autograded notebook
    grader.want_feedback()  # a learner asked for the page
    assert grader._feedback_first(ben, pending)
    grader.wanted.clear()
    late = datetime.datetime.now(datetime.UTC) - datetime.timedelta(
        seconds=grading.FEEDBACK_DELAY + 1
    )
    with sqlite3.connect(store.path) as db:
        db.execute(
            "UPDATE submissions SET graded_at = ? WHERE id = 'a1'",
            (late.isoformat().replace("+00:00", "Z"),),
        )
    grader.started_at = late  # a grader running for a while
    assert grader._feedback_first(ben, store.feedback_pending())  # waited long enough
    restarted = grading.Grader(tmp_path, store)  # a page a kill left waits from the start
    assert not restarted._feedback_first(ben, store.feedback_pending())


def test_a_graded_batch_leaves_its_page_to_write_feedback(tmp_path):
    course = make_course(tmp_path)
    submission = "0123456789abcdef0123456789abcdef"
    inbox = grading.inbox(course, submission)
    inbox.mkdir(parents=True)
    (inbox / NOTEBOOK).write_text(json.dumps(answered(course)), encoding="utf-8")
    job = {
        "id": submission,
        "learner": "ana",
        "assignment": WEEK,
        "notebooks": [NOTEBOOK],
        "received_at": now(),
        "best": None,
    }
    outcome = grading.grade_batch(str(course), WEEK, [job], "latest", None, 1)[submission]
    assert outcome["status"] == "graded" and outcome["feedback_pending"], outcome
    folder = grading.feedback_folder(course, submission, "ana", WEEK)
    assert not folder.exists()  # the verdict is out before its page
    grading.write_feedback(str(course), [job])
    assert (folder / NOTEBOOK.replace(".ipynb", ".html")).is_file()


def test_a_page_a_kill_left_unwritten_is_written_on_the_next_start(tmp_path):
    course = make_course(tmp_path)
    ana = add_token(course, "ana")
    page = "/api/submissions/{}/feedback"
    with start_server(course) as server:
        submission = submit(server, ana, {NOTEBOOK: answered(course)}).json["id"]
        assert wait_graded(server, ana, submission)["status"] == "graded"
        first = call(server, "GET", page.format(submission), token=ana)
        assert first.status == 200, first.body
        server.kill()
    # as a kill between publishing the verdict and writing its page leaves them
    shutil.rmtree(course / "serve" / "feedback" / submission)
    database = course / "serve" / "server.db"
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO feedback_pending (id) VALUES (?)", (submission,))
    with start_server(course) as again:
        # asked at once, while the new grading process still warms up: the request waits
        reply = call(again, "GET", page.format(submission), token=ana)
        assert reply.status == 200, reply.body
        assert pages(reply.body) == pages(first.body)  # the same page, written again
        assert again.stop() == 0, again.output()
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM feedback_pending").fetchone()[0] == 0
