"""nbgrader's Execute step, hardened: a confined kernel, a notebook time limit, output capped.

Configured in nbgrader_config.py, so ``nbgrader autograde`` and ``autograder grade`` both use
it. The kernel runs under :mod:`autograder.grading.confine`; the course folders it must not
see are the course root and the checkout the package came from.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Float, Integer, Type, Unicode, default

from autograder.course import nbgrader_config
from autograder.grading.confine import Limits, confined_command
from autograder.grading.deadline import notebook_deadline, solution_seconds
from autograder.grading.phases import paused, phase
from autograder.grading.template import WarmProcess, spawn_confined, template
from autograder.grading.verdicts import planned_checks


class ReadyClient(AsyncKernelClient):
    """A kernel client that is ready once the kernel answered kernel_info and its iopub is
    seen connected, without jupyter_client's further wait for 0.2 s of iopub silence: nbclient
    ignores iopub messages that answer none of its cells, so a leftover cannot reach one."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=1)
                except Empty:
                    pass  # iopub not connected yet: ask again
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


class ConfinedKernelManager(AsyncKernelManager):
    """Starts the grading kernel through the confinement wrapper."""

    client_factory = Type(ReadyClient, klass=AsyncKernelClient, config=True)

    course_root = Unicode("", help="the course folder the kernel must not see").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds).tag(config=True)
    memory_mb = Integer(Limits.memory_mb).tag(config=True)
    file_size_mb = Integer(Limits.file_size_mb).tag(config=True)
    processes = Integer(Limits.processes).tag(config=True)
    warm = Bool(
        False, help="fork kernels from a template that has imported the stack (template.py)"
    ).tag(config=True)

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
        if self.warm:
            # What LocalProvisioner.launch_kernel does, with a child of the template for the
            # process: it confines itself exactly as confined_command would have.
            pid, pidfd = spawn_confined(
                "kernel",
                kernel_cmd,
                roots=roots,
                writable=cwd,
                limits=self.limits(),
                network=True,
                env=kw.get("env"),
            )
            provisioner = self.provisioner
            provisioner.process = WarmProcess(pid, pidfd)
            provisioner.pid = provisioner.pgid = pid  # the child leads its own session
            provisioner.cwd = cwd
            self._reconcile_connection_info(provisioner.connection_info)
            return
        # The kernel talks to the grader over loopback TCP, so it keeps the host network;
        # the audit hook refuses connections made from Python.
        cmd = confined_command(kernel_cmd, roots=roots, writable=cwd, limits=self.limits())
        return await super()._async_launch_kernel(cmd, **kw)

    async def _async_kill_kernel(self, restart: bool = False) -> None:
        process = getattr(self.provisioner, "process", None)
        if isinstance(process, WarmProcess):
            # Gone at once: jupyter_client would find out by polling every 0.1 s.
            process.kill_group()
        await super()._async_kill_kernel(restart)


NOT_JUDGED = "this test cell's checks are judged outside the kernel, and were not"
OVERDUE = "NotebookDeadline"  # the ename of a cell stopped by the notebook's time limit


def _died(message: str, ename: str = "DeadKernelError") -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=[message])


class KernelWedged(DeadKernelError):
    """The kernel is alive but no longer answers requests; the message says how it showed."""


