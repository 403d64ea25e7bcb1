"""A hostile notebook from the attack corpus submitted through a real server."""

from __future__ import annotations

import json

import pytest
from serving import (
    NOTEBOOK,
    add_token,
    answered,
    call,
    make_course,
    start_server,
    submit,
    wait_graded,
)

from tests.security.attacks import corpus, expected_scores

pytestmark = pytest.mark.pipeline
ATTACKS = ("kill_grader", "read_hidden_checks", "write_other_learner")


def scores(submission: dict) -> dict[str, float]:
    (notebook,) = submission["result"]["notebooks"]
    return {e["exercise"]: e["score"] for e in notebook["exercises"]}


@pytest.mark.parametrize("attack_id", ATTACKS)
def test_the_server_survives_and_the_other_learner_is_unaffected(tmp_path, attack_id):
    attack = next(a for a in corpus(network_port=9) if a.id == attack_id)
    course = make_course(tmp_path)
    # the corpus aims at a learner named honest_full
    honest, attacker = add_token(course, "honest_full"), add_token(course, "mallory")
    solution = answered(course)
    with start_server(course) as server:
        first = wait_graded(server, honest, submit(server, honest, {NOTEBOOK: solution}).json["id"])
        kept = {
            p: p.read_bytes()
            for folder in ("submitted", "autograded")
            for p in (course / folder / "honest_full").rglob("*")
            if p.is_file()
        }
        hostile = attack.edit(json.loads(json.dumps(solution)))
        reply = submit(server, attacker, {NOTEBOOK: hostile})
        assert reply.status == 202, reply.body
        graded = wait_graded(server, attacker, reply.json["id"])
        assert graded["status"] == "graded", graded
        assert scores(graded) == {k: float(v) for k, v in expected_scores(attack).items()}
        assert call(server, "GET", "/api/whoami", token=honest).status == 200
        again = call(server, "GET", f"/api/submissions/{first['id']}", token=honest).json
        assert again == first and first["result"]["score"] == 13.0
        for path, content in kept.items():
            assert path.read_bytes() == content, path
        # and the server still grades the next learner's submission
        second = submit(server, honest, {NOTEBOOK: solution})
        assert wait_graded(server, honest, second.json["id"])["result"]["score"] == 13.0
        assert server.stop() == 0, server.output()
