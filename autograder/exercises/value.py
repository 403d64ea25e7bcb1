"""Value exercises: the learner defines a value (not a function), judged by rules.

Why this type exists: some answers are data a learner writes — a bank of interview stories
as a list of dicts, rewritten résumé bullets as a list of strings, labels chosen for each of
a set of questions as a dict. There is nothing to call; the answer is judged by rules. Each
rule is engine code parametrised by data (:class:`Rule`: a kind, its parameters, optional
message templates), so a course declares thresholds, allowed names and wording in its key
and the visible rules compile to learner-side data: the learner's self-check runs the very
same code on the same parameters. Hidden rules (and rules holding an answer key, such as
``agreement``) stay with the instructor.

Shapes: ``records`` (a list of dicts with text fields), ``strings`` (a list of strings) and
``mapping`` (a dict from string keys to lists of strings). Types are checked exactly: a str
subclass or an object standing in for a list is refused.

Messages name the item at fault (``Story 3 ("Pricing test")``) and, when several items break
the same rule, list the others. A hidden check also runs the visible rules, then its own.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autograder.exercises.answer import Answer, FunctionAnswer
from autograder.exercises.base import CompileError, Exercise
from autograder.exercises.prompt_rules import PromptRule
from autograder.judges import text as textrules
from autograder.judges.errors import CheckFailed

SHAPES = ("records", "strings", "mapping")
PRIVATE_KINDS = frozenset({"agreement"})  # their parameters are an answer key: never visible
MORE_LISTED = 5  # other items named when several break one rule


@dataclass(frozen=True)
class Rule:
    """One rule of a value exercise: an engine ``kind``, its ``params`` and message templates.

    ``messages`` overrides the engine's wording per problem code (see :data:`MESSAGES`);
    templates use ``str.format`` fields such as ``{item}``, ``{field}``, ``{count}``.
    """

    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in RULES:
            raise ValueError(f"unknown rule kind {self.kind!r} (known: {', '.join(sorted(RULES))})")
        unknown = set(self.messages) - set(MESSAGES[self.kind])
        if unknown:
            raise ValueError(f"rule {self.kind} has no message code {', '.join(sorted(unknown))}")
        json.dumps([self.params, self.messages])  # parameters must be plain data

    def data(self) -> dict[str, Any]:
        return {"kind": self.kind, "params": self.params, "messages": self.messages}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Rule:
        return cls(data["kind"], dict(data["params"]), dict(data["messages"]))

    def template(self, code: str) -> str:
        return self.messages.get(code, MESSAGES[self.kind][code])


@dataclass(frozen=True)
class Problem:
    """One item breaking one rule: ``code`` picks the template, ``fields`` fill it."""

    code: str
    label: str  # "Story 3 (\"Pricing test\")", or "" for a problem of the whole value
    short: str  # "story 3", for the list of other items
    fields: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- the items


@dataclass(frozen=True)
class Items:
    """The learner's value seen as labelled items, whatever its shape."""

    value: Any
    shape: str
    noun: str
    plural: str
    label_field: str | None

    def entries(self) -> list[tuple[str, str, Any]]:
        """(label, short label, item) per item, in the learner's order."""
        if self.shape == "mapping":
            return [(f"{self.noun.capitalize()} {k!r}", f"{k!r}", v) for k, v in self.value.items()]
        found = []
        for number, item in enumerate(self.value, start=1):
            short = f"{self.noun} {number}"
            name = item if self.shape == "strings" else _text(item, self.label_field)
            label = f"{self.noun.capitalize()} {number}"
            if name.strip():
                label += f' ("{_shorten(name)}")'
            found.append((label, short, item))
        return found

    def text(self, item: Any, name: str | None) -> str:
        if name is None:
            return item if type(item) is str else ""
        return _text(item, name)

    def names(self, item: Any, name: str | None) -> list[str]:
        value = item if name is None else (item.get(name) if type(item) is dict else None)
        if type(value) is not list:
            return []
        return [x for x in value if type(x) is str]


def _text(item: Any, name: str | None) -> str:
    if type(item) is not dict or name is None:
        return ""
    value = item.get(name)
    return value if type(value) is str else ""


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _type_name(value: Any) -> str:
    if isinstance(value, FunctionAnswer) or (callable(value) and not isinstance(value, type)):
        return "function"
    return type(value).__name__


