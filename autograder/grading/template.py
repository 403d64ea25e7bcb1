"""Warm starts: learner processes forked from a template that has already imported the stack.

A fresh grading kernel spends seconds importing numpy, pandas, scikit-learn, matplotlib and
ipykernel before it runs a line of the learner's, and so does every verdict worker. The
template (``python -m autograder.grading.template``, one per grading process) imports them
once, never runs learner code, and forks a child per kernel or worker. The child confines
itself exactly as :mod:`autograder.grading.confine` does for a cold start (private mount and
network namespaces, ``nobody``, resource limits, scrubbed environment, the audit hook) and
only then runs the kernel or worker module, so learner code only ever meets the child's
copy-on-write pages: nothing it changes reaches the template or another learner.

The grader speaks to the template over a Unix socket: one JSON request per child, with the
descriptors the child gets as stdin/stdout/stderr; the reply names the child's pid and passes
a pidfd, through which the grader learns of its exit (the template reaps it).
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from jupyter_core.paths import jupyter_runtime_dir

from autograder.grading.confine import (
    _MS_PRIVATE,
    _MS_REC,
    PACKAGE_DIR,
    Limits,
    Spec,
    _apply_limits,
    _drop_privileges,
    _guarded,
    _isolate,
    _mount,
    learner_environment,
    spec_for,
)
from autograder.grading.threads import THREAD_VARIABLES
from autograder.imports import skip_slow_imports

# What learner code and the worker import; never anything holding a course's key.
WARM_MODULES = (
    "numpy",
    "pandas",
    "scipy.stats",
    "sklearn.linear_model",
    "sklearn.model_selection",
    "sklearn.metrics",
    "matplotlib.pyplot",
    "sqlite3",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "matplotlib_inline.backend_inline",
    "IPython",
    "autograder",
    "autograder.checkfile",
    "autograder.grading.guard",
    "autograder.grading.codec",
    "autograder.judges.calls",
    "autograder.judges.counting",
    "autograder.exercises.answer",
    "nbformat",  # the debrief and progress notebooks read notebooks
)
_CLONE_NEWNS, _CLONE_NEWNET = 0x00020000, 0x40000000
_PR_SET_PDEATHSIG = 1


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


# ------------------------------------------------------------------ in the grader


class WarmProcess:
    """A forked child, as much of :class:`subprocess.Popen` as the grader uses."""

    def __init__(self, pid: int, pidfd: int, stdin=None, stdout=None):
        self.pid, self._pidfd = pid, pidfd
        self.stdin, self.stdout, self.stderr = stdin, stdout, None
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._pidfd], [], [], 0)[0]:
            self.returncode = -1  # the template reaps it; the status is not ours to read
            os.close(self._pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
        return self.poll()

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill_group(self, seconds: float = 5.0) -> None:
        """Kill the child and what it started (it leads its own session), and wait for it."""
        if self.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.wait(seconds)
            except subprocess.TimeoutExpired:
                pass

    def __del__(self):
        if self.returncode is None:
            try:
                os.close(self._pidfd)
            except OSError:
                pass


class Template:
    """The grader's handle on its template process."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.home = tempfile.mkdtemp(prefix="template-home-")
        env = learner_environment(self.home, {})
        # the grading process's choice of numeric threads (threads.py), which the template's
        # imports fix for every kernel and verdict worker forked from it
        env.update({name: os.environ[name] for name in THREAD_VARIABLES if name in os.environ})
        # The template imports this grader's package, wherever it was installed from.
        env["PYTHONPATH"] = str(PACKAGE_DIR.parent)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "autograder.grading.template",
                str(theirs.fileno()),
                str(os.getpid()),
                self.home,
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            cwd="/",
            env=env,
        )
        theirs.close()
        self.socket = ours
        self.lock = threading.Lock()
        # Where kernels' connection files live, which the child hides (as confine.main does)
        self.runtime = jupyter_runtime_dir()
        ready = self.socket.recv(16)
        if ready != b"ready\n":
            raise RuntimeError("the template process did not start")

    def alive(self) -> bool:
        return self.process.poll() is None

    def spawn(
        self, kind: str, cmd: list[str], spec: Spec, fds: list[int], env: dict[str, str]
    ) -> tuple[int, int]:
        """Fork a child running ``cmd`` (``python -m MODULE ...``) confined by ``spec``, with
        ``fds`` as its stdin, stdout and stderr; (pid, pidfd)."""
        request = {
            "kind": kind,
            "cmd": cmd,
            "spec": asdict(spec),
            "env": {k: v for k, v in env.items() if k.startswith("JPY_")},
            "runtime": self.runtime,
        }
        data = json.dumps(request).encode() + b"\n"
        with self.lock:
            socket.send_fds(self.socket, [data], fds)
            message, received, _, _ = socket.recv_fds(self.socket, 4096, 1)
        if not received:
            why = message.decode(errors="replace") or "the template process ended"
            raise RuntimeError(f"the template could not start a process: {why}")
        return int(message), received[0]

    def close(self) -> None:
        # Its end of the socket closing tells the template to remove its children's homes
        # and return; a template that does not is killed.
        self.socket.close()
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


