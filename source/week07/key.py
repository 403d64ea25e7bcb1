"""Week 7 — behavioural preparation: a STAR story bank, résumé bullets, questions → principles.

The instructor's key (never released). Every automatic check here is a deterministic text
rule from the engine (``autograder.judges.text`` through ``autograder.exercises.value``),
parametrised by the data below: the principle names, the thresholds and the wording of each
message. The visible rules compile into release/week07/checks.json; the hidden rules, and
the instructor's mapping of questions to principles, stay here.

Rules and thresholds, and how each was chosen:
- speaking time: 2–3 minutes per story (the plan's delivery target) at 120 words a minute, a
  calm interview pace, so 240–360 words across situation, task, action and result;
- substantive parts: at least 20 / 10 / 50 / 15 words for situation / task / action /
  result, well under what a 2-minute story needs, so only a stub or an empty part fails;
- ownership: in the action, "I" (I, me, my, mine, myself) strictly outnumbers "we" (we, us,
  our, ours, ourselves), quoted speech ignored, "US" in capitals is the country;
- quantified result: a number in digits or words, a percentage, money or a duration; a bare
  year does not count (hidden check); a lone "one" does not count; and the result compares
  (a change or comparison word from COMPARISON_WORDS, "from … to" with two numbers, or
  "up"/"down" before a number), so "took 3 weeks" or "100% success" alone is not a result;
- the action is the longest STAR part (more words than each other part);
- near-duplicates: two stories sharing 20% or more of their word pairs (Jaccard over pairs of
  consecutive words of situation+task+action+result) are one story told twice; different
  stories of the two model banks share at most 6%, a lightly reworded copy about 60%;
- principles: 1–3 per story, each one of the 16 below (case, "&"/"and", punctuation ignored);
  the bank: at least 15 stories, distinct titles, at least 12 distinct principles covered;
- résumé bullets: in the weak bullets' order (each mentions its weak bullet's subject),
  past-tense action verb first (not a weak opener), a quantity, a method or tool from the
  list, 12–30 words; hidden: no first-person words, no repeated bullet, a year is not a
  quantity;
- questions → principles: 1–3 valid names per question and no principle for more than 4 of
  the 8 questions (so one generic set repeated everywhere earns nothing); hidden: how many
  questions match the key, and which do not.
Each rule is unit-tested in tests/judges/test_text.py and tests/exercises/test_value.py on
good and bad text, and the answer bank (tests/fixtures/answers/week07) holds a failing
answer for every rule the prompts state (prompt_rules on each exercise).
"""

from __future__ import annotations

from autograder.exercises.prompt_rules import PromptRule
from autograder.exercises.value import Rule, ValueExercise

TITLE = "Behavioural: Leadership Principles"
TOPICS = (
    "a STAR story bank checked for structure, ownership, quantified results and speaking time; "
    "résumé bullets from weak to strong; behavioural questions mapped to principles"
)

LEADERSHIP_PRINCIPLES = [
    "Customer Obsession",
    "Ownership",
    "Invent and Simplify",
    "Are Right, A Lot",
    "Learn and Be Curious",
    "Hire and Develop the Best",
    "Insist on the Highest Standards",
    "Think Big",
    "Bias for Action",
    "Frugality",
    "Earn Trust",
    "Dive Deep",
    "Have Backbone; Disagree and Commit",
    "Deliver Results",
    "Strive to be Earth's Best Employer",
    "Success and Scale Bring Broad Responsibility",
]

# ------------------------------------------------------------------------------ story_bank

STAR_PARTS = ("situation", "task", "action", "result")
MIN_WORDS = {"situation": 20, "task": 10, "action": 50, "result": 15}
WORDS_PER_MINUTE = 120
MIN_MINUTES, MAX_MINUTES = 2, 3
MIN_STORIES = 15
MIN_PRINCIPLES_COVERED = 12
MAX_PRINCIPLES_PER_STORY = 3
PLACEHOLDERS = ["TODO", "TBD", "TBC", "lorem ipsum", "XXX"]
NEAR_DUPLICATE_SHARE = 0.2  # word-pair Jaccard: different stories share at most 6%
# A result compares its numbers with something: a change, a comparison or a reference point.
COMPARISON_WORDS = [
    "increased", "decreased", "rose", "fell", "grew", "dropped", "cut", "reduced", "lowered",
    "raised", "lifted", "improved", "boosted", "saved", "shrank", "doubled", "tripled",
    "quadrupled", "halved", "shortened", "increase", "decrease", "reduction", "improvement",
    "savings", "than", "vs", "versus", "compared", "against", "baseline", "benchmark",
    "target", "goal", "budget", "deadline", "schedule", "control", "previous", "prior",
    "earlier", "instead of", "higher", "lower", "more", "fewer", "less", "faster", "slower",
    "cheaper", "better", "worse", "shorter", "longer", "smaller", "larger", "above", "below",
    "ahead of", "behind",
]  # fmt: skip

