"""The debrief after a mock loop: a learner's mistakes log across all their own notebooks.

A debrief turns a practice session into a plan: which checks failed or were never run, which
exercises needed hints, where the time went (from the practice and round timers saved in the
notebooks), and what to redo first, with a link back to each exercise. Everything is read
from the learner's own saved notebooks (:func:`autograder.progress.find_notebooks` finds
them); with ``run=True`` each notebook is first re-run in a fresh kernel through
:func:`autograder.api.check.check`, as the progress dashboard does.

The log is in a stable order (week, notebook, position in the notebook), so the same
notebooks always give the same log. Nothing here names a week or an exercise.

For instructors, :func:`round_times` reads the round times that learners' round timers saved
in their submitted notebooks, with an overrun penalty that is zero unless the course
configures one (``[rounds]`` in course.toml); it reports, it does not change grades.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from autograder import notebooks
from autograder.api.check import (
    FAIL,
    NOT_ATTEMPTED,
    PASS,
    TO_WRITE,
    ExerciseResult,
    check,
    judge_executed,
)
from autograder.practice import rounds_in, timings_in

NOT_RUN = "checks not run"
COULD_NOT_RUN = "could not run"
_HINT = re.compile(r"Hint (\d+)/(\d+) for (\w+):")
_HEADING = re.compile(r"^#{1,6}\s+(.*\S)\s*$", re.M)

# what to redo first: lower comes first
PRIORITY = {
    FAIL: (1, "the visible checks fail"),
    COULD_NOT_RUN: (1, "the notebook did not run"),
    NOT_ATTEMPTED: (2, "not attempted yet"),
    NOT_RUN: (2, "answered, but its checks were never run"),
    TO_WRITE: (3, "written answer still to write"),
}
HINTED = (4, "passes, but only after {hints} hint(s): redo it without them")
SLOW = (5, "passes, but its round ran over its time box: redo it against the clock")

LOG_COLUMNS = [
    "week",
    "notebook",
    "exercise",
    "status",
    "auto",
    "hints",
    "seconds",
    "message",
    "link",
]


@dataclass(frozen=True)
class Entry:
    """One exercise of one notebook, as the debrief sees it."""

    week: str
    notebook: str
    exercise: str
    status: str
    auto: bool
    hints: int  # the most specific hint the saved outputs show (0: none)
    seconds: float | None  # time recorded by a timer, if any
    message: str
    link: str  # markdown link back to the exercise
    round: str | None = None  # the round timer's round that holds the exercise, if any
    round_over: float = 0.0  # seconds that round ran past its time box


# ------------------------------------------------------------------ reading notebooks


def hints_in(nb) -> dict[str, int]:
    """The most specific hint shown per exercise in a saved notebook's outputs."""
    used: dict[str, int] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if isinstance(text, list):
                text = "".join(text)
            for number, _total, exercise in _HINT.findall(text):
                used[exercise] = max(used.get(exercise, 0), int(number))
    return used


def headings(nb) -> dict[str, str]:
    """The heading an answer cell sits under (its exercise's prompt), per answer cell id."""
    found, current = {}, ""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            titles = _HEADING.findall(cell.get("source", ""))
            if titles:
                current = titles[-1]
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("solution") and meta.get("grade_id"):
            found[meta["grade_id"]] = current
    return found


def anchor(heading: str) -> str:
    """JupyterLab's id for a rendered heading: its text with spaces as dashes."""
    text = _plain(heading)
    return urllib.parse.quote(text.strip().replace(" ", "-"), safe="-._~()")


def _checks_ran(nb) -> dict[str, bool]:
    """Per exercise: did any of its visible test cells run (has outputs or a count)?"""
    answers: list[str] = []
    ran: dict[str, bool] = {}
    for cell in nb.get("cells", []):
        meta = notebooks.nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if meta.get("solution"):
            answers.append(grade_id)
            continue
        if notebooks.is_test_cell(cell) and ".check(" in cell.get("source", ""):
            exercise = notebooks.exercise_of(grade_id, answers)
            executed = bool(cell.get("outputs")) or cell.get("execution_count") is not None
            ran[exercise] = ran.get(exercise, False) or executed
    return ran


