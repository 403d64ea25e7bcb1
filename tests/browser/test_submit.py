"""A learner in JupyterLab runs ``q.submit()`` and reads the hidden tests' verdicts.

A real course server (``autograder serve``, tests/server/serving.py) and a real JupyterLab
whose kernels have ``AUTOGRADER_SERVER``/``AUTOGRADER_TOKEN`` set, as a learner's would after
``autograder learner-setup``; headless Chromium, with the skip rule of test_jupyterlab.py.
"""

from __future__ import annotations

import pytest

from autograder import client, cohort, notebooks
from tests.browser.test_jupyterlab import (
    ROOT,
    accept_kernel,
    browser_page,
    learner_home,
    require_chromium,
    running_lab,
)
from tests.server.serving import add_token, make_course, start_server

NOTEBOOK = "python_fundamentals.ipynb"


@pytest.fixture(scope="module")
def lab_with_server(tmp_path_factory):
    """JupyterLab over a learner's week-1 folder holding a solved notebook; a served course."""
    require_chromium()
    course = make_course(tmp_path_factory.mktemp("served"))
    token = add_token(course, "ana")
    home = learner_home(tmp_path_factory.mktemp("learner"))
    released = notebooks.read(ROOT / "release" / "week01" / NOTEBOOK)
    answers = cohort.solutions(notebooks.read(ROOT / "source" / "week01" / NOTEBOOK))
    notebooks.write_normalized(cohort.fill(released, answers), home / "week01" / NOTEBOOK)
    server = start_server(course)
    try:
        env = {client.ENV_SERVER: server.url, client.ENV_TOKEN: token}
        with running_lab(home, env) as url:
            yield url
    finally:
        server.stop()


def test_a_learner_submits_from_the_notebook_and_sees_the_hidden_verdicts(lab_with_server, request):
    with browser_page(request) as page:
        page.goto(f"{lab_with_server}/lab/tree/week01/{NOTEBOOK}?reset")
        panel = page.locator(".jp-NotebookPanel:visible")
        panel.locator(".jp-Cell").first.wait_for()
        accept_kernel(page)
        panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for()
        panel.locator(".jp-Cell").first.click()
        page.keyboard.press("Shift+Enter")  # the title
        page.keyboard.press("Shift+Enter")  # the set-up: q = autograder.load("week01")
        page.keyboard.press("Escape")
        page.keyboard.press("b")  # a new cell below, where the learner types q.submit()
        page.keyboard.press("Enter")
        page.keyboard.insert_text("q.submit()")
        page.keyboard.press("Shift+Enter")

        # the server grades the saved notebook; the table shows each hidden check's line
        verdict = panel.locator(".jp-OutputArea-output", has_text="hidden:").first
        verdict.wait_for(timeout=600_000)
        text = verdict.inner_text()
        assert "✓ hidden:" in text and "sample_variance" in text, text
        assert "Traceback" not in text
        panel.locator(".jp-OutputArea-output", has_text="have full marks").first.wait_for()