# --------------------------------------------------------------------------- rule kinds


def _fields(items: Items, p: dict) -> list[Problem]:
    required, optional = p.get("required", {}), p.get("optional", {})
    found = []
    for label, short, item in items.entries():
        for name, kind in {**required, **optional}.items():
            if name not in item:
                if name in required:
                    found.append(Problem("missing", label, short, {"field": name}))
                continue
            value = item[name]
            ok = (
                type(value) is str
                if kind == "text"
                else (type(value) is list and all(type(x) is str for x in value))
            )
            if not ok and kind == "names" and type(value) is str:
                found.append(Problem("one_string", label, short, {"field": name}))
            elif not ok:
                expected = "a string" if kind == "text" else "a list of strings"
                found.append(
                    Problem("type", label, short,
                            {"field": name, "expected": expected, "actual": _type_name(value)})
                )  # fmt: skip
        unknown = [k for k in item if k not in required and k not in optional]
        if unknown:
            # sorted: the learner's copy of the parameters comes back from JSON key-sorted
            allowed = ", ".join(repr(k) for k in (*sorted(required), *sorted(optional)))
            found.append(
                Problem("unknown", label, short, {"field": str(unknown[0]), "allowed": allowed})
            )
    return found


def _min_words(items: Items, p: dict) -> list[Problem]:
    found = []
    for label, short, item in items.entries():
        for name, least in p["fields"].items():
            count = textrules.word_count(items.text(item, name))
            if count == 0:
                found.append(Problem("empty", label, short, {"field": name, "min": least}))
            elif count < least:
                found.append(
                    Problem("short", label, short, {"field": name, "count": count, "min": least})
                )
    return found


def _word_range(items: Items, p: dict) -> list[Problem]:
    found = []
    low, high, name = p.get("min", 0), p.get("max"), p.get("field")
    for label, short, item in items.entries():
        count = textrules.word_count(items.text(item, name))
        fields = {"field": name or items.noun, "count": count, "min": low, "max": high}
        if count < low:
            found.append(Problem("short", label, short, fields))
        elif high is not None and count > high:
            found.append(Problem("long", label, short, fields))
    return found


def _quantified(items: Items, p: dict) -> list[Problem]:
    years = p.get("years_count", True)
    found = []
    for label, short, item in items.entries():
        for name in p.get("fields", [None]):
            text = items.text(item, name)
            if textrules.is_quantified(text, years_count=years):
                continue
            ignored = textrules.not_quantities(text, years_count=years)
            only_years = not years and all(
                textrules.quantities(word) and not textrules.is_quantified(word, years_count=False)
                for word in ignored
            )
            code = "year_only" if ignored and only_years else "not_counted" if ignored else "none"
            fields = {"field": name or items.noun, "not_counted": _not_counted(ignored)}
            found.append(Problem(code, label, short, fields))
    return found


def _not_counted(words: list[str]) -> str:
    """The words listed: "'Q3' is not a quantity", "'Q3' and 'one of' are not quantities"."""
    quoted = [repr(w) if "'" not in w else f'"{w}"' for w in words]
    if not quoted:
        return ""
    if len(quoted) == 1:
        return f"{quoted[0]} is not a quantity"
    return f"{', '.join(quoted[:-1])} and {quoted[-1]} are not quantities"


def _compares(items: Items, p: dict) -> list[Problem]:
    found = []
    for label, short, item in items.entries():
        for name in p.get("fields", [None]):
            if not textrules.comparisons(items.text(item, name), p["phrases"]):
                found.append(Problem("none", label, short, {"field": name or items.noun}))
    return found


def _longest(items: Items, p: dict) -> list[Problem]:
    name, others = p["field"], p["than"]
    found = []
    for label, short, item in items.entries():
        count = textrules.word_count(items.text(item, name))
        for other in others:
            other_count = textrules.word_count(items.text(item, other))
            if other_count >= count:
                fields = {"field": name, "count": count, "other": other,
                          "other_count": other_count}  # fmt: skip
                found.append(Problem("shorter", label, short, fields))
                break
    return found


