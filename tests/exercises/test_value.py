"""Value exercises: rules judged on good and bad answers, the same on the learner's side."""

from __future__ import annotations

import json

import pytest

from autograder.coverage import MARK, coverage_table
from autograder.exercises.base import CompileError, exercise_type
from autograder.exercises.value import Rule, ValueExercise
from autograder.grading import codec
from autograder.judges import CheckFailed

NAMES = ["Speed", "Care", "Depth & Rigour", "Thrift"]
PARTS = ("situation", "task", "action", "result")


def story(title="Fixing the pipeline", names=("Speed",), **parts):
    text = {
        "situation": "The weekly report broke every Monday and leaders stopped trusting it.",
        "task": "I had to make the numbers right the first time.",
        "action": "I traced the refunds, I rewrote the logic and my tests now stop bad runs.",
        "result": "Corrections fell from 4 a month to zero in 12 weeks.",
    }
    text.update(parts)
    return {"title": title, "principles": list(names), **text}


def bank(n=3):
    return [story(f"Story number {i}", [NAMES[i % len(NAMES)]]) for i in range(n)]


def exercise(rules, hidden_rules=(), **kw):
    return ValueExercise(
        "demo",
        name="STORIES",
        shape=kw.pop("shape", "records"),
        noun="story",
        plural="stories",
        label_field="title",
        rules=tuple(rules),
        hidden_rules=tuple(hidden_rules),
        hints=("one", "two"),
        **kw,
    )


def problem(ex, value, hidden=False) -> str | None:
    try:
        ex.judge(value, hidden=hidden)
    except CheckFailed as failure:
        return str(failure)
    return None


def learner_copy(ex):
    data = json.loads(json.dumps(ex.learner_data()))
    return exercise_type(data["type"]).from_learner_data(data)


FIELDS = Rule(
    "fields",
    {
        "required": {"title": "text", "principles": "names", **dict.fromkeys(PARTS, "text")},
        "optional": {"follow_ups": "names"},
    },
)


# ------------------------------------------------------------------------ shapes and types


def test_a_good_bank_passes_visible_and_hidden():
    ex = exercise([FIELDS], [Rule("distinct", {"fields": list(PARTS[:1])})])
    good = [story(f"t{i}", situation=f"Situation {i} was different each time.") for i in range(3)]
    assert problem(ex, good) is None
    assert problem(ex, good, hidden=True) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (tuple(bank()), "STORIES must be a list with one dict per story; it is a tuple"),
        ([story(), "text"], "story 2 of STORIES must be a dict; it is a str"),
        ({"a": 1}, "it is a dict"),
        (lambda: None, "it is a function"),
    ],
)
def test_the_shape_is_checked_exactly(value, expected):
    assert expected in problem(exercise([FIELDS]), value)


def test_a_str_subclass_is_refused():
    class Sly(str):
        pass

    stories = bank()
    stories[0]["result"] = Sly(stories[0]["result"])
    assert "'result' must be a string, not a Sly" in problem(exercise([FIELDS]), stories)


def test_an_opaque_value_from_the_grader_is_refused():
    class Rigged(list):
        def __eq__(self, other):
            return True

    crossed = codec.decode(codec.encode(Rigged(bank())))
    assert "must be a list" in problem(exercise([FIELDS]), crossed)


def test_fields_missing_unknown_and_wrong_type():
    ex = exercise([FIELDS])
    missing = bank()
    del missing[1]["task"]
    assert problem(ex, missing) == "Story 2 (\"Story number 1\") has no 'task'"
    typo = bank()
    typo[0]["reslt"] = typo[0].pop("result")
    assert "has no 'result'" in problem(ex, typo)
    names = bank()
    names[2]["principles"] = "Speed"
    assert "principles is one string; give a list of names" in problem(ex, names)
    extra = bank()
    extra[0]["notes"] = "x"
    assert "has a key 'notes'" in problem(ex, extra)


# ------------------------------------------------------------------------------ rules


