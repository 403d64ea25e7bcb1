"""The learner's progress across weeks: run the visible checks of every notebook found.

Used by ``notebooks/progress.ipynb``; the logic is here, the notebook only calls it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from autograder import notebooks
from autograder.api.check import check
from autograder.course import find_course_root
from autograder.practice import timings_in

COURSE_ID = "ds-interview-loop"  # the folder nbgrader's fetch puts assignments in

# What each week of the 8-week plan covers (CURRICULUM.md), in a few words each.
WEEK_TOPICS = {
    "week01": (
        "Fundamentals: SQL and Python",
        "self-joins and ties, monthly reports, window functions, variance by hand, merging sorted lists, pandas and numpy",
    ),
    "week02": (
        "Fundamentals: statistics and ML",
        "binomial test and p-values, Bayes, maximum likelihood, bootstrap, bias and variance, logistic regression from scratch",
    ),
    "week03": (
        "Technical application",
        "revenue growth, cohort retention, funnels, de-duplication, dates, CASE aggregations, string and hashmap problems, timed SQL",
    ),
    "week04": (
        "Case and ML modelling",
        "churn features from SQL, class imbalance, choosing a metric, random forest vs logistic regression, boosting",
    ),
    "week05": (
        "Business context and metrics",
        "North Star and metric trees, leading vs lagging metrics, A/B test sizing, difference-in-differences",
    ),
    "week06": (
        "Case studies",
        "stratified samples, entity resolution, search recall, ROI of a customer-success manager, structured write-ups",
    ),
    "week07": (
        "Behavioural",
        "a STAR story bank against the Leadership Principles, sharper résumé bullets",
    ),
    "week08": ("Full interview loop", "a timed mock loop across every round, then a self-debrief"),
}
STATUS_ORDER = ["pass", "fail", "not attempted"]


def find_notebooks(folders: list[str | Path] | None = None) -> list[Path]:
    """Week notebooks in ``folders`` (default: release/ and the fetched course folder)."""
    if folders is None:
        folders = [Path.cwd() / COURSE_ID, Path.home() / COURSE_ID]
        try:
            folders.insert(0, find_course_root() / "release")
        except Exception:  # not inside a course checkout: only fetched assignments count
            pass
    found: dict[tuple[str, str], Path] = {}
    for folder in map(Path, folders):
        for path in sorted(folder.glob("week[0-9][0-9]/*.ipynb")):
            found.setdefault((path.parent.name, path.name), path)
    return [found[key] for key in sorted(found)]


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
    return pd.DataFrame(rows, columns=columns)


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per week: auto-graded exercises by status, and the plan's topics for that week."""
    auto = results[results["auto"]]
    table = pd.crosstab(auto["week"], auto["status"]).reindex(columns=STATUS_ORDER, fill_value=0)
    table["topics"] = [WEEK_TOPICS.get(week, ("", ""))[1] for week in table.index]
    table.insert(0, "theme", [WEEK_TOPICS.get(week, ("", ""))[0] for week in table.index])
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
        theme, topics = WEEK_TOPICS.get(week, ("", ""))
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
