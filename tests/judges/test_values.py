"""Type-exact comparison: look-alike values must not pass."""

import numpy as np
import pandas as pd
import pytest

from autograder.judges.values import describe_difference


class AlwaysEqual:
    def __eq__(self, other):
        return True


class SneakyFloat(float):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    "impostor",
    [AlwaysEqual(), SneakyFloat(4.57), np.float64(4.57), 4, "4.57", [4.57]],
    ids=["always-equal", "float-subclass", "numpy-float", "int", "str", "list"],
)
def test_look_alikes_of_a_float_are_rejected(impostor):
    assert describe_difference(impostor, 4.57) is not None


def test_exact_float_and_tolerance():
    assert describe_difference(4.57, 4.57) is None
    assert describe_difference(4.57 + 1e-12, 4.57) is None
    assert describe_difference(4.571, 4.57) == "returned the wrong value"


def test_lists_compare_items_type_exactly():
    assert describe_difference([1, 2], [1, 2]) is None
    assert "item 1" in describe_difference([1, 2.0], [1, 2])
    assert "returned 1 items" in describe_difference([1], [1, 2])


def test_arrays_check_shape_dtype_kind_and_values():
    want = np.array([[0.0, 1.0]])
    assert describe_difference(np.array([[0.0, 1.0]]), want) is None
    assert "shape" in describe_difference(np.array([0.0, 1.0]), want)
    assert "dtype" in describe_difference(np.array([[0, 1]]), want)
    assert "wrong values" in describe_difference(np.array([[0.0, 1.1]]), want)


def test_frames_check_columns_index_and_values():
    want = pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]})
    assert describe_difference(want.copy(), want) is None
    assert "index" in describe_difference(want.iloc[::-1].iloc[::-1].set_axis([1, 2]), want)
    assert "columns" in describe_difference(want[["b", "a"]], want)
    assert "wrong values" in describe_difference(want.assign(b=[1.0, 2.5]), want)
    assert "DataFrame" in describe_difference(want.to_dict(), want)