def test_min_words_names_an_empty_part_and_a_thin_one():
    ex = exercise([Rule("min_words", {"fields": {"task": 5}})])
    stories = bank()
    stories[1]["task"] = ""
    assert problem(ex, stories) == 'Story 2 ("Story number 1"): the task is empty'
    stories[1]["task"] = "Fix it."
    assert "the task has 2 words; it needs at least 5" in problem(ex, stories)


def test_quantified_with_numbers_in_words_and_the_year_rule():
    visible = Rule("quantified", {"fields": ["result"], "years_count": True})
    hidden = Rule("quantified", {"fields": ["result"], "years_count": False})
    ex = exercise([visible], [hidden])
    stories = bank()
    stories[0]["result"] = "Close went from three weeks to four days."
    assert problem(ex, stories, hidden=True) is None
    stories[1]["result"] = "Everyone was happier afterwards."
    assert "Story 2" in problem(ex, stories) and "has no number" in problem(ex, stories)
    stories[1]["result"] = "By the end of 2023 everyone was happier."
    assert problem(ex, stories) is None
    assert "the only number in the result is a year" in problem(ex, stories, hidden=True)


def test_first_person_ignores_quoted_speech():
    ex = exercise([Rule("first_person", {"field": "action"})])
    stories = bank()
    stories[0]["action"] = 'My manager said "we always win, we never lose" and I disagreed.'
    assert problem(ex, stories) is None
    stories[0]["action"] = "We mapped the pipeline and we rewrote the refunds."
    assert problem(ex, stories) == "Story 1 (\"Story number 0\"): the action never says 'I'"
    stories[0]["action"] = "We mapped it, we fixed it and I tested it."
    assert "says 'I' 1 times and 'we' 2 times" in problem(ex, stories)
    stories[0]["action"] = "I mapped it and we fixed it."  # a tie is not "I outweighs we"
    assert problem(ex, stories) is not None


def test_no_words_finds_a_placeholder_in_any_named_field_as_a_whole_word():
    ex = exercise([Rule("no_words", {"words": ["TODO", "TBD"], "fields": ["title", "action"]})])
    stories = bank()
    stories[1]["action"] = "I rewrote the job; todo: numbers."
    assert problem(ex, stories) == "Story 2 (\"Story number 1\"): the action uses 'TODO'"
    stories[1]["action"] = "I rewrote the job and the todolist app."  # not the whole word
    assert problem(ex, stories) is None
    stories[0]["title"] = "TBD"
    assert "Story 1" in problem(ex, stories) and "the title uses 'TBD'" in problem(ex, stories)


def test_speaking_time_bounds_are_inclusive_and_the_time_never_looks_in_range():
    rule = Rule(
        "speaking_time",
        {"fields": ["action"], "wpm": 120, "min_minutes": 2, "max_minutes": 3},
    )
    ex = exercise([rule])
    stories = bank(1)
    for words in (240, 360):
        stories[0]["action"] = "word " * words
        assert problem(ex, stories) is None
    stories[0]["action"] = "word " * 239
    assert "takes about 1 min 59 s" in problem(ex, stories)
    stories[0]["action"] = "word " * 361
    assert "takes about 3 min 01 s" in problem(ex, stories)
    stories[0]["action"] = "word " * 600
    assert "takes about 5 min 00 s to say (600 words at 120 words a minute)" in problem(ex, stories)


def test_names_unknown_suggested_repeated_and_counted():
    rule = Rule("names", {"field": "principles", "allowed": NAMES, "min": 1, "max": 2})
    ex = exercise([rule])
    stories = bank()
    stories[0]["principles"] = ["depth and rigour", "THRIFT"]
    assert problem(ex, stories) is None
    stories[0]["principles"] = ["Sped"]
    assert "did you mean 'Speed'?" in problem(ex, stories)
    stories[0]["principles"] = ["Made Up"]
    assert "names 'Made Up', which is not on the list" in problem(ex, stories)
    stories[0]["principles"] = ["Care", "care"]
    assert "names 'Care' twice" in problem(ex, stories)
    stories[0]["principles"] = []
    assert "names 0; it needs at least 1" in problem(ex, stories)
    stories[0]["principles"] = ["Care", "Speed", "Thrift"]
    assert "may name at most 2" in problem(ex, stories)


