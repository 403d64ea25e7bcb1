"""Week-7 rules the answer bank does not cover on its own.

The story bank, résumé bullets and question mapping are values judged by text rules. These
tests prove that the learner's self-check (rebuilt from checks.json) gives the very messages
the grader gives, that the released checks carry no instructor key, that the prompt lists the
principles the checks accept, and that values crossing from the grading worker are judged
the same as in the kernel.
"""

from __future__ import annotations

import functools
import json

import pytest

from autograder import checkfile, cohort, notebooks, registry
from autograder.exercises.base import exercise_type
from autograder.grading import codec
from autograder.judges import CheckFailed, text
from tests.course import answer_banks
from tests.keys import COURSE, key

WEEK = "week07"
week07 = key(WEEK)
ASSIGNMENT = registry.load(COURSE, WEEK)
BANK = answer_banks.bank(WEEK)
ANSWERS = [(cell, name) for cell in answer_banks.answer_cells(WEEK) for name in BANK.get(cell, {})]


def value_of(cell: str, name: str, variable: str):
    namespace = {"__name__": "__main__"}
    exec(compile(BANK[cell][name], f"<{cell}/{name}>", "exec"), namespace)
    return namespace[variable]


def message(check, value) -> str | None:
    try:
        check(value)
    except CheckFailed as failure:
        return str(failure)
    return None


def learner_exercises() -> dict:
    data = json.loads(checkfile.dumps(checkfile.compile_assignment(ASSIGNMENT)))
    return {
        item["id"]: exercise_type(item["type"]).from_learner_data(item)
        for item in data["exercises"]
    }


LEARNER = learner_exercises()


@pytest.mark.parametrize(("cell", "name"), ANSWERS, ids=[f"{c}-{n}" for c, n in ANSWERS])
def test_learner_self_check_says_what_the_grader_says(cell, name, capsys):
    for exercise in answer_banks.checks_of(WEEK, cell):
        value = value_of(cell, name, exercise.answer_name)
        crossed = codec.decode(codec.encode(value))  # what the grading worker hands over
        grader = message(functools.partial(exercise.judge, hidden=False), crossed)
        assert message(LEARNER[exercise.id].check, value) == grader, exercise.id
        assert message(exercise.check, value) == grader, exercise.id


def test_released_checks_hold_no_instructor_key_or_hidden_rule():
    text = (COURSE.root / "release" / WEEK / checkfile.CHECK_FILE).read_text(encoding="utf-8")
    assert "agreement" not in text and "min_matches" not in text
    assert 'years_count": false' not in text and "no_first_person" not in text
    for question, principles in week07._QUESTION_KEY.items():
        assert json.dumps({question: principles}) not in text


def test_the_prompt_lists_exactly_the_principles_the_checks_accept():
    path = ASSIGNMENT.folder / "star_story_bank.ipynb"
    text = "\n".join(c.source for c in notebooks.read(path).cells if c.cell_type == "markdown")
    listed = [
        line.split("**")[1]
        for line in text.splitlines()
        if line[:3].strip(". ").isdigit() and "**" in line
    ]
    assert listed == week07.LEADERSHIP_PRINCIPLES


def test_the_prompt_lists_the_weak_bullets_and_question_ids():
    path = ASSIGNMENT.folder / "questions_and_resume.ipynb"
    text = "\n".join(c.source for c in notebooks.read(path).cells if c.cell_type == "markdown")
    for bullet in week07.WEAK_BULLETS:
        assert bullet in text
    for question in week07.QUESTIONS:
        assert f'`"{question}"`' in text


def test_the_model_bank_covers_every_principle_and_fits_the_rules():
    solutions = {}
    for path in ASSIGNMENT.notebooks:
        solutions.update(cohort.solutions(notebooks.read(path)))
    namespace: dict = {}
    exec(solutions["story_bank"], namespace)
    stories = namespace["STORIES"]
    allowed = week07.LEADERSHIP_PRINCIPLES
    tagged = {text.match_name(p, allowed) for s in stories for p in s["principles"]}
    assert len(stories) >= week07.MIN_STORIES
    assert tagged == set(allowed)


def test_every_issue_fail_case_is_in_the_bank():
    named = {
        "story_bank": [
            "fail_fourteen_stories",
            "fail_result_without_number",
            "fail_we_only_action",
            "fail_five_minute_story",
            "fail_invented_principle",
        ],
        "resume_bullets": ["fail_responsible_for"],
    }
    for cell, names in named.items():
        assert set(names) <= set(BANK[cell]), cell


def _markdown(notebook: str) -> str:
    path = ASSIGNMENT.folder / notebook
    return " ".join(
        "\n".join(c.source for c in notebooks.read(path).cells if c.cell_type == "markdown").split()
    )


def test_the_prompt_lists_exactly_the_comparison_words_and_the_near_duplicate_limit():
    prompt = _markdown("star_story_bank.ipynb")
    listed = prompt.split("these words (whole words, ignoring case and punctuation):")[1]
    listed = listed.split("; or one sentence")[0]
    assert [w.strip() for w in listed.split(",")] == week07.COMPARISON_WORDS
    assert (
        f"share {round(week07.NEAR_DUPLICATE_SHARE * 100)}% or more of their word pairs" in prompt
    )


def test_the_prompt_states_each_bullet_topic_and_the_question_spread():
    prompt = _markdown("questions_and_resume.ipynb")
    for number, topic in enumerate(week07.BULLET_TOPICS, start=1):
        assert f"bullet {number} mentions {topic['expected']}" in prompt or (
            f"bullet {number} {topic['expected']}" in prompt
        ), topic
    limit = week07.MAX_QUESTIONS_PER_PRINCIPLE
    assert f"No principle may be listed for more than {limit} of the 8 questions" in prompt


def test_genuinely_different_stories_are_far_below_the_near_duplicate_limit():
    """Every pair of distinct stories in the passing banks shares under half the limit."""
    stories = {}
    for name in ("pass_twenty_stories_mixed", "pass_second_candidate_lenient_spelling"):
        for story in value_of("story_bank", name, "STORIES"):
            stories[story["title"]] = story
    parts = week07.STAR_PARTS
    texts = [" ".join(s[p] for p in parts) for s in stories.values()]
    assert len(texts) >= 30
    worst = max(text.similarity(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :])
    assert worst < week07.NEAR_DUPLICATE_SHARE / 2, worst
