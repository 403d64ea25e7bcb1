"""Plain values cross the sandbox boundary exactly; anything else arrives as an opaque stand-in."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from autograder.grading.codec import Opaque, decode, dumps, encode, loads
from autograder.judges.values import type_name


def round_trip(value):
    return decode(loads(dumps(encode(value))))


@pytest.mark.parametrize(
    "value",
    [None, True, 3, 10**30, 2.5, "text", [1, [2.0, "x"]], (1, (2,)), {"a": 1, 2: [3]}],
)
def test_plain_values_keep_value_and_exact_type(value):
    back = round_trip(value)
    assert back == value and type(back) is type(value)


def test_special_floats_survive():
    back = round_trip([math.inf, -math.inf, math.nan])
    assert back[0] == math.inf and back[1] == -math.inf and math.isnan(back[2])


def test_numpy_arrays_and_scalars_keep_dtype_and_shape():
    array = np.arange(6, dtype=np.int32).reshape(2, 3)
    back = round_trip(array)
    assert back.dtype == array.dtype and back.shape == (2, 3) and (back == array).all()
    scalar = round_trip(np.float64(1.5))
    assert type(scalar) is np.float64 and scalar == 1.5


def test_frames_and_series_keep_columns_dtypes_and_index():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [1.5, None]}, index=[5, 7])
    back = round_trip(frame)
    pd.testing.assert_frame_equal(back, frame)
    series = pd.Series([1.0, 2.0], index=["p", "q"], name="s")
    pd.testing.assert_series_equal(round_trip(series), series)


def test_datetime_columns_keep_their_dtype_and_missing_times():
    frame = pd.DataFrame(
        {"day": pd.to_datetime(["2024-05-01", None, "2024-05-03"]), "revenue": [1.0, 2.0, 3.0]}
    )
    pd.testing.assert_frame_equal(round_trip(frame), frame)
    series = pd.Series(pd.date_range("2024-01-01", periods=3), name="day")
    pd.testing.assert_series_equal(round_trip(series), series)


def test_a_column_of_opaque_items_arrives_as_objects_not_an_error():
    data = encode(pd.DataFrame({"when": pd.to_datetime(["2024-05-01"])}))
    data["v"][0]["v"][0] = {"t": "opaque", "name": "Rigged"}  # an item that cannot cross
    back = decode(data)
    assert back["when"].dtype == object and isinstance(back["when"][0], Opaque)


def test_rigged_objects_arrive_opaque_under_their_own_name():
    class Anything:
        def __eq__(self, other):
            return True

    class Sly(float):
        pass

    for value, name in ((Anything(), "Anything"), (Sly(1.0), "Sly")):
        back = round_trip(value)
        assert isinstance(back, Opaque) and back != 1.0
        assert type_name(back).endswith(name)


def test_oversized_results_are_not_a_memory_bomb(monkeypatch):
    monkeypatch.setattr("autograder.grading.codec.MAX_ITEMS", 10)
    assert type(round_trip(list(range(100)))[-1]).__name__ == "TooLarge"
