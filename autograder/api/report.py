"""A cohort report from the gradebook: grades CSV, score distributions and item analysis.

For each week, every learner with a submission counts. For each exercise (its grade cells
summed, see :func:`autograder.api.grade.gradebook_rows`):

- **mean** score as a share of the exercise's points (its *difficulty*: high means easy);
- **full marks**: the share of learners with every point;
- **discrimination**: the point-biserial (Pearson) correlation between the exercise score
  and the learner's score on the *rest* of the week (the corrected item–total correlation,
  so an exercise is not correlated with itself). Good exercises are answered by those who do
  well elsewhere: r ≥ 0.2 is the usual bar.

Exercises are flagged *too easy* (mean ≥ 90 %), *too hard* (mean ≤ 20 %) or *does not
discriminate* (r < 0.2, or every learner scored the same). An exercise with an answer still
awaiting its manual grade is shown as *awaiting grading* instead: its statistics are left
out (an ungraded 0 would call it too hard), and so is its score from the rest-of-week totals
the other exercises are correlated with, until it is graded.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from autograder.api import attempts as attempts_module
from autograder.api.attempts import Attempt, AttemptSummary
from autograder.api.gradebook import GRADE_COLUMNS, gradebook_rows
from autograder.course import Course, check_assignments

EASY, HARD, DISCRIMINATES = 0.9, 0.2, 0.2
MIN_LEARNERS_FOR_R = 5  # below this a correlation says nothing


@dataclass
class ItemStats:
    assignment: str
    notebook: str
    exercise: str
    max_score: float
    learners: int
    mean: float | None  # share of the points, 0..1 (None while awaiting grading)
    full_marks: float | None  # share of learners, 0..1 (None while awaiting grading)
    discrimination: float | None  # None when it cannot be computed
    awaiting_manual: int  # submissions whose answer still awaits a manual grade
    flags: list[str] = field(default_factory=list)

    @property
    def awaiting(self) -> bool:
        """Some answer still awaits its manual grade: no statistics yet."""
        return self.awaiting_manual > 0


@dataclass
class WeekStats:
    assignment: str
    max_score: float
    totals: dict[str, float]  # learner -> score

    @property
    def mean(self) -> float:
        return statistics.fmean(self.totals.values()) if self.totals else 0.0


@dataclass
class CohortReport:
    csv_path: Path
    html_path: Path
    weeks: list[WeekStats]
    items: list[ItemStats]
    attempts_path: Path | None = None  # attempts.csv, when attempts were given
    attempts: list[AttemptSummary] = field(default_factory=list)

    def flagged(self) -> list[ItemStats]:
        return [item for item in self.items if item.flags]

    def awaiting(self) -> list[ItemStats]:
        return [item for item in self.items if item.awaiting]


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r; point-biserial when ``xs`` takes two values. None if either is constant."""
    if len(xs) < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def analyse(rows: list[dict]) -> tuple[list[WeekStats], list[ItemStats]]:
    by_week: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_week[row["assignment"]].append(row)
    weeks, items = [], []
    for assignment in sorted(by_week):
        week_rows = by_week[assignment]
        totals: dict[str, float] = defaultdict(float)
        scores: dict[tuple, dict[str, float]] = defaultdict(dict)
        maxima: dict[tuple, float] = {}
        waiting: dict[tuple, int] = defaultdict(int)
        for row in week_rows:
            key = (row["notebook"], row["exercise"])
            totals[row["student_id"]] += row["score"]
            scores[key][row["student_id"]] = row["score"]
            maxima[key] = row["max_score"]
            waiting[key] += bool(row["needs_manual_grade"])
        learners = sorted(totals)
        weeks.append(WeekStats(assignment, sum(maxima.values()), dict(totals)))
        # an answer awaiting its manual grade scores 0 for now: keep it out of every statistic
        graded = {learner: 0.0 for learner in learners}
        for key, by_learner in scores.items():
            if not waiting[key]:
                for learner, score in by_learner.items():
                    graded[learner] += score
        for key in sorted(scores):
            top = maxima[key]
            if top <= 0:
                continue
            if waiting[key]:
                items.append(
                    ItemStats(
                        assignment,
                        *key,
                        max_score=top,
                        learners=len(learners),
                        mean=None,
                        full_marks=None,
                        discrimination=None,
                        awaiting_manual=waiting[key],
                    )
                )
                continue
            item = [scores[key].get(learner, 0.0) for learner in learners]
            rest = [graded[learner] - score for learner, score in zip(learners, item, strict=True)]
            r = correlation(item, rest) if len(learners) >= MIN_LEARNERS_FOR_R else None
            stats = ItemStats(
                assignment,
                *key,
                max_score=top,
                learners=len(learners),
                mean=statistics.fmean(item) / top,
                full_marks=sum(score >= top for score in item) / len(item),
                discrimination=r,
                awaiting_manual=0,
            )
            if stats.mean >= EASY:
                stats.flags.append("too easy")
            if stats.mean <= HARD:
                stats.flags.append("too hard")
            if len(learners) >= MIN_LEARNERS_FOR_R and (r is None or r < DISCRIMINATES):
                stats.flags.append("does not discriminate")
            items.append(stats)
    return weeks, items