def saved_results(nb, notebook: str) -> list[ExerciseResult]:
    """Per-exercise results read from a saved notebook's outputs, without running it.

    :func:`judge_executed` reads a notebook that was just run top to bottom; in a saved
    notebook a test cell may never have run, which says nothing about the answer: those
    exercises are reported as ``checks not run``.
    """
    results = judge_executed(nb, notebook)
    ran = _checks_ran(nb)
    for result in results:
        if result.auto and result.status == PASS and not ran.get(result.exercise, False):
            result.status, result.message = NOT_RUN, "run its test cells to check it"
    return results


def _round_of(nb) -> dict[str, tuple[str, float]]:
    """Exercise -> (round, seconds over its box), from a round timer's saved record."""
    found: dict[str, tuple[str, float]] = {}
    rounds = rounds_in(nb)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code" or "Round(" not in cell.get("source", ""):
            continue
        for name, body in re.findall(
            r"Round\(\s*\"([^\"]+)\"\s*,[^,]+,\s*\(([^)]*)\)", cell["source"]
        ):
            over = float(rounds.get(name, {}).get("over", 0.0))
            for exercise in re.findall(r"\"(\w+)\"", body):
                found[exercise] = (name, over)
    return found


def entries(
    paths: list[str | Path], *, run: bool = False, base: str | Path | None = None
) -> list[Entry]:
    """Every exercise of every notebook, in week, notebook and cell order.

    ``run`` re-runs each notebook first (slow: a fresh kernel per notebook); otherwise its
    saved outputs are read. Links are relative to ``base`` (default: the working directory).
    """
    base = Path(base or Path.cwd())
    found: list[Entry] = []
    for path in sorted(map(Path, paths), key=lambda p: (p.parent.name, p.name)):
        week = path.parent.name
        link_path = os.path.relpath(path, base).replace(os.sep, "/")
        try:
            nb = notebooks.read(path)
        except Exception as error:  # an unreadable notebook is one line of the log
            found.append(
                _broken(week, path, f"not a readable notebook ({type(error).__name__})", link_path)
            )
            continue
        if run:
            report = check(paths=[path])
            if report.errors:
                found.append(_broken(week, path, report.errors[0][1], link_path))
                continue
            results = report.results
        else:
            results = saved_results(nb, path.stem)
        times, hints, titles, rounds = timings_in(nb), hints_in(nb), headings(nb), _round_of(nb)
        for result in results:
            title = titles.get(result.exercise, "")
            target = link_path + (f"#{anchor(title)}" if title else "")
            label = f"{week}/{path.name}" + (f" › {_plain(title)}" if title else "")
            round_name, over = rounds.get(result.exercise, (None, 0.0))
            found.append(
                Entry(
                    week=week,
                    notebook=path.name,
                    exercise=result.exercise,
                    status=result.status,
                    auto=result.auto,
                    hints=hints.get(result.exercise, 0),
                    seconds=times.get(result.exercise),
                    message=result.message,
                    link=f"[{label}]({target})",
                    round=round_name,
                    round_over=over,
                )
            )
    return found


def _plain(heading: str) -> str:
    return re.sub(r"[`*]", "", heading)


def _broken(week: str, path: Path, why: str, link_path: str) -> Entry:
    return Entry(
        week,
        path.name,
        "-",
        COULD_NOT_RUN,
        True,
        0,
        None,
        why,
        f"[{week}/{path.name}]({link_path})",
    )


# ------------------------------------------------------------------ the log and the plan


def _problem(entry: Entry) -> tuple[int, str] | None:
    if entry.status in PRIORITY:
        return PRIORITY[entry.status]
    if entry.hints:
        return HINTED[0], HINTED[1].format(hints=entry.hints)
    if entry.round_over > 0:
        return SLOW
    return None


def mistakes_log(found: list[Entry]) -> pd.DataFrame:
    """The entries with something to learn from (failed, not done, hinted, over time)."""
    rows = [asdict(e) for e in found if _problem(e) is not None]
    table = pd.DataFrame(rows, columns=[*LOG_COLUMNS, "round", "round_over"])
    return table[LOG_COLUMNS].reset_index(drop=True)


def redo_plan(found: list[Entry], *, limit: int | None = None) -> pd.DataFrame:
    """What to redo, most urgent first (then in course order), with why and a link."""
    ranked = []
    for position, entry in enumerate(found):
        problem = _problem(entry)
        if problem is not None:
            ranked.append((problem[0], position, entry, problem[1]))
    ranked.sort(key=lambda item: (item[0], item[1]))
    rows = [
        {
            "priority": priority,
            "week": entry.week,
            "exercise": entry.exercise,
            "why": why,
            "message": entry.message,
            "link": entry.link,
        }
        for priority, _, entry, why in ranked[:limit]
    ]
    columns = ["priority", "week", "exercise", "why", "message", "link"]
    return pd.DataFrame(rows, columns=columns)


def loop_rounds(paths: list[str | Path]) -> pd.DataFrame:
    """Round times saved by round timers: notebook, round, box, used and over (in minutes)."""
    rows = []
    for path in sorted(map(Path, paths), key=lambda p: (p.parent.name, p.name)):
        try:
            nb = notebooks.read(path)
        except Exception:
            continue
        for name, record in rounds_in(nb).items():
            rows.append(
                {
                    "week": path.parent.name,
                    "notebook": path.name,
                    "round": name,
                    "box_min": round(record.get("box", 0) / 60, 1),
                    "used_min": round(record.get("used", 0) / 60, 1),
                    "over_min": round(record.get("over", 0) / 60, 1),
                    "finished": bool(record.get("finished", False)),
                }
            )
    columns = ["week", "notebook", "round", "box_min", "used_min", "over_min", "finished"]
    return pd.DataFrame(rows, columns=columns)


def markdown(found: list[Entry], *, limit: int = 10) -> str:
    """The redo plan as a numbered Markdown list with links (for ``IPython.display.Markdown``)."""
    plan = redo_plan(found, limit=limit)
    if plan.empty:
        return "**Nothing to redo**: every check you ran passes, without hints, within time."
    lines = [f"**Redo first** ({len(plan)} of {len(mistakes_log(found))} items in your log):", ""]
    for number, row in enumerate(plan.itertuples(index=False), start=1):
        detail = f" — {row.message}" if row.message else ""
        lines.append(f"{number}. `{row.exercise}` ({row.week}): {row.why}{detail}. {row.link}")
    return "\n".join(lines)


# ------------------------------------------------------------------ instructors


def overrun_penalty(over_seconds: float, *, per_minute: float, cap: float | None) -> float:
    """Points taken off for running ``over_seconds`` past a box: per started minute, capped."""
    if over_seconds <= 0 or per_minute <= 0:
        return 0.0
    points = per_minute * math.ceil(over_seconds / 60)
    return float(min(points, cap) if cap is not None else points)


def penalty_settings(root: str | Path) -> tuple[float, float | None]:
    """``[rounds] overrun_penalty_per_minute`` and ``overrun_penalty_cap`` from course.toml
    (0 and no cap when absent: times are recorded without penalty)."""
    path = Path(root) / "course.toml"
    settings = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    rounds = settings.get("rounds", {})
    per_minute = float(rounds.get("overrun_penalty_per_minute", 0.0))
    cap = rounds.get("overrun_penalty_cap")
    return per_minute, (float(cap) if cap is not None else None)


def round_times(root: str | Path, assignment: str) -> pd.DataFrame:
    """Per student and round: time box, time used, overrun, and the configured penalty.

    Read from the submitted notebooks (``submitted/<student>/<assignment>/*.ipynb``), where
    the learners' round timers saved them. The penalty is a report column; it is not
    written to the gradebook.
    """
    root = Path(root)
    per_minute, cap = penalty_settings(root)
    rows = []
    for path in sorted((root / "submitted").glob(f"*/{assignment}/*.ipynb")):
        student = path.parent.parent.name
        try:
            records = rounds_in(notebooks.read(path))
        except Exception:
            continue
        for name, record in records.items():
            over = float(record.get("over", 0.0))
            rows.append(
                {
                    "student": student,
                    "notebook": path.name,
                    "round": name,
                    "box_seconds": float(record.get("box", 0.0)),
                    "used_seconds": float(record.get("used", 0.0)),
                    "over_seconds": over,
                    "penalty": overrun_penalty(over, per_minute=per_minute, cap=cap),
                }
            )
    columns = [
        "student",
        "notebook",
        "round",
        "box_seconds",
        "used_seconds",
        "over_seconds",
        "penalty",
    ]
    return pd.DataFrame(rows, columns=columns)