def _similar(items: Items, p: dict) -> list[Problem]:
    limit = p["max"]
    texts = [
        (label, short, " ".join(items.text(item, name) for name in p.get("fields", [None])))
        for label, short, item in items.entries()
    ]
    found = []
    for k, (label, short, text) in enumerate(texts):
        for _, other, earlier in texts[:k]:
            share = textrules.similarity(text, earlier)
            if share >= limit:
                fields = {"other": other, "percent": math.floor(share * 100),
                          "max_percent": round(limit * 100)}  # fmt: skip
                found.append(Problem("similar", label, short, fields))
                break
    return found


def _topics(items: Items, p: dict) -> list[Problem]:
    found = []
    for number, (label, short, item) in enumerate(items.entries(), start=1):
        if number > len(p["topics"]):
            break
        topic = p["topics"][number - 1]
        if not textrules.mentions(items.text(item, p.get("field")), topic["phrases"]):
            fields = {"number": number, "expected": topic["expected"], "source": topic["source"]}
            found.append(Problem("off_topic", label, short, fields))
    return found


def _spread(items: Items, p: dict) -> list[Problem]:
    allowed, most = p["allowed"], p["max_items"]
    keys_of: dict[str, list[str]] = {}
    for key, given in items.value.items():
        for text in {textrules.match_name(n, allowed) for n in given if type(n) is str} - {None}:
            keys_of.setdefault(text, []).append(key)
    found = []
    for name in allowed:
        keys = keys_of.get(name, [])
        if len(keys) > most:
            fields = {"name": name, "count": len(keys), "total": len(items.value), "max": most,
                      "keys": ", ".join(repr(k) for k in keys)}  # fmt: skip
            found.append(Problem("often", "", "", fields))
    return found


def _first_person(items: Items, p: dict) -> list[Problem]:
    name, quoted = p.get("field"), p.get("ignore_quoted", True)
    found = []
    for label, short, item in items.entries():
        singular, plural = textrules.first_person_counts(
            items.text(item, name), ignore_quoted=quoted
        )
        if singular <= plural:
            code = "no_i" if singular == 0 else "tie" if singular == plural else "we"
            fields = {"field": name or items.noun, "singular": singular, "plural": plural}
            found.append(Problem(code, label, short, fields))
    return found


def _no_first_person(items: Items, p: dict) -> list[Problem]:
    name, quoted = p.get("field"), p.get("ignore_quoted", True)
    found = []
    for label, short, item in items.entries():
        singular, plural = textrules.first_person_counts(
            items.text(item, name), ignore_quoted=quoted
        )
        if singular + plural:
            fields = {"field": name or items.noun, "count": singular + plural}
            found.append(Problem("used", label, short, fields))
    return found


def _speaking_time(items: Items, p: dict) -> list[Problem]:
    wpm, low, high = p["wpm"], p["min_minutes"], p["max_minutes"]
    found = []
    for label, short, item in items.entries():
        total = sum(textrules.word_count(items.text(item, name)) for name in p["fields"])
        seconds = textrules.speaking_minutes(total, wpm) * 60
        too_long = total > high * wpm
        shown = math.ceil(seconds) if too_long else math.floor(seconds)  # never looks in range
        fields = {
            "words": total,
            "minutes": f"{shown // 60} min {shown % 60:02d} s",
            "wpm": wpm,
            "min": low,
            "max": high,
            "min_words": math.ceil(low * wpm),
            "max_words": math.floor(high * wpm),
        }
        if total < low * wpm:
            found.append(Problem("short", label, short, fields))
        elif too_long:
            found.append(Problem("long", label, short, fields))
    return found


def _names(items: Items, p: dict) -> list[Problem]:
    allowed, name = p["allowed"], p.get("field")
    least, most = p.get("min", 1), p.get("max")
    found = []
    for label, short, item in items.entries():
        raw = item if name is None else (item.get(name) if type(item) is dict else None)
        if type(raw) is str:
            found.append(Problem("one_string", label, short, {"field": name or items.noun}))
            continue
        given = items.names(item, name)
        canonical = []
        for text in given:
            match = textrules.match_name(text, allowed)
            if match is None:
                suggestion = textrules.closest_name(text, allowed)
                code = "unknown_close" if suggestion else "unknown"
                found.append(
                    Problem(code, label, short, {"name": text, "suggestion": suggestion or ""})
                )
                break
            canonical.append(match)
        else:
            repeated = sorted({n for n in canonical if canonical.count(n) > 1})
            count = len(canonical)
            fields = {"count": count, "min": least, "max": most}
            if repeated:
                found.append(Problem("repeated", label, short, {"name": repeated[0]}))
            elif count < least:
                found.append(Problem("few", label, short, fields))
            elif most is not None and count > most:
                found.append(Problem("many", label, short, fields))
    return found