def test_count_coverage_and_distinct_titles():
    ex = exercise(
        [
            Rule("count", {"min": 3}),
            Rule("distinct", {"fields": ["title"]}),
            Rule("coverage", {"field": "principles", "allowed": NAMES, "min_distinct": 3}),
        ]
    )
    assert problem(ex, bank(2)) == "there are 2 items; at least 3 are needed"
    same = bank(3)
    same[2]["title"] = "STORY number 0!"
    assert "has the same title as story 1" in problem(ex, same)
    narrow = [story(f"t{i}", ["Speed"]) for i in range(4)]
    assert "cover 1 distinct names; at least 3" in problem(ex, narrow)
    assert problem(ex, bank(4)) is None


def test_several_items_with_one_problem_are_listed_after_the_first():
    ex = exercise([Rule("quantified", {"fields": ["result"]})])
    stories = bank(9)
    for s in stories:
        s["result"] = "It went well."
    message = problem(ex, stories)
    assert message.startswith('Story 1 ("Story number 0")')
    assert "(the same problem in story 2, story 3, story 4, story 5, story 6 and 3 more)" in message


def test_strings_shape_rules():
    ex = ValueExercise(
        "bullets",
        name="BULLETS",
        shape="strings",
        noun="bullet",
        plural="bullets",
        rules=(
            Rule("count", {"min": 2, "max": 2}),
            Rule("opening_verb", {"weak": ["Responsible"], "past_forms": ["built"]}),
            Rule("mentions", {"phrases": ["SQL", "using"]}),
            Rule("word_range", {"min": 4, "max": 12}),
        ),
        hidden_rules=(Rule("no_first_person", {}), Rule("distinct", {})),
    )
    good = ["Built a SQL report for 40 managers", "Reduced churn 9% using cohort analysis"]
    assert problem(ex, good, hidden=True) is None
    assert "starts with" not in (problem(ex, ["- " + g for g in good]) or "")
    bad = ["Responsible for a SQL report for 40 managers", good[1]]
    assert "Bullet 1" in problem(ex, bad) and "'Responsible'" in problem(ex, bad)
    assert "names none of the expected terms" in problem(ex, [good[0], "Reduced churn 9% a lot"])
    assert "has 3 words" in problem(ex, [good[0], "Built SQL things"])
    assert "first-person" in problem(ex, [good[0], "Reduced our churn 9% using cohorts"], True)
    assert "repeats" not in (problem(ex, good, True) or "")
    assert "the same bullet as bullet 1" in problem(ex, [good[0], good[0].upper()], True)


def test_mapping_shape_keys_names_and_private_agreement():
    allowed = NAMES
    visible = (
        Rule("keys", {"keys": ["q1", "q2"]}),
        Rule("names", {"allowed": allowed, "min": 1, "max": 2}),
    )
    key = {"q1": ["Speed"], "q2": ["Care", "Thrift"]}
    ex = ValueExercise(
        "mapping",
        name="MAP",
        shape="mapping",
        noun="question",
        plural="questions",
        rules=visible,
        hidden_rules=(Rule("agreement", {"allowed": allowed, "expected": key, "min_matches": 2}),),
    )
    assert problem(ex, {"q1": ["speed"], "q2": ["thrift"]}, hidden=True) is None
    assert "no entry for 'q2'" in problem(ex, {"q1": ["Speed"]})
    assert "entry 'q3'" in problem(ex, {"q1": ["Speed"], "q2": ["Care"], "q3": ["Care"]})
    assert "Question 'q1' maps to one string" in problem(ex, {"q1": "Speed", "q2": ["Care"]})
    assert "must map to a list of strings" in problem(ex, {"q1": ["Speed", 3]})
    message = problem(ex, {"q1": ["Care"], "q2": ["Thrift"]}, hidden=True)
    assert message == "1 of 2 items agree with the key; at least 2 must (not agreeing: 'q1')"
    assert "Speed" not in message  # the key is never quoted
    learner = learner_copy(ex)
    shipped = json.dumps(ex.learner_data())
    assert "agreement" not in shipped and "min_matches" not in shipped
    assert learner.hidden_rules == ()
    leaky = ValueExercise(
        "leaky", name="MAP", shape="mapping", noun="q", plural="qs", rules=ex.hidden_rules
    )
    with pytest.raises(CompileError, match="holds an answer key"):
        leaky.learner_data()