_STORY = {"name": "STORIES", "shape": "records", "noun": "story", "plural": "stories"}
_STORY_LABEL = {"label_field": "title"}

_fields = Rule(
    "fields",
    {
        "required": {
            "title": "text",
            "principles": "names",
            **{part: "text" for part in STAR_PARTS},
        },
        # follow-ups are questions, not names: one string gets the plain type message
        "optional": {"follow_ups": "strings"},
    },
    {
        "missing": "{item} has no '{field}' key — every story needs title, principles, "
        "situation, task, action and result",
        "type": "{item}: '{field}' must be {expected}, not a {actual}",
        "one_string": "{item}: {field} is one string; give a list of names, e.g. "
        '["Ownership", "Bias for Action"]',
        "unknown": "{item} has a key '{field}' that a story does not use (keys: {allowed}); "
        "check the spelling",
    },
)
_min_words = Rule(
    "min_words",
    {"fields": {"title": 1, **MIN_WORDS}},
    {
        "empty": "{item}: the {field} is empty — every STAR part needs its own sentences",
        "short": "{item}: the {field} has only {count} words; give it at least {min} so a "
        "listener can follow",
    },
)
_action_longest = Rule(
    "longest",
    {"field": "action", "than": ["situation", "task", "result"]},
    {
        "shorter": "{item}: the action has {count} words and the {other} {other_count}; the "
        "action must be the longest part (more words than each other part)",
    },
)
_no_placeholders = Rule(
    "no_words",
    {"words": PLACEHOLDERS, "fields": ["title", *STAR_PARTS]},
    {"used": "{item}: the {field} still holds the placeholder '{word}' — finish the story"},
)
_distinct_parts = Rule(
    "distinct",
    {"fields": list(STAR_PARTS)},
    {"same": "{item} has the same {field} as {other} — each story needs its own text"},
)

story_bank = ValueExercise(
    "story_bank",
    **_STORY,
    **_STORY_LABEL,
    rules=(_fields, _min_words, _action_longest),
    hidden_rules=(_no_placeholders, _distinct_parts),
    hints=(
        "Write each story as one dict with the keys title, principles, situation, task, "
        "action and result (follow_ups is optional); every STAR part is a string.",
        "Situation sets the scene, task says what you were responsible for, action is the "
        "longest part (what you did, step by step), result says what changed.",
        "Run the check after each story: the message names the story to fix.",
    ),
    prompt_rules=(
        PromptRule(
            "a list of dicts", case="must be a list with one dict", bank="fail_tuple_of_stories"
        ),
        PromptRule(
            "each with exactly these keys",
            case="has no 'result' key",
            bank="fail_misspelt_result_key",
        ),
        PromptRule("(no others)", case="has a key 'lesson'", bank="fail_extra_lesson_key"),
        PromptRule(
            '"principles" | list of str',
            case="principles is one string; give a list of names",
            bank="fail_principles_one_string",
        ),
        PromptRule(
            "of the types above",
            case="'action' must be a string, not a list",
            bank="fail_action_as_list_of_steps",
        ),
        PromptRule(
            "the title has at least 1 word", case="the title is empty", bank="fail_empty_title"
        ),
        PromptRule(
            "the situation at least 20",
            case="the situation has only 19 words",
            bank="fail_short_situation",
        ),
        PromptRule("the task at least 10", case="the task is empty", bank="fail_empty_task"),
        PromptRule(
            "the action at least 50",
            case="the action has only 49 words",
            bank="fail_short_action",
        ),
        PromptRule(
            "the result at least 15",
            case="the result has only 14 words",
            bank="fail_short_result",
        ),
        PromptRule(
            "the action has more words than the situation, than the task and than the result",
            case="the action must be the longest part",
            bank="fail_situation_longer_than_action",
        ),
        PromptRule(
            "no title or STAR part still holds a placeholder",
            case="still holds the placeholder 'TODO'",
            bank="fail_placeholder_left_in",
        ),
        PromptRule(
            "no two stories share the same situation, task, action or result",
            case="has the same situation as story 10",
            bank="fail_same_story_twice",
        ),
    ),
)