_TEMPLATE: Template | None = None
_LOCK = threading.Lock()
# The template dies with the *thread* that started it (PR_SET_PDEATHSIG follows the parent
# thread), and the first to ask may be short-lived (the verdicts' thread, a Dask task's): it
# is started from this one, which lives as long as the process.
_STARTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="template-starter")


def template() -> Template:
    """This grading process's template, started on first use (and again if it died)."""
    global _TEMPLATE
    with _LOCK:
        if _TEMPLATE is None or not _TEMPLATE.alive():
            _TEMPLATE = _STARTER.submit(Template).result()
            atexit.register(_TEMPLATE.close)
        return _TEMPLATE


def spawn_confined(
    kind: str,
    cmd: list[str],
    *,
    roots: list[Path],
    writable: Path,
    limits: Limits,
    network: bool,
    env: dict[str, str] | None = None,
    stdin: int | None = None,
    stdout: int | None = None,
) -> tuple[int, int]:
    """Like running :func:`confine.confined_command`, but forked warm; (pid, pidfd)."""
    spec = spec_for(roots=roots, writable=writable, limits=limits, network=network)
    null = os.open(os.devnull, os.O_RDWR)
    try:
        fds = [
            stdin if stdin is not None else null,
            stdout if stdout is not None else sys.stdout.fileno(),
            sys.stderr.fileno() if kind == "kernel" else null,
        ]
        return template().spawn(kind, cmd, spec, fds, env or {})
    finally:
        os.close(null)


# ------------------------------------------------------------------ in the template


def _child(request: dict, fds: list[int], ready: int) -> None:
    """In the forked child: confine as confine.main does, then run the module. Never returns."""
    started = False
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.setsid()  # its own process group, which the grader's interrupts are sent to
        spec = Spec.from_dict(request["spec"])
        cmd = list(request["cmd"])
        home = request.get("home", "")  # the template made it (and removes it), unless isolated
        if spec.isolate:
            # what `unshare --mount [--net] --propagation private` does for a cold start
            flags = _CLONE_NEWNS | (0 if spec.network else _CLONE_NEWNET)
            if _libc().unshare(flags) != 0:
                error = ctypes.get_errno()
                raise OSError(error, f"unshare: {os.strerror(error)}")
            _mount("none", "/", None, _MS_REC | _MS_PRIVATE)
            os.environ["JUPYTER_RUNTIME_DIR"] = request["runtime"]
            cmd, home = _isolate(spec, cmd)
        env = learner_environment(home, request["env"])
        if request["kind"] == "kernel":
            env["JPY_PARENT_PID"] = str(os.getppid())  # the template, which it dies with
            # ipykernel read JPY_PARENT_PID when the template imported it: say it again
            cmd.append(f"--IPKernelApp.parent_handle={os.getppid()}")
        os.environ.clear()
        os.environ.update(env)
        os.chdir(spec.writable)
        _apply_limits(spec.limits)
        if spec.isolate:
            _drop_privileges()
        _die_with_parent()  # after the switch to nobody, which clears it
        os.write(ready, b"1")
        os.close(ready)
        started = True
        _run(_guarded(cmd, spec), spec)
    except BaseException as error:  # noqa: BLE001 (the child must never return to the loop)
        # after the start, what ran was the kernel or worker, learner code included
        what = "warm child ended" if started else "warm start failed"
        try:
            os.write(2, f"{what}: {type(error).__name__}: {error}\n".encode())
        finally:
            os._exit(70)
    os._exit(0)


