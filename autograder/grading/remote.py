"""The judge's side: a confined worker holding the learner's code, and stand-ins for answers.

The exercise checks run unchanged in the judge's process; the learner's function is a
:class:`RemoteFunction` (the checks' :class:`~autograder.exercises.answer.FunctionAnswer`)
whose calls cross to the worker as plain values. Nothing the learner's
code does can reach the checks, their cases or the reference answers.
"""

from __future__ import annotations

import builtins
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from autograder.exercises.answer import FunctionAnswer, Steps
from autograder.grading.codec import decode, dumps, encode, loads
from autograder.grading.confine import Limits, confined_command
from autograder.grading.template import WarmProcess, spawn_confined
from autograder.judges.calls import BannedCall, CallOutcome, code_object_names


class WorkerGone(Exception):
    """The learner's process ended, hung or answered nonsense; the check fails."""


def _exception(info: dict | None) -> BaseException | None:
    """A stand-in for the learner's exception: the nearest built-in class, same message."""
    if info is None:
        return None
    for name in info.get("mro", []):
        cls = getattr(builtins, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            if cls.__name__ != info["type"]:
                cls = type(info["type"], (cls,), {})
            return cls(info.get("message", ""))
    return Exception(info.get("message", ""))


def _forked(module: list[str], *, cwd: Path, roots: list[Path], limits: Limits):
    """The worker as a child of the template (template.py), spoken to over two pipes."""
    requests_read, requests_write = os.pipe()
    replies_read, replies_write = os.pipe()
    try:
        pid, pidfd = spawn_confined(
            "worker",
            module,
            roots=roots,
            writable=cwd,
            limits=limits,
            network=False,
            stdin=requests_read,
            stdout=replies_write,
        )
    except BaseException:
        for fd in (requests_write, replies_read):
            os.close(fd)
        raise
    finally:
        os.close(requests_read)
        os.close(replies_write)
    stdin = open(requests_write, "w", encoding="utf-8")  # noqa: SIM115 (closed by Worker.close)
    stdout = open(replies_read, encoding="utf-8")  # noqa: SIM115
    return WarmProcess(pid, pidfd, stdin=stdin, stdout=stdout)


class Worker:
    """A confined ``autograder.grading.worker`` process, spoken to over pipes."""

    def __init__(
        self,
        *,
        cwd: Path,
        roots: list[Path],
        limits: Limits,
        timeout: float,
        step_timeout: float,
        warm: bool = False,
    ):
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.step_timeout = step_timeout
        self.gone: str | None = None
        module = [sys.executable, "-m", "autograder.grading.worker"]
        if warm:
            self.process = _forked(module, cwd=cwd, roots=roots, limits=limits)
            return
        cmd = confined_command(
            module,
            roots=roots,
            writable=cwd,
            limits=limits,
            network=False,
        )
        self.process = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )

    def request(self, op: str, *, timeout: float | None = None, **fields: Any) -> dict:
        """Send one request; ``timeout`` bounds this one, the notebook's deadline bounds all.

        Past the time, the learner's code is interrupted (KeyboardInterrupt) and this request
        fails; a process that will not stop is killed and every later request fails too.
        """
        if self.gone:
            raise WorkerGone(self.gone)
        budget = self.deadline - time.monotonic()
        limit = min(budget, timeout or self.step_timeout)
        try:
            self.process.stdin.write(dumps({"op": op, **fields}) + "\n")
            self.process.stdin.flush()
        except OSError:
            raise self._end("the notebook's code stopped the grading process") from None
        line = self._read_line(limit)
        if line is None:
            self.process.send_signal(signal.SIGINT)
            over = (
                f"{self.timeout:.0f} s for all its checks"
                if limit >= budget
                else f"{limit:.0f} s for one step"
            )
            message = f"the notebook's code ran out of time ({over})"
            if limit >= budget or self._read_line(3) is None:
                raise self._end(message)
            raise WorkerGone(message)  # interrupted in time: only this request fails
        try:
            reply = loads(line)
        except ValueError:
            raise self._end("the notebook's code stopped the grading process") from None
        if "failed" in reply:
            raise WorkerGone(f"the grader could not run this check: {reply['failed']['message']}")
        return reply

    def _end(self, reason: str) -> WorkerGone:
        """Stop the process for good; this and every later request fail with ``reason``."""
        self.close()
        self.gone = reason
        return WorkerGone(reason)

    def _read_line(self, seconds: float) -> str | None:
        """The next reply line, or None if none came in time."""
        stdout = self.process.stdout
        if seconds <= 0 or not select.select([stdout], [], [], seconds)[0]:
            return None
        line = stdout.readline()
        if not line:
            raise self._end("the notebook's code ended the grading process (exit or crash)")
        return line

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Missing:
    """An answer name the learner's notebook never defined."""

    def __init__(self, name: str):
        self.name = name


class RemoteFunction(FunctionAnswer):
    """The learner's function, living in the worker; the checks reach it only through here."""

    def __init__(self, worker: Worker, name: str, code):
        self.worker = worker
        self.name = name
        self.code = code  # compiled here from the learner's source, never executed here

    def names(self) -> set[str]:
        return code_object_names(self.code)

    def call(self, args: tuple, *, banned: tuple[str, ...]) -> CallOutcome:
        reply = self.worker.request(
            "call", name=self.name, args=encode(tuple(args)), banned=list(banned)
        )
        if reply.get("banned"):
            raise BannedCall(reply["banned"])
        return CallOutcome(
            result=decode(reply["result"]),
            error=_exception(reply["error"]),
            mutated=reply["mutated"],
            warnings=[str(text) for text in reply.get("warnings", [])],
        )

    def call_methods(
        self, args: tuple, steps: Steps, *, banned: tuple[str, ...], timeout: float | None = None
    ) -> CallOutcome:
        reply = self.worker.request(
            "call_methods",
            timeout=timeout,
            name=self.name,
            args=encode(tuple(args)),
            steps=[[str(method), encode(tuple(step_args))] for method, step_args in steps],
            banned=list(banned),
        )
        if reply.get("banned"):
            raise BannedCall(reply["banned"])
        return CallOutcome(
            result=decode(reply["result"]),
            error=_exception(reply["error"]),
            mutated=reply["mutated"],
            warnings=[str(text) for text in reply.get("warnings", [])],
        )

    def counted(self, args: tuple, *, banned: tuple[str, ...]) -> dict:
        reply = self.worker.request(
            "counted", name=self.name, args=encode(tuple(args)), banned=list(banned)
        )
        if reply.get("error") is not None:
            reply["error"] = _exception(reply["error"])
        if "values" in reply:
            reply["values"] = decode(reply["values"])
        return reply

    def banned_reference(self, banned: tuple[str, ...]) -> str | None:
        return self.worker.request("banned_reference", name=self.name, banned=list(banned))["found"]


def function_code(cells: list[str], name: str):
    """The code object of the last top-level ``def name`` in ``cells``, compiled not run."""
    found = None
    for source in cells:
        try:
            module = compile(source, "<answer>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for const in module.co_consts:
            if hasattr(const, "co_name") and const.co_name == name:
                found = const
    return found


def answer(worker: Worker, cells: list[str], name: str) -> Any:
    """What the judge passes to a check for the learner's ``name``."""
    reply = worker.request("describe", name=name)
    if reply["kind"] == "missing":
        return Missing(name)
    if reply["kind"] == "callable":
        return RemoteFunction(worker, name, function_code(cells, name))
    return decode(reply["value"])