_QUANTIFIED_MESSAGES = {
    "none": "{item}: the result has no number — say what changed and by how much (a count, "
    "a percentage, a money amount or a time)",
    "not_counted": "{item}: the result has no quantity — {not_counted} (see what counts as "
    "a quantity); say what changed and by how much",
}

story_bank_results = ValueExercise(
    "story_bank_results",
    **_STORY,
    **_STORY_LABEL,
    rules=(
        Rule("quantified", {"fields": ["result"], "years_count": True}, _QUANTIFIED_MESSAGES),
        Rule(
            "compares",
            {"fields": ["result"], "phrases": COMPARISON_WORDS},
            {
                "none": "{item}: the result has a number but compares it with nothing — say "
                "against what: before and after (from 22% to 61%), a baseline or target "
                "(than, vs, against), or a change (fell by 18%); see the list of comparison "
                "words",
            },
        ),
    ),
    hidden_rules=(
        Rule(
            "quantified",
            {"fields": ["result"], "years_count": False},
            {
                **_QUANTIFIED_MESSAGES,
                "year_only": "{item}: the only number in the result is a year, which is not "
                "an outcome — say how much changed",
            },
        ),
    ),
    hints=(
        "Interviewers remember the result: end each story with what changed, measured "
        "against what it was before, a baseline or a target.",
        "Any of these counts as a quantity: 3 dashboards, twelve hours a week, 18%, $40K, two "
        "weeks earlier. A year such as 2022 on its own does not, nor a label such as Q3. "
        "Then compare it: 'fell from 31% to 19%', '9 points lower than control'.",
    ),
    prompt_rules=(
        PromptRule(
            "every result holds a quantity",
            case="the result has no number",
            bank="fail_result_without_number",
        ),
        PromptRule(
            "digits glued to letters (Q3, H1, L6)",
            case="'Q3' is not a quantity",
            bank="fail_result_quarter_label",
        ),
        PromptRule(
            'a lone "one" unless it is an amount of something',
            case="'one of' is not a quantity",
            bank="fail_result_one_of",
        ),
        PromptRule(
            "vague amounts (hundreds of, several, many)",
            case="'hundreds' and 'several' are not quantities",
            bank="fail_result_vague_amounts",
        ),
        PromptRule(
            "a year on its own (a four-digit number from 1900 to 2099",
            case="the only number in the result is a year",
            bank="fail_result_only_a_year",
        ),
        PromptRule(
            "and compares it with something",
            case="compares it with nothing",
            bank="fail_result_no_comparison",
        ),
    ),
)

story_bank_ownership = ValueExercise(
    "story_bank_ownership",
    **_STORY,
    **_STORY_LABEL,
    rules=(
        Rule(
            "first_person",
            {"field": "action", "ignore_quoted": True},
            {
                "no_i": "{item}: the action never says 'I' — tell what you did yourself",
                "we": "{item}: the action says 'we' {plural} times and 'I' only {singular}; "
                "'I' must outnumber 'we' so your part is clear",
                "tie": "{item}: the action says 'I' {singular} times and 'we' {plural} times, "
                "a tie; 'I' must outnumber 'we' so your part is clear",
            },
        ),
    ),
    hints=(
        "The interviewer is hiring you, not your team: in the action, say what you did.",
        "Count your pronouns in the action: I/me/my must outnumber we/us/our. Words inside "
        "quotation marks (what someone said) are not counted.",
    ),
    prompt_rules=(
        PromptRule(
            "strictly outnumber", case="a tie; 'I' must outnumber 'we'", bank="fail_ownership_tie"
        ),
        PromptRule(
            "plural ones (we, us, our, ours, ourselves)",
            case="the action never says 'I'",
            bank="fail_we_only_action",
        ),
        PromptRule(
            "words inside quotation marks",
            case="'I' must outnumber 'we'",
            bank="fail_i_only_inside_quotes",
        ),
    ),
)

