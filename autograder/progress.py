"""The learner's progress across weeks: run the visible checks of every notebook found.

Used by ``notebooks/progress.ipynb``; the logic is here, the notebook only calls it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from autograder import notebooks
from autograder.api.check import check
from autograder.checkfile import CHECK_FILE
from autograder.practice import timings_in

STATUS_ORDER = ["pass", "fail", "not attempted"]


def find_notebooks(folders: list[str | Path] | None = None) -> list[Path]:
    """Assignment notebooks in ``folders``: every folder below one that holds a check file.

    By default the working directory, its parent and the home folder are searched two
    levels deep, which finds a course's release/ as well as what nbgrader's fetch wrote
    (``<course id>/<assignment>/``).
    """
    if folders is None:
        here = Path.cwd()
        folders = [here, here.parent, Path.home()]
    found: dict[tuple[str, str], Path] = {}
    for folder in map(Path, folders):
        for pattern in (f"*/{CHECK_FILE}", f"*/*/{CHECK_FILE}"):
            for checks in sorted(folder.glob(pattern)):
                for path in sorted(checks.parent.glob("*.ipynb")):
                    found.setdefault((path.parent.name, path.name), path)
    return [found[key] for key in sorted(found)]


def week_topics(paths: list[Path]) -> dict[str, tuple[str, str]]:
    """(title, topics) per assignment, from the check files beside its notebooks."""
    topics = {}
    for folder in sorted({path.parent for path in paths}):
        try:
            data = json.loads((folder / CHECK_FILE).read_text(encoding="utf-8"))
            topics[folder.name] = (data["title"], data["topics"])
        except (OSError, ValueError, KeyError):
            topics[folder.name] = ("", "")
    return topics


def collect(paths: list[Path], *, timeout: int = 120) -> pd.DataFrame:
    """One row per exercise: week, notebook, exercise, status, points, message, seconds."""
    rows = []
    for path in paths:
        report = check(paths=[path], timeout=timeout)
        times = timings_in(notebooks.read(path)) if not report.errors else {}
        for r in report.results:
            rows.append(
                {
                    "week": path.parent.name,
                    "notebook": r.notebook,
                    "exercise": r.exercise,
                    "status": r.status,
                    "auto": r.auto,
                    "points": r.points,
                    "message": r.message,
                    "seconds": times.get(r.exercise),
                }
            )
        for notebook, why in report.errors:
            rows.append(
                {
                    "week": path.parent.name,
                    "notebook": notebook,
                    "exercise": "-",
                    "status": "could not run",
                    "auto": True,
                    "points": 0,
                    "message": why,
                    "seconds": None,
                }
            )
    columns = ["week", "notebook", "exercise", "status", "auto", "points", "message", "seconds"]
    table = pd.DataFrame(rows, columns=columns)
    table.attrs["topics"] = week_topics(paths)
    return table


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per week: auto-graded exercises by status, and the week's title and topics."""
    auto = results[results["auto"]]
    table = pd.crosstab(auto["week"], auto["status"]).reindex(columns=STATUS_ORDER, fill_value=0)
    topics = results.attrs.get("topics", {})
    table["topics"] = [topics.get(week, ("", ""))[1] for week in table.index]
    table.insert(0, "theme", [topics.get(week, ("", ""))[0] for week in table.index])
    return table


def chart(results: pd.DataFrame):
    """A stacked bar per week: exercises passing, failing and not attempted."""
    import matplotlib.pyplot as plt

    counts = summary(results)[STATUS_ORDER]
    fig, ax = plt.subplots(figsize=(6, 2 + 0.4 * len(counts)))
    counts.plot.barh(stacked=True, ax=ax, color=["#2e7d32", "#c62828", "#bdbdbd"])
    ax.set_xlabel("auto-graded exercises")
    ax.set_ylabel("")
    ax.invert_yaxis()
    ax.set_title("Visible checks by week")
    fig.tight_layout()
    return fig


def dashboard(results: pd.DataFrame):
    """A week picker showing that week's topics and its exercises' status."""
    import ipywidgets as w
    from IPython.display import display

    weeks = sorted(results["week"].unique())
    picker = w.Dropdown(options=weeks, description="Week")
    out = w.Output()

    def show(week: str) -> None:
        out.clear_output()
        theme, topics = results.attrs.get("topics", {}).get(week, ("", ""))
        with out:
            display(w.HTML(f"<b>{week} — {theme}</b><br><i>{topics}</i>"))
            rows = results[results["week"] == week]
            display(rows[["notebook", "exercise", "status", "points", "message", "seconds"]])

    picker.observe(lambda change: show(change["new"]), names="value")
    if weeks:
        show(weeks[0])
    box = w.VBox([picker, out])
    box.add_class("autograder-progress")
    return box
