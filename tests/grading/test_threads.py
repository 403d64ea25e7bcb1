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
