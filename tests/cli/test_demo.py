"""``autograder demo``: the main job runs end to end on the embedded defaults."""

import csv
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autograder.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def demo_run():
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT / "source")  # as the Quickstart runs it: anywhere inside the course
        result = CliRunner().invoke(app, ["demo", "--keep"], terminal_width=200)
    kept = re.search(r"course kept at (\S+)", result.output)
    workdir = Path(kept.group(1)) if kept else None
    rows = []
    if workdir and (workdir / "grades.csv").exists():
        with (workdir / "grades.csv").open() as handle:
            rows = list(csv.DictReader(handle))
    yield result, rows
    if workdir:
        shutil.rmtree(workdir, ignore_errors=True)


def auto_total(rows, learner, auto_exercises):
    return sum(
        float(r["score"])
        for r in rows
        if r["student_id"] == learner and r["exercise"] in auto_exercises
    )


def test_demo_exits_cleanly_and_prints_the_gradebook(demo_run):
    result, _ = demo_run
    assert result.exit_code == 0, result.output
    for learner in ("ada_full", "ben_partial", "cy_blank", "dee_wrong"):
        assert learner in result.output
    assert "could not grade" not in result.output and "total" in result.output


def test_demo_scores_follow_the_cohort_design(demo_run):
    _, rows = demo_run
    ada = [r for r in rows if r["student_id"] == "ada_full"]
    auto = {r["exercise"] for r in ada if r["needs_manual_grade"] == "False"}
    short = [
        f"{r['exercise']} {r['score']}/{r['max_score']}"
        for r in ada
        if r["exercise"] in auto and float(r["score"]) != float(r["max_score"])
    ]
    assert auto and not short, f"model answers short of full marks: {short}"
    full, partial, blank, wrong = (
        auto_total(rows, name, auto)
        for name in ("ada_full", "ben_partial", "cy_blank", "dee_wrong")
    )
    assert full > partial > blank == 0
    assert wrong < full / 2
