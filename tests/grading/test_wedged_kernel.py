"""A kernel that stops answering fails its remaining cells at once, not one time-out each."""

from __future__ import annotations

import time

import nbformat
import pytest

from autograder.grading.kernel import ConfinedExecute

pytestmark = pytest.mark.pipeline

WEDGES = {
    # every later request is taken up ("busy", "idle") but never answered: the next cell
    "idle_without_reply": (
        (
            "import ipykernel.kernelapp\n"
            "kernel = ipykernel.kernelapp.IPKernelApp.instance().kernel\n"
            "kernel.shell_handlers['execute_request'] = lambda *args: None\n"
        ),
        2,
        "it went idle without replying",
    ),
    # the process stops, heartbeat thread and all; an interrupt cannot reach it. It prints and
    # waits first, so the cell has been taken up ("busy" seen): only the heartbeat can tell.
    "no_heartbeat": (
        "import signal, sys, time\n"
        "print('stopping', flush=True)\n"
        "time.sleep(1)\n"
        "signal.raise_signal(signal.SIGSTOP)\n",
        1,
        "no heartbeat for 3 s",
    ),
}


@pytest.mark.parametrize("wedge", sorted(WEDGES))
def test_a_wedged_kernel_fails_the_rest_of_the_notebook_at_once(tmp_path, wedge):
    source, wedged_cell, reason = WEDGES[wedge]
    cells = ["x = 1", source, "y = 2", "print(x + y)", "print('never')"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    # Per-cell limits of a minute: waiting each one out would take minutes, not seconds.
    executor = ConfinedExecute(timeout=60, notebook_timeout=600, stall_timeout=3)
    clock = time.monotonic()
    executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    seconds = time.monotonic() - clock
    outputs = [cell.outputs for cell in nb.cells]
    assert outputs[0] == []
    errors = [[o.get("evalue", "") for o in out if o.output_type == "error"] for out in outputs]
    stopped = next(i for i, e in enumerate(errors) if e)
    assert stopped == wedged_cell, errors
    assert errors[stopped] == [
        f"the kernel stopped answering ({reason}); its later cells did not run"
    ]
    assert all(
        e == ["an earlier cell stopped the kernel; this cell did not run"]
        for e in errors[stopped + 1 :]
    )
    # found by the watch, not by waiting out the wedged cell's own time-out
    assert seconds < executor.timeout, f"{seconds:.0f} s: the cell's time-out ran out first"
