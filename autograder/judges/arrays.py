"""Numbers and arrays compared with tolerances, and simulated results judged statistically.

Like :mod:`autograder.judges.values`, comparisons are type-exact (``type(x) is float``, a
real ``numpy.ndarray``), so a look-alike object cannot pass; messages never include an
expected value, so callers decide what a learner may see.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.judges.values import article, describe_difference, type_name

NUMERIC_WARNINGS = ("overflow", "invalid value", "divide by zero")


def close(got: float, want: float, *, atol: float, rtol: float) -> bool:
    """``got`` is within ``atol + rtol * |want|`` of ``want`` (NaN matches only NaN)."""
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    if math.isinf(want) or math.isinf(got):
        return got == want
    return abs(got - want) <= atol + rtol * abs(want)


def describe_close(
    result: Any, expected: Any, *, atol: float = 1e-9, rtol: float = 0.0
) -> str | None:
    """Why ``result`` differs from ``expected`` beyond the tolerances (None when it matches).

    Floats and float arrays are compared with ``atol + rtol * |expected|``; tuples and lists
    item by item; everything else as :func:`describe_difference` does.
    """
    if type(result) is not type(expected):
        return f"returned {article(type_name(result))}; expected {article(type_name(expected))}"
    if isinstance(expected, float):
        return None if close(result, expected, atol=atol, rtol=rtol) else "returned the wrong value"
    if isinstance(expected, tuple | list):
        if len(result) != len(expected):
            return f"returned {len(result)} items; expected {len(expected)}"
        for index, (got, want) in enumerate(zip(result, expected, strict=True)):
            problem = describe_close(got, want, atol=atol, rtol=rtol)
            if problem:
                return f"item {index}: {problem}"
        return None
    if isinstance(expected, np.ndarray) and expected.dtype.kind == "f":
        problem = describe_array(result, shape=expected.shape, kind="f")
        if problem:
            return problem
        same = np.allclose(result, expected, rtol=rtol, atol=atol, equal_nan=True)
        return None if same else "returned an array with the wrong values"
    return describe_difference(result, expected, tol=atol)


def describe_array(value: Any, *, shape: tuple[int, ...], kind: str = "f") -> str | None:
    """What is wrong with ``value`` as a numpy array of ``shape`` and dtype kind ``kind``."""
    if type(value) is not np.ndarray:
        return f"returned a {type_name(value)}; expected a numpy array"
    if value.shape != shape:
        return f"returned an array of shape {value.shape}; expected shape {shape}"
    if value.dtype.kind != kind:
        wanted = {"f": "a float dtype", "b": "dtype bool", "i": "an integer dtype"}.get(kind, kind)
        return f"returned an array of dtype {value.dtype}; expected {wanted}"
    return None


def float_sequence(value: Any, length: int) -> tuple[np.ndarray | None, str | None]:
    """``value`` as a float array when it is a list of ``length`` Python floats or a 1-D float
    array of that length; otherwise ``(None, reason)``."""
    if type(value) is list:
        odd = next((x for x in value if type(x) is not float), None)
        if odd is not None:
            return None, f"holds a {type_name(odd)}; expected Python floats (use float(...))"
        array = np.array(value, dtype=float)
    elif type(value) is np.ndarray and value.ndim == 1 and value.dtype.kind == "f":
        array = value.astype(float)
    else:
        return None, f"is a {type_name(value)}; expected a list of floats or a 1-D float array"
    if len(array) != length:
        return None, f"has {len(array)} values; expected {length}"
    return array, None


def numeric_warnings(messages: Sequence[str]) -> list[str]:
    """The floating-point warnings (overflow, 0/0, …) among RuntimeWarning ``messages``."""
    return [text for text in messages if any(w in text for w in NUMERIC_WARNINGS)]


def quantile_span(sample: np.ndarray, value: float) -> tuple[float, float]:
    """Where ``value`` falls in ``sample``: the fractions strictly below and at or below it.

    For a discrete distribution a value can sit on an atom, so its position is a span.
    """
    ordered = np.sort(np.asarray(sample, dtype=float))
    below = np.searchsorted(ordered, value, side="left") / len(ordered)
    at_or_below = np.searchsorted(ordered, value, side="right") / len(ordered)
    return float(below), float(at_or_below)


def at_quantile(sample: np.ndarray, value: float, q: float, *, slack: float) -> bool:
    """``value`` is the ``q``-quantile of ``sample`` to within ``slack`` (in probability)."""
    below, at_or_below = quantile_span(sample, value)
    return below <= q + slack and at_or_below >= q - slack


def coverage(intervals: Sequence[tuple[float, float]], truth: float) -> float:
    """The fraction of ``(low, high)`` intervals that contain ``truth``."""
    return float(np.mean([low <= truth <= high for low, high in intervals]))
