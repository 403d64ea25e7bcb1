"""Bad requests to a real server: each gets its status and one sentence, and stores nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from serving import (
    NOTEBOOK,
    WEEK,
    add_token,
    answered,
    autograder,
    call,
    make_course,
    start_server,
    submit,
    wait_graded,
)

pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("requests"))
    tokens = {
        "ana": add_token(course, "ana"),
        "ben": add_token(course, "ben"),
        "boss": add_token(course, "boss", instructor=True),
        "gone": add_token(course, "gone"),
    }
    autograder("token", "revoke", "gone", "--root", str(course))
    server = start_server(course, "--max-per-hour", "1", "--max-body-mb", "1")
    yield {"course": course, "server": server, "tokens": tokens}
    assert server.stop() == 0, server.output()


def stored(course: Path) -> tuple:
    """Everything a request could leave behind: inbox folders and submission rows."""
    inbox = course / "serve" / "inbox"
    folders = sorted(p.name for p in inbox.iterdir()) if inbox.is_dir() else []
    with sqlite3.connect(course / "serve" / "server.db") as db:
        rows = db.execute("SELECT id FROM submissions ORDER BY id").fetchall()
    return folders, rows


def refused(served, status: int, method: str, path: str, **request) -> dict:
    before = stored(served["course"])
    reply = call(served["server"], method, path, **request)
    assert reply.status == status, reply.body
    error = reply.json["error"]
    assert isinstance(error, str) and error
    assert "\n" not in error and len(error) < 300, error
    assert stored(served["course"]) == before
    return reply.json


def good_body(course: Path) -> dict:
    return {"notebooks": {NOTEBOOK: answered(course)}}


def test_tokens_are_stored_hashed(served):
    with sqlite3.connect(served["course"] / "serve" / "server.db") as db:
        kept = " ".join(str(value) for row in db.execute("SELECT * FROM tokens") for value in row)
    for token in served["tokens"].values():
        assert len(token) >= 32 and token not in kept


def test_whoami(served):
    reply = call(served["server"], "GET", "/api/whoami", token=served["tokens"]["ana"])
    assert reply.json == {"learner": "ana", "instructor": False, "course": "ds-interview-loop"}
    reply = call(served["server"], "GET", f"/api/whoami?token={served['tokens']['boss']}")
    assert reply.json == {"learner": "boss", "instructor": True, "course": "ds-interview-loop"}


@pytest.mark.parametrize("token", [None, "not-a-token", "revoked"])
def test_a_missing_wrong_or_revoked_token_is_401(served, token):
    token = served["tokens"]["gone"] if token == "revoked" else token
    path = f"/api/assignments/{WEEK}/submissions"
    body = good_body(served["course"])
    error = refused(served, 401, "POST", path, token=token, body=body)["error"]
    assert "token" in error
    refused(served, 401, "GET", "/api/assignments", token=token)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"/api/assignments/{WEEK}/release"),
        ("GET", f"/api/assignments/{WEEK}/collect"),
        ("POST", f"/api/assignments/{WEEK}/feedback/release"),
        ("GET", f"/api/assignments/{WEEK}/attempts"),
    ],
)
def test_a_learner_calling_an_instructor_endpoint_is_403(served, method, path):
    refused(served, 403, method, path, token=served["tokens"]["ana"])


def test_an_unknown_assignment_or_submission_is_404(served):
    ana = served["tokens"]["ana"]
    body = good_body(served["course"])
    for assignment in ("week99", "..", "week01%2F..%2Fsecret"):
        path = f"/api/assignments/{assignment}/submissions"
        refused(served, 404, "POST", path, token=ana, body=body)
        refused(served, 404, "GET", f"/api/assignments/{assignment}/files", token=ana)
    refused(served, 404, "GET", "/api/submissions/" + "0" * 32, token=ana)
    refused(served, 404, "GET", "/api/submissions/nonsense/feedback", token=ana)
    refused(served, 404, "GET", "/api/no/such/endpoint", token=ana)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "notebooks"),
        (json.dumps({"notebooks": {}}).encode(), "notebooks"),
        (json.dumps({"notebooks": {"other.ipynb": {"cells": []}}}).encode(), "not a notebook of"),
        (json.dumps({"notebooks": {NOTEBOOK: "print(1)"}}).encode(), "is not a notebook"),
        (json.dumps({"notebooks": {NOTEBOOK: {"no": "cells"}}}).encode(), "is not a notebook"),
    ],
)
def test_a_malformed_body_is_400(served, data, why):
    path = f"/api/assignments/{WEEK}/submissions"
    error = refused(served, 400, "POST", path, token=served["tokens"]["ana"], data=data)["error"]
    assert why in error


def test_a_body_over_the_limit_is_413(served):
    body = good_body(served["course"])
    body["notebooks"][NOTEBOOK]["metadata"]["padding"] = "x" * (1024 * 1024 + 10)
    path = f"/api/assignments/{WEEK}/submissions"
    error = refused(served, 413, "POST", path, token=served["tokens"]["ana"], body=body)["error"]
    assert "limit" in error


def test_over_the_hourly_limit_is_429_with_when_to_retry(served):
    """--max-per-hour 1: ben's first submission is accepted, his second refused; ana's not."""
    server, course, ben = served["server"], served["course"], served["tokens"]["ben"]
    first = submit(server, ben, good_body(course)["notebooks"])
    assert first.status == 202, first.body
    body = refused(
        served,
        429,
        "POST",
        f"/api/assignments/{WEEK}/submissions",
        token=ben,
        body=good_body(course),
    )
    reply = call(
        server, "POST", f"/api/assignments/{WEEK}/submissions", token=ben, body=good_body(course)
    )
    assert 0 < body["retry_after"] <= 3600
    assert int(reply.headers["Retry-After"]) == reply.json["retry_after"]
    assert "try again" in body["error"]
    graded = wait_graded(server, ben, first.json["id"])
    assert graded["status"] == "graded", graded
    assert graded["result"]["score"] == graded["result"]["max_score"] == 13.0


def test_the_server_survives_every_bad_request(served):
    reply = call(served["server"], "GET", "/api/assignments", token=served["tokens"]["ana"])
    assert reply.status == 200
    assert reply.json == {
        "assignments": [
            {"id": WEEK, "notebooks": ["python_fundamentals.ipynb", "sql_fundamentals.ipynb"]}
        ]
    }


def test_serve_hub_outside_a_hub_says_what_it_needs(tmp_path):
    course = make_course(tmp_path)
    done = autograder("serve", "--hub", "--root", str(course), "--port", "1", check=False)
    assert done.returncode != 0
    assert "--hub needs JUPYTERHUB_API_TOKEN and JUPYTERHUB_API_URL" in done.stdout + done.stderr


def test_in_a_learners_single_user_server_it_keeps_its_own_tokens(tmp_path, monkeypatch):
    """A single-user server's environment has Hub variables but no service name."""
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "the-servers-hub-token")
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:1/hub/api")
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ana/")
    monkeypatch.delenv("JUPYTERHUB_SERVICE_NAME", raising=False)
    course = make_course(tmp_path)
    token = add_token(course, "ana")
    with start_server(course) as server:
        reply = call(server, "GET", "/api/whoami", token=token)
    assert reply.status == 200 and reply.json["learner"] == "ana"