def _count(items: Items, p: dict) -> list[Problem]:
    count = len(items.value)
    low, high = p.get("min", 0), p.get("max")
    fields = {"count": count, "min": low, "max": high}
    if count < low:
        return [Problem("few", "", "", fields)]
    if high is not None and count > high:
        return [Problem("many", "", "", fields)]
    return []


def _coverage(items: Items, p: dict) -> list[Problem]:
    allowed, name, least = p["allowed"], p.get("field"), p["min_distinct"]
    covered = _covered(items, allowed, name)
    if len(covered) >= least:
        return []
    missing = [n for n in allowed if n not in covered]
    fields = {"count": len(covered), "min": least, "missing": ", ".join(missing)}
    return [Problem("few", "", "", fields)]


def _covered(items: Items, allowed: list[str], name: str | None) -> set[str]:
    covered = set()
    for _, _, item in items.entries():
        for text in items.names(item, name):
            match = textrules.match_name(text, allowed)
            if match:
                covered.add(match)
    return covered


def _distinct(items: Items, p: dict) -> list[Problem]:
    found = []
    for name in p.get("fields", [None]):
        seen: dict[str, str] = {}
        for label, short, item in items.entries():
            key = " ".join(textrules.normalize_name(items.text(item, name)).split())
            if not key:
                continue
            if key in seen:
                fields = {"field": name or items.noun, "other": seen[key]}
                found.append(Problem("same", label, short, fields))
            else:
                seen[key] = short
    return found


def _no_words(items: Items, p: dict) -> list[Problem]:
    phrases, quoted = p["words"], p.get("ignore_quoted", False)
    found = []
    for label, short, item in items.entries():
        for name in p.get("fields", [None]):
            text = items.text(item, name)
            if quoted:
                text = textrules.strip_quoted(text)
            used = textrules.mentions(text, phrases)
            if used:
                found.append(Problem("used", label, short, {"field": name or items.noun,
                                                            "word": used[0]}))  # fmt: skip
                break
    return found


def _mentions(items: Items, p: dict) -> list[Problem]:
    found = []
    for label, short, item in items.entries():
        text = items.text(item, p.get("field"))
        if not textrules.mentions(text, p["phrases"]):
            found.append(Problem("none", label, short, {"field": p.get("field") or items.noun}))
    return found


def _opening_verb(items: Items, p: dict) -> list[Problem]:
    found = []
    for label, short, item in items.entries():
        status, word = textrules.opening_verb(
            items.text(item, p.get("field")),
            weak=p.get("weak", ()),
            past_forms=p.get("past_forms", ()),
            suffixes=p.get("suffixes", ("ed",)),
        )
        if status != "ok":
            found.append(Problem(status, label, short, {"word": word}))
    return found


def _keys(items: Items, p: dict) -> list[Problem]:
    expected = list(p["keys"])
    given = list(items.value)
    missing = [k for k in expected if k not in given]
    unknown = [k for k in given if k not in expected]
    if missing:
        return [Problem("missing", "", "", {"key": missing[0], "count": len(missing)})]
    if unknown:
        return [Problem("unknown", "", "", {"key": unknown[0], "keys": ", ".join(expected)})]
    return []


def _agreement(items: Items, p: dict) -> list[Problem]:
    allowed, expected, least = p["allowed"], p["expected"], p["min_matches"]
    matches, missing = 0, []
    for key, accepted in expected.items():
        given = items.value.get(key) if type(items.value) is dict else None
        names = [x for x in given if type(x) is str] if type(given) is list else []
        chosen = {textrules.match_name(n, allowed) for n in names} - {None}
        if chosen & set(accepted):
            matches += 1
        else:
            missing.append(repr(key))
    if matches >= least:
        return []
    fields = {"count": matches, "total": len(expected), "min": least, "missing": ", ".join(missing)}
    return [Problem("few", "", "", fields)]


