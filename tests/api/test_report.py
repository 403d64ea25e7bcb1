"""``autograder report``: item analysis on a gradebook whose answers are designed."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from typer.testing import CliRunner

from autograder.api.report import (
    ItemStats,
    analyse,
    correlation,
    item_figure,
    report,
)
from autograder.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
WEEK = "week01"
LEARNERS = 20
# exercise -> (points, score of learner k of 0..19)
DESIGN = {
    "core": (10, lambda k: float(k // 2)),  # tracks ability
    "good": (3, lambda k: 3.0 if k >= 10 else 0.0),  # the able half gets it: discriminates
    "easy": (1, lambda k: 1.0),  # everyone
    "hard": (2, lambda k: 2.0 if k == 19 else 0.0),  # almost nobody
    "noise": (2, lambda k: 2.0 if k % 2 == 0 else 0.0),  # unrelated to ability
}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("report")
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    (course / "source" / WEEK).mkdir(parents=True)
    (course / "source" / WEEK / "key.py").write_text('TITLE = TOPICS = ""\nEXERCISES = ()\n')
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "ds-interview-loop") as gradebook:
        gradebook.add_assignment(WEEK)
        gradebook.update_or_create_notebook("nb", WEEK)
        for exercise, (points, _) in DESIGN.items():
            gradebook.update_or_create_solution_cell(exercise, "nb", WEEK)
            gradebook.update_or_create_grade_cell(
                f"{exercise}_visible", "nb", WEEK, max_score=points, cell_type="code"
            )
        for k in range(LEARNERS):
            student = f"s{k:02d}"
            gradebook.add_student(student)
            gradebook.add_submission(WEEK, student)
            for exercise, (_, score) in DESIGN.items():
                grade = gradebook.find_grade(f"{exercise}_visible", "nb", WEEK, student)
                grade.auto_score, grade.needs_manual_grade = score(k), False
        gradebook.db.commit()
    return course


@pytest.fixture(scope="module")
def made(course):
    return report(root=course)


def items(made) -> dict:
    return {item.exercise: item for item in made.items}


def test_item_statistics(made):
    stats = items(made)
    assert stats["easy"].mean == 1 and stats["easy"].full_marks == 1
    assert stats["hard"].mean == pytest.approx(0.05) and stats["hard"].full_marks == 0.05
    assert stats["good"].discrimination > 0.7
    assert abs(stats["noise"].discrimination) < 0.2
    assert stats["easy"].discrimination is None  # everyone scored the same


def test_flags_name_the_problem_exercises(made):
    flags = {name: item.flags for name, item in items(made).items()}
    assert "too easy" in flags["easy"] and "does not discriminate" in flags["easy"]
    assert flags["hard"] == ["too hard"]
    assert flags["noise"] == ["does not discriminate"]
    assert flags["good"] == [] and flags["core"] == []


def test_point_biserial_matches_its_textbook_formula():
    xs = [1, 1, 0, 1, 0, 0, 1, 0]
    ys = [9, 8, 3, 7, 5, 2, 6, 4]
    ones = [y for x, y in zip(xs, ys, strict=True) if x]
    zeros = [y for x, y in zip(xs, ys, strict=True) if not x]
    mean_y = sum(ys) / len(ys)
    sd = (sum((y - mean_y) ** 2 for y in ys) / len(ys)) ** 0.5
    p = len(ones) / len(xs)
    textbook = (sum(ones) / len(ones) - sum(zeros) / len(zeros)) / sd * (p * (1 - p)) ** 0.5
    assert correlation(xs, ys) == pytest.approx(textbook)


def test_html_embeds_plots_and_tables_and_csv_has_every_row(made):
    page = made.html_path.read_text()
    assert page.count("src='data:image/png;base64,") == 2  # distribution and item map
    for exercise in DESIGN:
        assert f"<td class='name'>{exercise}</td>" in page
    assert "Exercises to look at" in page and "too hard" in page
    with made.csv_path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == LEARNERS * len(DESIGN)


def test_cli_writes_the_report_where_asked(course, tmp_path):
    result = CliRunner().invoke(
        app, ["report", "--root", str(course), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "report.html").is_file()
    assert "flag" in result.output and "hard: too hard" in result.output


def _rows(design: dict, waiting: set[str] = frozenset()) -> list[dict]:
    rows = []
    for k in range(LEARNERS):
        for exercise, (points, score) in design.items():
            rows.append(
                {
                    "student_id": f"s{k:02d}",
                    "assignment": WEEK,
                    "notebook": "nb",
                    "exercise": exercise,
                    "score": 0.0 if exercise in waiting else score(k),
                    "max_score": float(points),
                    "needs_manual_grade": exercise in waiting,
                }
            )
    return rows


def test_an_exercise_awaiting_manual_grading_is_not_called_too_hard():
    design = {**DESIGN, "essay": (5, lambda k: 5.0)}
    _, stats = analyse(_rows(design, waiting={"essay"}))
    essay = next(item for item in stats if item.exercise == "essay")
    assert essay.awaiting and essay.awaiting_manual == LEARNERS
    assert essay.flags == [] and essay.mean is None and essay.discrimination is None
    # nor do its ungraded zeros change the other exercises' statistics
    _, without = analyse(_rows(DESIGN))
    graded = {item.exercise: item.discrimination for item in stats if not item.awaiting}
    assert graded == {item.exercise: item.discrimination for item in without}


def test_the_page_shows_awaiting_grading_apart_from_the_exercises_to_look_at():
    from autograder.api.report import render

    weeks, stats = analyse(_rows({**DESIGN, "essay": (5, lambda k: 5.0)}, waiting={"essay"}))
    page = render(weeks, stats)
    look_at = page.split("<h2>Exercises to look at</h2>")[1].split("</ul>")[0]
    assert "essay" not in look_at
    assert "<h2>Awaiting grading</h2>" in page
    assert f"<b>essay</b>: {LEARNERS} of {LEARNERS} submission(s) awaiting grading" in page


def _item(name: str, mean: float, r: float | None) -> ItemStats:
    return ItemStats(WEEK, "nb", name, 2.0, LEARNERS, mean, mean, r, 0)


def test_scatter_labels_never_overlap_and_shared_points_share_one_label():
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    items = [_item(f"same_point_{i}", 0.5, 0.4) for i in range(3)]  # one point, three names
    items += [_item(f"crowded_{i}", 0.5 + 0.01 * i, 0.4 + 0.01 * i) for i in range(1, 6)]
    items += [_item(f"undiscriminating_{i}", 1.0, None) for i in range(2)]
    figure, labels = item_figure(WEEK, items)
    renderer = figure.canvas.get_renderer()
    texts = [label.get_text() for label in labels]
    assert "same_point_0\nsame_point_1\nsame_point_2" in texts
    assert "undiscriminating_0\nundiscriminating_1" in texts
    assert sorted(name for text in texts for name in text.split("\n")) == sorted(
        item.exercise for item in items
    )
    figure.canvas.draw()
    boxes = [Text.get_window_extent(label, renderer) for label in labels]  # text, not leader
    for i, box in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other)
    plt.close(figure)
