"""A learner-facing coverage table: which items cover which names from an allowed list.

Why this module exists: a learner building a bank of records tagged with names from a fixed
list (stories tagged with the principles they show, exercises tagged with skills) wants to
see the gaps at a glance. :func:`coverage_table` draws names × items with a mark where an
item names it (matched tolerantly, as the checks match), a count per name, and prints the
names nobody covers yet. It takes the allowed names from a value exercise's rules, so a
notebook calls ``coverage_table(STORIES, q.some_exercise)`` and nothing is repeated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from autograder.judges import text as textrules

MARK = "✓"


def coverage_table(
    records: Any,
    names_from: Any,
    *,
    field: str | None = None,
    label_field: str | None = None,
) -> pd.DataFrame | None:
    """Names (rows) × records (columns, numbered from 1), with a count column first.

    ``names_from`` is a value exercise (its ``names`` or ``coverage`` rule gives the allowed
    names and the field) or a list of allowed names (then ``field`` says which field of each
    record lists names). Prints the names no record covers yet and any name that is not on
    the list. Returns None, with a note, when there is nothing to draw.
    """
    allowed, field, label_field = _allowed(names_from, field, label_field)
    if allowed is None:
        print("The coverage table is drawn in your own notebook (not while grading).")
        return None
    if type(records) is not list or not all(type(r) is dict for r in records):
        print("Define your records first (a list of dicts), then run this cell again.")
        return None
    table = pd.DataFrame("", index=pd.Index(allowed, name="name"), columns=[])
    strays: list[str] = []
    for number, record in enumerate(records, start=1):
        column = [""] * len(allowed)
        listed = record.get(field) if field else None
        for text in listed if type(listed) is list else []:
            match = textrules.match_name(text, allowed) if type(text) is str else None
            if match is None:
                strays.append(f"{text!r} (record {number})")
            else:
                column[allowed.index(match)] = MARK
        table[number] = column
    counts = (table == MARK).sum(axis=1).astype(int)
    table.insert(0, "count", counts)
    gaps = [name for name, n in counts.items() if n == 0]
    print(f"{len(records)} records cover {len(allowed) - len(gaps)} of {len(allowed)} names.")
    if label_field:
        titles = [
            f"{n}. {r.get(label_field)}" for n, r in enumerate(records, 1) if r.get(label_field)
        ]
        if titles:
            print("Columns: " + " · ".join(str(t) for t in titles))
    print("Not covered yet: " + (", ".join(gaps) if gaps else "none"))
    if strays:
        print("Not on the list: " + ", ".join(strays))
    return table


def _allowed(
    names_from: Any, field: str | None, label_field: str | None
) -> tuple[list[str] | None, str | None, str | None]:
    from autograder.exercises.value import ValueExercise

    if isinstance(names_from, ValueExercise):
        rule = names_from.names_rule()
        if rule is None:
            return None, field, label_field
        return (
            list(rule.params["allowed"]),
            field or rule.params.get("field"),
            label_field or names_from.label_field,
        )
    if isinstance(names_from, Sequence) and not isinstance(names_from, str):
        names = [n for n in names_from if type(n) is str]
        return (names or None), field, label_field
    return None, field, label_field