# ------------------------------------------------------------------ learner side, declaration


def test_learner_side_gives_the_same_messages_and_no_hidden_rules():
    visible = [
        FIELDS,
        Rule("first_person", {"field": "action"}, {"no_i": "{item}: say what YOU did"}),
    ]
    ex = exercise(visible, [Rule("distinct", {"fields": ["task"]})])
    learner = learner_copy(ex)
    stories = bank()
    stories[1]["action"] = "We did it all together."
    assert (
        problem(learner, stories)
        == problem(ex, stories)
        == ('Story 2 ("Story number 1"): say what YOU did')
    )
    assert learner.learner_side and learner.hidden_rules == ()
    with pytest.raises(CheckFailed, match="hidden checks run when your notebook is graded"):
        learner.check_hidden(bank())


def test_a_rule_must_be_known_and_plain_data():
    with pytest.raises(ValueError, match="unknown rule kind"):
        Rule("sentiment", {})
    with pytest.raises(ValueError, match="no message code"):
        Rule("count", {"min": 1}, {"lots": "x"})
    with pytest.raises(TypeError):
        Rule("count", {"min": object()})
    with pytest.raises(ValueError, match="shape"):
        exercise([], shape="table")


# --------------------------------------------------------------------------- coverage


def test_coverage_table_marks_gaps_and_strays(capsys):
    rule = Rule("names", {"field": "principles", "allowed": NAMES, "min": 1})
    ex = exercise([rule])
    stories = [story("a", ["Speed", "depth and rigour"]), story("b", ["Speed", "Invented"])]
    table = coverage_table(stories, ex)
    out = capsys.readouterr().out
    assert list(table.index) == NAMES
    assert list(table.columns) == ["count", 1, 2]
    assert table.loc["Speed", "count"] == 2 and table.loc["Depth & Rigour", 1] == MARK
    assert "Not covered yet: Care, Thrift" in out
    assert "'Invented' (record 2)" in out
    assert "1. a · 2. b" in out


def test_coverage_table_from_a_list_and_without_data(capsys):
    table = coverage_table([story("a", ["Care"])], NAMES, field="principles")
    assert table.loc["Care", "count"] == 1
    assert coverage_table("not yet", NAMES, field="principles") is None
    assert coverage_table([story()], object()) is None
    assert "not while grading" in capsys.readouterr().out


# ------------------------------------------------------------------ rules added for week 7


def test_a_result_without_quantity_names_the_words_that_did_not_count():
    visible = Rule("quantified", {"fields": ["result"], "years_count": True})
    hidden = Rule("quantified", {"fields": ["result"], "years_count": False})
    ex = exercise([visible], [hidden])
    stories = bank()
    stories[0]["result"] = "In Q3 it became one of the most used reports."
    assert problem(ex, stories).endswith(
        "the result has no quantity: 'Q3' and 'one of' are not quantities"
    )
    stories[0]["result"] = "In Q3 of 2023 the report was rebuilt."
    assert problem(ex, stories) is None
    assert "'Q3' and '2023' are not quantities" in problem(ex, stories, hidden=True)
    stories[0]["result"] = "Everyone was happier."
    assert problem(ex, stories).endswith(
        "the result has no number, percentage, money amount or time"
    )


def test_compares_needs_a_comparison_word_or_pattern():
    ex = exercise([Rule("compares", {"fields": ["result"], "phrases": ["fell", "than"]})])
    stories = bank()  # "Corrections fell from 4 a month to zero"
    assert problem(ex, stories) is None
    stories[2]["result"] = "The work took 3 weeks with 100% success."
    assert problem(ex, stories) == (
        'Story 3 ("Story number 2"): the result compares its numbers with nothing'
    )
    stories[2]["result"] = "Precision went from 22% to 61% in 3 weeks."
    assert problem(ex, stories) is None


