"""Type-exact comparison of Python, numpy and pandas values.

``type(x) is T`` rather than ``isinstance`` so that a float subclass or an object whose
``__eq__`` always returns True cannot pass as the right answer.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def type_name(value: Any) -> str:
    kind = type(value)
    return (
        kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    )


def article(noun: str) -> str:
    """``noun`` after "a" or "an", as spoken: "an int", "a float"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def describe_difference(result: Any, expected: Any, *, tol: float = 1e-9) -> str | None:
    """Return why ``result`` differs from ``expected`` (None when they match).

    Never includes the expected value: callers decide what may be shown.
    """
    if type(result) is not type(expected):
        return f"returned {article(type_name(result))}; expected {article(type_name(expected))}"
    if isinstance(expected, float):
        if math.isnan(expected):
            return None if math.isnan(result) else "returned the wrong value"
        return (
            None
            if math.isclose(result, expected, rel_tol=0, abs_tol=tol)
            else "returned the wrong value"
        )
    if isinstance(expected, (list, tuple)):
        if len(result) != len(expected):
            return f"returned {len(result)} items; expected {len(expected)}"
        for index, (got, want) in enumerate(zip(result, expected, strict=True)):
            problem = describe_difference(got, want, tol=tol)
            if problem:
                return f"item {index}: {problem}"
        return None
    if isinstance(expected, dict):
        if set(result) != set(expected):
            return "returned a dict with the wrong keys"
        for key in expected:
            problem = describe_difference(result[key], expected[key], tol=tol)
            if problem:
                return f"key {key!r}: {problem}"
        return None
    if isinstance(expected, np.ndarray):
        if result.shape != expected.shape:
            return f"returned an array of shape {result.shape}; expected shape {expected.shape}"
        if result.dtype.kind != expected.dtype.kind:
            return f"returned an array of dtype {result.dtype}; expected dtype {expected.dtype}"
        if expected.dtype.kind in "fc":
            same = np.allclose(result, expected, rtol=0, atol=max(tol, 1e-9), equal_nan=True)
        else:
            same = np.array_equal(result, expected)
        return None if same else "returned an array with the wrong values"
    if isinstance(expected, pd.DataFrame):
        return _frame_difference(result, expected, tol=tol)
    if isinstance(expected, pd.Series):
        return _frame_difference(result.to_frame(), expected.to_frame(), tol=tol)
    return None if result == expected else "returned the wrong value"


def _frame_difference(result: pd.DataFrame, expected: pd.DataFrame, *, tol: float) -> str | None:
    if list(result.columns) != list(expected.columns):
        return f"returned columns {list(result.columns)}; expected {list(expected.columns)}"
    if len(result) != len(expected):
        return f"returned {len(result)} rows; expected {len(expected)}"
    if not result.index.equals(expected.index):
        if (
            _default_index(expected)
            and _frame_difference(result.reset_index(drop=True), expected, tol=tol) is None
        ):  # reset_index(drop=True) is exactly what is missing
            return "returned the wrong index (did you forget reset_index(drop=True)?)"
        return "returned the wrong index"
    for column in expected.columns:
        got, want = result[column], expected[column]
        numeric = pd.api.types.is_numeric_dtype(want)
        if numeric != pd.api.types.is_numeric_dtype(got):
            return f"column {column!r} has dtype {got.dtype}; expected {want.dtype}"
        if numeric:
            if not np.allclose(
                got.to_numpy(float), want.to_numpy(float), rtol=0, atol=tol, equal_nan=True
            ):
                return f"column {column!r} has wrong values"
        elif not got.astype(object).equals(want.astype(object)):
            return f"column {column!r} has wrong values"
    return None


def _default_index(frame: pd.DataFrame) -> bool:
    return isinstance(frame.index, pd.RangeIndex) and frame.index.equals(pd.RangeIndex(len(frame)))


# ------------------------------------------------------------------ where frames differ


