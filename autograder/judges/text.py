"""Deterministic rules for written answers: words, quantities, pronouns, openings, names.

Why this module exists: some answers are prose a learner writes as data (interview stories,
résumé bullets, labels chosen from a fixed list). Their structure can be judged reliably by
plain string processing — is there a number, who did the work, how long it takes to say,
does it open with an action verb, is a name one of the allowed ones — with no language model,
no download and no network. Each function is small, pure and unit-tested on good and bad
text, so a check built on them gives the same verdict everywhere.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# ------------------------------------------------------------------------------ words

_WORD = re.compile(r"\S+")
_HAS_ALNUM = re.compile(r"[^\W_]")


def words(text: str) -> list[str]:
    """Whitespace-separated tokens holding at least one letter or digit ("—" is not a word)."""
    return [token for token in _WORD.findall(text) if _HAS_ALNUM.search(token)]


def word_count(text: str) -> int:
    return len(words(text))


def speaking_minutes(word_total: int, words_per_minute: float) -> float:
    """Minutes it takes to say ``word_total`` words at a steady pace."""
    if words_per_minute <= 0:
        raise ValueError("words_per_minute must be positive")
    return word_total / words_per_minute


# ----------------------------------------------------------------------- quoted speech

_QUOTED = (
    re.compile(r'"[^"\n]*"'),
    re.compile(r"“[^”]*”"),
    re.compile(r"(?<![\w])‘[^’]*’(?![\w])"),
    re.compile(r"(?<![\w'’])'[^'\n]*'(?![\w])"),  # an apostrophe inside a word opens nothing
)


def strip_quoted(text: str) -> str:
    """``text`` with quoted speech ("...", “...”, '...', ‘...’) replaced by a space."""
    for pattern in _QUOTED:
        text = pattern.sub(" ", text)
    return text


# --------------------------------------------------------------------------- pronouns

SINGULAR = frozenset({"i", "me", "my", "mine", "myself"})
PLURAL = frozenset({"we", "us", "our", "ours", "ourselves"})
_PRONOUN_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def first_person_counts(text: str, *, ignore_quoted: bool = True) -> tuple[int, int]:
    """(singular, plural) first-person pronouns: I/me/my/mine/myself and we/us/our/ours/ourselves.

    Contractions count as their pronoun (I'm, we've); "US" in capitals is the country, not a
    pronoun; with ``ignore_quoted`` words inside quoted speech are not counted.
    """
    if ignore_quoted:
        text = strip_quoted(text)
    singular = plural = 0
    for match in _PRONOUN_TOKEN.finditer(text):
        base = re.split(r"['’]", match.group())[0]
        after = text[match.end() : match.end() + 2]
        if base == "US" or (base == "i" and after[:1] == "." and after[1:].isalpha()):
            continue  # the country; "i.e."
        low = base.lower()
        if low in SINGULAR:
            singular += 1
        elif low in PLURAL:
            plural += 1
    return singular, plural


# ------------------------------------------------------------------------- quantities

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_SCALES)
MULTIPLIERS = frozenset(
    {"twice", "doubled", "tripled", "quadrupled", "halved", "twofold", "threefold", "fourfold",
     "fivefold", "tenfold"}
)  # fmt: skip
_ATTACHED = frozenset({"k", "m", "mm", "b", "bn", "x"})  # 300k, $2.3M, 3x: no space before
_MAGNITUDES = frozenset({"thousand", "million", "billion", "×"})
_CURRENCY = frozenset("$£€¥₹")
_CURRENCY_CODES = frozenset({"usd", "eur", "gbp", "inr", "jpy", "cad", "aud"})
_MONEY_WORDS = frozenset(
    {"dollar", "dollars", "euro", "euros", "pound", "pounds", "rupees", "yen", "usd", "eur", "gbp"}
)
_PERCENT_WORDS = frozenset({"percent", "pct", "pp", "bps"})
_TIME_UNITS = frozenset(
    {"second", "seconds", "sec", "secs", "minute", "minutes", "min", "mins", "hour", "hours",
     "hr", "hrs", "day", "days", "week", "weeks", "wk", "wks", "month", "months", "quarter",
     "quarters", "year", "years", "yr", "yrs", "sprint", "sprints"}
)  # fmt: skip
_TIME_ADJECTIVES = frozenset({"business", "working", "full", "calendar", "whole", "extra"})
_TOKEN = re.compile(r"[$£€¥₹]|\d+(?:[.,]\d+)*|[^\W\d_]+|%|×")


@dataclass(frozen=True)
class Quantity:
    """A quantity found in text: ``kind`` is percentage, money, duration, number or year."""

    kind: str
    text: str
    start: int = field(default=0, compare=False)  # where it begins in the text


def quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``: digits (1,200 · 2.5 · 3x · $2.3M), numbers written as words
    (three, twenty-five, one hundred), multipliers (doubled, halved, twice), percentages,
    money and durations.

    A bare four-digit number from 1900 to 2099 is a ``year``. A lone "one" that is not an
    amount of something (one week, one percent) is not a quantity: it reads as a pronoun as
    often as a number. Digits glued to letters (Q3, H1, L5) are labels, not quantities;
    vague amounts (hundreds of, several) are not quantities either.
    """
    return _scan(text)[0]


