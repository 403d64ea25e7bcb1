"""Text rules on good and bad sentences, including the edge cases a story bank runs into."""

from __future__ import annotations

import pytest

from autograder.judges import text

# ----------------------------------------------------------------------------- words


def test_words_count_tokens_with_a_letter_or_digit():
    assert text.word_count("Cut costs by 18% — $40K a year, one-hour slots") == 9
    assert text.word_count("") == 0
    assert text.word_count("   \n — … ") == 0


def test_speaking_minutes_and_its_guard():
    assert text.speaking_minutes(240, 120) == 2.0
    with pytest.raises(ValueError):
        text.speaking_minutes(240, 0)


# -------------------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Late deliveries fell by 18%.", "percentage"),
        ("Churn dropped by three percent.", "percentage"),
        ("Conversion rose 2 percentage points.", "percentage"),
        ("It saved $2.3M a year.", "money"),
        ("It saved USD 300 a month.", "money"),
        ("It saved 40,000 dollars.", "money"),
        ("Close took two weeks instead of a month.", "duration"),
        ("Reports now take twelve business days less.", "duration"),
        ("We served 1,200 stores.", "number"),
        ("Twenty-five analysts use it.", "number"),
        ("It is one hundred and twenty rows long.", "number"),
        ("Queries ran 3x faster.", "number"),
        ("Sign-ups doubled.", "number"),
        ("It reached zero defects.", "number"),
        ("Onboarding took one week.", "duration"),
    ],
)
def test_quantities_found_with_their_kind(sentence, kind):
    found = text.quantities(sentence)
    assert found and found[0].kind == kind, found
    assert text.is_quantified(sentence, years_count=False)


@pytest.mark.parametrize(
    "sentence",
    [
        "The team was happy with the result.",
        "She was the one who noticed.",  # a lone "one" is a pronoun as often as a number
        "Hundreds of users wrote in.",  # vague amounts
        "Q3 results improved and the L6 manager agreed.",  # digits glued to letters
        "",
    ],
)
def test_text_without_a_quantity(sentence):
    assert text.quantities(sentence) == []
    assert not text.is_quantified(sentence)


def test_a_year_alone_is_a_year_and_counts_only_when_allowed():
    sentence = "In 2023 the dashboard was finally rebuilt."
    assert [q.kind for q in text.quantities(sentence)] == ["year"]
    assert text.is_quantified(sentence, years_count=True)
    assert not text.is_quantified(sentence, years_count=False)
    assert text.is_quantified("By 2023 costs fell 12%.", years_count=False)
    assert text.quantities("2,023 orders")[0].kind == "number"  # a count, not a year


# ----------------------------------------------------------------------------- quotes


def test_strip_quoted_removes_every_kind_of_quotation():
    sentence = "He said \"we ship\" and she wrote “we wait”, then ‘we agree’ and 'we go'."
    stripped = text.strip_quoted(sentence)
    assert "we" not in stripped.split()
    assert "He said" in stripped and "she wrote" in stripped


def test_apostrophes_inside_words_are_not_quotes():
    sentence = "The team's 'we first' rule and the analysts' notes"
    stripped = text.strip_quoted(sentence)
    assert "team's" in stripped and "analysts'" in stripped
    assert "first" not in stripped


def test_an_unclosed_quote_strips_nothing():
    assert text.strip_quoted('She said "we should') == 'She said "we should'


# --------------------------------------------------------------------------- pronouns


def test_first_person_counts_singular_and_plural():
    sentence = "I built it and my manager helped me; we shipped it to our users."
    assert text.first_person_counts(sentence) == (3, 2)


def test_contractions_count_as_their_pronoun():
    assert text.first_person_counts("I'm sure we're right and I’ve checked; we've agreed") == (2, 2)


def test_we_inside_quotes_is_not_counted_unless_asked():
    sentence = 'My manager said "we always win on opens" and I disagreed.'
    assert text.first_person_counts(sentence) == (2, 0)
    assert text.first_person_counts(sentence, ignore_quoted=False) == (2, 1)


def test_the_country_and_i_e_are_not_pronouns():
    assert text.first_person_counts("The US market grew, i.e. US sales; us and I") == (1, 1)


def test_pronoun_count_of_empty_text():
    assert text.first_person_counts("") == (0, 0)


# ---------------------------------------------------------------------- opening verbs

WEAK = ["Responsible", "Helped", "Worked"]
PAST = ["built", "led", "cut"]


