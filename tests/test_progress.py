"""The progress dashboard's pieces, on made-up results (the notebook itself runs under nbval)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from autograder import progress  # noqa: E402


@pytest.fixture
def results() -> pd.DataFrame:
    rows = [
        ("week01", "a", "pass", True),
        ("week01", "b", "fail", True),
        ("week01", "c", "written (graded by hand)", False),
        ("week02", "d", "not attempted", True),
    ]
    table = pd.DataFrame(
        [
            {
                "week": w,
                "notebook": "nb",
                "exercise": e,
                "status": s,
                "auto": a,
                "points": 1,
                "message": "",
                "seconds": None,
            }
            for w, e, s, a in rows
        ]
    )
    table.attrs["topics"] = {
        "week01": ("Fundamentals: SQL and Python", "self-joins and ties"),
        "week02": ("Fundamentals: statistics and ML", "logistic regression from scratch"),
    }
    return table


def test_find_notebooks_takes_folders_with_a_check_file_in_order_first_folder_wins(tmp_path):
    first, second = tmp_path / "release", tmp_path / "fetched"
    for folder, week, name in [
        (first, "week01", "x.ipynb"),
        (second, "week01", "x.ipynb"),
        (second, "week02", "y.ipynb"),
        (second, "scratch", "z.ipynb"),  # no check file: not an assignment
    ]:
        (folder / week).mkdir(parents=True, exist_ok=True)
        (folder / week / name).write_text("{}")
        if week != "scratch":
            (folder / week / "checks.json").write_text('{"title": "T", "topics": "t"}')
    found = progress.find_notebooks([first, second])
    assert found == [first / "week01" / "x.ipynb", second / "week02" / "y.ipynb"]
    assert progress.week_topics(found) == {"week01": ("T", "t"), "week02": ("T", "t")}


def test_summary_counts_auto_graded_exercises_and_names_the_topics(results):
    table = progress.summary(results)
    assert table.loc["week01", ["pass", "fail", "not attempted"]].tolist() == [1, 1, 0]
    assert table.loc["week02", "not attempted"] == 1
    assert "logistic regression" in table.loc["week02", "topics"]
    assert table.loc["week01", "theme"] == "Fundamentals: SQL and Python"


def test_chart_has_a_bar_per_week_and_status(results):
    fig = progress.chart(results)
    bars = fig.axes[0].patches
    assert len(bars) == 2 * len(progress.STATUS_ORDER)


def test_dashboard_offers_each_week(results):
    box = progress.dashboard(results)
    picker = box.children[0]
    assert list(picker.options) == ["week01", "week02"]