story_bank_timing = ValueExercise(
    "story_bank_timing",
    **_STORY,
    **_STORY_LABEL,
    rules=(
        Rule(
            "speaking_time",
            {
                "fields": list(STAR_PARTS),
                "wpm": WORDS_PER_MINUTE,
                "min_minutes": MIN_MINUTES,
                "max_minutes": MAX_MINUTES,
            },
            {
                "short": "{item} takes about {minutes} to say ({words} words at {wpm} "
                "words a minute); add detail until it reaches {min_words} words (2 minutes)",
                "long": "{item} takes about {minutes} to say ({words} words at {wpm} "
                "words a minute); cut it to {max_words} words or fewer (3 minutes)",
            },
        ),
    ),
    hints=(
        "Only situation, task, action and result are timed; the title and follow-ups are not.",
        "At 120 words a minute, 2–3 minutes is 240–360 words. Too long? Shorten the "
        "situation first; it is rarely what the interviewer scores.",
    ),
    prompt_rules=(
        PromptRule(
            "240 to 360 words", case="(361 words at 120 words a minute)", bank="fail_361_word_story"
        ),
        PromptRule(
            "takes 2 to 3 minutes to say",
            case="(239 words at 120 words a minute)",
            bank="fail_239_word_story",
        ),
    ),
)

story_bank_principles = ValueExercise(
    "story_bank_principles",
    **_STORY,
    **_STORY_LABEL,
    rules=(
        Rule(
            "names",
            {
                "field": "principles",
                "allowed": LEADERSHIP_PRINCIPLES,
                "min": 1,
                "max": MAX_PRINCIPLES_PER_STORY,
            },
            {
                "unknown": "{item} names '{name}', which is not one of the 16 Leadership "
                "Principles listed in the prompt",
                "unknown_close": "{item} names '{name}', which is not one of the 16 "
                "Leadership Principles — did you mean '{suggestion}'?",
                "one_string": "{item}: principles is one string; give a list of names, e.g. "
                '["Ownership", "Bias for Action"]',
                "repeated": "{item} names '{name}' twice",
                "few": "{item} names no principle; tag it with 1 to 3",
                "many": "{item} is tagged with {count} principles; tag each story with at "
                "most {max}, the ones it shows best",
            },
        ),
    ),
    hints=(
        "Copy the principle names from the list in the prompt; case and '&' for 'and' do "
        "not matter, invented names do.",
        "Tag each story with the one to three principles it shows best: a story stretched "
        "over more convinces no one.",
    ),
    prompt_rules=(
        PromptRule(
            "every story names 1 to 3 principles",
            case="is tagged with 5 principles",
            bank="fail_story_tagged_with_five_principles",
        ),
        PromptRule(
            "the 1 to 3 Leadership Principles the story shows best",
            case="names no principle",
            bank="fail_story_without_principles",
        ),
        PromptRule(
            "each one of the 16 above",
            case="which is not one of the 16 Leadership Principles",
            bank="fail_invented_principle",
        ),
        PromptRule(
            "none twice", case="names 'Invent and Simplify' twice", bank="fail_principle_twice"
        ),
        PromptRule(
            "list of str",
            case="principles is one string; give a list of names",
            bank="fail_principles_one_string",
        ),
    ),
)

story_bank_coverage = ValueExercise(
    "story_bank_coverage",
    **_STORY,
    **_STORY_LABEL,
    rules=(
        Rule(
            "count",
            {"min": MIN_STORIES},
            {"few": "STORIES has {count} stories; the bank needs at least {min}"},
        ),
        Rule(
            "distinct",
            {"fields": ["title"]},
            {"same": "{item} has the same title as {other}; each story appears once in the bank"},
        ),
        Rule(
            "similar",
            {"fields": list(STAR_PARTS), "max": NEAR_DUPLICATE_SHARE},
            {
                "similar": "{item} shares {percent}% of its word pairs with {other} "
                "(situation, task, action and result); at {max_percent}% or more two stories "
                "count as one story told twice — replace it with a different story",
            },
        ),
        Rule(
            "coverage",
            {
                "field": "principles",
                "allowed": LEADERSHIP_PRINCIPLES,
                "min_distinct": MIN_PRINCIPLES_COVERED,
            },
            {
                "few": "your stories cover {count} distinct principles; cover at least {min} "
                "(not covered yet: {missing})"
            },
        ),
    ),
    hints=(
        "Draw the coverage table below the bank to see which principles no story covers.",
        "Fill a gap with a new story rather than re-tagging or rewording an old one: look for "
        "a time you saved money (Frugality), raised a bar (Highest Standards) or coached "
        "someone.",
    ),
    prompt_rules=(
        PromptRule(
            "at least 15 stories", case="STORIES has 14 stories", bank="fail_fourteen_stories"
        ),
        PromptRule(
            "no two with the same title (ignoring case and punctuation)",
            case="has the same title as story 7",
            bank="fail_duplicate_title",
        ),
        PromptRule(
            "at least 12 different principles",
            case="your stories cover 11 distinct principles",
            bank="fail_covers_eleven_principles",
        ),
        PromptRule(
            "share 20% or more of their word pairs",
            case="count as one story told twice",
            bank="fail_reworded_duplicate_story",
        ),
    ),
)

