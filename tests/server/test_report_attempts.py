"""``autograder report`` on a served course: attempts per learner, read from a real server.

Two learners submit week 1's Python notebook twice each through a running server (one
improves, one gets worse); the report's attempts.csv and its Attempts table must hold the
scores the server sent back, and the attempt the gradebook counts.
"""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from autograder import cohort, notebooks
from autograder.api.attempts import Attempt, summarise
from autograder.cli.main import app
from autograder.server.attempts import read_attempts
from tests.keys import COURSE
from tests.server.serving import WEEK, add_token, call, make_course, start_server, wait_graded

pytestmark = pytest.mark.pipeline

NOTEBOOK = "python_fundamentals.ipynb"


def _notebooks(course) -> dict:
    """The right answers and a version with sample_variance wrong, as a learner saves them."""
    released = notebooks.read(course / "release" / WEEK / NOTEBOOK)
    solution = cohort.solutions(notebooks.read(course / "source" / WEEK / NOTEBOOK))
    wrong = {
        **solution,
        "sample_variance": cohort.answer_bank(COURSE, WEEK)["sample_variance"][
            "fail_population_variance"
        ],
    }
    return {
        kind: json.loads(notebooks.dumps(cohort.fill(released, answers)))
        for kind, answers in (("right", solution), ("wrong", wrong))
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> dict:
    course = make_course(tmp_path_factory.mktemp("attempts"))
    tokens = {learner: add_token(course, learner) for learner in ("ana", "ben")}
    answers = _notebooks(course)
    plan = {"ana": ("wrong", "right"), "ben": ("right", "wrong")}
    scores: dict[str, list[float]] = {}
    with start_server(course) as server:
        for learner, kinds in plan.items():
            for kind in kinds:
                reply = call(
                    server,
                    "POST",
                    f"/api/assignments/{WEEK}/submissions",
                    token=tokens[learner],
                    body={"notebooks": {NOTEBOOK: answers[kind]}},
                )
                assert reply.status == 202, reply.body
                final = wait_graded(server, tokens[learner], reply.json["id"])
                assert final["status"] == "graded", final
                scores.setdefault(learner, []).append(final["result"]["score"])
        while_running = read_attempts(course)  # read-only, beside the running server
    return {"course": course, "scores": scores, "while_running": while_running}


@pytest.fixture(scope="module")
def reported(served, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("reports")
    result = CliRunner().invoke(app, ["report", "--root", str(served["course"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "attempts.csv").open() as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return {"output": result.output, "rows": rows, "page": (out / "report.html").read_text()}


def test_the_answers_differ_in_score(served):
    ana, ben = served["scores"]["ana"], served["scores"]["ben"]
    assert ana[0] < ana[1] and ben[0] > ben[1]


def test_attempts_csv_holds_first_best_latest_and_counted(served, reported):
    for learner, (first, latest) in served["scores"].items():
        row = reported["rows"][learner]
        assert row["assignment"] == WEEK
        assert (row["attempts"], row["failed"]) == ("2", "0")
        assert float(row["first_score"]) == first
        assert float(row["latest_score"]) == latest
        assert float(row["best_score"]) == max(first, latest)
        assert float(row["counted_score"]) == latest  # --keep latest, the default
    assert "attempts of 2 learner(s) written to" in reported["output"]


def test_the_report_page_has_the_attempts_table(served, reported):
    page = reported["page"]
    assert "<h2>Attempts</h2>" in page
    ana = served["scores"]["ana"]
    assert (
        f"<tr><td class='name'>ana</td><td>2</td><td>0</td><td>{ana[0]:g}</td>"
        f"<td>{ana[1]:g}</td><td>{ana[1]:g}</td>" in page
    )


def test_attempts_are_read_while_the_server_runs(served):
    running = served["while_running"]
    assert [(a.learner, a.score) for a in running] == [
        (learner, score) for learner, scores in served["scores"].items() for score in scores
    ]
    # each attempt keeps its per-exercise scores: the wrong variance is the one lost
    wrong = next(a for a in running if a.learner == "ana")
    assert wrong.exercises[f"{NOTEBOOK}/sample_variance"] == 0
    assert wrong.exercises[f"{NOTEBOOK}/merge_sorted"] > 0


def test_a_course_never_served_has_no_attempts_and_gets_no_serve_folder(tmp_path):
    assert read_attempts(tmp_path) == []
    assert not (tmp_path / "serve").exists()


def _attempt(learner, at, score, *, status="graded", counted=False) -> Attempt:
    return Attempt(learner, WEEK, at, status, score, 13.0 if score is not None else None, counted)


def test_summary_orders_by_time_and_counts_failed_apart():
    attempts = [
        _attempt("ana", "2026-01-01T10:05:00.000000Z", 13.0, counted=True),
        _attempt("ana", "2026-01-01T10:00:00.000000Z", 7.0),
        _attempt("ana", "2026-01-01T10:02:00.000000Z", None, status="failed"),
        _attempt("ana", "2026-01-01T10:03:00.000000Z", 4.0),
    ]
    (summary,) = summarise(attempts)
    assert (summary.attempts, summary.failed) == (3, 1)
    assert (summary.first, summary.best, summary.latest, summary.counted) == (7.0, 13.0, 13.0, 13.0)
    assert summary.first_at.startswith("2026-01-01T10:00")
    assert summarise(attempts, ["week02"]) == []