def show_value(value: Any) -> str:
    """A value for a message, at full precision: two values that differ never print alike.

    ``55437.98`` and ``55438.0`` stay distinct (no ``:g``-style rounding); numpy scalars
    print as the Python values they hold.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, pd.Timestamp):
        return repr(str(value))
    return repr(value)


def frame_detail(result: Any, expected: Any, *, tol: float = 1e-9, show_values: bool) -> str | None:
    """Where ``result`` differs from ``expected`` when a DataFrame or Series differs.

    Follows :func:`describe_difference` into lists, tuples and dicts to the first frame that
    differs, and says how many rows differ and in which columns. With ``show_values`` (visible
    data only) it quotes the first differing value and yours, at full precision; without it
    there are counts and column names only, so nothing of hidden data shows. None when no
    DataFrame or Series is involved or nothing more can be said.
    """
    try:
        return _frame_detail(result, expected, tol=tol, show_values=show_values)
    except Exception:  # a detail is a courtesy: an odd learner value must not break the check
        return None


def _frame_detail(result: Any, expected: Any, *, tol: float, show_values: bool) -> str | None:
    pair = _differing_frames(result, expected, tol=tol)
    if pair is None:
        return None
    got, want = pair
    if isinstance(want, pd.Series):
        got, want = got.to_frame(), want.to_frame()
    if list(got.columns) != list(want.columns):
        return None  # the columns are already named
    if len(got) != len(want):
        return _row_count_detail(got, want, tol=tol) if show_values else None
    if not got.index.equals(want.index):
        text = _index_detail(got, want, show_values=show_values)
        if got.index.is_unique and set(got.index) == set(want.index):
            reordered = got.reindex(want.index)
            if describe_difference(reordered, want, tol=tol) is None:
                text += " (they are the expected rows, in another order)"
        return text
    return _value_detail(got, want, tol=tol, show_values=show_values)


def _differing_frames(result: Any, expected: Any, *, tol: float) -> tuple | None:
    if type(result) is not type(expected):
        return None
    if isinstance(expected, pd.DataFrame | pd.Series):
        return (result, expected) if describe_difference(result, expected, tol=tol) else None
    if isinstance(expected, list | tuple) and len(result) == len(expected):
        items = zip(result, expected, strict=True)
    elif isinstance(expected, dict) and set(result) == set(expected):
        items = ((result[key], expected[key]) for key in expected)
    else:
        return None
    for got, want in items:
        if describe_difference(got, want, tol=tol):
            return _differing_frames(got, want, tol=tol)
    return None


def _row_label(frame: pd.DataFrame, position: int) -> str:
    label = frame.index[position]
    same = isinstance(label, int | np.integer) and int(label) == position
    return f"row {position}" if same else f"row {position} (index {show_value(label)})"


def _show_row(frame: pd.DataFrame, position: int) -> str:
    row = frame.iloc[position]
    return "(" + ", ".join(f"{c}={show_value(row[c])}" for c in frame.columns) + ")"


def _row_key(frame: pd.DataFrame, position: int, *, tol: float) -> tuple:
    places = max(0, min(12, round(-math.log10(tol)))) if tol > 0 else 12
    key = []
    for value in frame.iloc[position]:
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float):
            value = "NaN" if math.isnan(value) else round(value, places)
        key.append(repr(value))
    return tuple(key)


def _row_count_detail(got: pd.DataFrame, want: pd.DataFrame, *, tol: float) -> str | None:
    got_keys = [_row_key(got, i, tol=tol) for i in range(len(got))]
    want_keys = [_row_key(want, i, tol=tol) for i in range(len(want))]
    parts = []
    extra = next((i for i, k in enumerate(got_keys) if k not in want_keys), None)
    if extra is not None:
        parts.append(f"e.g. your {_row_label(got, extra)} {_show_row(got, extra)} is not expected")
    missing = next((i for i, k in enumerate(want_keys) if k not in got_keys), None)
    if missing is not None:
        parts.append(f"e.g. expected {_show_row(want, missing)} is missing")
    return "; ".join(parts) or None


def _index_detail(got: pd.DataFrame, want: pd.DataFrame, *, show_values: bool) -> str:
    differs = [i for i in range(len(want)) if not _same_label(got.index[i], want.index[i])]
    text = f"{len(differs)} of {len(want)} row labels differ"
    if show_values and differs:
        first = differs[0]
        text += (
            f"; first at row {first}: index {show_value(got.index[first])}, "
            f"expected {show_value(want.index[first])}"
        )
    return text


def _same_label(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:
        return False


def _differing_rows(got: pd.Series, want: pd.Series, *, tol: float) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(want) and pd.api.types.is_numeric_dtype(got):
        a, b = got.to_numpy(float), want.to_numpy(float)
        return ~np.isclose(a, b, rtol=0, atol=tol, equal_nan=True)
    a, b = got.astype(object).to_numpy(), want.astype(object).to_numpy()
    return np.array([not _same_label(x, y) for x, y in zip(a, b, strict=True)], dtype=bool)


def _value_detail(
    got: pd.DataFrame, want: pd.DataFrame, *, tol: float, show_values: bool
) -> str | None:
    masks = {c: _differing_rows(got[c], want[c], tol=tol) for c in want.columns}
    columns = [c for c, mask in masks.items() if mask.any()]
    if not columns:
        return None
    first = columns[0]
    rows = np.flatnonzero(masks[first])
    text = f"{len(rows)} of {len(want)} rows differ in column {first!r}"
    if len(columns) > 1:
        text += " (also in " + ", ".join(repr(c) for c in columns[1:]) + ")"
    if show_values:
        row = int(rows[0])
        text += (
            f"; first at {_row_label(want, row)}: you have {show_value(got[first].iloc[row])}, "
            f"expected {show_value(want[first].iloc[row])}"
        )
    return text