# ------------------------------------------------------------------------- resume_bullets

WEAK_BULLETS = [
    "Analyzed customer data to provide insights",
    "Responsible for the weekly sales dashboard",
    "Worked on a model to predict late deliveries",
    "Helped run A/B tests on the checkout page",
    "Wrote SQL queries for the marketing team",
]
WEAK_OPENERS = [
    "Responsible", "Helped", "Assisted", "Worked", "Participated", "Involved", "Tasked",
    "Supported", "Handled", "Contributed", "Utilized", "Used", "Was", "Were", "Did", "Had",
    "Experienced", "Exposed", "Familiarized", "Gained", "Tried", "Attempted",
]  # fmt: skip
IRREGULAR_PAST = [
    "beat", "began", "bought", "brought", "built", "caught", "chose", "cut", "dealt", "drew",
    "drove", "fed", "forecast", "found", "fought", "gave", "grew", "held", "hit", "kept",
    "laid", "led", "lent", "made", "met", "oversaw", "overcame", "paid", "put", "ran", "read",
    "rebuilt", "redrew", "reran", "reset", "rewrote", "sent", "set", "shrank", "shut", "sold",
    "sped", "spent", "split", "spoke", "spun", "stood", "struck", "swept", "taught", "took",
    "undertook", "understood", "upheld", "won", "wrote",
]  # fmt: skip
METHODS_AND_TOOLS = [
    "using", "via",
    "SQL", "Python", "R", "pandas", "NumPy", "scikit-learn", "Spark", "PySpark", "Airflow",
    "dbt", "Tableau", "Power BI", "Looker", "Excel", "AWS", "SageMaker", "Redshift", "Athena",
    "S3", "BigQuery", "Snowflake", "TensorFlow", "PyTorch", "XGBoost", "LightGBM",
    "regression", "logistic regression", "gradient boosting", "random forest", "decision tree",
    "clustering", "k-means", "segmentation", "classifier", "classification", "forecasting",
    "time series", "survival analysis", "cohort analysis", "A/B test", "A/B tests",
    "A/B testing", "experiment", "experiments", "difference-in-differences", "bootstrap",
    "hypothesis test", "collaborative filtering", "machine learning", "model", "models",
    "NLP", "embeddings", "neural network", "anomaly detection", "dashboard", "dashboards",
    "pipeline", "pipelines", "ETL", "window functions", "simulation",
]  # fmt: skip
BULLET_WORDS = (12, 30)
# Each rewrite keeps its weak bullet's subject, so the five stay in the weak bullets' order.
BULLET_TOPICS = [
    {
        "source": WEAK_BULLETS[0],
        "expected": "customer(s), user(s) or client(s)",
        "phrases": ["customer", "customers", "user", "users", "client", "clients"],
    },
    {"source": WEAK_BULLETS[1], "expected": "dashboard(s)", "phrases": ["dashboard", "dashboards"]},
    {
        "source": WEAK_BULLETS[2],
        "expected": "late, delivery or deliveries",
        "phrases": ["late", "delivery", "deliveries"],
    },
    {
        "source": WEAK_BULLETS[3],
        "expected": "checkout, A/B test(s), A/B testing or experiment(s)",
        "phrases": [
            "checkout",
            "A/B test",
            "A/B tests",
            "A/B testing",
            "experiment",
            "experiments",
        ],
    },
    {"source": WEAK_BULLETS[4], "expected": "marketing", "phrases": ["marketing"]},
]

_BULLETS = {"name": "BULLETS", "shape": "strings", "noun": "bullet", "plural": "bullets"}

