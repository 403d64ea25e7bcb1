"""``--keep best``: a worse later attempt is kept as an attempt, the gradebook keeps the best."""

from __future__ import annotations

import csv
import json

import pytest
from serving import (
    NOTEBOOK,
    WEEK,
    add_token,
    answered,
    bank_answer,
    call,
    make_course,
    start_server,
    submit,
    wait_graded,
)

pytestmark = pytest.mark.pipeline


def gradebook_score(course, learner: str) -> float:
    with (course / "grades.csv").open(encoding="utf-8") as handle:
        return sum(
            float(row["score"])
            for row in csv.DictReader(handle)
            if row["student_id"] == learner
            and row["notebook"] == NOTEBOOK.removesuffix(".ipynb")
            and row["needs_manual_grade"] == "False"
        )


def test_keep_best_holds_the_best_attempt(tmp_path):
    course = make_course(tmp_path)
    ana, boss = add_token(course, "ana"), add_token(course, "boss", instructor=True)
    right = answered(course)
    wrong = answered(
        course,
        wrong={"sample_variance": bank_answer("sample_variance", "fail_population_variance")},
    )
    with start_server(course, "--keep", "best") as server:
        first = wait_graded(server, ana, submit(server, ana, {NOTEBOOK: right}).json["id"])
        second = wait_graded(server, ana, submit(server, ana, {NOTEBOOK: wrong}).json["id"])
        assert (first["result"]["score"], second["result"]["score"]) == (13.0, 10.0)
        attempts = call(server, "GET", f"/api/assignments/{WEEK}/attempts", token=boss).json
        assert [(a["score"], a["counted"]) for a in attempts["attempts"]] == [
            (13.0, True),
            (10.0, False),
        ]
        held = course / "submitted" / "ana" / WEEK / NOTEBOOK
        assert json.loads(held.read_text("utf-8")) == right
        assert gradebook_score(course, "ana") == 13.0
        assert server.stop() == 0, server.output()
