"""The warm template: it outlives the thread that first asked for it, and tidies after its children."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from autograder.grading import confine
from autograder.grading import template as templates
from autograder.grading.codec import decode
from autograder.grading.confine import Limits
from autograder.grading.remote import Worker


def _warm_worker(cwd: Path) -> Worker:
    return Worker(cwd=cwd, roots=[], limits=Limits(), timeout=60, step_timeout=30, warm=True)


def _value(worker: Worker, name: str):
    return decode(worker.request("describe", name=name)["value"])


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


def test_a_warm_childs_home_goes_when_the_child_does(tmp_path, monkeypatch):
    # Not isolated: the child's home is on the machine's /tmp (an isolated child's is on a
    # /tmp of its own, which goes with it), made by the template and removed when it reaps it.
    monkeypatch.setattr(confine, "isolation_available", lambda: False)
    with _warm_worker(tmp_path) as worker:
        cell = "import os\nHOME = os.environ['HOME']\nopen(os.path.join(HOME, 'x'), 'w').close()"
        assert worker.request("run", cells=[cell]) == {"errors": []}
        home = Path(_value(worker, "HOME"))
        assert home.name.startswith("home-") and (home / "x").is_file()
    for _ in range(100):
        if not home.exists():
            break
        time.sleep(0.05)
    assert not home.exists()


def test_the_templates_own_home_is_gone_once_it_serves():
    # it only served the imports; a template killed with its grader leaves nothing behind
    assert not Path(templates.template().home).exists()


def test_children_start_with_nbformat_imported_and_may_import_the_uri_parser(tmp_path):
    # nbformat (the debrief notebook reads notebooks) costs a child nothing; the URI parser the
    # template skipped is not barred from learner code that imports it itself
    with _warm_worker(tmp_path) as worker:
        cell = (
            "import sys\n"
            "WARM = 'nbformat' in sys.modules\n"
            "BARRED = 'rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is None"
        )
        assert worker.request("run", cells=[cell]) == {"errors": []}
        assert _value(worker, "WARM") is True
        assert _value(worker, "BARRED") is False