resume_bullets = ValueExercise(
    "resume_bullets",
    **_BULLETS,
    rules=(
        Rule(
            "count",
            {"min": len(WEAK_BULLETS), "max": len(WEAK_BULLETS)},
            {
                "few": "BULLETS has {count} bullets; rewrite each of the {min} weak bullets, "
                "in the same order",
                "many": "BULLETS has {count} bullets; rewrite each of the {max} weak bullets "
                "once, in the same order",
            },
        ),
        Rule(
            "topics",
            {"topics": BULLET_TOPICS},
            {
                "off_topic": "{item} does not mention {expected}: bullet {number} rewrites "
                "'{source}', so it keeps that subject (the bullets follow the weak bullets' "
                "order)",
            },
        ),
        Rule(
            "opening_verb",
            {"weak": WEAK_OPENERS, "past_forms": IRREGULAR_PAST},
            {
                "weak": "{item} starts with '{word}', a weak opener; start with a strong "
                "past-tense action verb such as Built, Cut or Led",
                "not_verb": "{item} starts with '{word}'; start with a past-tense action verb "
                "such as Built, Cut or Led",
                "empty": "{item} is empty",
            },
        ),
    ),
    hidden_rules=(
        Rule(
            "no_first_person",
            {"ignore_quoted": True},
            {
                "used": "{item} uses first-person words (I, my, we, our...); résumé "
                "bullets leave the pronoun out"
            },
        ),
        Rule(
            "distinct",
            {},
            {"same": "{item} repeats {other} word for word; each bullet needs its own line"},
        ),
    ),
    hints=(
        "Read the seed article's strong bullets: verb, what you did and how, then the "
        "measured outcome.",
        "Open with a past-tense verb (Built, Cut, Designed, Led); never with 'Responsible "
        "for', 'Helped' or 'Worked on'.",
        "Leave out I and we: a résumé bullet has an implied subject.",
    ),
    prompt_rules=(
        PromptRule(
            "a list of exactly 5 strings", case="BULLETS has 4 bullets", bank="fail_four_bullets"
        ),
        PromptRule(
            "exactly 5 strings",
            case="BULLETS has 6 bullets",
            bank="fail_six_bullets",
        ),
        PromptRule(
            "in the same order",
            case="bullet 2 rewrites 'Responsible for the weekly sales dashboard'",
            bank="fail_bullets_out_of_order",
        ),
        PromptRule(
            "open with an action verb in the past tense",
            case="starts with 'Identify'; start with a past-tense action verb",
            bank="fail_present_tense_openers",
        ),
        PromptRule(
            "These weak openers are refused",
            case="starts with 'Responsible', a weak opener",
            bank="fail_responsible_for",
        ),
        PromptRule(
            "no bullet uses first-person words",
            case="uses first-person words",
            bank="fail_our_team_pronoun",
        ),
        PromptRule(
            "no two bullets are the same",
            case="repeats bullet 4 word for word",
            bank="fail_same_bullet_twice",
        ),
    ),
)

resume_bullets_impact = ValueExercise(
    "resume_bullets_impact",
    **_BULLETS,
    rules=(
        Rule(
            "quantified",
            {"years_count": True},
            {
                "none": "{item} has no number: add the outcome or the scale (a count, a "
                "percentage, a money amount or a time)",
                "not_counted": "{item} has no quantity: {not_counted}; add the outcome or the "
                "scale",
            },
        ),
    ),
    hidden_rules=(
        Rule(
            "quantified",
            {"years_count": False},
            {
                "none": "{item} has no number: add the outcome or the scale (a count, a "
                "percentage, a money amount or a time)",
                "not_counted": "{item} has no quantity: {not_counted}; add the outcome or the "
                "scale",
                "year_only": "{item}: its only number is a year, which is not an outcome",
            },
        ),
    ),
    hints=(
        "Amazon is metrics-driven: every bullet shows measurable impact or at least scale.",
        "No outcome you can share? Give the scale instead: '50M transactions across 12 "
        "categories'.",
    ),
    prompt_rules=(
        PromptRule("hold a quantity", case="has no number", bank="fail_no_numbers"),
        PromptRule(
            "digits glued to letters such as Q3",
            case="'Q3' is not a quantity",
            bank="fail_quarter_label_as_number",
        ),
        PromptRule(
            "a year on its own does not count",
            case="its only number is a year",
            bank="fail_only_a_year",
        ),
    ),
)

