"""nbgrader's Execute step, hardened: a confined kernel, a notebook time limit, output capped.

Configured in nbgrader_config.py, so ``nbgrader autograde`` and ``autograder grade`` both use
it. The kernel runs under :mod:`autograder.grading.confine`; the course folders it must not
see are the course root and the checkout the package came from.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode

from autograder.grading.confine import Limits, confined_command


class ConfinedKernelManager(AsyncKernelManager):
    """Starts the grading kernel through the confinement wrapper."""

    course_root = Unicode("", help="the course folder the kernel must not see").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds).tag(config=True)
    memory_mb = Integer(Limits.memory_mb).tag(config=True)
    file_size_mb = Integer(Limits.file_size_mb).tag(config=True)
    processes = Integer(Limits.processes).tag(config=True)

    def limits(self) -> Limits:
        return Limits(
            cpu_seconds=self.cpu_seconds,
            memory_mb=self.memory_mb,
            file_size_mb=self.file_size_mb,
            processes=self.processes,
        )

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        cwd = Path(kw.get("cwd") or Path.cwd())
        roots = [Path(self.course_root)] if self.course_root else []
        # The kernel talks to the grader over loopback TCP, so it keeps the host network;
        # the audit hook refuses connections made from Python.
        cmd = confined_command(kernel_cmd, roots=roots, writable=cwd, limits=self.limits())
        return await super()._async_launch_kernel(cmd, **kw)


def _died(message: str) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename="DeadKernelError", evalue=message, traceback=[message]
    )


class ConfinedExecute(Execute):
    """Execute with a whole-notebook deadline and a byte cap on everything a notebook prints."""

    notebook_timeout = Integer(
        600, help="seconds the whole notebook may run; later cells get what is left"
    ).tag(config=True)
    max_output_bytes = Integer(
        1_000_000, help="bytes of output kept per notebook; the rest is dropped"
    ).tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", ConfinedKernelManager)
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        self._output_bytes = 0
        self._truncated: set[int] = set()
        self._dead = False
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        """A kernel that dies or hangs fails its cell and the ones after it; grading goes on."""
        if cell.cell_type == "code" and self._dead:
            cell.outputs = [_died("an earlier cell stopped the kernel; this cell did not run")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead = True
            cell.outputs = [_died("the kernel stopped while running this cell (exit or crash)")]
            return cell, resources
        except CellTimeoutError:  # raised only when the kernel ignored the interrupt
            self._dead = True
            cell.outputs = [_died("the kernel stopped answering while running this cell")]
            return cell, resources

    def _get_timeout(self, cell):
        left = max(1, int(self._deadline - time.monotonic()))
        per_cell = super()._get_timeout(cell)
        return left if per_cell is None else min(per_cell, left)

    def output(self, outs, msg, display_id, cell_index):
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return None
        size = len(json.dumps(out, default=str))
        self._output_bytes += size
        if self._output_bytes > self.max_output_bytes and out.get("output_type") != "error":
            outs.remove(out)
            if cell_index not in self._truncated:
                self._truncated.add(cell_index)
                notice = NotebookNode(
                    output_type="stream",
                    name="stderr",
                    text=f"[output truncated: this notebook printed more than "
                    f"{self.max_output_bytes:,} bytes]\n",
                )
                outs.append(notice)
            return None
        return out