RULES: dict[str, Callable[[Items, dict], list[Problem]]] = {
    "fields": _fields,
    "min_words": _min_words,
    "word_range": _word_range,
    "quantified": _quantified,
    "compares": _compares,
    "longest": _longest,
    "similar": _similar,
    "topics": _topics,
    "spread": _spread,
    "first_person": _first_person,
    "no_first_person": _no_first_person,
    "speaking_time": _speaking_time,
    "names": _names,
    "count": _count,
    "coverage": _coverage,
    "distinct": _distinct,
    "no_words": _no_words,
    "mentions": _mentions,
    "opening_verb": _opening_verb,
    "keys": _keys,
    "agreement": _agreement,
}

MESSAGES: dict[str, dict[str, str]] = {
    "fields": {
        "missing": "{item} has no '{field}'",
        "type": "{item}: '{field}' must be {expected}, not a {actual}",
        "one_string": "{item}: {field} is one string; give a list of names",
        "unknown": "{item} has a key '{field}' that is not part of a record (allowed: {allowed})",
    },
    "min_words": {
        "empty": "{item}: the {field} is empty",
        "short": "{item}: the {field} has {count} words; it needs at least {min}",
    },
    "word_range": {
        "short": "{item} has {count} words; it needs at least {min}",
        "long": "{item} has {count} words; keep it to {max}",
    },
    "quantified": {
        "none": "{item}: the {field} has no number, percentage, money amount or time",
        "year_only": "{item}: the only number in the {field} is a year, which does not quantify it",
        "not_counted": "{item}: the {field} has no quantity: {not_counted}",
    },
    "compares": {"none": "{item}: the {field} compares its numbers with nothing"},
    "longest": {
        "shorter": "{item}: the {field} has {count} words and the {other} {other_count}; the "
        "{field} must be the longest part",
    },
    "similar": {
        "similar": "{item} shares {percent}% of its word pairs with {other}; below "
        "{max_percent}% counts as a different item",
    },
    "topics": {"off_topic": "{item} does not mention {expected}"},
    "spread": {
        "often": "'{name}' is given for {count} of {total} items; at most {max} may have it"
    },
    "first_person": {
        "no_i": "{item}: the {field} never says 'I'",
        "we": "{item}: the {field} says 'I' {singular} times and 'we' {plural} times",
        "tie": "{item}: the {field} says 'I' {singular} times and 'we' {plural} times; 'I' "
        "must outnumber 'we'",
    },
    "no_first_person": {"used": "{item}: the {field} uses first-person words ({count})"},
    "speaking_time": {
        "short": "{item} takes about {minutes} to say ({words} words at {wpm} words a minute); it needs {min_words} words or more",
        "long": "{item} takes about {minutes} to say ({words} words at {wpm} words a minute); keep it to {max_words} words",
    },
    "names": {
        "unknown": "{item} names '{name}', which is not on the list",
        "unknown_close": "{item} names '{name}', which is not on the list — did you mean '{suggestion}'?",
        "one_string": "{item}: {field} is one string; give a list of names",
        "repeated": "{item} names '{name}' twice",
        "few": "{item} names {count}; it needs at least {min}",
        "many": "{item} names {count}; it may name at most {max}",
    },
    "count": {
        "few": "there are {count} items; at least {min} are needed",
        "many": "there are {count} items; at most {max} are allowed",
    },
    "coverage": {"few": "the items cover {count} distinct names; at least {min} are needed"},
    "distinct": {"same": "{item} has the same {field} as {other}"},
    "no_words": {"used": "{item}: the {field} uses '{word}'"},
    "mentions": {"none": "{item}: the {field} names none of the expected terms"},
    "opening_verb": {
        "weak": "{item} opens with '{word}', a weak opener; start with an action verb",
        "not_verb": "{item} opens with '{word}'; start with an action verb in the past tense",
        "empty": "{item} is empty",
    },
    "keys": {
        "missing": "the answer has no entry for {key!r} ({count} missing)",
        "unknown": "the answer has an entry {key!r} that is not asked for (keys: {keys})",
    },
    "agreement": {
        "few": "{count} of {total} items agree with the key; at least {min} must (not "
        "agreeing: {missing})"
    },
}


# --------------------------------------------------------------------------- the exercise