# --------------------------------------------------------------------------- plots


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def distribution_plot(week: WeekStats) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5.5, 2.8))
    shares = [100 * t / week.max_score if week.max_score else 0 for t in week.totals.values()]
    axes.hist(shares, bins=[i * 10 for i in range(11)], color="#4c72b0", edgecolor="white")
    axes.axvline(statistics.fmean(shares) if shares else 0, color="#c44e52", linestyle="--")
    axes.set_xlabel("score (% of the week's points)")
    axes.set_ylabel("learners")
    axes.set_title(f"{week.assignment}: score distribution (dashed: mean)")
    return _png(figure)


def item_plot(assignment: str, items: list[ItemStats]) -> str:
    figure, _labels = item_figure(assignment, items)
    return _png(figure)


def item_figure(assignment: str, items: list[ItemStats]):
    """The item-analysis scatter and its name labels (graded exercises only).

    Exercises at the same point share one label, their names one per line; each label is
    placed at the first spot around its point where it overlaps no label placed before.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.5, 4))
    axes.axvspan(0, 100 * HARD, color="#f2d0d0")
    axes.axvspan(100 * EASY, 100, color="#f2d0d0")
    axes.axhspan(-1, DISCRIMINATES, color="#f5e6c8", alpha=0.7)
    points: dict[tuple[float, float], list[ItemStats]] = defaultdict(list)
    for item in items:
        if item.mean is None:
            continue  # awaiting grading: no point yet
        r = item.discrimination if item.discrimination is not None else 0.0
        colour = "#c44e52" if item.flags else "#4c72b0"
        axes.scatter(100 * item.mean, r, color=colour, s=30 + 8 * item.max_score)
        points[(round(100 * item.mean, 1), round(r, 2))].append(item)
    axes.set_xlim(0, 100)
    axes.set_ylim(-1, 1)
    axes.set_xlabel("mean score (% of points) — difficulty")
    axes.set_ylabel("discrimination (r with rest of week)")
    axes.set_title(f"{assignment}: item analysis (shaded: flagged zones)")
    renderer = figure.canvas.get_renderer()
    labels, boxes = [], []
    for (x, y), members in sorted(points.items()):
        text = "\n".join(sorted(item.exercise for item in members))
        label = None
        for dx, dy, align in _SPOTS:
            if label is not None:
                label.remove()
            label = axes.annotate(
                text,
                (x, y),
                fontsize=7,
                xytext=(dx, dy),
                textcoords="offset points",
                ha=align,
                va="center",
                arrowprops={"arrowstyle": "-", "color": "#888", "lw": 0.5}
                if abs(dy) > 12
                else None,
            )
            box = label_box(label, renderer)
            if not any(box.overlaps(other) for other in boxes):
                break
        labels.append(label)
        boxes.append(label_box(label, renderer))
    return figure, labels


def label_box(label, renderer):
    """The text's box (not its leader line), with a little margin."""
    from matplotlib.text import Text

    label.update_positions(renderer)  # an annotation places its text when drawn
    return Text.get_window_extent(label, renderer).expanded(1.04, 1.08)


# where a label may go around its point, in points: right, left, then ever further up/down
_SPOTS = [(6, 0, "left"), (-6, 0, "right")] + [
    (dx, sign * step * 9, align)
    for step in range(1, 30)
    for sign in (1, -1)
    for dx, align in ((6, "left"), (-6, "right"))
]


