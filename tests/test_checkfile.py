"""checks.json: what release/ may know, and when two compilations count as the same."""

from __future__ import annotations

import pytest

from autograder.checkfile import equivalent

BASE = {"id": "fit", "hints": ["a", "b"], "expected": {"t": "float", "v": 0.38207966658097475}}


def test_last_digit_float_noise_is_the_same_check_data():
    noisy = {**BASE, "expected": {"t": "float", "v": 0.3820796665809748}}
    assert equivalent(BASE, noisy)


@pytest.mark.parametrize(
    "changed",
    [
        {**BASE, "expected": {"t": "float", "v": 0.3821}},  # a real change of an expected value
        {**BASE, "hints": ["a", "c"]},  # a reworded hint
        {**BASE, "hints": ["a"]},  # a hint dropped
        {**BASE, "expected": {"t": "int", "v": 0.38207966658097475}},  # a key changed
        {**BASE, "expected": {"t": "float", "v": "0.38207966658097475"}},  # a float became text
        {**BASE, "extra": 1},
    ],
)
def test_any_other_difference_is_a_change(changed):
    assert not equivalent(BASE, changed)
