"""The phase recorder: nested spans count once, off means no record, records go to a file."""

from __future__ import annotations

import json
import threading
import time

from autograder.grading import phases


def test_nested_spans_count_their_own_time_once(monkeypatch):
    monkeypatch.setenv(phases.ENV, "profile.jsonl")
    clock = time.perf_counter()
    with phases.recording() as record:
        with phases.phase("outer"):
            time.sleep(0.02)
            with phases.phase("inner"):
                time.sleep(0.05)
            with phases.phase("inner"):
                time.sleep(0.01)
        with phases.phase("after"):
            time.sleep(0.01)
    wall = time.perf_counter() - clock
    assert set(record) == {"outer", "inner", "after"}
    assert record["inner"] >= 0.06
    assert 0.02 <= record["outer"] < record["inner"]  # the inner spans are not counted twice
    assert sum(record.values()) <= wall
    assert sum(record.values()) >= 0.09


def test_off_records_nothing_and_spans_still_run_their_body(monkeypatch):
    monkeypatch.delenv(phases.ENV, raising=False)
    ran = []
    with phases.recording() as record:
        with phases.phase("intake"):
            ran.append(1)
        phases.count("test_cells")
    assert record is None and ran == [1]
    phases.write({"never": True})  # no file named: nothing to write to, and no error


def test_paused_spans_leave_the_record_alone_but_the_span_around_them_counts(monkeypatch):
    with phases.recording(on=True) as record:
        with phases.phase("deadline"):
            with phases.paused():
                with phases.phase("kernel"):
                    time.sleep(0.02)
        with phases.phase("kernel"):
            pass
        phases.count("test_cells", 3)
    assert record["deadline"] >= 0.02
    assert record["kernel"] < 0.02
    assert record["#test_cells"] == 3


def test_a_record_ends_with_its_recording_and_the_outer_one_resumes():
    with phases.recording(on=True) as outer:
        with phases.phase("a"):
            with phases.recording(on=True) as inner:
                with phases.phase("b"):
                    pass
        with phases.phase("c"):
            pass
    with phases.phase("d"):  # no recording active: ignored
        pass
    assert set(outer) == {"a", "c"} and set(inner) == {"b"}


def test_entries_are_appended_as_json_lines(monkeypatch, tmp_path):
    target = tmp_path / "profile.jsonl"
    monkeypatch.setenv(phases.ENV, str(target))
    phases.write({"student": "ann", "phases": {"intake": 0.5}})
    phases.write({"student": "ben", "phases": {}})
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [line["student"] for line in lines] == ["ann", "ben"]
    assert lines[0]["phases"] == {"intake": 0.5}


def test_a_thread_attached_to_a_record_adds_its_spans_without_upsetting_this_threads():
    with phases.recording(on=True) as record:
        with phases.phase("outer"):
            started = phases.current()

            def other() -> None:
                with phases.attached(started):
                    with phases.phase("alongside"):
                        time.sleep(0.05)

            thread = threading.Thread(target=other)
            thread.start()
            with phases.phase("inner"):
                time.sleep(0.02)
            thread.join()
    assert started is record
    assert record["alongside"] >= 0.05
    # the other thread's span is not nested in this thread's: "outer" keeps its own time
    assert record["outer"] >= 0.03 - 0.005
    assert phases.current() is None  # the recording ended for this thread


def test_a_thread_not_attached_records_nothing():
    seen = []
    with phases.recording(on=True) as record:

        def other() -> None:
            seen.append(phases.current())
            with phases.phase("elsewhere"):
                pass

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert seen == [None] and "elsewhere" not in record
