"""A grading process gives each numeric library one thread, unless its environment chose."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from autograder.grading.threads import THREAD_VARIABLES

PROBE = """
import json, sys
import numpy  # loaded before the call: limited through threadpoolctl
from autograder.grading.threads import one_thread_each
if sys.argv[1] == "call":
    one_thread_each()
import sklearn.linear_model  # loads OpenMP after the call: reads the variables
from threadpoolctl import threadpool_info
print(json.dumps(sorted((i["internal_api"], i["num_threads"]) for i in threadpool_info())))
"""


def pools(call: bool, **env: str) -> list:
    clean = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "call" if call else "no"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_every_loaded_library_gets_one_thread():
    limited = pools(True)
    assert {api for api, _ in limited} >= {"openblas", "openmp"}, limited
    assert all(threads == 1 for _, threads in limited), limited


def test_a_choice_in_the_environment_is_kept():
    assert pools(True, OMP_NUM_THREADS="2") == pools(False, OMP_NUM_THREADS="2")


def test_kernels_and_verdict_workers_get_the_grading_processes_choice(tmp_path, monkeypatch):
    # their libraries were loaded by the template, before any child's environment is made
    from autograder.grading import template as templates
    from autograder.grading.codec import decode
    from autograder.grading.confine import Limits
    from autograder.grading.remote import Worker

    for name in THREAD_VARIABLES:
        monkeypatch.setenv(name, "1")
    monkeypatch.setattr(templates, "_TEMPLATE", None)  # one started with this environment
    template = templates.template()
    try:
        with Worker(
            cwd=tmp_path, roots=[], limits=Limits(), timeout=60, step_timeout=30, warm=True
        ) as worker:
            cell = (
                "from threadpoolctl import threadpool_info\n"
                "POOLS = sorted((i['internal_api'], i['num_threads']) for i in threadpool_info())"
            )
            assert worker.request("run", cells=[cell]) == {"errors": []}
            found = decode(worker.request("describe", name="POOLS")["value"])
    finally:
        template.close()
    assert "openblas" in {api for api, _ in found}, found
    assert all(threads == 1 for _, threads in found), found
