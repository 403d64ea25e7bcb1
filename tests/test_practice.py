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


# ------------------------------------------------------------------------- mock-loop rounds

ROUNDS = [
    practice.Round("Coding", 45, ("month_streaks", "streaming_variance")),
    practice.Round("Statistics", 40, ("streak_probability",)),
]


def test_a_round_runs_past_its_box_and_shows_the_overrun():
    state = practice.RoundState(box=60)
    state.start(0)
    assert state.status(30) == "running" and state.over(30) == 0
    assert state.over(75) == 15 and state.status(75) == "running, over by 00:15"
    state.pause(75)
    assert state.elapsed(500) == 75, "a paused round does not count time"
    assert state.status(500) == "over by 00:15"


def test_round_status_before_during_and_after():
    state = practice.RoundState(box=600)
    assert state.status(0) == "not started" and not state.started
    state.start(0)
    state.pause(10)
    assert state.status(20) == "paused"
    state.finished = True
    assert state.status(20) == "finished"


def test_starting_a_round_pauses_the_one_that_runs():
    loop = practice.LoopState.of(ROUNDS)
    loop.start("Coding", 0)
    loop.start("Statistics", 100)
    assert not loop.rounds["Coding"].running and loop.rounds["Coding"].elapsed(900) == 100
    assert loop.rounds["Statistics"].elapsed(160) == 60 and loop.current == "Statistics"


def test_exercise_times_go_to_the_round_that_runs():
    loop = practice.LoopState.of(ROUNDS)
    assert loop.done("month_streaks", 5) is None, "no round runs: nothing to record"
    loop.start("Coding", 0)
    assert loop.done("month_streaks", 300) == 300
    assert loop.done("streaming_variance", 1000) == 700
    loop.finish_round("Coding", 1000)
    loop.start("Statistics", 2000)
    assert loop.done("streak_probability", 2090) == 90
    assert loop.rounds["Coding"].timings == {"month_streaks": 300, "streaming_variance": 700}
    assert loop.rounds["Statistics"].timings == {"streak_probability": 90}


def test_the_record_keeps_time_used_and_overrun_of_started_rounds_only():
    loop = practice.LoopState.of(ROUNDS)
    loop.start("Coding", 0)
    loop.done("month_streaks", 120)
    loop.finish_round("Coding", 45 * 60 + 90)
    record = loop.record(10_000)
    assert record["timings"] == {"month_streaks": 120}
    assert record["rounds"] == {
        "Coding": {"box": 2700.0, "used": 2790.0, "over": 90.0, "finished": True}
    }


def test_reset_clears_every_round_but_keeps_the_boxes():
    loop = practice.LoopState.of(ROUNDS)
    loop.start("Coding", 0)
    loop.done("month_streaks", 50)
    loop.reset()
    assert loop.record(100) == {"timings": {}, "rounds": {}} and loop.current is None
    assert loop.rounds["Statistics"].box == 40 * 60


@pytest.mark.parametrize(
    ("rounds", "problem"),
    [([], "at least one round"), ([ROUNDS[0], ROUNDS[0]], "must be different")],
)
def test_a_round_timer_refuses_a_bad_loop(rounds, problem):
    with pytest.raises(ValueError, match=problem):
        practice.RoundTimer(rounds, clock=FakeClock())


def test_round_timer_buttons_show_overrun_and_save_round_times(monkeypatch):
    saved = []
    monkeypatch.setattr(
        practice.RoundTimer, "_save", lambda self: saved.append(self.state.record(clock()))
    )
    clock = FakeClock()
    timer = practice.RoundTimer(ROUNDS, clock=clock)
    assert "not started" in timer.faces["Coding"].value
    timer.buttons["Coding"]["start"].click()
    assert list(timer.choice.options) == ["month_streaks", "streaming_variance"]
    clock.now += 600
    timer.done_button.click()
    assert timer.choice.value == "streaming_variance" and "month_streaks: 600 s" in timer.log.value
    clock.now += 45 * 60  # 10 minutes over the 45-minute box: shown, not blocked
    timer.refresh()
    assert "running, over by 10:00" in timer.faces["Coding"].value
    assert "#c62828" in timer.faces["Coding"].value
    timer.buttons["Coding"]["finish"].click()
    assert "finished, over by 10:00" in timer.faces["Coding"].value
    assert saved[-1]["rounds"]["Coding"] == {
        "box": 2700.0,
        "used": 3300.0,
        "over": 600.0,
        "finished": True,
    }


def test_round_times_are_read_back_from_a_notebook_last_record_wins():
    first = {"Coding": {"box": 2700.0, "used": 100.0, "over": 0.0, "finished": False}}
    last = {"Coding": {"box": 2700.0, "used": 2800.0, "over": 100.0, "finished": True}}
    nb = {
        "cells": [
            {"outputs": [{"metadata": {practice.METADATA_KEY: {"rounds": first}}}]},
            {"outputs": [{"metadata": {practice.METADATA_KEY: {"rounds": last}}}]},
        ]
    }
    assert practice.rounds_in(nb) == last