VAGUE = frozenset(
    {"several", "many", "few", "numerous", "various", "multiple", "countless", "hundreds",
     "thousands", "millions", "billions", "dozens", "tens", "lots", "plenty"}
)  # fmt: skip


def not_quantities(text: str, *, years_count: bool = True) -> list[str]:
    """The words of ``text`` that look like amounts but are not quantities, as written: a
    label with digits glued to letters ("Q3"), a lone "one" with the word after it ("one
    of"), a vague amount ("several", "hundreds"), and a year on its own unless
    ``years_count``. Each is listed once, in the order of the text."""
    found, ignored = _scan(text)
    if not years_count:
        ignored += [(q.start, q.text) for q in found if q.kind == "year"]
    ignored += [(m.start(), m.group()) for m in _VAGUE_WORD.finditer(text)
                if m.group().lower() in VAGUE]  # fmt: skip
    return list(dict.fromkeys(text for _, text in sorted(ignored)))


_VAGUE_WORD = re.compile(r"[^\W\d_]+")


def _scan(text: str) -> tuple[list[Quantity], list[tuple[int, str]]]:
    """(quantities, (position, text) of number-like words that are not quantities)."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    found: list[Quantity] = []
    ignored: list[tuple[int, str]] = []
    i = 0
    while i < len(tokens):
        token, start, end = tokens[i]
        low = token.lower()
        if token[0].isdigit():
            if start > 0 and text[start - 1].isalpha():
                left, right = start, end
                while left > 0 and text[left - 1].isalnum():
                    left -= 1
                while right < len(text) and text[right].isalnum():
                    right += 1
                ignored.append((left, text[left:right]))
                i += 1
                continue
            run_end, spelled = i + 1, False
        elif low in NUMBER_WORDS:
            run_end, spelled = i + 1, True
            while run_end < len(tokens):
                nxt = tokens[run_end][0].lower()
                after = tokens[run_end + 1][0].lower() if run_end + 1 < len(tokens) else ""
                if nxt in NUMBER_WORDS or (nxt == "and" and after in NUMBER_WORDS):
                    run_end += 1
                else:
                    break
        elif low in MULTIPLIERS:
            found.append(Quantity("number", token, start))
            i += 1
            continue
        else:
            i += 1
            continue
        after = run_end
        magnitude = False
        if after < len(tokens):
            nxt, nxt_start, _ = tokens[after]
            glued = nxt_start == tokens[after - 1][2]
            if (glued and nxt.lower() in _ATTACHED) or nxt.lower() in _MAGNITUDES:
                after += 1
                magnitude = True
        kind = _kind_of(text, tokens, i, after)
        span = text[start : tokens[after - 1][2]]
        if kind == "number" and not spelled and not magnitude and _is_year(token):
            kind = "year"
        if kind == "number" and spelled and run_end - i == 1 and low == "one":
            shown = text[start : tokens[i + 1][2]] if i + 1 < len(tokens) else token
            ignored.append((start, shown))
            i = after
            continue
        found.append(Quantity(kind, span, start))
        i = max(after, i + 1)
    return found, ignored


def _is_year(token: str) -> bool:
    return bool(re.fullmatch(r"\d{4}", token)) and 1900 <= int(token) <= 2099


def _kind_of(text: str, tokens: list[tuple[str, int, int]], first: int, after: int) -> str:
    def low(k: int) -> str:
        return tokens[k][0].lower() if 0 <= k < len(tokens) else ""

    nxt, then = low(after), low(after + 1)
    if nxt in ("%",) or nxt in _PERCENT_WORDS or (nxt == "per" and then == "cent"):
        return "percentage"
    if nxt in ("percentage", "basis") and then.startswith("point"):
        return "percentage"
    previous = tokens[first - 1] if first > 0 else None
    if previous is not None:
        gap = text[previous[2] : tokens[first][1]]
        if previous[0] in _CURRENCY and not gap.strip():
            return "money"
        if previous[0].lower() in _CURRENCY_CODES and not gap.strip():
            return "money"
    if nxt in _MONEY_WORDS:
        return "money"
    if nxt in _TIME_UNITS or (nxt in _TIME_ADJECTIVES and then in _TIME_UNITS):
        return "duration"
    return "number"


def is_quantified(text: str, *, years_count: bool = True) -> bool:
    """True when ``text`` holds a quantity (a year on its own only if ``years_count``)."""
    return any(years_count or q.kind != "year" for q in quantities(text))


# ------------------------------------------------------------------------ comparisons

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_UP_DOWN = re.compile(r"\b(?:up|down)\s+(?:by\s+)?", re.IGNORECASE)


def comparisons(text: str, phrases: Iterable[str]) -> list[str]:
    """How ``text`` compares a number with something: the ``phrases`` it uses (whole words,
    see :func:`mentions`), then "from … to" when one sentence holds "from", a later "to" and
    two quantities ("from 22% to 61%"), then "up"/"down" (optionally "by") directly before a
    percentage or money amount ("up 40%", "down by $3K"). Empty when it compares with
    nothing."""
    found = mentions(text, phrases)
    for sentence in _SENTENCE_END.split(text):
        words = normalize_name(sentence).split()
        if "from" in words and "to" in words[words.index("from") + 1 :]:
            if len(quantities(sentence)) >= 2:
                found.append("from … to")
                break
    for match in _UP_DOWN.finditer(text):
        rest = text[match.end() :]
        first = quantities(rest)
        at_start = first and first[0].start == len(rest) - len(rest.lstrip("$£€¥₹"))
        if at_start and first[0].kind in ("percentage", "money"):  # not "set up 3 dashboards"
            found.append(f"{match.group().split()[0].lower()} …")
            break
    return found


# ------------------------------------------------------------------------- similarity

_SIMILARITY_WORD = re.compile(r"[^\W_]+")


def word_pairs(text: str) -> set[tuple[str, str]]:
    """The distinct pairs of consecutive words of ``text`` (runs of letters and digits, lower
    case): "Cut costs by 18%" gives (cut, costs), (costs, by), (by, 18)."""
    tokens = _SIMILARITY_WORD.findall(text.lower())
    return set(zip(tokens, tokens[1:], strict=False))


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of the two texts' word pairs: shared pairs / all distinct pairs
    (0.0 when neither has a pair). A text retold with a few words changed keeps most of its
    pairs; two different stories share only common ones ("of the", "i then")."""
    a, b = word_pairs(first), word_pairs(second)
    return len(a & b) / len(a | b) if a | b else 0.0