resume_bullets_method = ValueExercise(
    "resume_bullets_method",
    **_BULLETS,
    rules=(
        Rule(
            "mentions",
            {"phrases": METHODS_AND_TOOLS},
            {
                "none": "{item} names no method or tool from the list (e.g. SQL, gradient "
                "boosting, cohort analysis, A/B test) and does not say 'using' or 'via' what"
            },
        ),
    ),
    hints=(
        "Say how: the technique or the tool is what a technical screener looks for.",
        "Name it plainly ('with gradient boosting', 'using SQL window functions').",
    ),
    prompt_rules=(
        PromptRule("name a method or tool", case="names no method or tool", bank="fail_no_method"),
        PromptRule(
            "matched as whole words",
            case='Bullet 4 ("Designed and analysed 12 checkout exper',
            bank="fail_method_only_inside_a_word",
        ),
    ),
)

resume_bullets_length = ValueExercise(
    "resume_bullets_length",
    **_BULLETS,
    rules=(
        Rule(
            "word_range",
            {"min": BULLET_WORDS[0], "max": BULLET_WORDS[1]},
            {
                "short": "{item} has {count} words; a strong bullet needs at least {min} to "
                "say what, how and how much",
                "long": "{item} has {count} words; keep it to {max} (one or two lines)",
            },
        ),
    ),
    hints=(
        "Between 12 and 30 words: long enough for what, how and how much, short enough to "
        "read in one glance.",
        "Cut filler ('in order to', 'various', 'successfully') before cutting the number.",
    ),
    prompt_rules=(
        PromptRule("hold 12 to 30 words", case="has 31 words", bank="fail_31_word_bullet"),
        PromptRule(
            "every bullet has 12 to 30 words",
            case="has 11 words",
            bank="fail_11_word_bullet",
        ),
    ),
)

# -------------------------------------------------------------------- question_principles

QUESTIONS = {
    "why_amazon": "Why do you want to work at Amazon, and why would you be a good fit?",
    "strengths_weaknesses": "What are your strengths and weaknesses, and how do they relate "
    "to working here?",
    "took_ownership": "Tell me about a time you took ownership of a challenging project.",
    "incomplete_data": "Describe a difficult decision you made with incomplete data.",
    "disagreed_with_manager": "Describe a situation where you disagreed with your manager.",
    "explained_to_non_technical": "How do you explain technical findings to a non-technical "
    "audience? Give an example.",
    "failure": "Tell me about a time you failed.",
    "trade_off": "Tell me about a time you had to make a trade-off.",
}

# The instructor's key: the principles each question most directly probes. A learner's
# question matches when at least one of the principles they list is among these.
_QUESTION_KEY = {
    "why_amazon": ["Customer Obsession", "Think Big", "Learn and Be Curious", "Ownership"],
    "strengths_weaknesses": [
        "Earn Trust",
        "Learn and Be Curious",
        "Insist on the Highest Standards",
        "Hire and Develop the Best",
    ],
    "took_ownership": ["Ownership", "Deliver Results", "Bias for Action"],
    "incomplete_data": ["Bias for Action", "Are Right, A Lot", "Dive Deep"],
    "disagreed_with_manager": [
        "Have Backbone; Disagree and Commit",
        "Earn Trust",
        "Are Right, A Lot",
    ],
    "explained_to_non_technical": ["Earn Trust", "Invent and Simplify", "Customer Obsession"],
    "failure": ["Earn Trust", "Learn and Be Curious", "Ownership"],
    "trade_off": ["Are Right, A Lot", "Bias for Action", "Frugality", "Deliver Results"],
}
MATCH_TIERS = (4, 6, 8)  # questions that must match for each 2-point hidden check
MAX_QUESTIONS_PER_PRINCIPLE = 4  # one generic set repeated for every question earns nothing

