"""Confinement probed from inside: what learner code itself finds, in a grading kernel and in
a verdict worker, started cold and warm.

Each probe reports its uid, every resource limit, what it can list of the course, the
grader's Jupyter runtime folder (where every kernel's connection file and key lives), whether
it can connect to a server listening on loopback, and two random draws. The configured
limits here differ from the defaults, so a child that skipped setting them shows it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from autograder.grading import template as template_module
from autograder.grading.codec import decode
from autograder.grading.confine import NOBODY, Limits
from autograder.grading.kernel import ConfinedExecute
from autograder.grading.remote import Worker
from tests.grading.isolation import require_isolation

pytestmark = pytest.mark.pipeline

LIMITS = Limits(cpu_seconds=123, memory_mb=3001, file_size_mb=7, processes=51, open_files=256)
MB = 1024 * 1024
EXPECTED_LIMITS = {
    "RLIMIT_CPU": [123, 128],
    "RLIMIT_AS": [3001 * MB, 3001 * MB],
    "RLIMIT_FSIZE": [7 * MB, 7 * MB],
    "RLIMIT_NPROC": [51, 51],
    "RLIMIT_NOFILE": [256, 256],
    "RLIMIT_CORE": [0, 0],
}

PROBE = """
import json, os, random, resource, socket
import numpy

def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as error:
        return type(error).__name__

def connect(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
        return "connected"
    except Exception as error:
        return type(error).__name__

PROBE = {
    "uid": os.getuid(),
    "limits": {name: list(resource.getrlimit(getattr(resource, name))) for name in %(limits)r},
    "course": listing(%(course)r),
    "key": listing(%(source)r),
    "runtime": listing(%(runtime)r),
    "connect": connect(%(port)d),
    "draws": [random.random(), float(numpy.random.random())],
}
print("PROBE " + json.dumps(PROBE))
"""


@pytest.fixture
def setting(tmp_path_factory, monkeypatch):
    """A course folder, a runtime folder holding another kernel's file, a loopback server."""
    require_isolation()
    course = tmp_path_factory.mktemp("course")
    for folder in ("source/week01", "autograder", "data", "submitted/ada/week01"):
        (course / folder).mkdir(parents=True)
    (course / "source/week01/key.py").write_text("REFERENCE = 42\n")
    (course / "gradebook.db").write_text("grades")
    (course / "nbgrader_config.py").write_text("")
    # The runtime folder must lie outside /tmp (a fresh /tmp hides all of /tmp anyway) and be
    # reachable by nobody, so only the confinement's own mount over it can hide it.
    runtime = Path("/var/tmp") / f"autograder-runtime-{os.getpid()}-{course.name}"
    runtime.mkdir(mode=0o755)
    (runtime / "kernel-of-another-learner.json").write_text('{"key": "secret"}')
    os.chmod(runtime / "kernel-of-another-learner.json", 0o644)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    # a template started now reads this runtime folder, as a grader started here would
    monkeypatch.setattr(template_module, "_TEMPLATE", None)
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    accepted: list = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield {
        "course": course,
        "work": course / "submitted/ada/week01",
        "runtime": runtime,
        "port": server.getsockname()[1],
        "accepted": accepted,
    }
    stop.set()
    thread.join()
    server.close()
    if template_module._TEMPLATE is not None:
        template_module._TEMPLATE.close()
    shutil.rmtree(runtime, ignore_errors=True)


def probe_source(setting: dict) -> str:
    return PROBE % {
        "limits": sorted(EXPECTED_LIMITS),
        "course": str(setting["course"]),
        "source": str(setting["course"] / "source"),
        "runtime": str(setting["runtime"]),
        "port": setting["port"],
    }


def in_kernel(setting: dict, warm: bool) -> dict:
    config = Config()
    manager = config.ConfinedKernelManager
    manager.warm = warm
    manager.course_root = str(setting["course"])
    manager.cpu_seconds = LIMITS.cpu_seconds
    manager.memory_mb = LIMITS.memory_mb
    manager.file_size_mb = LIMITS.file_size_mb
    manager.processes = LIMITS.processes
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(probe_source(setting))])
    ConfinedExecute(config=config, timeout=60).preprocess(
        nb, {"metadata": {"path": str(setting["work"])}}
    )
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "PROBE " in text, nb.cells[0].outputs
    return json.loads(text.split("PROBE ", 1)[1])


def in_worker(setting: dict, warm: bool) -> dict:
    source = probe_source(setting)
    with Worker(
        cwd=setting["work"],
        roots=[setting["course"]],
        limits=LIMITS,
        timeout=60,
        step_timeout=30,
        warm=warm,
    ) as worker:
        reply = worker.request("run", cells=[source])
        assert not reply["errors"], reply
        return decode(worker.request("describe", name="PROBE")["value"])


RUNNERS = {"kernel": in_kernel, "worker": in_worker}


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("where", sorted(RUNNERS))
def test_learner_code_finds_itself_confined(setting, where, warm):
    first = RUNNERS[where](setting, warm)
    assert first["uid"] == NOBODY
    assert first["limits"] == EXPECTED_LIMITS
    # of the course: only the package, the data and the way to its own folder
    assert first["course"] == ["autograder", "data", "submitted"], first["course"]
    assert first["key"] == "FileNotFoundError"
    assert first["runtime"] == [], "another kernel's connection file was visible"
    assert first["connect"] != "connected" and not setting["accepted"], first["connect"]
    second = RUNNERS[where](setting, warm)
    assert second["draws"][0] != first["draws"][0], "two learners drew the same random numbers"
    assert second["draws"][1] != first["draws"][1], "two learners drew the same numpy numbers"