class ConfinedExecute(Execute):
    """Execute with a whole-notebook deadline, a byte cap on everything a notebook prints,
    and a watch for a kernel that stopped answering."""

    notebook_timeout = Integer(
        600,
        help="the most seconds a notebook may run (later cells get what is left); also the "
        "deadline when the model solution cannot be measured",
    ).tag(config=True)
    deadline_floor = Integer(
        30, help="a notebook may always run this many seconds, however fast its model solution"
    ).tag(config=True)
    deadline_multiplier = Float(
        10.0, help="a notebook may run this many times as long as its model solution did"
    ).tag(config=True)
    course_root = Unicode(
        "", help="the course folder, whose source/ holds the model solutions"
    ).tag(config=True)
    max_output_bytes = Integer(
        1_000_000, help="bytes of output kept per notebook; the rest is dropped"
    ).tag(config=True)
    reply_grace = Float(
        3.0, help="seconds a kernel that reported idle may take to send its execute reply"
    ).tag(config=True)
    judged_elsewhere = Bool(
        False,
        help="leave unrun the test cells whose checks TrustedVerdicts (a later step) judges: "
        "it replaces their outputs with its verdicts, so running the checks in the kernel "
        "too only costs time. Each gets a failing placeholder until then, so a pipeline "
        "without that step fails them rather than passing them unjudged",
    ).tag(config=True)
    stall_timeout = Float(
        10.0,
        help="seconds a kernel may take to start on a request, or go without a heartbeat, "
        "before it counts as wedged",
    ).tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", ConfinedKernelManager)
        super().__init__(*args, **kwargs)

    @default("shutdown_kernel")
    def _kill_when_done(self) -> str:
        return "immediate"  # a grading kernel holds nothing worth waiting for a polite exit

    def preprocess(self, nb, resources=None, km=None):
        with phase("deadline"):  # measures the model solution once per version, else cached
            self._seconds = self._notebook_seconds(resources or {})
        self._deadline = time.monotonic() + self._seconds
        self._overdue = False
        self._output_bytes = 0
        self._truncated: set[int] = set()
        self._dead = False
        self._acknowledged: str | None = None  # the last request the kernel published for
        self._judged_elsewhere = (
            {index for index, _ in planned_checks(nb.cells)} if self.judged_elsewhere else set()
        )
        return super().preprocess(nb, resources, km)

    def _notebook_seconds(self, resources: dict) -> float:
        """This notebook's deadline, derived from its model solution's run time."""
        graded = resources.get("nbgrader", {})
        assignment, notebook = graded.get("assignment"), graded.get("notebook")
        if not (self.course_root and assignment and notebook):
            return self.notebook_timeout  # the model solution itself, or no course to ask
        solution = solution_seconds(
            Path(self.course_root), assignment, notebook + ".ipynb", self._run_solution
        )
        return notebook_deadline(
            solution,
            floor=self.deadline_floor,
            multiplier=self.deadline_multiplier,
            ceiling=self.notebook_timeout,
        )

    def _run_solution(self, path: Path) -> None:
        runner = ConfinedExecute(config=self.config, kernel_manager_class=self.kernel_manager_class)
        runner.log = self.log
        nb = nbformat.read(path, as_version=4)
        with paused():
            runner.preprocess(nb, {"metadata": {"path": str(path.parent)}})

    # nbclient's setup_kernel (the one Execute uses) calls these synchronous wrappers
    def start_new_kernel(self, **kwargs):
        with phase("kernel_start"):
            return super().start_new_kernel(**kwargs)

    def start_new_kernel_client(self):
        with phase("kernel_ready"):
            return super().start_new_kernel_client()

    def _cleanup_kernel(self):
        with phase("kernel_stop"):
            return super()._cleanup_kernel()

    def preprocess_cell(self, cell, resources, index):
        """A kernel that dies, hangs or stops answering fails its cell and the ones after it;
        grading goes on."""
        if index in self._judged_elsewhere:
            cell.outputs = [_died(NOT_JUDGED, "CheckFailed")]
            cell.execution_count = None
            return cell, resources
        if cell.cell_type == "code" and self._dead:
            cell.outputs = [_died("an earlier cell stopped the kernel; this cell did not run")]
            return cell, resources
        if cell.cell_type == "code" and (self._overdue or time.monotonic() >= self._deadline):
            self._overdue = True
            cell.outputs = [_died(f"{self._deadline_passed()}; this cell did not run", OVERDUE)]
            return cell, resources
        try:
            with phase("execute"):
                cell, resources = super().preprocess_cell(cell, resources, index)
            if cell.cell_type == "code" and time.monotonic() >= self._deadline:
                # stopped by what was left of the notebook's time, not by its own limit
                self._overdue = True
                # nbgrader's "no reply before timeout" would blame the cell's own limit
                cell.outputs = [o for o in cell.outputs if o.get("ename") != "CellTimeoutError"]
                cell.outputs.append(
                    _died(f"{self._deadline_passed()} while this cell ran", OVERDUE)
                )
            return cell, resources
        except KernelWedged as wedged:
            self._dead = True
            cell.outputs = [
                _died(f"the kernel stopped answering ({wedged}); its later cells did not run")
            ]
            return cell, resources
        except DeadKernelError:
            self._dead = True
            cell.outputs = [_died("the kernel stopped while running this cell (exit or crash)")]
            return cell, resources
        except CellTimeoutError:  # raised only when the kernel ignored the interrupt
            self._dead = True
            cell.outputs = [_died("the kernel stopped answering while running this cell")]
            return cell, resources

    def _deadline_passed(self) -> str:
        return f"the notebook used up its {self._seconds:.0f} s for all its cells"

    def process_message(self, msg, cell, cell_index):
        self._acknowledged = msg.get("parent_header", {}).get("msg_id")
        return super().process_message(msg, cell, cell_index)

    async def _async_poll_for_reply(
        self, msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive
    ):
        """nbclient's wait for the execute reply, raced against a watch for a wedged kernel."""
        reply = asyncio.ensure_future(
            super()._async_poll_for_reply(
                msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive
            )
        )
        watch = asyncio.ensure_future(self._watch(msg_id, task_poll_output_msg))
        await asyncio.wait({reply, watch}, return_when=asyncio.FIRST_COMPLETED)
        if reply.done():
            watch.cancel()
            return reply.result()
        reply.cancel()
        task_poll_kernel_alive.cancel()
        # A kernel that no longer answers would also ignore a polite shutdown request.
        await ensure_async(self.km.shutdown_kernel(now=True))
        raise KernelWedged(watch.result())

    async def _watch(self, msg_id: str, output_done: asyncio.Future) -> str:
        """Returns (why) once the kernel shows it will not answer this request.

        A healthy kernel publishes "busy" as soon as it takes a request, sends its reply
        before or just after "idle", and its heartbeat (a thread of its own, which even a
        busy cell does not stop) always echoes. Learner code can break the first two by
        patching the kernel's handlers, the third by stopping its process.
        """
        started, idle_since, silent_since = time.monotonic(), None, None
        while True:
            await asyncio.sleep(0.25)
            now = time.monotonic()
            if output_done.done() and not output_done.cancelled():
                idle_since = idle_since or now
                if now - idle_since > self.reply_grace:
                    return "it went idle without replying"
            elif self._acknowledged != msg_id and now - started > self.stall_timeout:
                return f"it did not take up the cell within {self.stall_timeout:.0f} s"
            client = self.kc
            if client is None:  # the notebook ended (cleaned up) while this watch still ran
                return "the kernel client was closed"
            if client.hb_channel.is_beating():
                silent_since = None
            else:
                silent_since = silent_since or now
                if now - silent_since > self.stall_timeout:
                    return f"no heartbeat for {self.stall_timeout:.0f} s"

    def _get_timeout(self, cell):
        # rounded up: a time-out that ends before the deadline would be blamed on the cell
        left = max(1, math.ceil(self._deadline - time.monotonic()))
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


def time_solutions(course: Path, assignments: list[str]) -> dict[str, float | None]:
    """Run each model solution of ``assignments`` once, as grading runs it, and cache its
    time, so grading knows every notebook's deadline before the first submission arrives
    (otherwise the first submission of each notebook waits for that run). Times already
    cached for the same version are not measured again. Keyed ``assignment/notebook``."""
    return {
        f"{assignment}/{source.name}": time_solution(course, assignment, source.name)
        for assignment in assignments
        for source in sorted((course / "source" / assignment).glob("*.ipynb"))
    }


def time_solution(course: Path, assignment: str, notebook: str) -> float | None:
    """One notebook's model solution, timed (or its cached time) as a grading worker's
    deadline would have it; None when grading measures nothing (no ``course_root``)."""
    config = nbgrader_config(course)
    runner = ConfinedExecute(config=config)
    if not runner.course_root:
        return None  # every notebook gets notebook_timeout
    if ConfinedKernelManager(config=config).warm:
        template()  # started before the clock runs, as a grading worker's already is
    return solution_seconds(Path(runner.course_root), assignment, notebook, runner._run_solution)