# --------------------------------------------------------------------------- HTML

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: right; }
th:first-child, td:first-child, td.name { text-align: left; }
td.flag { color: #a11; text-align: left; }
"""


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def render(
    weeks: list[WeekStats], items: list[ItemStats], attempts: list[AttemptSummary] = ()
) -> str:
    esc = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Cohort report</title><style>{STYLE}</style></head><body>",
        "<h1>Cohort report</h1>",
        f"<p>{len({name for w in weeks for name in w.totals})} learners, {len(weeks)} week(s). "
        f"Flags: <em>too easy</em> (mean ≥ {_pct(EASY)}), <em>too hard</em> "
        f"(mean ≤ {_pct(HARD)}), <em>does not discriminate</em> (r &lt; {DISCRIMINATES} with "
        "the rest of the week, point-biserial for right/wrong items).</p>",
    ]
    flagged = [i for i in items if i.flags]
    if flagged:
        parts.append("<h2>Exercises to look at</h2><ul>")
        parts += [
            f"<li>{esc(i.assignment)} <b>{esc(i.exercise)}</b>: {esc(', '.join(i.flags))}</li>"
            for i in flagged
        ]
        parts.append("</ul>")
    waiting = [i for i in items if i.awaiting]
    if waiting:
        parts.append(
            "<h2>Awaiting grading</h2><p>Answers still to grade by hand; these exercises get "
            "their statistics once graded.</p><ul>"
        )
        parts += [
            f"<li>{esc(i.assignment)} <b>{esc(i.exercise)}</b>: {i.awaiting_manual} of "
            f"{i.learners} submission(s) awaiting grading</li>"
            for i in waiting
        ]
        parts.append("</ul>")
    for week in weeks:
        week_items = [i for i in items if i.assignment == week.assignment]
        parts += [
            f"<h2>{esc(week.assignment)}</h2>",
            f"<p>{len(week.totals)} learners, mean {week.mean:.1f} / {week.max_score:g}</p>",
            f"<img alt='score distribution of {esc(week.assignment)}' "
            f"src='{distribution_plot(week)}'>",
            f"<img alt='item analysis of {esc(week.assignment)}' "
            f"src='{item_plot(week.assignment, week_items)}'>",
            "<table><tr><th>exercise</th><th>notebook</th><th>points</th><th>mean</th>"
            "<th>full marks</th><th>discrimination</th><th>awaiting manual grade</th>"
            "<th>flags</th></tr>",
        ]
        for i in week_items:
            r = "–" if i.discrimination is None else f"{i.discrimination:.2f}"
            mean = "–" if i.mean is None else _pct(i.mean)
            full = "–" if i.full_marks is None else _pct(i.full_marks)
            flags = "awaiting grading" if i.awaiting else ", ".join(i.flags)
            parts.append(
                f"<tr><td class='name'>{esc(i.exercise)}</td><td class='name'>"
                f"{esc(i.notebook)}</td><td>{i.max_score:g}</td><td>{mean}</td>"
                f"<td>{full}</td><td>{r}</td><td>{i.awaiting_manual}</td>"
                f"<td class='flag'>{esc(flags)}</td></tr>"
            )
        parts.append("</table>")
    if attempts:
        parts.append(attempts_module.render(list(attempts)))
    parts.append("</body></html>")
    return "\n".join(parts)


def report(
    *,
    root: str | Path | None = None,
    assignments: list[str] | None = None,
    out_dir: str | Path | None = None,
    db_url: str | None = None,
    attempts: list[Attempt] | None = None,
) -> CohortReport:
    """Write ``grades.csv`` and ``report.html`` (default: into ``<course>/reports/``).

    With ``attempts`` (the course server's, :func:`autograder.server.attempts.read_attempts`)
    also ``attempts.csv``, one row per learner and assignment, and an *Attempts* section.
    """
    course = Course.load(root).root
    wanted = check_assignments(course, assignments)
    rows = gradebook_rows(course, wanted, db_url=db_url)
    folder = Path(out_dir) if out_dir else course / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = folder / "grades.csv", folder / "report.html"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=GRADE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    weeks, items = analyse(rows)
    summaries, attempts_path = [], None
    if attempts is not None:
        summaries = attempts_module.summarise(attempts, wanted)
        attempts_path = folder / "attempts.csv"
        attempts_module.write_csv(summaries, attempts_path)
    html_path.write_text(render(weeks, items, summaries), encoding="utf-8")
    return CohortReport(csv_path, html_path, weeks, items, attempts_path, summaries)
