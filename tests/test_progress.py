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
    return pd.DataFrame(
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


def test_find_notebooks_takes_week_folders_in_order_first_folder_wins(tmp_path):
    first, second = tmp_path / "release", tmp_path / "fetched"
    for folder, week, name in [
        (first, "week01", "x.ipynb"),
        (second, "week01", "x.ipynb"),
        (second, "week02", "y.ipynb"),
        (second, "scratch", "z.ipynb"),
    ]:
        (folder / week).mkdir(parents=True, exist_ok=True)
        (folder / week / name).write_text("{}")
    found = progress.find_notebooks([first, second])
    assert found == [first / "week01" / "x.ipynb", second / "week02" / "y.ipynb"]


def test_summary_counts_auto_graded_exercises_and_names_the_topics(results):
    table = progress.summary(results)
    assert table.loc["week01", ["pass", "fail", "not attempted"]].tolist() == [1, 1, 0]
    assert table.loc["week02", "not attempted"] == 1
    assert "logistic regression" in table.loc["week02", "topics"]
    assert table.loc["week01", "theme"] == progress.WEEK_TOPICS["week01"][0]


def test_every_week_of_the_plan_has_topics():
    assert sorted(progress.WEEK_TOPICS) == [f"week{n:02d}" for n in range(1, 9)]


def test_chart_has_a_bar_per_week_and_status(results):
    fig = progress.chart(results)
    bars = fig.axes[0].patches
    assert len(bars) == 2 * len(progress.STATUS_ORDER)


def test_dashboard_offers_each_week(results):
    box = progress.dashboard(results)
    picker = box.children[0]
    assert list(picker.options) == ["week01", "week02"]
