"""The debrief on a synthetic learner: every week released, everything done but a few planted
mistakes, which the mistakes log must list exactly, in a stable order.

The learner's folder holds the released notebooks of all eight weeks, "completed" the way a
saved notebook shows it (answers written, every visible check run and passing); then known
problems are planted across weeks: a failing check, a hint opened, an exercise not
attempted, checks never run, a written answer left blank, and a loop round that ran over its
time box (from the round timer's saved record).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import debrief, notebooks, progress
from autograder.practice import METADATA_KEY, LoopState, Round

ROOT = Path(__file__).resolve().parents[1]
WEEKS = [f"week0{n}" for n in range(1, 9)]

FAILING = ("week01", "sql_fundamentals.ipynb", "largest_team")
HINTED = ("week03", "integrated_coding.ipynb", "sessionize", 2)
NOT_ATTEMPTED = ("week05", "ab_testing.ipynb", "two_proportion_test")
NEVER_CHECKED = ("week06", "experiments_and_roi.ipynb", "csm_vs_trial")
BLANK_WRITTEN = ("week07", "questions_and_resume.ipynb", "star_answer_2")
OVER_ROUND = "4 · Product case"  # payback_month and payback_recommendation

LOOP = [
    Round("1 · Coding", 45, ("month_streaks", "streaming_variance")),
    Round("4 · Product case", 35, ("payback_month", "payback_recommendation")),
]

# (week, exercise, status, hints used), in course order
EXPECTED_LOG = [
    ("week01", "largest_team", "fail", 0),
    ("week03", "sessionize", "pass", 2),
    ("week05", "two_proportion_test", "not attempted", 0),
    ("week06", "csm_vs_trial", "checks not run", 0),
    ("week07", "star_answer_2", "to write (graded by hand)", 0),
    ("week08", "payback_month", "pass", 0),
    ("week08", "payback_recommendation", "written (graded by hand)", 0),
]
EXPECTED_PLAN = [
    ("week01", "largest_team", "the visible checks fail"),
    ("week05", "two_proportion_test", "not attempted yet"),
    ("week06", "csm_vs_trial", "answered, but its checks were never run"),
    ("week07", "star_answer_2", "written answer still to write"),
    ("week03", "sessionize", "passes, but only after 2 hint(s): redo it without them"),
    ("week08", "payback_month", debrief.SLOW[1]),
    ("week08", "payback_recommendation", debrief.SLOW[1]),
]


def _stream(text: str):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _complete(nb) -> None:
    """Every answer written, every visible check run and passing, as a saved notebook shows."""
    for cell in nb.cells:
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("solution"):
            if cell.cell_type == "markdown":
                cell.source = "My written answer."
            else:
                cell.source = "answer = 'written'"
                cell.execution_count, cell.outputs = 1, []
        elif meta.get("grade") and ".check(" in cell.source and cell.cell_type == "code":
            cell.execution_count = 2
            cell.outputs = [_stream("✓ the visible checks pass\n")]


def _cell(nb, grade_id: str):
    return next(c for c in nb.cells if notebooks.nbgrader_meta(c).get("grade_id") == grade_id)


def _visible_cells(nb, exercise: str):
    return [
        c
        for c in nb.cells
        if notebooks.nbgrader_meta(c).get("grade_id", "").startswith(exercise + "_")
        and ".check(" in c.source
    ]


def _edit(folder: Path, week: str, name: str, change) -> None:
    path = folder / week / name
    nb = notebooks.read(path)
    change(nb)
    nbformat.write(nb, path)


def _fail(nb) -> None:
    cell = _visible_cells(nb, FAILING[2])[0]
    cell.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="CheckFailed",
            evalue="missing column(s) manager_id",
            traceback=["✗ LARGEST_TEAM_SQL: missing column(s) manager_id"],
        )
    ]


def _hint(nb) -> None:
    week, _, exercise, number = HINTED
    hint_cell = nbformat.v4.new_code_cell(f"q.{exercise}.hint()", execution_count=3)
    hint_cell.outputs = [_stream(f"Hint {number}/3 for {exercise}: think about the gaps\n")]
    nb.cells.insert(nb.cells.index(_cell(nb, exercise)) + 1, hint_cell)


def _not_attempted(nb) -> None:
    cell = _cell(nb, NOT_ATTEMPTED[2])
    cell.outputs = [
        nbformat.v4.new_output(
            "error", ename="NotImplementedError", evalue="", traceback=["NotImplementedError"]
        )
    ]
    for test in _visible_cells(nb, NOT_ATTEMPTED[2]):
        test.outputs, test.execution_count = [], None


def _never_checked(nb) -> None:
    for test in _visible_cells(nb, NEVER_CHECKED[2]):
        test.outputs, test.execution_count = [], None


def _blank(nb) -> None:
    _cell(nb, BLANK_WRITTEN[2]).source = "YOUR ANSWER HERE"


def _loop_record(nb) -> None:
    """The round timer's saved output: coding inside its box, the product case 5 min over."""
    state = LoopState.of(LOOP)
    state.start("1 · Coding", 0)
    state.done("month_streaks", 1500)
    state.done("streaming_variance", 2400)
    state.finish_round("1 · Coding", 2400)
    state.start(OVER_ROUND, 3000)
    state.done("payback_month", 3000 + 30 * 60)
    state.finish_round(OVER_ROUND, 3000 + 40 * 60)
    timer = next(c for c in nb.cells if c.cell_type == "code" and "RoundTimer(" in c.source)
    timer.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/plain": "Round times recorded"},
            metadata={METADATA_KEY: state.record(3000 + 40 * 60)},
        )
    ]