def _run(cmd: list[str], spec: Spec) -> None:
    """Run ``python -m autograder.grading.guard POLICY MODULE ARGS`` in this process."""
    import random

    import numpy

    from autograder.grading import guard

    if cmd[1:3] != ["-m", "autograder.grading.guard"]:
        raise RuntimeError(f"cannot run {cmd[:3]} warm")
    random.seed()  # a fresh seed for each child, as a fresh interpreter would have
    numpy.random.seed()
    sys.path[0] = spec.writable  # as `python -m` in that folder would have it
    sys.argv = [cmd[0]]
    try:
        guard.main(cmd[3:])
    except SystemExit as stop:
        code = stop.code
        os._exit(code if isinstance(code, int) else (0 if code is None else 1))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# The homes of children that are not isolated, by pid: removed when the child is reaped (an
# isolated child's home is on its own /tmp, which goes with it).
_HOMES: dict[int, str] = {}


def _reap(*_) -> None:
    try:
        while pid := os.waitpid(-1, os.WNOHANG)[0]:
            if home := _HOMES.pop(pid, None):
                shutil.rmtree(home, ignore_errors=True)
    except ChildProcessError:
        pass


def _serve(channel: socket.socket) -> None:
    # Children are reaped as they end; SIGCHLD is held while a new one's pidfd is opened.
    signal.signal(signal.SIGCHLD, _reap)
    channel.sendall(b"ready\n")
    while True:
        message, fds, _, _ = socket.recv_fds(channel, 1 << 16, 3)
        if not message:  # the grader is gone; the children die with this process
            for home in _HOMES.values():
                shutil.rmtree(home, ignore_errors=True)
            return
        request = json.loads(message)
        if not request["spec"]["isolate"]:
            request["home"] = tempfile.mkdtemp(prefix="home-")
        ready_read, ready_write = os.pipe()
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGCHLD])
            channel.close()
            os.close(ready_read)
            _child(request, fds, ready_write)
        pidfd = os.pidfd_open(pid)  # SIGCHLD is blocked: the child cannot be reaped yet
        if "home" in request:
            _HOMES[pid] = request["home"]
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGCHLD])
        os.close(ready_write)
        for fd in fds:
            os.close(fd)
        started = os.read(ready_read, 1)
        os.close(ready_read)
        if not started:
            channel.sendall(b"the child ended before it was confined")
            os.close(pidfd)
            continue
        socket.send_fds(channel, [str(pid).encode()], [pidfd])
        os.close(pidfd)


def main(argv: list[str]) -> None:
    fd, grader, home = int(argv[0]), int(argv[1]), argv[2]
    _die_with_parent()
    if os.getppid() != grader:
        os._exit(1)
    os.environ.pop("PYTHONPATH", None)  # sys.path has it; the children's environment must not
    # debugpy (which ipykernel imports) would warn about frozen modules on the grader's stderr
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    import importlib

    skip_slow_imports()  # nbformat's jsonschema without its optional URI parser (imports.py)
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # an optional part of the stack; the child imports what it needs
    if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
        del sys.modules["rfc3987_syntax"]  # learner code that imports it itself still gets it
    import gc

    gc.collect()
    gc.freeze()  # keep the imported objects' pages shared with the children
    # Its home only served the imports (matplotlib's font cache): gone before any child starts,
    # as on an isolated child's own /tmp, so nothing is left when this process is killed.
    shutil.rmtree(home, ignore_errors=True)
    _serve(socket.socket(fileno=fd))
    os._exit(0)  # nothing to tidy that the children's homes did not need


if __name__ == "__main__":
    main(sys.argv[1:])