def test_longest_part_is_strictly_longest():
    ex = exercise([Rule("longest", {"field": "action", "than": ["situation", "task", "result"]})])
    stories = bank()
    assert problem(ex, stories) is None
    stories[1]["situation"] = stories[1]["action"].replace("I ", "We ")  # same word count
    assert "the action has 15 words and the situation 15" in problem(ex, stories)


def test_similar_items_are_caught_and_different_ones_pass():
    ex = exercise([Rule("similar", {"fields": list(PARTS), "max": 0.5})])
    stories = [
        story(
            "One",
            action="I mapped the refunds, rewrote the logic and added tests that stop bad runs.",
        ),
        story(
            "Two",
            situation="Dispatchers ignored a list of late orders that flagged a third of them.",
            task="Make the list short enough to act on.",
            action="I sat with two dispatchers, rebuilt the labels and tuned for the top fifty.",
            result="Precision rose from 22% to 61% in a two-week pilot.",
        ),
    ]
    assert problem(ex, stories) is None
    retold = story(
        "Three",
        action="I mapped the refunds, rewrote the logic and wrote tests that stop bad runs.",
    )
    message = problem(ex, [*stories, retold])
    assert message.startswith('Story 3 ("Three") shares ') and "with story 1" in message


def test_topics_follow_the_order_of_the_items():
    ex = ValueExercise(
        "demo", name="BULLETS", shape="strings", noun="bullet", plural="bullets", hints=("h",),
        rules=(Rule("topics", {"topics": [
            {"source": "Ran tests", "expected": "test(s)", "phrases": ["test", "tests"]},
            {"source": "Built a model", "expected": "model", "phrases": ["model"]},
        ]}),),
    )  # fmt: skip
    assert problem(ex, ["Ran 12 tests", "Shipped a model"]) is None
    assert problem(ex, ["Shipped a model", "Ran 12 tests"]) == (
        'Bullet 1 ("Shipped a model") does not mention test(s) (the same problem in bullet 2)'
    )


def test_spread_limits_how_often_one_name_is_given_and_one_string_is_named():
    ex = exercise(
        [Rule("names", {"allowed": NAMES}), Rule("spread", {"allowed": NAMES, "max_items": 2})],
        shape="mapping",
    )
    assert problem(ex, {"a": ["Speed"], "b": ["speed", "Care"], "c": ["Care"]}) is None
    assert problem(ex, {"a": ["Speed"], "b": ["speed"], "c": ["SPEED"]}) == (
        "'Speed' is given for 3 of 3 items; at most 2 may have it"
    )
    assert problem(ex, {"a": "Speed, Care"}) == (
        "Question 'a' maps to one string; give a list of names, one string per name"
    ).replace("Question", "Story")


def test_fields_and_names_say_when_a_list_of_names_is_one_string():
    ex = exercise(
        [
            Rule("fields", {"required": {"principles": "names"}, "optional": {}}),
        ]
    )
    value = [{"principles": "Speed, Care"}]
    assert problem(ex, value) == "Story 1: principles is one string; give a list of names"
    names = exercise([Rule("names", {"field": "principles", "allowed": NAMES})])
    assert problem(names, value) == "Story 1: principles is one string; give a list of names"


def test_a_tie_in_pronouns_says_i_must_outnumber_we():
    ex = exercise([Rule("first_person", {"field": "action"})])
    stories = bank()
    stories[0]["action"] = "I mapped the refunds and we rewrote the logic."
    assert problem(ex, stories) == (
        "Story 1 (\"Story number 0\"): the action says 'I' 1 times and 'we' 1 times; 'I' must "
        "outnumber 'we'"
    )


def test_agreement_names_the_items_that_do_not_agree():
    ex = exercise(
        [],
        [Rule("agreement", {"allowed": NAMES, "expected": {"a": ["Speed"], "b": ["Care"]}, "min_matches": 2})],
        shape="mapping",
    )  # fmt: skip
    assert problem(ex, {"a": ["Speed"], "b": ["Thrift"]}, hidden=True) == (
        "1 of 2 items agree with the key; at least 2 must (not agreeing: 'b')"
    )
