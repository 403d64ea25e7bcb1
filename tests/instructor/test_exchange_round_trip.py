"""The whole nbgrader exchange round trip on a local exchange folder, three learners.

release_assignment → fetch_assignment → (learners answer) → submit → collect → autograde
(``autograder grade --workers 2``) → generate_feedback → release_feedback → fetch_feedback →
export. The feedback learners fetch shows every test's verdict and message but no hidden
test code, tracebacks included; stock nbgrader feedback of the same submissions does show it
(so the leak check can fail).
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from instructor_course import ROOT, WEEK, new_course, solution_scores
from nbgrader.api import Gradebook
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeFetchFeedback, ExchangeSubmit
from nbgrader.plugins import CsvExportPlugin
from traitlets.config import Config

from autograder import cohort, notebooks
from autograder.api.feedback import HIDDEN_NOTICE, feedback
from autograder.api.grade import grade
from autograder.course import nbgrader_api
from tests.keys import COURSE

pytestmark = pytest.mark.pipeline

LEARNERS = ("ann", "bob", "cat")
STOCK_FEEDBACK = (
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
)


def hidden_test_lines() -> list[str]:
    """Every code line inside a hidden-test region of the week's source notebooks."""
    found = []
    for path in sorted((ROOT / "source" / WEEK).glob("*.ipynb")):
        for cell in notebooks.read(path).cells:
            inside = False
            for line in cell.source.splitlines():
                if "BEGIN HIDDEN TESTS" in line:
                    inside = True
                elif "END HIDDEN TESTS" in line:
                    inside = False
                elif inside and line.strip():
                    found.append(line.strip())
    assert found, "the week has hidden tests"
    return found


def visible_text(page: str) -> str:
    """What a reader of the HTML sees: tags (syntax highlighting) removed, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def learner_app(kind, course: Path, home: Path, learner: str):
    """An exchange client as a learner runs it: their own folder, no course configuration."""
    config = Config()
    config.CourseDirectory.course_id = nbgrader_api(course).coursedir.course_id
    config.CourseDirectory.assignment_id = WEEK
    config.CourseDirectory.student_id = learner
    config.Exchange.root = str(course / ".exchange")
    config.Exchange.assignment_dir = str(home)
    config.Exchange.cache = str(home / ".nbgrader_cache")
    coursedir = CourseDirectory(config=config)
    return kind(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)


def answers_for(learner: str, source: Path) -> dict[str, str]:
    solution = cohort.solutions(notebooks.read(source))
    bank = cohort.answer_bank(COURSE, WEEK)
    if learner == "ann":
        return solution
    if learner == "bob":  # a plausible wrong answer wherever the bank has one
        return {
            exercise: next(
                text for name, text in sorted(answers.items()) if name.startswith("fail_")
            )
            for exercise, answers in bank.items()
            if exercise in solution and any(n.startswith("fail_") for n in answers)
        }
    return dict(list(solution.items())[:2])  # cat answers the first two exercises


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    base = tmp_path_factory.mktemp("exchange")
    course = new_course(base / "course")
    api = nbgrader_api(course)
    steps = {"release_assignment": api.release_assignment(WEEK)}
    homes = {learner: base / "home" / learner for learner in LEARNERS}
    for learner, home in homes.items():
        home.mkdir(parents=True)
        learner_app(ExchangeFetchAssignment, course, home, learner).start()
        for source in sorted((course / "source" / WEEK).glob("*.ipynb")):
            fetched = home / WEEK / source.name
            filled = cohort.fill(notebooks.read(fetched), answers_for(learner, source))
            notebooks.write_normalized(filled, fetched)
        learner_app(ExchangeSubmit, course, home, learner).start()
    steps["collect"] = api.collect(WEEK)
    graded = grade(root=course, assignments=[WEEK], workers=2)
    made = feedback(root=course, assignments=[WEEK], release=True)
    fetched = {}
    for learner, home in homes.items():
        learner_app(ExchangeFetchFeedback, course, home, learner).start()
        fetched[learner] = sorted((home / WEEK / "feedback").glob("*/*.html"))
    export = base / "export.csv"
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        CsvExportPlugin(to=str(export)).export(gradebook)
    stock = nbgrader_api(
        course,
        **{
            "GenerateFeedback.preprocessors": list(STOCK_FEEDBACK),
            "CourseDirectory.feedback_directory": "feedback_stock",
        },
    )
    steps["stock_feedback"] = stock.generate_feedback(WEEK, "bob")
    return {
        "course": course,
        "homes": homes,
        "steps": steps,
        "graded": graded,
        "feedback": made,
        "fetched": fetched,
        "export": export,
    }


def test_every_exchange_step_succeeds(trip):
    for step, result in trip["steps"].items():
        assert result["success"], (step, result.get("error"), result.get("log"))
    for learner in LEARNERS:
        collected = trip["course"] / "submitted" / learner / WEEK
        assert (collected / "timestamp.txt").is_file()
        assert sorted(p.name for p in collected.glob("*.ipynb")) == [
            "python_fundamentals.ipynb",
            "sql_fundamentals.ipynb",
        ]
    assert trip["graded"].failures == []
    assert trip["feedback"].failures == [] and trip["feedback"].released == [WEEK]


def test_grades_follow_the_answers(trip):
    rows = trip["graded"].rows
    points = sum(solution_scores().values())

    def auto_total(learner):
        return sum(
            r["score"] for r in rows if r["student_id"] == learner and not r["needs_manual_grade"]
        )

    assert auto_total("ann") == points
    assert 0 < auto_total("cat") < points
    assert auto_total("bob") < points / 2


def test_each_learner_fetches_feedback_for_every_notebook(trip):
    for learner in LEARNERS:
        assert [p.name for p in trip["fetched"][learner]] == [
            "python_fundamentals.html",
            "sql_fundamentals.html",
        ]


def test_feedback_shows_results_and_messages(trip):
    ann = "".join(visible_text(p.read_text()) for p in trip["fetched"]["ann"])
    bob = "".join(visible_text(p.read_text()) for p in trip["fetched"]["bob"])
    assert "✓" in ann and "CheckFailed" not in ann
    assert "CheckFailed:" in bob
    assert HIDDEN_NOTICE.lstrip("# ") in bob


def test_feedback_holds_no_hidden_test_code_tracebacks_included(trip):
    lines = hidden_test_lines()  # a traceback quoting one would show it here too
    for learner in LEARNERS:
        for page in trip["fetched"][learner]:
            text = visible_text(page.read_text())
            for line in lines:
                assert line not in text, (learner, page.name, line)
            assert "HIDDEN TESTS" not in text and "check_hidden" not in text


def test_stock_nbgrader_feedback_would_have_leaked(trip):
    pages = sorted((trip["course"] / "feedback_stock" / "bob" / WEEK).glob("*.html"))
    assert pages
    text = "".join(visible_text(p.read_text()) for p in pages)
    assert any(line in text for line in hidden_test_lines())


def test_export_lists_every_learner(trip):
    with trip["export"].open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["assignment"] == WEEK]
    assert sorted(r["student_id"] for r in rows) == sorted(LEARNERS)
    by_learner = {r["student_id"]: float(r["raw_score"]) for r in rows}
    assert by_learner["ann"] > by_learner["cat"] > by_learner["bob"] >= 0
