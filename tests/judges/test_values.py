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


# ------------------------------------------------------------------ where frames differ

from autograder.exercises.function import Case, FunctionExercise  # noqa: E402
from autograder.exercises.numeric import NumericExercise  # noqa: E402
from autograder.judges import CheckFailed  # noqa: E402
from autograder.judges.values import frame_detail  # noqa: E402

SALES = pd.DataFrame({"category": ["books", "toys", "home"], "revenue": [55438.0, 120.5, 3.25]})


def _totals(frame):
    return frame.groupby("category", as_index=False, sort=False)["revenue"].sum()


def _totals_off_by_cents(frame):
    table = _totals(frame)
    table.loc[0, "revenue"] -= 0.02
    return table


def test_a_visible_frame_difference_names_column_row_and_both_values_in_full():
    detail = frame_detail(_totals_off_by_cents(SALES), _totals(SALES), show_values=True)
    assert detail == (
        "1 of 3 rows differ in column 'revenue'; first at row 0: you have 55437.98, "
        "expected 55438.0"
    )


def test_a_hidden_frame_difference_names_column_and_count_without_values():
    detail = frame_detail(_totals_off_by_cents(SALES), _totals(SALES), show_values=False)
    assert detail == "1 of 3 rows differ in column 'revenue'"


def test_missing_rows_and_wrong_labels_are_shown_from_visible_data_only():
    want = _totals(SALES)
    assert "expected (category='home', revenue=3.25) is missing" in frame_detail(
        want.iloc[:2], want, show_values=True
    )
    assert frame_detail(want.iloc[:2], want, show_values=False) is None
    shuffled = want.iloc[[1, 0, 2]]
    assert describe_difference(shuffled, want) == "returned the wrong index"
    assert frame_detail(shuffled, want, show_values=False) == (
        "2 of 3 row labels differ (they are the expected rows, in another order)"
    )


def test_reset_index_is_suggested_only_when_it_is_what_is_missing():
    want = _totals(SALES)
    labelled = want.set_axis([5, 6, 7])
    assert "reset_index(drop=True)" in describe_difference(labelled, want)
    assert "reset_index" not in describe_difference(labelled.iloc[[1, 0, 2]], want)


def _exercise(kind=FunctionExercise):
    visible = (Case((SALES,)),)
    hidden = (Case((SALES.assign(revenue=[1.0, 2.0, 3.0]),), label="other sales"),)
    return kind("totals", name="totals", reference=_totals, visible=visible, hidden=hidden)


@pytest.mark.parametrize("kind", [FunctionExercise, NumericExercise])
def test_an_exercise_returning_a_frame_says_where_it_differs(kind):
    exercise = _exercise(kind)
    with pytest.raises(CheckFailed) as visible:
        exercise.check(_totals_off_by_cents)
    message = str(visible.value)
    assert "<DataFrame: 3 rows x 2 columns>;" not in message
    assert "column 'revenue'" in message and "you have 55437.98, expected 55438.0" in message
    with pytest.raises(CheckFailed) as hidden:
        exercise.check_hidden(_totals_off_by_cents)
    message = str(hidden.value)
    assert "hidden case 1 (other sales): 1 of 3 rows differ in column 'revenue'" in message
    assert "0.98" not in message and "1.0" not in message
