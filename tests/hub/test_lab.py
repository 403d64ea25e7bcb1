"""A learner behind the Hub, in headless Chromium: log in, JupyterLab, ``q.submit()``, verdicts.

The Hub is deploy/jupyterhub_config.py on loopback ports (tests/hub/hubbing.py). The learner
logs in on the Hub's own login page, the Hub starts her JupyterLab (set up by
``autograder learner-setup --hub``), and ``q.submit()`` in her notebook reaches the course
server with her server's Hub token: she is who the Hub says, with no token of the course's.
"""

from __future__ import annotations

import json
import os

import pytest

from autograder import cohort, notebooks
from tests.browser.test_jupyterlab import (
    ROOT,
    accept_kernel,
    browser_page,
    learner_home,
    require_chromium,
)
from tests.hub.hubbing import INSTRUCTOR, Hub, missing_programs
from tests.server.serving import make_course

NOTEBOOK = "python_fundamentals.ipynb"
LEARNER = "cat"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    missing = missing_programs()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"JupyterHub or its proxy is missing under CI: {missing}")
        pytest.skip(f"JupyterHub or its proxy is missing: {missing}")
    require_chromium()
    folder = tmp_path_factory.mktemp("hub_lab")
    course = make_course(folder)
    # her home as nbgrader's fetch leaves it, week01 answered and saved
    home = learner_home(folder / "state" / "home" / LEARNER)
    released = notebooks.read(ROOT / "release" / "week01" / NOTEBOOK)
    answers = cohort.solutions(notebooks.read(ROOT / "source" / "week01" / NOTEBOOK))
    notebooks.write_normalized(cohort.fill(released, answers), home / "week01" / NOTEBOOK)
    running = Hub(course, folder)
    try:
        teacher = running.add_user(INSTRUCTOR)
        reply = running.call(
            "POST", "/services/course/api/assignments/week01/release", token=teacher
        )
        assert reply.status == 200, reply.body
        yield running
    finally:
        running.stop()


def test_a_learner_logs_in_and_submits_from_jupyterlab(hub, request):
    with browser_page(request) as page:
        page.goto(f"{hub.url}/hub/login")
        page.locator("#username_input").fill(LEARNER)
        page.locator("#password_input").fill("any")
        page.locator("#login_submit").click()
        # the Hub spawns her server on login; on a busy machine that can outlast the
        # progress page's own wait, so the test waits on the Hub's API and then opens the lab
        page.wait_for_url(f"**/{LEARNER}**")
        hub.wait_server(LEARNER)

        page.goto(f"{hub.url}/user/{LEARNER}/lab/tree/week01/{NOTEBOOK}?reset")
        panel = page.locator(".jp-NotebookPanel:visible")
        panel.locator(".jp-Cell").first.wait_for()
        accept_kernel(page)
        panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for()
        panel.locator(".jp-Cell").first.click()
        page.keyboard.press("Shift+Enter")  # the title
        page.keyboard.press("Shift+Enter")  # the set-up: q = autograder.load("week01")
        page.keyboard.press("Escape")
        page.keyboard.press("b")
        page.keyboard.press("Enter")
        page.keyboard.insert_text("q.submit()")
        page.keyboard.press("Shift+Enter")

        verdict = panel.locator(".jp-OutputArea-output", has_text="hidden:").first
        verdict.wait_for(timeout=600_000)
        text = verdict.inner_text()
        assert "✓ hidden:" in text and "sample_variance" in text, text
        assert "Traceback" not in text
        panel.locator(".jp-OutputArea-output", has_text="have full marks").first.wait_for()

        # the browser reaches the course server's API through the Hub's OAuth, read-only
        page.goto(f"{hub.url}/services/course/login")
        page.wait_for_url("**/services/course/api/whoami")
        assert json.loads(page.locator("body").inner_text())["learner"] == LEARNER
        mine = page.request.get(f"{hub.url}/services/course/api/submissions")
        assert mine.status == 200 and len(mine.json()["submissions"]) == 1
        by_cookie = page.request.post(
            f"{hub.url}/services/course/api/assignments/week01/submissions",
            data=json.dumps({"notebooks": {}}),
            headers={"Content-Type": "application/json"},
        )
        # refused by HubOAuth's own XSRF check (401), else by the server's rule (403)
        assert by_cookie.status in (401, 403), by_cookie.text()
        assert "Hub API token" in by_cookie.json()["error"]
    listed = hub.call("GET", "/services/course/api/submissions", token=hub.add_user(LEARNER))
    assert len(listed.json["submissions"]) == 1  # the cookie's POST stored nothing

    # the course server recorded it under her Hub name, graded
    submissions = listed.json["submissions"]
    assert [(s["learner"], s["status"]) for s in submissions] == [(LEARNER, "graded")]
