"""Learners forked from one template share nothing a learner changed: not a module, not a file.

The first learner tags every module it can reach, patches numpy, pandas and builtins, sets an
environment variable and leaves a file in /tmp; the next learner, forked from the same template,
must see none of it. The control runs the probe after the mutation in the same process, so a
probe that could not see the changes would fail it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from autograder import notebooks
from autograder.grading.codec import decode
from autograder.grading.confine import Limits
from autograder.grading.kernel import ConfinedExecute
from autograder.grading.remote import Worker
from autograder.grading.template import template
from autograder.grading.verdicts import TrustedVerdicts
from tests.grading.isolation import require_isolation
from tests.keys import fixture_course

pytestmark = pytest.mark.pipeline
LEFT_BEHIND = Path("/tmp/left_behind")


@pytest.fixture(autouse=True)
def isolated():
    """A fresh /tmp per learner needs private mounts; nothing is left behind either way."""
    require_isolation()
    yield
    LEFT_BEHIND.unlink(missing_ok=True)


MUTATE = """
import sys, builtins, os, numpy, pandas
touched = 0
for module in list(sys.modules.values()):
    try:
        module.__dict__["_learner_was_here"] = True
        touched += 1
    except Exception:
        pass
builtins.learner_builtin = True  # replacing len itself would wedge this very kernel
numpy.pi = 3
pandas.DataFrame.learner_method = lambda self: 1
os.environ["LEARNER_WAS_HERE"] = "1"
with open("/tmp/left_behind", "w") as handle:
    handle.write("x")
print(touched)
"""
PROBE = """
import sys, builtins, os, numpy, pandas
seen = [
    len([m for m in list(sys.modules.values()) if getattr(m, "__dict__", {}).get("_learner_was_here")]),
    hasattr(builtins, "learner_builtin"),
    numpy.pi == 3,
    hasattr(pandas.DataFrame, "learner_method"),
    "LEARNER_WAS_HERE" in os.environ,
    os.path.exists("/tmp/left_behind"),
]
parent = os.getppid()
print(*seen, parent)
"""
CLEAN = ["0", "False", "False", "False", "False", "False"]


def in_kernel(cells, folder):
    config = Config()
    config.ConfinedKernelManager.warm = True
    folder.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    ConfinedExecute(config=config, timeout=60).preprocess(nb, {"metadata": {"path": str(folder)}})
    return ["".join(o.get("text", "") for o in cell.outputs).split() for cell in nb.cells]


def in_worker(cells, folder):
    folder.mkdir()
    with Worker(
        cwd=folder, roots=[folder], limits=Limits(), timeout=60, step_timeout=30, warm=True
    ) as worker:
        reply = worker.request("run", cells=cells)
        assert not reply["errors"], reply
        seen = decode(worker.request("describe", name="seen")["value"])
        parent = decode(worker.request("describe", name="parent")["value"])
    return [str(value) for value in seen], parent


def test_the_next_kernel_sees_nothing_the_last_one_changed(tmp_path):
    ((touched,),) = in_kernel([MUTATE], tmp_path / "first")
    assert int(touched) > 500, "the first learner reached the template's modules"
    (probe,) = in_kernel([PROBE], tmp_path / "second")
    *seen, parent = probe
    assert seen == CLEAN, probe
    assert int(parent) == template().process.pid, "both were forked from the same template"


def test_the_probe_sees_a_change_made_in_its_own_kernel(tmp_path):
    _, probe = in_kernel([MUTATE, PROBE], tmp_path / "one")
    assert int(probe[0]) > 500 and probe[1:6] == ["True"] * 5, probe


def test_the_next_verdict_worker_sees_nothing_the_last_one_changed(tmp_path):
    mutated, _ = in_worker([MUTATE, PROBE], tmp_path / "first")  # the control, in one worker
    assert int(mutated[0]) > 500 and mutated[1:] == ["True"] * 5, mutated
    seen, parent = in_worker([PROBE], tmp_path / "second")
    assert seen == CLEAN, seen
    assert parent == template().process.pid, "both were forked from the same template"


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_trusted_verdicts_fork_their_worker_from_the_template_when_warm(tmp_path, warm):
    """The switch in the config reaches the worker: its parent is the template (or not)."""
    course = fixture_course(tmp_path / "course").root
    nb = notebooks.read(course / "source" / "week99" / "doubling.ipynb")
    nb.cells.insert(
        2,
        nbformat.v4.new_code_cell(
            "import os\nwith open('parent.txt', 'w') as f:\n    f.write(str(os.getppid()))"
        ),
    )
    work = course / "autograded" / "ada" / "week99"
    work.mkdir(parents=True)
    config = Config()
    config.TrustedVerdicts.warm = warm
    config.TrustedVerdicts.course_root = str(course)
    TrustedVerdicts(config=config).preprocess(nb, {"metadata": {"path": str(work)}})
    verdicts = [c.outputs for c in nb.cells if notebooks.is_test_cell(c)]
    assert all(out and out[0].output_type == "stream" for out in verdicts), verdicts
    parent = int((work / "parent.txt").read_text())
    assert (parent == template().process.pid) is warm