@pytest.mark.parametrize(
    ("bullet", "status", "word"),
    [
        ("Designed 12 tests", "ok", "Designed"),
        ("- Built a model", "ok", "Built"),
        ("• cut costs", "ok", "cut"),
        ("Co-led a team", "ok", "Co-led"),
        ("Co-founded a club", "ok", "Co-founded"),
        ("Responsible for the dashboard", "weak", "Responsible"),
        ("helped run tests", "weak", "helped"),
        ("I built a model", "not_verb", "I"),
        ("Red team exercises", "not_verb", "Red"),
        ("Build a model", "not_verb", "Build"),
        ("3 models shipped", "not_verb", "3"),
        ("", "empty", ""),
        ("  - ", "empty", ""),
    ],
)
def test_opening_verb(bullet, status, word):
    assert text.opening_verb(bullet, weak=WEAK, past_forms=PAST) == (status, word)


# ------------------------------------------------------------------------------ names

PRINCIPLES = ["Are Right, A Lot", "Have Backbone; Disagree and Commit", "Earth's Best Employer"]


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("are right a lot", "Are Right, A Lot"),
        ("ARE RIGHT, A LOT", "Are Right, A Lot"),
        ("Have backbone, disagree & commit", "Have Backbone; Disagree and Commit"),
        ("Earth’s Best Employer", "Earth's Best Employer"),
        ("earths best employer", "Earth's Best Employer"),
        ("Disagree and Commit", None),
        ("Data Driven", None),
        ("", None),
    ],
)
def test_match_name_is_tolerant_but_not_loose(given, canonical):
    assert text.match_name(given, PRINCIPLES) == canonical


def test_closest_name_suggests_only_a_close_name():
    assert text.closest_name("Disagree and Commit", PRINCIPLES) == PRINCIPLES[1]
    assert text.closest_name("Customer Focus", ["Customer Obsession", "Frugality"]) == (
        "Customer Obsession"
    )
    assert text.closest_name("Data Driven", PRINCIPLES) is None


def test_mentions_whole_words_only():
    phrases = ["SQL", "A/B test", "R"]
    assert text.mentions("Ran an a/b test in sql", phrases) == ["SQL", "A/B test"]
    assert text.mentions("Ran A/B testing with MySQL for a bar chart", phrases) == []


# ------------------------------------------------------------ what does not count, comparisons


def test_not_quantities_lists_labels_a_lone_one_vague_amounts_and_years_when_asked():
    sentence = "In Q3 it became one of our best launches; several teams used it in 2023."
    assert text.not_quantities(sentence) == ["Q3", "one of", "several"]
    assert text.not_quantities(sentence, years_count=False) == ["Q3", "one of", "several", "2023"]
    assert text.not_quantities("Hundreds of B2B users wrote in.") == ["Hundreds", "B2B"]
    assert text.not_quantities("Churn fell 18% in one week.") == []


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Late deliveries fell by 18%.", ["fell"]),
        ("Churn was 9 points lower than in control.", ["than", "control", "lower"]),
        ("Precision went from 22% to 61%.", ["from … to"]),
        ("Revenue was up 40% on spring.", ["up …"]),
        ("Costs were down by $3K a month.", ["down …"]),
    ],
)
def test_comparisons_by_word_from_to_and_up_down(sentence, found):
    assert sorted(text.comparisons(sentence, ["fell", "than", "lower", "control"])) == sorted(found)


@pytest.mark.parametrize(
    "sentence",
    [
        "The project took 3 weeks and had 100% success.",
        "I set up 3 dashboards.",  # "up" before a word, not a number
        "A note from the VP went to 40 people.",  # "from" then a word, one quantity
        "From the team, 12 analysts moved to the new tool.",  # two sentences' worth, one number
    ],
)
def test_a_number_without_comparison(sentence):
    assert text.comparisons(sentence, ["fell", "than"]) == []


def test_similarity_of_word_pairs():
    story = "I rebuilt the labels from the new slot times and tuned the threshold."
    retold = "I rebuilt the labels using the new slot times and tuned the cut-off."
    assert text.word_pairs("Cut costs by 18%") == {("cut", "costs"), ("costs", "by"), ("by", "18")}
    assert text.similarity(story, story) == 1.0
    assert 0.4 < text.similarity(story, retold) < 1.0
    assert text.similarity(story, "Dispatchers handled fifty orders a day.") == 0.0
    assert text.similarity("", "") == 0.0


def test_mentions_drops_a_possessive():
    assert text.mentions("Cut marketing's report time", ["marketing"]) == ["marketing"]
    assert text.mentions("Cut marketingops time", ["marketing"]) == []
