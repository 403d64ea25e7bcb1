"""A learner's session in a real JupyterLab, driven in headless Chromium.

JupyterLab runs on loopback (random port, no token) over a copy of a released notebook;
Playwright drives Debian's chromium (its own browser download cannot work here). The test
runs every cell and checks what a learner sees: a one-line self-check message, the practice
timer widget, and nbgrader's Validate button reporting the failing checks; in week 8, the
mock loop's round timer (one box per round, its times saved in the notebook). The learner's
server is configured by ``autograder learner-setup`` (no instructor tools). Screenshots of a
failure are saved under ``browser-artifacts/``.

Chromium cannot come from pip: where it is missing the test is skipped with the install
command, except under ``CI=true``, where a missing browser is a failure (.ci/run installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from autograder import practice
from autograder.learner_server import write_learner_config

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "sql_fundamentals.ipynb"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "browser-artifacts"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_chromium() -> None:
    """Skip where Chromium is missing, except under CI, where the browser test must run."""
    if not os.path.exists(CHROMIUM):
        missing = "no Chromium found: install it with `apt-get install chromium` (Debian)"
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; under CI the browser test must run")
        pytest.skip(missing)


def learner_home(home: Path) -> Path:
    """A learner folder holding released week-1 and week-8 folders, as nbgrader's fetch gives."""
    for week in ("week01", "week08"):
        shutil.copytree(ROOT / "release" / week, home / week)
    shutil.copy2(ROOT / "nbgrader_config.py", home / "nbgrader_config.py")
    write_learner_config(home / ".jupyter")
    return home


@contextmanager
def running_lab(home: Path, env: dict | None = None):
    """JupyterLab over ``home`` on a free loopback port (``env`` added to its kernels'); its URL."""
    port = free_port()
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={home}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "JUPYTER_CONFIG_DIR": str(home / ".jupyter"), **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"JupyterLab did not start:\n{(home / 'lab.log').read_text()}"
                    ) from None
                time.sleep(0.5)
        yield url
    finally:
        stop(server)
        log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a learner folder holding released week-1 and week-8 folders."""
    require_chromium()
    home = learner_home(tmp_path_factory.mktemp("learner"))
    with running_lab(home) as url:
        yield url, home


def stop(server: subprocess.Popen) -> None:
    """End the server and the kernels it started (they share its process group)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, None)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def browser_page(request):
    """A Chromium page; a screenshot is saved when the test using it fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        yield page
        if getattr(request.node, "failed", False):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        browser.close()


@pytest.fixture
def page(lab, request):
    with browser_page(request) as page:
        yield page


def accept_kernel(page) -> None:
    """A fresh JupyterLab may ask which kernel to start; the notebook's own is preselected."""
    select = page.locator(".jp-Dialog", has_text="Select Kernel").get_by_role(
        "button", name="Select"
    )
    try:
        select.wait_for(timeout=10_000)
    except Exception:  # no question asked: the kernel started on its own
        return
    select.click()


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def test_a_learner_runs_a_released_notebook_and_validates_it(lab, page):
    lab, _ = lab
    page.goto(f"{lab}/lab/tree/week01/{NOTEBOOK}")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
    accept_kernel(page)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for()
    menu(page, "Run", "Run All Cells")

    # running stops at the first unanswered exercise, which says so in one line
    unanswered = page.locator(".jp-OutputArea-output", has_text="not written yet").first
    unanswered.wait_for()
    assert "Traceback" not in unanswered.inner_text()

    # the practice timer is a live widget: its Start button runs the countdown
    timer = page.locator(".autograder-timer")
    timer.wait_for()
    timer.get_by_role("button", name="Start").click()
    page.locator(".autograder-timer", has_text="running").wait_for()

    # a wrong answer, then its visible check: one line saying what is wrong
    answer = page.locator(".jp-CodeCell", has_text="YOUR CODE HERE").first
    answer.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text('LARGEST_TEAM_SQL = "SELECT 1 AS manager"')
    page.keyboard.press("Shift+Enter")  # run the answer
    page.keyboard.press("Shift+Enter")  # run its check
    verdict = page.locator(".jp-OutputArea-output", has_text="missing column(s) manager_id").first
    verdict.wait_for()
    assert verdict.inner_text().startswith("✗") and "Traceback" not in verdict.inner_text()

    # a learner's server shows the learner's nbgrader tools, not the instructor's
    page.get_by_text("Validate", exact=True).first.wait_for()
    disabled = page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
        ".disabledExtensions"
    )
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(disabled)
    with pytest.raises(urllib.error.HTTPError) as formgrader:
        urllib.request.urlopen(f"{lab}/formgrader", timeout=10)
    assert formgrader.value.code == 404

    # nbgrader's Validate button runs and lists the failing checks in the same words
    page.get_by_text("Validate", exact=True).first.click()
    dialog = page.locator(".jp-Dialog-content", has_text="The following cell failed")
    dialog.wait_for()
    text = dialog.inner_text()
    assert (
        "missing column(s) manager_id" in text and "MONTHLY_REPORT_SQL is not defined yet" in text
    )


def test_the_mock_loop_times_each_round_and_saves_the_times(lab, page):
    url, home = lab
    # ?reset: a fresh workspace, not the week-1 tab the other test left open
    page.goto(f"{url}/lab/tree/week08/mock_loop.ipynb?reset")
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.locator(".jp-Cell").first.wait_for()
    accept_kernel(page)
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for()
    # run the first cells one by one (Run All would scroll the timer out of the rendered window)
    panel.locator(".jp-Cell").first.click()
    for _ in range(4):  # the title, the set-up, the timer's instructions, the timer
        page.keyboard.press("Shift+Enter")

    # one box per round, each with its own time box, none started
    timer = page.locator(".autograder-round-timer")
    timer.wait_for()
    rounds = timer.locator(".autograder-round")
    assert rounds.count() == 6
    coding = rounds.filter(has_text="1 · Coding")
    assert "45 min" in coding.inner_text() and "not started" in coding.inner_text()

    # Start runs that round's clock; starting the next round pauses it
    coding.get_by_role("button", name="Start").click()
    coding.filter(has_text="running").wait_for()
    time.sleep(2)
    statistics = rounds.filter(has_text="2 · Statistics")
    statistics.get_by_role("button", name="Start").click()
    statistics.filter(has_text="running").wait_for()
    coding.filter(has_text="paused").wait_for()

    # the times are saved in the notebook, where the debrief and the grader read them
    path = home / "week08" / "mock_loop.ipynb"
    before = path.stat().st_mtime_ns
    panel.locator(".jp-Cell").first.click()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 60
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.5)
    recorded = practice.rounds_in(json.loads(path.read_text(encoding="utf-8")))
    assert set(recorded) == {"1 · Coding", "2 · Statistics"}, recorded
    assert recorded["1 · Coding"]["box"] == 45 * 60 and recorded["1 · Coding"]["used"] >= 1
