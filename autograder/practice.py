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
