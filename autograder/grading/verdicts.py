"""Trusted verdicts: every test cell is re-judged outside the learner's kernel.

A kernel runs the learner's code, so whatever it prints can be forged: a custom exception
handler, an input transformer or a patched check can make a failing test cell look clean.
This nbgrader step, placed after Execute, re-runs the learner's cells in a confined worker
and judges each test cell's checks in the grader's own process, passing only plain values
across. The test cell's outputs are then replaced by the verdict, so nbgrader's scoring,
the gradebook and the feedback all see the trusted result, and no traceback quotes hidden
test code.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer, Unicode

from autograder.grading.confine import Limits
from autograder.grading.remote import Missing, Worker, WorkerGone, answer
from autograder.judges.errors import CheckFailed
from autograder.notebooks import is_test_cell

CHECK_METHODS = {"check": False, "check_hidden": True}
EXERCISE_PACKAGE = "autograder.exercises"


@dataclass(frozen=True)
class Check:
    module: str  # autograder.exercises.weekNN
    exercise: str
    hidden: bool
    name: str  # the learner's name passed to the check


def exercise_modules(sources: list[str]) -> dict[str, str]:
    """Aliases bound to week modules by the notebook's imports (``... import week01 as q``)."""
    aliases = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == EXERCISE_PACKAGE:
                for name in node.names:
                    aliases[name.asname or name.name] = f"{EXERCISE_PACKAGE}.{name.name}"
            elif isinstance(node, ast.Import):
                for name in node.names:
                    if name.name.startswith(EXERCISE_PACKAGE + ".") and name.asname:
                        aliases[name.asname] = name.name
    return aliases


def checks_in(source: str, aliases: dict[str, str]) -> list[Check] | None:
    """The ``q.<exercise>.check(name)`` calls in a test cell; None if it holds anything else."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, owner = node.func.attr, node.func.value
        if method not in CHECK_METHODS:
            continue
        if not (
            isinstance(owner, ast.Attribute)
            and isinstance(owner.value, ast.Name)
            and owner.value.id in aliases
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
        ):
            return None
        found.append(
            Check(aliases[owner.value.id], owner.attr, CHECK_METHODS[method], node.args[0].id)
        )
    return found or None


def exercise_for(check: Check):
    """The exercise object a check names, from the grader's own (real) week module."""
    return getattr(importlib.import_module(check.module), check.exercise)


def judge(check: Check, worker: Worker, cells: list[str]) -> str | None:
    """None when the check passes, else the message the learner reads."""
    try:
        exercise = exercise_for(check)
    except (ImportError, AttributeError):
        return f"the grader has no exercise {check.module}.{check.exercise}"
    try:
        given = answer(worker, cells, check.name)
        if isinstance(given, Missing):
            return f"{check.name} is not defined: run the cell that defines it, then save"
        exercise._judge(given, hidden=check.hidden)
    except CheckFailed as failure:
        return str(failure)
    except WorkerGone as gone:
        return str(gone)
    return None


def verdict_outputs(message: str | None, passed: str) -> list[NotebookNode]:
    if message is None:
        return [NotebookNode(output_type="stream", name="stdout", text=passed + "\n")]
    return [
        NotebookNode(
            output_type="error",
            ename="CheckFailed",
            evalue=message,
            traceback=[f"CheckFailed: {message}"],
        )
    ]


class TrustedVerdicts(NbGraderPreprocessor):
    """Replace each test cell's outputs with a verdict computed outside the kernel."""

    course_root = Unicode("", help="the course folder learner code must not see").tag(config=True)
    timeout = Integer(300, help="seconds the learner's code may use for all checks").tag(
        config=True
    )
    cell_timeout = Integer(60, help="seconds for one cell or one check call").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds).tag(config=True)
    memory_mb = Integer(Limits.memory_mb).tag(config=True)

    def preprocess(self, nb, resources):
        cells = nb.cells
        tests = [cell for cell in cells if is_test_cell(cell)]
        learner = [c.source for c in cells if c.cell_type == "code" and not is_test_cell(c)]
        aliases = exercise_modules(learner)
        planned = [(cell, checks_in(cell.source, aliases)) for cell in tests]
        planned = [(cell, checks) for cell, checks in planned if checks]
        if not planned:
            return nb, resources
        cwd = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        roots = [Path(self.course_root)] if self.course_root else []
        limits = Limits(cpu_seconds=self.cpu_seconds, memory_mb=self.memory_mb)
        with Worker(
            cwd=cwd,
            roots=roots,
            limits=limits,
            timeout=self.timeout,
            step_timeout=self.cell_timeout,
        ) as worker:
            for source in learner:  # one cell at a time, each with its own time limit
                try:
                    worker.request("run", cells=[source])
                except WorkerGone:
                    if worker.gone:
                        break  # every check below reports it
            for cell, checks in planned:
                message, passed = None, ""
                for check in checks:
                    message = judge(check, worker, learner)
                    if message is not None:
                        break
                    passed = _passed_text(check)
                cell.outputs = verdict_outputs(message, passed)
        return nb, resources


def _passed_text(check: Check) -> str:
    return exercise_for(check).passed(hidden=check.hidden)
