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


def describe_difference(result: Any, expected: Any, *, tol: float = 1e-9) -> str | None:
    """Return why ``result`` differs from ``expected`` (None when they match).

    Never includes the expected value: callers decide what may be shown.
    """
    if type(result) is not type(expected):
        return f"returned a {type_name(result)}; expected a {type_name(expected)}"
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
        return "returned the wrong index (did you forget reset_index(drop=True)?)"
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
