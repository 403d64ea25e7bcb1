"""The warm template outlives the thread that first asked for it."""

from __future__ import annotations

import threading
import time

from autograder.grading import template as templates


def test_a_template_first_asked_for_by_a_short_lived_thread_outlives_it(monkeypatch):
    # a fresh template for this test, whoever started one before in this process
    monkeypatch.setattr(templates, "_TEMPLATE", None)
    started = []
    thread = threading.Thread(target=lambda: started.append(templates.template()))
    thread.start()
    thread.join()
    (template,) = started
    try:
        time.sleep(1.0)  # a template started by that thread would be SIGKILLed when it ended
        assert template.alive()
        assert templates.template() is template  # and it is the one later callers get
    finally:
        template.close()
