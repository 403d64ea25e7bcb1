"""A server killed right after accepting a submission loses nothing and grades it once."""

from __future__ import annotations

import sqlite3

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

pytestmark = pytest.mark.pipeline


def rows(course):
    with sqlite3.connect(course / "serve" / "server.db") as db:
        return db.execute("SELECT id, status, graded_at FROM submissions").fetchall()


def test_a_submission_survives_sigkill_and_is_graded_once(tmp_path):
    course = make_course(tmp_path)
    ana = add_token(course, "ana")
    server = start_server(course)
    reply = submit(server, ana, {NOTEBOOK: answered(course)})
    assert reply.status == 202, reply.body
    server.kill()  # SIGKILL to the server and its grading processes
    submission = reply.json["id"]
    assert (course / "serve" / "inbox" / submission / NOTEBOOK).is_file()
    assert [(r[0], r[1]) for r in rows(course)] in (
        [(submission, "queued")],
        [(submission, "grading")],
    )
    with start_server(course) as again:
        graded = wait_graded(again, ana, submission)
        assert graded["status"] == "graded" and graded["result"]["score"] == 13.0
        listed = call(again, "GET", f"/api/submissions?assignment={WEEK}", token=ana).json
        assert [s["id"] for s in listed["submissions"]] == [submission]
        assert again.stop() == 0, again.output()
    recorded = rows(course)
    with start_server(course) as third:  # a clean restart grades nothing again
        assert call(third, "GET", f"/api/submissions/{submission}", token=ana).json == graded
        assert third.stop() == 0
    assert rows(course) == recorded and recorded[0][1] == "graded"
    assert "graded 1 submission" not in third.output()
