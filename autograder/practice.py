"""Timed practice: a countdown a learner starts, pauses and resets, with time per exercise.

:class:`TimerState` is the whole logic, driven by an injectable clock so it is tested
without a browser; :class:`Timer` is its ipywidgets face. Times taken are written into the
notebook itself: the timer keeps one output whose metadata holds ``{"autograder":
{"timings": {exercise: seconds}}}``, updated in place and saved with the notebook (a kernel
cannot edit notebook-level metadata in JupyterLab; outputs are its to write).
:func:`timings_in` reads them back, for the progress dashboard.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

METADATA_KEY = "autograder"


@dataclass
class TimerState:
    seconds: float  # length of the countdown
    elapsed_before: float = 0.0  # time run before the current start
    started_at: float | None = None
    lap_from: float = 0.0  # elapsed time when the current exercise began
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def running(self) -> bool:
        return self.started_at is not None

    def elapsed(self, now: float) -> float:
        extra = now - self.started_at if self.started_at is not None else 0.0
        return self.elapsed_before + extra

    def remaining(self, now: float) -> float:
        return max(0.0, self.seconds - self.elapsed(now))

    def expired(self, now: float) -> bool:
        return self.remaining(now) == 0.0

    def start(self, now: float) -> None:
        if not self.running and not self.expired(now):
            self.started_at = now

    def pause(self, now: float) -> None:
        if self.running:
            self.elapsed_before = min(self.seconds, self.elapsed(now))
            self.started_at = None

    def reset(self) -> None:
        self.elapsed_before, self.started_at, self.lap_from = 0.0, None, 0.0
        self.timings = {}

    def finish(self, exercise: str, now: float) -> float:
        """Record the time spent on ``exercise`` since the previous one was finished."""
        spent = min(self.seconds, self.elapsed(now))
        taken = round(spent - self.lap_from, 1)
        self.timings[exercise] = round(self.timings.get(exercise, 0.0) + taken, 1)
        self.lap_from = spent
        return taken

    def clock_text(self, now: float) -> str:
        left = int(round(self.remaining(now)))
        return f"{left // 60:02d}:{left % 60:02d}"


def timings_in(nb) -> dict[str, float]:
    """Times recorded by timers in a saved notebook (the last record of each exercise)."""
    found: dict[str, float] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            found.update(output.get("metadata", {}).get(METADATA_KEY, {}).get("timings", {}))
    return found


class Timer:
    """A countdown widget for a round of exercises: Start, Pause, Reset, and Done per exercise."""

    def __init__(
        self,
        exercises: list[str],
        *,
        minutes: float,
        title: str = "Timed practice",
        clock: Callable[[], float] = time.monotonic,
    ):
        import ipywidgets as w

        self.exercises = list(exercises)
        self.clock = clock
        self.state = TimerState(minutes * 60)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.display_face = w.HTML()
        self.start_button = w.Button(description="Start", button_style="success", icon="play")
        self.pause_button = w.Button(description="Pause", icon="pause")
        self.reset_button = w.Button(description="Reset", icon="undo")
        self.choice = w.Dropdown(options=self.exercises, description="Exercise")
        self.done_button = w.Button(description="Done with it", icon="check")
        self.log = w.HTML()
        self.start_button.on_click(lambda _: self.start())
        self.pause_button.on_click(lambda _: self.pause())
        self.reset_button.on_click(lambda _: self.reset())
        self.done_button.on_click(lambda _: self.done(self.choice.value))
        controls = w.HBox([self.start_button, self.pause_button, self.reset_button])
        self.widget = w.VBox(
            [
                w.HTML(f"<b>{title}</b> — {minutes:g} minutes"),
                self.display_face,
                controls,
                w.HBox([self.choice, self.done_button]),
                self.log,
            ]
        )
        self.widget.add_class("autograder-timer")
        self._record = None
        self.refresh()

    # --- actions (the buttons call these; tests may too)
    def start(self) -> None:
        self.state.start(self.clock())
        self._tick()
        self.refresh()

    def pause(self) -> None:
        self.state.pause(self.clock())
        self.refresh()

    def reset(self) -> None:
        self.state.reset()
        self.refresh()
        self._save()

    def done(self, exercise: str) -> None:
        self.state.finish(exercise, self.clock())
        remaining = [e for e in self.exercises if e not in self.state.timings]
        if remaining:
            self.choice.value = remaining[0]
        self.refresh()
        self._save()

    # --- display
    def refresh(self) -> None:
        now = self.clock()
        status = (
            "running"
            if self.state.running
            else ("time is up" if self.state.expired(now) else "paused")
        )
        self.display_face.value = (
            f"<span style='font-size:2em;font-family:monospace'>{self.state.clock_text(now)}</span>"
            f" <i>{status}</i>"
        )
        rows = "".join(f"<li>{e}: {s:g} s</li>" for e, s in self.state.timings.items())
        self.log.value = f"<ul>{rows}</ul>" if rows else ""

    def _tick(self) -> None:
        if self._thread and self._thread.is_alive():
            return

        def loop() -> None:
            while not self._stop.wait(0.5) and self.state.running:
                if self.state.expired(self.clock()):
                    self.state.pause(self.clock())
                self.refresh()

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def _save(self) -> None:
        """Write the timings into this notebook: one output, updated in place."""
        from IPython.display import display

        summary = ", ".join(f"{e} {s:g} s" for e, s in self.state.timings.items()) or "none yet"
        bundle = {"text/plain": f"Times recorded: {summary}"}
        metadata = {METADATA_KEY: {"timings": dict(self.state.timings)}}
        if self._record is None:
            self._record = display(bundle, raw=True, metadata=metadata, display_id=True)
        else:
            self._record.update(bundle, raw=True, metadata=metadata)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        self._save()


# ------------------------------------------------------------------------- mock-loop rounds


@dataclass(frozen=True)
class Round:
    """One round of a mock interview loop: a name, its time box and its exercises."""

    name: str
    minutes: float
    exercises: tuple[str, ...] = ()


def _clock_text(seconds: float) -> str:
    total = int(round(seconds))
    return f"{total // 60:02d}:{total % 60:02d}"


@dataclass
class RoundState:
    """A time box that is never enforced: time keeps running past it and shows as overrun."""

    box: float  # seconds
    elapsed_before: float = 0.0
    started_at: float | None = None
    lap_from: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    finished: bool = False

    @property
    def running(self) -> bool:
        return self.started_at is not None

    @property
    def started(self) -> bool:
        return self.running or self.elapsed_before > 0

    def elapsed(self, now: float) -> float:
        extra = now - self.started_at if self.started_at is not None else 0.0
        return self.elapsed_before + extra

    def over(self, now: float) -> float:
        """Seconds past the time box (0 while inside it)."""
        return max(0.0, self.elapsed(now) - self.box)

    def start(self, now: float) -> None:
        if not self.running:
            self.started_at = now
            self.finished = False

    def pause(self, now: float) -> None:
        if self.running:
            self.elapsed_before = self.elapsed(now)
            self.started_at = None

    def finish(self, exercise: str, now: float) -> float:
        """Record the time on ``exercise`` since the previous one was finished in this round."""
        spent = self.elapsed(now)
        taken = round(spent - self.lap_from, 1)
        self.timings[exercise] = round(self.timings.get(exercise, 0.0) + taken, 1)
        self.lap_from = spent
        return taken

    def status(self, now: float) -> str:
        if self.over(now) > 0:
            prefix = "running, " if self.running else ("finished, " if self.finished else "")
            return f"{prefix}over by {_clock_text(self.over(now))}"
        if self.running:
            return "running"
        if self.finished:
            return "finished"
        return "paused" if self.started else "not started"


@dataclass
class LoopState:
    """The rounds of a loop; at most one runs at a time (starting one pauses the others)."""

    rounds: dict[str, RoundState]
    current: str | None = None

    @classmethod
    def of(cls, rounds: list[Round]) -> LoopState:
        return cls({r.name: RoundState(r.minutes * 60) for r in rounds})

    def start(self, name: str, now: float) -> None:
        for other, state in self.rounds.items():
            if other != name:
                state.pause(now)
        self.rounds[name].start(now)
        self.current = name

    def pause(self, now: float) -> None:
        for state in self.rounds.values():
            state.pause(now)

    def finish_round(self, name: str, now: float) -> None:
        state = self.rounds[name]
        state.pause(now)
        state.finished = True

    def done(self, exercise: str, now: float) -> float | None:
        """Record ``exercise`` as finished in the round that is running (None if none runs)."""
        running = [s for s in self.rounds.values() if s.running]
        return running[0].finish(exercise, now) if running else None

    def reset(self) -> None:
        for state in self.rounds.values():
            box = state.box
            state.__init__(box)
        self.current = None

    def record(self, now: float) -> dict:
        """What the notebook keeps: time used and overrun per round, time per exercise."""
        timings: dict[str, float] = {}
        for state in self.rounds.values():
            timings.update(state.timings)
        rounds = {
            name: {
                "box": round(state.box, 1),
                "used": round(state.elapsed(now), 1),
                "over": round(state.over(now), 1),
                "finished": state.finished,
            }
            for name, state in self.rounds.items()
            if state.started or state.finished
        }
        return {"timings": timings, "rounds": rounds}


def rounds_in(nb) -> dict[str, dict]:
    """Round times recorded by a round timer in a saved notebook (the last record of each)."""
    found: dict[str, dict] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            found.update(output.get("metadata", {}).get(METADATA_KEY, {}).get("rounds", {}))
    return found


class RoundTimer:
    """A mock loop's timer: one box per round with its time box, Start, Pause and Finish.

    Running past a round's box is shown (in red, "over by mm:ss"), never blocked. The time
    used per round and per exercise ("Done with it") is saved in the notebook, like
    :class:`Timer`'s timings, and read back by :func:`rounds_in` and :func:`timings_in`.
    """

    def __init__(
        self,
        rounds: list[Round],
        *,
        title: str = "Mock loop",
        clock: Callable[[], float] = time.monotonic,
    ):
        import ipywidgets as w

        if not rounds:
            raise ValueError("a round timer needs at least one round")
        names = [r.name for r in rounds]
        if len(set(names)) != len(names):
            raise ValueError("round names must be different")
        self.rounds = list(rounds)
        self.clock = clock
        self.state = LoopState.of(self.rounds)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._record = None
        self.faces: dict[str, w.HTML] = {}
        self.buttons: dict[str, dict[str, w.Button]] = {}
        boxes = []
        for r in self.rounds:
            face = w.HTML()
            start = w.Button(description="Start", button_style="success", icon="play")
            pause = w.Button(description="Pause", icon="pause")
            finish = w.Button(description="Finish round", icon="flag-checkered")
            start.on_click(lambda _, name=r.name: self.start(name))
            pause.on_click(lambda _: self.pause())
            finish.on_click(lambda _, name=r.name: self.finish_round(name))
            self.faces[r.name] = face
            self.buttons[r.name] = {"start": start, "pause": pause, "finish": finish}
            box = w.VBox(
                [
                    w.HTML(f"<b>{r.name}</b> — {r.minutes:g} min"),
                    face,
                    w.HBox([start, pause, finish]),
                ],
                layout=w.Layout(border="1px solid #bbb", padding="4px", margin="2px"),
            )
            box.add_class("autograder-round")
            boxes.append(box)
        self.choice = w.Dropdown(options=self._exercise_options(), description="Exercise")
        self.done_button = w.Button(description="Done with it", icon="check")
        self.done_button.on_click(lambda _: self.done(self.choice.value))
        self.reset_button = w.Button(description="Reset all", icon="undo")
        self.reset_button.on_click(lambda _: self.reset())
        self.log = w.HTML()
        total = sum(r.minutes for r in self.rounds)
        self.widget = w.VBox(
            [
                w.HTML(f"<b>{title}</b> — {len(self.rounds)} rounds, {total:g} minutes"),
                w.GridBox(boxes, layout=w.Layout(grid_template_columns="repeat(3, 1fr)")),
                w.HBox([self.choice, self.done_button, self.reset_button]),
                self.log,
            ]
        )
        self.widget.add_class("autograder-round-timer")
        self.refresh()

    def _exercise_options(self) -> list[str]:
        current = self.state.current
        for r in self.rounds:
            if r.name == current:
                return list(r.exercises) or ["(this round)"]
        return [e for r in self.rounds for e in r.exercises] or ["(this round)"]

    # --- actions (the buttons call these; tests may too)
    def start(self, name: str) -> None:
        self.state.start(name, self.clock())
        self.choice.options = self._exercise_options()
        self._tick()
        self.refresh()
        self._save()

    def pause(self) -> None:
        self.state.pause(self.clock())
        self.refresh()
        self._save()

    def finish_round(self, name: str) -> None:
        self.state.finish_round(name, self.clock())
        self.refresh()
        self._save()

    def done(self, exercise: str) -> None:
        if self.state.done(exercise, self.clock()) is None:
            self.log.value = "<i>Start a round first.</i>"
            return
        options = list(self.choice.options)
        recorded = {e for s in self.state.rounds.values() for e in s.timings}
        remaining = [e for e in options if e not in recorded]
        if remaining:
            self.choice.value = remaining[0]
        self.refresh()
        self._save()

    def reset(self) -> None:
        self.state.reset()
        self.choice.options = self._exercise_options()
        self.refresh()
        self._save()

    # --- display
    def refresh(self) -> None:
        now = self.clock()
        for name, state in self.state.rounds.items():
            over = state.over(now) > 0
            colour = "#c62828" if over else ("#2e7d32" if state.running else "#444")
            self.faces[name].value = (
                f"<span style='font-size:1.6em;font-family:monospace;color:{colour}'>"
                f"{_clock_text(state.elapsed(now))}</span> / {_clock_text(state.box)} "
                f"<i style='color:{colour}'>{state.status(now)}</i>"
            )
        rows = "".join(
            f"<li>{e}: {s:g} s</li>"
            for st in self.state.rounds.values()
            for e, s in st.timings.items()
        )
        self.log.value = f"<ul>{rows}</ul>" if rows else ""

    def _tick(self) -> None:
        if self._thread and self._thread.is_alive():
            return

        def loop() -> None:
            while not self._stop.wait(0.5) and any(s.running for s in self.state.rounds.values()):
                self.refresh()

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def _save(self) -> None:
        """Write round times and exercise timings into this notebook: one output, in place."""
        from IPython.display import display

        record = self.state.record(self.clock())
        used = ", ".join(
            f"{name} {_clock_text(r['used'])}"
            + (f" (over {_clock_text(r['over'])})" if r["over"] else "")
            for name, r in record["rounds"].items()
        )
        bundle = {"text/plain": f"Round times recorded: {used or 'none yet'}"}
        metadata = {METADATA_KEY: record}
        if self._record is None:
            self._record = display(bundle, raw=True, metadata=metadata, display_id=True)
        else:
            self._record.update(bundle, raw=True, metadata=metadata)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        self._save()
