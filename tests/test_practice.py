"""The practice timer's logic, driven by a fake clock: no browser, no waiting."""

from __future__ import annotations

import pytest

from autograder import practice
from autograder.practice import Timer, TimerState, timings_in


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_countdown_runs_only_while_started():
    state = TimerState(seconds=600)
    assert state.remaining(0) == 600 and not state.running
    state.start(10)
    assert state.remaining(70) == 540 and state.clock_text(70) == "09:00"
    state.pause(100)
    assert state.remaining(500) == 510 and not state.running


def test_starting_twice_does_not_restart_the_clock():
    state = TimerState(seconds=60)
    state.start(0)
    state.start(30)
    assert state.elapsed(40) == 40


def test_time_runs_out_and_cannot_go_negative():
    state = TimerState(seconds=60)
    state.start(0)
    assert state.remaining(90) == 0 and state.expired(90) and state.clock_text(90) == "00:00"
    state.pause(90)
    state.start(95)
    assert not state.running, "an expired countdown does not start again until reset"


def test_reset_clears_time_and_timings():
    state = TimerState(seconds=60)
    state.start(0)
    state.finish("a", 20)
    state.reset()
    assert state.elapsed(100) == 0 and state.timings == {} and not state.running


def test_finish_records_time_per_exercise_since_the_previous_one():
    state = TimerState(seconds=3600)
    state.start(0)
    assert state.finish("largest_team", 125) == 125
    state.pause(200)
    state.start(1000)  # the pause does not count
    assert state.finish("monthly_report", 1100) == 175
    assert state.timings == {"largest_team": 125, "monthly_report": 175}


def test_widget_buttons_drive_the_state_and_save_timings(monkeypatch):
    saved = []
    monkeypatch.setattr(Timer, "_save", lambda self: saved.append(dict(self.state.timings)))
    clock = FakeClock()
    timer = Timer(["one", "two"], minutes=10, clock=clock)
    timer.start_button.click()
    clock.now += 90
    timer.done_button.click()
    assert timer.state.timings == {"one": 90} and timer.choice.value == "two"
    assert "08:30" in timer.display_face.value and "one: 90 s" in timer.log.value
    timer.pause_button.click()
    assert "paused" in timer.display_face.value
    timer.reset_button.click()
    assert timer.state.timings == {} and "10:00" in timer.display_face.value
    assert saved == [{"one": 90}, {}]


def test_saved_timings_are_read_back_from_a_notebook():
    nb = {
        "cells": [
            {"outputs": [{"metadata": {practice.METADATA_KEY: {"timings": {"a": 30.0}}}}]},
            {
                "outputs": [
                    {"metadata": {}},
                    {"metadata": {practice.METADATA_KEY: {"timings": {"b": 5}}}},
                ]
            },
        ]
    }
    assert timings_in(nb) == {"a": 30.0, "b": 5}


@pytest.mark.parametrize("minutes", [0.5, 40])
def test_the_face_shows_the_full_time_before_starting(minutes):
    timer = Timer(["x"], minutes=minutes, clock=FakeClock())
    total = int(minutes * 60)
    assert f"{total // 60:02d}:{total % 60:02d}" in timer.display_face.value