class ValueExercise(Exercise):
    """A value the learner defines (``name``), judged by visible and hidden rules.

    ``shape`` is ``records``, ``strings`` or ``mapping``; ``noun``/``plural`` name an item in
    messages (``story``/``stories``); ``label_field`` names a record by one of its fields.
    """

    kind = "value"

    def __init__(
        self,
        id: str,
        *,
        name: str,
        shape: str,
        noun: str,
        plural: str,
        rules: tuple[Rule, ...],
        hidden_rules: tuple[Rule, ...] = (),
        label_field: str | None = None,
        hints: tuple[str, ...] = (),
        prompt_rules: tuple[PromptRule, ...] = (),
    ):
        super().__init__(id, hints=hints, prompt_rules=prompt_rules)
        if shape not in SHAPES:
            raise ValueError(f"shape must be one of {', '.join(SHAPES)}, not {shape!r}")
        self.name = name
        self.shape = shape
        self.noun = noun
        self.plural = plural
        self.rules = tuple(rules)
        self.hidden_rules = tuple(hidden_rules)
        self.label_field = label_field

    @property
    def answer_name(self) -> str:
        return self.name

    def judge(self, answer: Answer | Any, *, hidden: bool) -> None:
        problem = self.shape_problem(answer)
        if problem:
            raise CheckFailed(problem)
        items = Items(answer, self.shape, self.noun, self.plural, self.label_field)
        for rule in self.rules + (self.hidden_rules if hidden else ()):
            found = RULES[rule.kind](items, rule.params)
            if found:
                raise CheckFailed(self.describe(rule, found))

    def shape_problem(self, value: Any) -> str | None:
        """What is wrong with the value's type, or None (types checked exactly)."""
        name, noun = self.name, self.noun
        if self.shape == "mapping":
            if type(value) is not dict:
                return f"{name} must be a dict; it is a {_type_name(value)}"
            for key, item in value.items():
                if type(key) is not str:
                    return f"{name} has a key {key!r}: keys must be strings"
                if type(item) is str:
                    return (f"{noun.capitalize()} {key!r} maps to one string; give a list of "
                            "names, one string per name")  # fmt: skip
                if type(item) is not list or not all(type(x) is str for x in item):
                    return (f"{noun.capitalize()} {key!r} must map to a list of strings; "
                            f"it maps to a {_type_name(item)}")  # fmt: skip
            return None
        element = "dict" if self.shape == "records" else "str"
        if type(value) is not list:
            return (
                f"{name} must be a list with one {element} per {noun}; it is a {_type_name(value)}"
            )
        for number, item in enumerate(value, start=1):
            if type(item) is not (dict if self.shape == "records" else str):
                return f"{noun} {number} of {name} must be a {element}; it is a {_type_name(item)}"
            if self.shape == "records" and not all(type(k) is str for k in item):
                return f"{noun} {number} of {name} has a key that is not a string"
        return None

    def describe(self, rule: Rule, found: list[Problem]) -> str:
        """The first problem in the rule's words, then the other items with the same problem."""
        first = found[0]
        message = rule.template(first.code).format(item=first.label, **first.fields)
        others = list(
            dict.fromkeys(p.short for p in found[1:] if p.short and p.short != first.short)
        )
        if others:
            listed = ", ".join(others[:MORE_LISTED])
            more = f" and {len(others) - MORE_LISTED} more" if len(others) > MORE_LISTED else ""
            message += f" (the same problem in {listed}{more})"
        return message

    # ------------------------------------------------------------------ coverage view

    def names_rule(self) -> Rule | None:
        """The first rule naming items from an allowed list (for the coverage table)."""
        return next((r for r in self.rules if r.kind in ("names", "coverage")), None)

    # ------------------------------------------------------------------ learner-side data

    def learner_data(self) -> dict[str, Any]:
        private = [rule.kind for rule in self.rules if rule.kind in PRIVATE_KINDS]
        if private:
            raise CompileError(
                f"a visible rule of kind {private[0]!r} holds an answer key; make it a hidden rule"
            )
        data = super().learner_data()
        data.update(
            name=self.name,
            shape=self.shape,
            noun=self.noun,
            plural=self.plural,
            label_field=self.label_field,
            rules=[rule.data() for rule in self.rules],
        )
        return data

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> ValueExercise:
        exercise = super().from_learner_data(data)
        exercise.name = data["name"]
        exercise.shape = data["shape"]
        exercise.noun = data["noun"]
        exercise.plural = data["plural"]
        exercise.label_field = data["label_field"]
        exercise.rules = tuple(Rule.from_data(item) for item in data["rules"])
        exercise.hidden_rules = ()
        return exercise