# -------------------------------------------------------------------- opening words

_OPENING = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_BULLET_MARKS = " \t\r\n-–—•*·>"


def opening_word(text: str) -> str:
    """The first word of ``text`` after any bullet mark ("" when it does not open with a word)."""
    stripped = text.lstrip(_BULLET_MARKS)
    match = _OPENING.match(stripped)
    if match:
        return match.group()
    return stripped.split()[0] if stripped.split() else ""


def opening_verb(
    text: str, *, weak: Iterable[str], past_forms: Iterable[str], suffixes: Iterable[str] = ("ed",)
) -> tuple[str, str]:
    """Whether ``text`` opens with an action verb in the past tense: (status, first word).

    ``status`` is ``"ok"``; ``"weak"`` for an opener in ``weak`` (Responsible, Helped...);
    ``"not_verb"`` when the first word is neither one of ``past_forms`` (irregular verbs:
    built, led...) nor a word of four letters or more ending in one of ``suffixes``; or
    ``"empty"``. Comparisons ignore case; in a hyphenated word (co-led) the last part counts.
    """
    word = opening_word(text)
    if not word:
        return "empty", ""
    low = word.lower().replace("’", "'")
    last = re.split(r"-", low)[-1]  # co-led, re-ran, co-founded: the verb is the last part
    if low in {w.lower() for w in weak} or last in {w.lower() for w in weak}:
        return "weak", word
    if low in {w.lower() for w in past_forms} or last in {w.lower() for w in past_forms}:
        return "ok", word
    if len(last) >= 4 and last.isalpha() and any(last.endswith(s) for s in suffixes):
        return "ok", word
    return "not_verb", word


# ----------------------------------------------------------------------------- names


def normalize_name(text: str) -> str:
    """A name compared tolerantly: case, "&" for "and", apostrophes and punctuation ignored."""
    text = text.replace("&", " and ").replace("’", "'").replace("‘", "'").lower()
    text = text.replace("'", "")
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


def match_name(text: str, allowed: Iterable[str]) -> str | None:
    """The allowed name ``text`` stands for (tolerantly, see :func:`normalize_name`), or None."""
    key = normalize_name(text)
    for name in allowed:
        if normalize_name(name) == key:
            return name
    return None


def closest_name(text: str, allowed: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The allowed name most like ``text``, for a "did you mean" hint; None if none is close."""
    names = list(allowed)
    by_key = {normalize_name(name): name for name in names}
    close = difflib.get_close_matches(normalize_name(text), list(by_key), n=1, cutoff=cutoff)
    if close:
        return by_key[close[0]]
    key = normalize_name(text)
    inside = [name for k, name in by_key.items() if key and (key in k or k in key)]
    return inside[0] if len(inside) == 1 else None


_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['’]s\b")


def mentions(text: str, phrases: Iterable[str]) -> list[str]:
    """The ``phrases`` that occur in ``text`` as whole words, compared tolerantly; a
    possessive "'s" is dropped first, so "marketing's" mentions "marketing"."""
    padded = f" {normalize_name(_POSSESSIVE.sub('', text))} "
    return [p for p in phrases if normalize_name(p) and f" {normalize_name(p)} " in padded]