@pytest.fixture(scope="module")
def learner(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("learner")
    for week in WEEKS:
        shutil.copytree(ROOT / "release" / week, folder / week)
        for path in sorted((folder / week).glob("*.ipynb")):
            _edit(folder, week, path.name, _complete)
    _edit(folder, *FAILING[:2], _fail)
    _edit(folder, *HINTED[:2], _hint)
    _edit(folder, *NOT_ATTEMPTED[:2], _not_attempted)
    _edit(folder, *NEVER_CHECKED[:2], _never_checked)
    _edit(folder, *BLANK_WRITTEN[:2], _blank)
    _edit(folder, "week08", "mock_loop.ipynb", _loop_record)
    return folder


@pytest.fixture(scope="module")
def found(learner):
    paths = progress.find_notebooks([learner])
    assert {p.parent.name for p in paths} == set(WEEKS)
    return debrief.entries(paths, base=learner)


def test_the_log_lists_exactly_the_planted_mistakes_in_course_order(found):
    log = debrief.mistakes_log(found)
    rows = list(log[["week", "exercise", "status", "hints"]].itertuples(index=False, name=None))
    assert rows == EXPECTED_LOG


def test_the_redo_plan_puts_failures_first_then_hints_then_overruns(found):
    plan = debrief.redo_plan(found)
    assert list(plan[["week", "exercise", "why"]].itertuples(index=False, name=None)) == (
        EXPECTED_PLAN
    )
    assert list(plan["priority"]) == sorted(plan["priority"])


def test_the_log_carries_the_message_the_time_and_a_link_back(found, learner):
    log = debrief.mistakes_log(found).set_index("exercise")
    assert "missing column(s) manager_id" in log.loc["largest_team", "message"]
    assert log.loc["payback_month", "seconds"] == 30 * 60
    link = log.loc["largest_team", "link"]
    assert link.startswith("[week01/sql_fundamentals.ipynb") and "(week01/sql_fundamentals" in link
    times = {e.exercise: e.seconds for e in found if e.week == "week08"}
    assert times["month_streaks"] == 1500 and times["streaming_variance"] == 900


def test_the_log_does_not_depend_on_the_order_notebooks_are_given(learner, found):
    paths = progress.find_notebooks([learner])
    random.Random(8).shuffle(paths)
    again = debrief.entries(paths, base=learner)
    assert debrief.mistakes_log(again).equals(debrief.mistakes_log(found))


def test_loop_rounds_report_time_used_and_overrun(learner):
    rounds = debrief.loop_rounds(progress.find_notebooks([learner])).set_index("round")
    assert list(rounds.index) == ["1 · Coding", OVER_ROUND]
    assert rounds.loc[OVER_ROUND, "used_min"] == 40.0
    assert rounds.loc[OVER_ROUND, "over_min"] == 5.0
    assert rounds.loc["1 · Coding", "over_min"] == 0.0
    assert rounds["finished"].all()


def test_a_learner_with_nothing_planted_has_nothing_to_redo(tmp_path):
    shutil.copytree(ROOT / "release" / "week08", tmp_path / "week08")
    _edit(tmp_path, "week08", "mock_loop.ipynb", _complete)
    _edit(tmp_path, "week08", "debrief.ipynb", _complete)
    found = debrief.entries(progress.find_notebooks([tmp_path]), base=tmp_path)
    assert found and debrief.mistakes_log(found).empty
    assert debrief.markdown(found).startswith("**Nothing to redo**")
