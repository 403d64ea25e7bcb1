"""What a learner's kernel does with a released folder: ``autograder.load`` and nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.checkfile import CHECK_FILE

ROOT = Path(__file__).resolve().parents[1]
RELEASED = sorted(p.parent for p in (ROOT / "release").glob(f"*/{CHECK_FILE}"))

LOAD = """
import sys, autograder
q = autograder.load(sys.argv[1])
print(" ".join(e.id for e in q.exercises))
print(" ".join(sorted({type(e).__name__ for e in q.exercises})))
"""


@pytest.mark.parametrize("folder", RELEASED, ids=[p.name for p in RELEASED])
def test_a_fresh_kernel_loads_every_released_assignment(folder):
    # a fresh interpreter: no key has run, so every type a check file names must be known
    done = subprocess.run(
        [sys.executable, "-c", LOAD, folder.name],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    ids = done.stdout.splitlines()[0].split()
    data = json.loads((folder / CHECK_FILE).read_text(encoding="utf-8"))
    assert ids == [item["id"] for item in data["exercises"]]
    assert "Deferred" not in done.stdout, "a learner's checks run in the kernel, not deferred"


def test_a_folder_without_checks_says_where_to_get_them(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", LOAD, "week01"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "fetch the assignment again" in done.stderr
