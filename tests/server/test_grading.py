"""Submissions graded by a real server: the verdicts `autograder grade` gives, nothing leaked,
each learner sees only their own, and the instructor gets the gradebook and the attempts."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from serving import (
    NOTEBOOK,
    WEEK,
    add_token,
    answered,
    autograder,
    bank_answer,
    call,
    make_course,
    start_server,
    submit,
    wait_graded,
)

from autograder import notebooks
from tests.security.test_learner_install import find_leaks, secrets

pytestmark = pytest.mark.pipeline

SQL_NOTEBOOK = "sql_fundamentals.ipynb"


def hand_ins(course: Path) -> dict[str, dict[str, dict]]:
    """ana: every answer right, both notebooks; ben: a wrong sample_variance, one notebook."""
    wrong = {"sample_variance": bank_answer("sample_variance", "fail_population_variance")}
    return {
        "ana": {NOTEBOOK: answered(course), SQL_NOTEBOOK: answered(course, SQL_NOTEBOOK)},
        "ben": {NOTEBOOK: answered(course, wrong=wrong)},
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("grading"))
    tokens = {name: add_token(course, name) for name in ("ana", "ben")}
    tokens["boss"] = add_token(course, "boss", instructor=True)
    server = start_server(course)
    graded = {}
    for learner, files in hand_ins(course).items():
        reply = submit(server, tokens[learner], files)
        assert reply.status == 202, reply.body
        assert reply.json["status"] == "queued"
        graded[learner] = reply.json["id"]
    for learner, submission in graded.items():
        graded[learner] = wait_graded(server, tokens[learner], submission)
    yield {"course": course, "server": server, "tokens": tokens, "graded": graded}
    assert server.stop() == 0, server.output()


@pytest.fixture(scope="module")
def direct(tmp_path_factory, served) -> Path:
    """The same notebooks handed in to another copy of the course and graded by the CLI."""
    course = make_course(tmp_path_factory.mktemp("direct"))
    for learner, files in hand_ins(course).items():
        folder = course / "submitted" / learner / WEEK
        folder.mkdir(parents=True)
        for name, notebook in files.items():
            (folder / name).write_text(json.dumps(notebook), encoding="utf-8")
    autograder("grade", WEEK, "--root", str(course))
    return course


def test_a_right_notebook_gets_full_marks_with_hidden_lines(served):
    result = served["graded"]["ana"]["result"]
    assert served["graded"]["ana"]["status"] == "graded"
    assert served["graded"]["ana"]["error"] is None
    python = next(n for n in result["notebooks"] if n["notebook"] == NOTEBOOK)
    assert python["score"] == python["max_score"] == 13.0
    kinds = {check["kind"] for e in python["exercises"] for check in e["checks"]}
    assert kinds == {"visible", "hidden"}
    for exercise in python["exercises"]:
        for check in exercise["checks"]:
            assert check["passed"] and check["message"].startswith("✓"), check
    assert [n["notebook"] for n in result["notebooks"]] == [NOTEBOOK, SQL_NOTEBOOK]
    assert result["score"] == result["max_score"] > 13.0


def test_a_wrong_notebook_loses_points_with_the_hidden_verdict(served):
    result = served["graded"]["ben"]["result"]
    assert [n["notebook"] for n in result["notebooks"]] == [NOTEBOOK]
    exercises = {e["exercise"]: e for e in result["notebooks"][0]["exercises"]}
    variance = exercises["sample_variance"]
    assert variance["score"] == 0.0 and variance["max_score"] == 3.0
    hidden = [c for c in variance["checks"] if c["kind"] == "hidden"]
    assert hidden and not hidden[0]["passed"]
    assert "divided by n" in hidden[0]["message"], hidden
    others = [e for name, e in exercises.items() if name != "sample_variance"]
    assert all(e["score"] == e["max_score"] for e in others)
    assert result["score"] == 10.0 and result["max_score"] == 13.0


def independent_verdicts(path: Path) -> list[tuple[str, bool, str]]:
    """(grade id, passed, line) of each test cell, read straight from an autograded notebook."""
    found = []
    for cell in notebooks.read(path).cells:
        meta = notebooks.nbgrader_meta(cell)
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors:
            found.append((meta["grade_id"], False, errors[0].evalue))
        else:
            text = "".join(o.get("text", "") for o in cell.outputs)
            found.append((meta["grade_id"], True, text.strip()))
    return found


def grades_csv(course: Path) -> list[dict]:
    with (course / "grades.csv").open(encoding="utf-8") as handle:
        return sorted(csv.DictReader(handle), key=lambda row: tuple(row.values()))


def test_verdicts_and_gradebook_equal_autograder_grade(served, direct):
    for learner, submission in served["graded"].items():
        for notebook in submission["result"]["notebooks"]:
            lines = independent_verdicts(
                direct / "autograded" / learner / WEEK / notebook["notebook"]
            )
            served_lines = [
                (check["passed"], check["message"])
                for exercise in notebook["exercises"]
                for check in exercise["checks"]
            ]
            assert sorted(served_lines) == sorted((ok, line) for _, ok, line in lines)
    assert grades_csv(served["course"]) == grades_csv(direct)
    for learner in served["graded"]:
        for path in sorted((direct / "submitted" / learner / WEEK).glob("*.ipynb")):
            mine = served["course"] / "submitted" / learner / WEEK / path.name
            assert json.loads(mine.read_text("utf-8")) == json.loads(path.read_text("utf-8"))
        assert (served["course"] / "submitted" / learner / WEEK / "timestamp.txt").is_file()


def unzip(data: bytes, folder: Path) -> list[Path]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_feedback_and_verdicts_leak_no_hidden_data(served, tmp_path):
    files = []
    for learner, submission in served["graded"].items():
        reply = call(
            served["server"],
            "GET",
            f"/api/submissions/{submission['id']}/feedback",
            token=served["tokens"][learner],
        )
        assert reply.status == 200 and reply.headers["Content-Type"] == "application/zip"
        html = unzip(reply.body, tmp_path / learner)
        names = {p.name for p in html}
        assert {
            n["notebook"].replace(".ipynb", ".html") for n in submission["result"]["notebooks"]
        } <= names
        assert all(name.endswith(".html") for name in names), names
        files += html
        verdicts = tmp_path / f"{learner}-result.txt"  # not .json: seeds are looked for
        verdicts.write_text(json.dumps(submission, ensure_ascii=False), encoding="utf-8")
        files.append(verdicts)
    text = (tmp_path / "ben" / "python_fundamentals.html").read_text(encoding="utf-8")
    assert "divided by n" in text  # the feedback shows the hidden verdict line...
    assert find_leaks(files, secrets()) == []  # ...and nothing of the key


def test_a_learner_cannot_see_another_learners_submission(served):
    server, tokens, ana = served["server"], served["tokens"], served["graded"]["ana"]["id"]
    for path in (f"/api/submissions/{ana}", f"/api/submissions/{ana}/feedback"):
        reply = call(server, "GET", path, token=tokens["ben"])
        assert reply.status == 404, reply.body
        assert "ana" not in reply.body.decode() and ana in reply.json["error"]
        assert call(server, "GET", path, token=tokens["ana"]).status == 200
    listed = call(server, "GET", f"/api/submissions?assignment={WEEK}", token=tokens["ben"])
    assert [s["learner"] for s in listed.json["submissions"]] == ["ben"]


def test_the_instructor_sees_every_attempt_and_collects_the_gradebooks_attempt(served):
    server, boss = served["server"], served["tokens"]["boss"]
    attempts = call(server, "GET", f"/api/assignments/{WEEK}/attempts", token=boss).json
    assert sorted((a["learner"], a["counted"], a["score"]) for a in attempts["attempts"]) == [
        ("ana", True, served["graded"]["ana"]["result"]["score"]),
        ("ben", True, 10.0),
    ]
    ben = next(a for a in attempts["attempts"] if a["learner"] == "ben")
    assert {
        "notebook": NOTEBOOK,
        "exercise": "sample_variance",
        "score": 0.0,
        "max_score": 3.0,
    } in ben["exercises"]
    reply = call(server, "GET", f"/api/assignments/{WEEK}/collect", token=boss)
    names = zipfile.ZipFile(io.BytesIO(reply.body)).namelist()
    assert sorted(names) == [
        f"ana/{WEEK}/{NOTEBOOK}",
        f"ana/{WEEK}/{SQL_NOTEBOOK}",
        f"ana/{WEEK}/timestamp.txt",
        f"ben/{WEEK}/{NOTEBOOK}",
        f"ben/{WEEK}/timestamp.txt",
    ]


def test_released_feedback_is_the_instructors(served, tmp_path):
    server, boss, ben = served["server"], served["tokens"]["boss"], served["tokens"]["ben"]
    submission = served["graded"]["ben"]["id"]
    autograder("feedback", WEEK, "--root", str(served["course"]))
    instructors = served["course"] / "feedback" / "ben" / WEEK / "python_fundamentals.html"
    instructors.write_text(instructors.read_text("utf-8") + "<!-- the instructor's -->", "utf-8")
    before = call(server, "GET", f"/api/submissions/{submission}/feedback", token=ben)
    assert b"the instructor's" not in zipfile.ZipFile(io.BytesIO(before.body)).read(
        "python_fundamentals.html"
    )
    reply = call(server, "POST", f"/api/assignments/{WEEK}/feedback/release", token=boss)
    assert reply.status == 200, reply.body
    after = call(server, "GET", f"/api/submissions/{submission}/feedback", token=ben)
    assert b"the instructor's" in zipfile.ZipFile(io.BytesIO(after.body)).read(
        "python_fundamentals.html"
    )


def test_files_are_the_released_assignment(served):
    reply = call(
        served["server"], "GET", f"/api/assignments/{WEEK}/files", token=served["tokens"]["ana"]
    )
    names = zipfile.ZipFile(io.BytesIO(reply.body)).namelist()
    released = served["course"] / "release" / WEEK
    assert sorted(names) == sorted(
        str(p.relative_to(released)) for p in released.rglob("*") if p.is_file()
    )


def test_released_only_offers_what_the_instructor_released(tmp_path):
    course = make_course(tmp_path)
    ana, boss = add_token(course, "ana"), add_token(course, "boss", instructor=True)
    with start_server(course, "--released-only") as server:
        assert call(server, "GET", "/api/assignments", token=ana).json == {"assignments": []}
        assert call(server, "GET", f"/api/assignments/{WEEK}/files", token=ana).status == 404
        assert call(server, "POST", "/api/assignments/week99/release", token=boss).status == 404
        reply = call(server, "POST", f"/api/assignments/{WEEK}/release", token=boss)
        assert reply.json == {"released": WEEK}
        listed = call(server, "GET", "/api/assignments", token=ana).json["assignments"]
        assert [a["id"] for a in listed] == [WEEK]
        assert call(server, "GET", f"/api/assignments/{WEEK}/files", token=ana).status == 200


def test_an_idle_server_times_the_model_solutions_first_submissions_would_wait_for(tmp_path):
    from autograder.grading.deadline import untimed

    course = make_course(tmp_path)  # released without timing: every notebook untimed
    assert len(untimed(course)) == 2
    server = start_server(course)
    try:
        waited = 0.0
        while untimed(course) and waited < 90:
            time.sleep(0.5)
            waited += 0.5
        assert untimed(course) == [], server.output()
        token = add_token(course, "cy")
        reply = submit(server, token, {NOTEBOOK: answered(course)})
        assert reply.status == 202, reply.body
        verdict = wait_graded(server, token, reply.json["id"])
        assert verdict["status"] == "graded", verdict
    finally:
        assert server.stop() == 0, server.output()
