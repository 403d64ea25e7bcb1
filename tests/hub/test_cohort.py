"""A cohort on a real JupyterHub: deploy/jupyterhub_config.py, the course server as its service.

JupyterHub (pip), the pip configurable-http-proxy, the DummyAuthenticator and the config's
SimpleLocalProcessSpawner run on free loopback ports in a temporary folder. Users and their
Hub tokens are made over the Hub's REST API; every request below goes through the Hub's proxy.
The instructor (the `instructors` group) releases week01 from Formgrader in her own
single-user server (nbgrader's release through the HTTP exchange, with that server's Hub
token). Ann works in her own single-user
server: nbgrader's Assignments-tab endpoints of that server fetch and submit her right answers
through the HTTP exchange, which uses the server's own $JUPYTERHUB_API_TOKEN. Bob submits a
wrong answer with his Hub token straight to the course server. Both read hidden-test
verdicts and feedback; Bob cannot reach Ann's work; the instructor grades Ann's written
answer in Formgrader, collects, releases feedback and exports grades.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from urllib.parse import urlencode

import pytest

from tests.hub.hubbing import INSTRUCTOR, Hub, missing_programs
from tests.server.serving import NOTEBOOK, WEEK, answered, bank_answer, make_course
from tests.server.test_exchange_http import (
    COURSE_ID,
    hidden_test_lines,
    solution_points,
    visible_text,
)

pytestmark = pytest.mark.pipeline

API = "/services/course/api"
SQL_NOTEBOOK = "sql_fundamentals.ipynb"
WRITTEN = "merge_sorted_complexity"  # a written answer of week01's python notebook, 2 points
FORMGRADER = f"/user/{INSTRUCTOR}/formgrader/api"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    missing = missing_programs()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"JupyterHub or its proxy is missing under CI: {missing}")
        pytest.skip(f"JupyterHub or its proxy is missing: {missing}")
    folder = tmp_path_factory.mktemp("hub")
    course = make_course(folder)
    running = Hub(course, folder)
    try:
        yield running
    finally:
        running.stop()


def wait_graded(hub: Hub, token: str, submission: str) -> dict:
    for _ in range(10):
        reply = hub.call("GET", f"{API}/submissions/{submission}?wait=60", token=token)
        assert reply.status == 200, reply.body
        if reply.json["status"] in ("graded", "failed"):
            return reply.json
    raise AssertionError(f"{submission} was not graded: {reply.json}")


def tab(hub: Hub, user: str, token: str, action: str | None = None) -> dict:
    """nbgrader's Assignments tab, as JupyterLab calls it in the user's own server."""
    query = {"course_id": COURSE_ID}
    if action is None:
        reply = hub.call("GET", f"/user/{user}/assignments?{urlencode(query)}", token=token)
    else:
        query["assignment_id"] = WEEK
        reply = hub.call(
            "POST", f"/user/{user}/assignments/{action}?{urlencode(query)}", token=token
        )
    assert reply.status == 200, reply.body
    answer = reply.json
    assert answer["success"], answer
    return answer


@pytest.fixture(scope="module")
def cohort(hub):
    out = {"tokens": {name: hub.add_user(name) for name in (INSTRUCTOR, "ann", "bob")}}
    teacher, ann, bob = (out["tokens"][n] for n in (INSTRUCTOR, "ann", "bob"))
    out["whoami"] = {
        name: hub.call("GET", f"{API}/whoami", token=token).json
        for name, token in out["tokens"].items()
    }
    out["before_release"] = hub.call("GET", f"{API}/assignments", token=bob).json
    hub.start_server(INSTRUCTOR)
    out["release"] = hub.call("POST", f"{FORMGRADER}/assignment/{WEEK}/release", token=teacher)
    out["after_release"] = hub.call("GET", f"{API}/assignments", token=bob).json

    # Ann, in her JupyterLab: the Assignments tab fetches, she answers, the tab submits
    hub.start_server("ann")
    home = hub.folder / "state" / "home" / "ann"
    out["tab_list"] = tab(hub, "ann", ann)
    tab(hub, "ann", ann, "fetch")
    out["fetched"] = sorted(p.name for p in (home / WEEK).glob("*.ipynb"))
    for name in (NOTEBOOK, SQL_NOTEBOOK):
        text = json.dumps(answered(hub.course, name))
        (home / WEEK / name).write_text(text, encoding="utf-8")
    started = time.monotonic()
    tab(hub, "ann", ann, "submit")
    out["tab_submit_seconds"] = time.monotonic() - started

    # Bob, with his Hub token, straight to the course server: a wrong sample variance
    wrong = {"sample_variance": bank_answer("sample_variance", "fail_population_variance")}
    reply = hub.call(
        "POST",
        f"{API}/assignments/{WEEK}/submissions",
        token=bob,
        body={"notebooks": {NOTEBOOK: answered(hub.course, wrong=wrong)}},
    )
    assert reply.status == 202, reply.body
    out["bob"] = wait_graded(hub, bob, reply.json["id"])
    mine = hub.call("GET", f"{API}/submissions?assignment={WEEK}", token=ann).json
    assert len(mine["submissions"]) == 1, mine
    out["ann"] = wait_graded(hub, ann, mine["submissions"][0]["id"])
    out["feedback"] = {
        name: hub.call("GET", f"{API}/submissions/{out[name]['id']}/feedback", token=token)
        for name, token in (("ann", ann), ("bob", bob))
    }
    tab(hub, "ann", ann, "fetch_feedback")
    out["ann_feedback_files"] = sorted(p.name for p in (home / WEEK / "feedback").glob("*/*"))

    # the instructor: a written answer graded in Formgrader, collect, attempts, feedback
    # released, grades exported
    path = f"{FORMGRADER}/submitted_notebooks/{WEEK}/{NOTEBOOK.removesuffix('.ipynb')}"
    submitted = hub.call("GET", path, token=teacher).json
    anns = next(n for n in submitted if n["student"] == "ann")
    grades = hub.call("GET", f"{FORMGRADER}/grades?submission_id={anns['id']}", token=teacher)
    written = next(g for g in grades.json if g["name"] == WRITTEN)
    out["written_before"] = written
    out["graded_written"] = hub.call(
        "PUT", f"{FORMGRADER}/grade/{written['id']}", token=teacher, body={"manual_score": 2}
    )
    out["collect"] = hub.call("GET", f"{API}/assignments/{WEEK}/collect", token=teacher)
    out["attempts"] = hub.call("GET", f"{API}/assignments/{WEEK}/attempts", token=teacher)
    out["release_feedback"] = hub.call(
        "POST", f"{API}/assignments/{WEEK}/feedback/release", token=teacher
    )
    export = hub.folder / "grades.csv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "AUTOGRADER_"))}
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "export", "--to", str(export)],
        cwd=hub.course,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    with export.open(encoding="utf-8") as handle:
        out["export"] = {
            row["student_id"]: row for row in csv.DictReader(handle) if row["assignment"] == WEEK
        }
    return out


def test_the_hub_says_who_is_who(cohort):
    assert cohort["whoami"][INSTRUCTOR] == {
        "learner": INSTRUCTOR,
        "instructor": True,
        "course": COURSE_ID,
    }
    for learner in ("ann", "bob"):
        assert cohort["whoami"][learner]["learner"] == learner
        assert cohort["whoami"][learner]["instructor"] is False


def test_the_instructor_releases_week01_from_formgrader(cohort):
    assert cohort["before_release"] == {"assignments": []}
    assert cohort["release"].status == 200, cohort["release"].body
    assert cohort["release"].json["success"], cohort["release"].json
    assert [a["id"] for a in cohort["after_release"]["assignments"]] == [WEEK]


def test_ann_fetches_and_submits_from_her_assignments_tab(cohort):
    listed = cohort["tab_list"]["value"]
    assert [(a["assignment_id"], a["status"]) for a in listed] == [(WEEK, "released")]
    assert cohort["fetched"] == [NOTEBOOK, SQL_NOTEBOOK]
    assert cohort["ann"]["learner"] == "ann"


def test_right_answers_get_full_marks_with_hidden_verdicts(cohort):
    result = cohort["ann"]["result"]
    assert cohort["ann"]["status"] == "graded"
    assert result["score"] == result["max_score"] == solution_points()
    checks = [c for n in result["notebooks"] for e in n["exercises"] for c in e["checks"]]
    assert {c["kind"] for c in checks} == {"visible", "hidden"}
    assert all(c["passed"] for c in checks)


def test_a_wrong_answer_loses_points_and_the_hidden_verdict_says_why(cohort):
    result = cohort["bob"]["result"]
    exercises = {e["exercise"]: e for e in result["notebooks"][0]["exercises"]}
    hidden = [c for c in exercises["sample_variance"]["checks"] if c["kind"] == "hidden"]
    assert exercises["sample_variance"]["score"] == 0.0
    assert hidden and not hidden[0]["passed"] and "divided by n" in hidden[0]["message"]
    assert result["score"] == 10.0 and result["max_score"] == 13.0


def test_feedback_is_read_and_leaks_no_hidden_test(cohort):
    secret_lines = hidden_test_lines()
    for learner, reply in cohort["feedback"].items():
        assert reply.status == 200, reply.body
        with zipfile.ZipFile(io.BytesIO(reply.body)) as archive:
            pages = {name: archive.read(name).decode() for name in archive.namelist()}
        assert NOTEBOOK.replace(".ipynb", ".html") in pages
        for page in pages.values():
            text = visible_text(page)
            assert not [line for line in secret_lines if line in text], learner
    assert cohort["ann_feedback_files"] == ["python_fundamentals.html", "sql_fundamentals.html"]


def test_bob_cannot_reach_anns_work(hub, cohort):
    bob, ann_id = cohort["tokens"]["bob"], cohort["ann"]["id"]
    assert hub.call("GET", f"{API}/submissions/{ann_id}", token=bob).status == 404
    assert hub.call("GET", f"{API}/submissions/{ann_id}/feedback", token=bob).status == 404
    own = hub.call("GET", f"{API}/submissions", token=bob).json["submissions"]
    assert {s["learner"] for s in own} == {"bob"}
    assert hub.call("GET", f"{API}/assignments/{WEEK}/collect", token=bob).status == 403
    assert hub.call("GET", f"{API}/assignments/{WEEK}/attempts", token=bob).status == 403
    assert hub.call("POST", f"{API}/assignments/{WEEK}/release", token=bob).status == 403
    # nor Ann's single-user server (her files, her exchange): the Hub refuses him
    reply = hub.call("GET", "/user/ann/api/contents", token=bob)
    assert reply.status in (403, 404), reply.status


def test_file_system_isolation_is_what_docs_jupyterhub_md_says(hub, cohort):
    """SimpleLocalProcessSpawner: own folders, one Unix user. If the spawner changes, so must
    the isolation section of docs/jupyterhub.md."""
    ann = cohort["tokens"]["ann"]
    homes = hub.folder / "state" / "home"
    # JupyterLab's file browser (the contents API) stays inside her own folder
    listed = hub.call("GET", "/user/ann/api/contents", token=ann).json
    assert WEEK in {item["name"] for item in listed["content"]}
    assert (homes / INSTRUCTOR / ".jupyter").is_dir()  # a neighbour's folder that exists...
    outside = hub.call("GET", f"/user/ann/api/contents/..%2F{INSTRUCTOR}", token=ann)
    assert outside.status in (400, 403, 404), outside.status
    # but it is not an operating-system boundary: every folder belongs to the Hub's user
    owners = {path.stat().st_uid for path in (homes / "ann", homes / INSTRUCTOR, hub.course)}
    assert owners == {os.getuid()}


def test_no_hub_token_or_one_without_the_service_scope_is_refused(hub, cohort):
    assert hub.call("GET", f"{API}/submissions", token=None).status == 401
    assert hub.call("GET", f"{API}/submissions", token="not-a-hub-token").status == 401
    narrow = hub.add_user("bob", scopes=["read:users:name!user=bob"])
    reply = hub.call("GET", f"{API}/submissions", token=narrow)
    assert reply.status == 403 and "may not use the service" in reply.json["error"]


def test_the_instructor_grades_a_written_answer_in_formgrader(cohort):
    assert cohort["written_before"]["needs_manual_grade"] is True
    assert cohort["written_before"]["max_score"] == 2
    assert cohort["graded_written"].status == 200, cohort["graded_written"].body
    assert cohort["graded_written"].json["manual_score"] == 2


def test_the_instructor_collects_and_exports(cohort):
    assert cohort["collect"].status == 200
    with zipfile.ZipFile(io.BytesIO(cohort["collect"].body)) as archive:
        names = archive.namelist()
    assert f"ann/{WEEK}/{NOTEBOOK}" in names and f"ann/{WEEK}/{SQL_NOTEBOOK}" in names
    assert f"bob/{WEEK}/{NOTEBOOK}" in names
    attempts = cohort["attempts"].json["attempts"]
    assert sorted(a["learner"] for a in attempts) == ["ann", "bob"]
    assert cohort["release_feedback"].status == 200
    rows = cohort["export"]
    assert sorted(rows) == ["ann", "bob"]
    assert float(rows["ann"]["raw_score"]) == solution_points() + 2  # the written answer
    assert float(rows["bob"]["raw_score"]) == 10.0