_QUESTION = {
    "name": "QUESTION_PRINCIPLES",
    "shape": "mapping",
    "noun": "question",
    "plural": "questions",
}
_question_rules = (
    Rule(
        "keys",
        {"keys": list(QUESTIONS)},
        {
            "missing": "QUESTION_PRINCIPLES has no entry for {key!r} ({count} of the 8 "
            "questions missing); use the question ids given in the prompt",
            "unknown": "QUESTION_PRINCIPLES has an entry {key!r}, which is not one of the "
            "question ids ({keys})",
        },
    ),
    Rule(
        "names",
        {"allowed": LEADERSHIP_PRINCIPLES, "min": 1, "max": 3},
        {
            "unknown": "{item} lists '{name}', which is not one of the 16 Leadership Principles",
            "unknown_close": "{item} lists '{name}', which is not one of the 16 Leadership "
            "Principles — did you mean '{suggestion}'?",
            "repeated": "{item} lists '{name}' twice",
            "few": "{item} lists no principle; list 1 to 3",
            "many": "{item} lists {count} principles; list at most {max}, the ones it probes most",
        },
    ),
    Rule(
        "spread",
        {"allowed": LEADERSHIP_PRINCIPLES, "max_items": MAX_QUESTIONS_PER_PRINCIPLE},
        {
            "often": "'{name}' is listed for {count} of the {total} questions ({keys}); list "
            "a principle for at most {max} questions — choose for each question the "
            "principles it probes, not one set for all",
        },
    ),
)


def _agreement(least: int) -> Rule:
    return Rule(
        "agreement",
        {"allowed": LEADERSHIP_PRINCIPLES, "expected": _QUESTION_KEY, "min_matches": least},
        {
            "few": "{count} of {total} questions match the instructor's key (at least one of "
            "your principles among those the question probes most); this check needs {min}. "
            "Not matching: {missing}"
        },
    )


_QUESTION_HINTS = (
    "Ask what behaviour the question makes you show: owning a problem end to end, acting "
    "before the data is complete, being candid about a mistake...",
    "Then read the one-line description of each principle in the prompt and pick the one to "
    "three that describe that behaviour; hedging with unrelated principles does not help.",
)

_QUESTION_PROMPT_RULES = (
    PromptRule(
        "exactly these eight ids as keys",
        case="has no entry for 'trade_off'",
        bank="fail_missing_question",
    ),
    PromptRule("no other keys", case="has an entry 'teamwork'", bank="fail_extra_question_id"),
    PromptRule(
        "each mapped to a list of 1 to 3 principle names",
        case="lists 5 principles",
        bank="fail_five_principles_everywhere",
    ),
    PromptRule(
        "a list of 1 to 3 distinct, valid principle names",
        case="lists no principle",
        bank="fail_empty_list_for_a_question",
    ),
    PromptRule(
        "a list of principle names, not one string",
        case="maps to one string",
        bank="fail_single_strings",
    ),
    PromptRule(
        "Names must be among the 16 Leadership Principles",
        case="which is not one of the 16 Leadership Principles",
        bank="fail_invented_principle",
    ),
    PromptRule(
        "may not repeat within a question",
        case="lists 'Ownership' twice",
        bank="fail_same_principle_twice",
    ),
    PromptRule(
        "No principle may be listed for more than 4 of the 8 questions",
        case="is listed for 8 of the 8 questions",
        bank="fail_same_three_everywhere",
    ),
)

question_principles = ValueExercise(
    "question_principles",
    **_QUESTION,
    rules=_question_rules,
    hidden_rules=(_agreement(MATCH_TIERS[0]),),
    hints=_QUESTION_HINTS,
    prompt_rules=(
        *_QUESTION_PROMPT_RULES,
        PromptRule("at least 4", case="3 of 8 questions match", bank="fail_three_of_eight_match"),
    ),
)
question_principles_most = ValueExercise(
    "question_principles_most",
    **_QUESTION,
    rules=_question_rules,
    hidden_rules=(_agreement(MATCH_TIERS[1]),),
    hints=_QUESTION_HINTS,
    prompt_rules=(
        PromptRule("at least 6", case="5 of 8 questions match", bank="fail_five_of_eight_match"),
    ),
)
question_principles_all = ValueExercise(
    "question_principles_all",
    **_QUESTION,
    rules=_question_rules,
    hidden_rules=(_agreement(MATCH_TIERS[2]),),
    hints=_QUESTION_HINTS,
    prompt_rules=(
        PromptRule("all 8", case="7 of 8 questions match", bank="fail_seven_of_eight_match"),
        PromptRule(
            "names the questions that do not match",
            case="Not matching: 'trade_off'",
            bank="fail_seven_of_eight_match",
        ),
    ),
)

EXERCISES = (
    story_bank,
    story_bank_results,
    story_bank_ownership,
    story_bank_timing,
    story_bank_principles,
    story_bank_coverage,
    resume_bullets,
    resume_bullets_impact,
    resume_bullets_method,
    resume_bullets_length,
    question_principles,
    question_principles_most,
    question_principles_all,
)
