"""Kernels forked from one template share nothing a learner changed: not a module, not a file."""

from __future__ import annotations

import nbformat
import pytest
from traitlets.config import Config

from autograder.grading.kernel import ConfinedExecute
from autograder.grading.template import template

pytestmark = pytest.mark.pipeline

MUTATE = """
import sys, builtins, gc
touched = 0
for module in list(sys.modules.values()):
    try:
        module.__dict__["_learner_was_here"] = True
        touched += 1
    except Exception:
        pass
builtins.len = lambda *a: 0
import numpy
numpy.pi = 3
open("/tmp/left_behind", "w").write("x")
print(touched)
"""
PROBE = """
import sys, builtins, os, numpy
dirty = [name for name, m in list(sys.modules.items()) if getattr(m, "__dict__", {}).get("_learner_was_here")]
print(len(dirty), builtins.len([1, 2]), numpy.pi == 3, os.path.exists("/tmp/left_behind"), os.getppid())
"""


def run(cells, folder):
    config = Config()
    config.ConfinedKernelManager.warm = True
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    ConfinedExecute(config=config, timeout=60).preprocess(nb, {"metadata": {"path": str(folder)}})
    return ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells]


def test_the_next_learner_sees_nothing_the_last_one_changed(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (touched,) = run([MUTATE], first)
    assert int(touched) > 500, "the first learner reached the template's modules"
    (probe,) = run([PROBE], second)
    dirty, length, pi, left, parent = probe.split()
    assert (dirty, length, pi, left) == ("0", "2", "False", "False"), probe
    assert int(parent) == template().process.pid, "both were forked from the same template"
