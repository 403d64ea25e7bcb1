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
import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer, Unicode

from autograder import registry
from autograder.course import Course, CourseError, configuration_files, find_course_root
from autograder.grading.confine import Limits
from autograder.grading.phases import attached, count, current, phase
from autograder.grading.remote import Missing, Worker, WorkerGone, answer
from autograder.judges.errors import CheckFailed, Unavailable
from autograder.notebooks import is_test_cell

CHECK_METHODS = {"check": False, "check_hidden": True}


class CannotGradeError(RuntimeError):
    """The grader cannot judge an answer here (its PostgreSQL, the course's hidden seeds):
    the notebook is not scored at all, rather than scored 0 for the grader's fault, and a
    batch reports it and grades it again on its next run."""


@dataclass(frozen=True)
class Check:
    assignment: str
    exercise: str
    hidden: bool
    name: str  # the learner's name passed to the check


def _loaded_assignment(node: ast.AST) -> str | None:
    """``"weekNN"`` for ``autograder.load("weekNN")`` (or ``load("weekNN")``), else None."""
    if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords):
        return None
    func = node.func
    named = (
        isinstance(func, ast.Attribute)
        and func.attr == "load"
        and isinstance(func.value, ast.Name)
        and func.value.id == "autograder"
    )
    named = named or (isinstance(func, ast.Name) and func.id == "load")
    argument = node.args[0]
    if named and isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return None


def exercise_modules(sources: list[str]) -> dict[str, str]:
    """Names bound to an assignment's checks by ``q = autograder.load("weekNN")``."""
    aliases = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, assignment = node.targets[0], _loaded_assignment(node.value)
                if isinstance(target, ast.Name) and assignment:
                    aliases[target.id] = assignment
    return aliases


def unparsed_test_cells(sources: list[str], tests: list[tuple[str, str]]) -> list[str]:
    """Problems with test cells whose checks trusted verdicts cannot read, one per cell.

    ``tests`` holds (grade id, source) of the graded code cells; ``sources`` the other code
    cells (where the checks are loaded). Release refuses a notebook with any.
    """
    aliases = exercise_modules(sources)
    problems = []
    for grade_id, source in tests:
        if checks_in(source, aliases) is None:
            problems.append(
                f"test cell {grade_id}: it must call only q.<exercise>.check(<answer name>) or "
                "q.<exercise>.check_hidden(<answer name>) on checks loaded with "
                'q = autograder.load("<assignment>"), so the grader can judge it outside the kernel'
            )
    return problems


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


def _course(root: str) -> Course:
    """The course, read again whenever its configuration files change (seeds included)."""
    found = find_course_root(root)
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in configuration_files(found))
    return _course_as_of(str(found), stamp)


@functools.lru_cache(maxsize=8)
def _course_as_of(root: str, stamp: tuple) -> Course:
    return Course.load(root)


def warm_hidden(
    root: str, assignments: list[str], stop: Callable[[], bool] = lambda: False
) -> list[str]:
    """Build in this process the hidden data that ``assignments``' checks are judged on
    (each key caches its own), one assignment at a time until ``stop()``; those not reached.
    A key that fails here fails again when a submission is graded, which reports it."""
    course, left = _course(root), list(assignments)
    while left and not stop():
        try:
            for exercise in registry.load(course, left.pop(0)).exercises:
                exercise.warm()
        except Exception:  # grading reports it, to the learner whose submission meets it
            continue
    return left


def exercise_for(course: Course, check: Check):
    """The exercise a check names, from the course's key (never the learner's copy)."""
    try:
        return registry.load(course, check.assignment).get(check.exercise)
    except CourseError:
        return None


def judge(exercise, check: Check, worker: Worker, cells: list[str]) -> str | None:
    """None when the check passes, else the message the learner reads."""
    if exercise is None:
        return f"the grader has no exercise {check.assignment}/{check.exercise}"
    try:
        given = answer(worker, cells, check.name)
        if isinstance(given, Missing):
            return f"{check.name} is not defined: run the cell that defines it, then save"
        exercise.judge(given, hidden=check.hidden)
    except Unavailable as missing:
        raise CannotGradeError(
            f"{check.name} could not be judged here, through no fault of the answer: "
            f"{missing}; grade this submission again once that is fixed"
        ) from None
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


def learner_sources(cells: list[NotebookNode]) -> list[str]:
    """The sources of the code cells that are not test cells, in order."""
    return [c.source for c in cells if c.cell_type == "code" and not is_test_cell(c)]


def planned_checks(cells: list[NotebookNode]) -> list[tuple[int, list[Check]]]:
    """(index, checks) of each test cell whose checks trusted verdicts judge: its outputs
    are replaced by their verdict, whatever the kernel printed there."""
    aliases = exercise_modules(learner_sources(cells))
    planned = [
        (index, checks_in(cell.source, aliases))
        for index, cell in enumerate(cells)
        if cell.cell_type == "code" and is_test_cell(cell)
    ]
    return [(index, checks) for index, checks in planned if checks]


PENDING = "autograder_verdicts"  # resources key: verdicts StartVerdicts is computing


class TrustedVerdicts(NbGraderPreprocessor):
    """Replace each test cell's outputs with a verdict computed outside the kernel (or by
    :class:`StartVerdicts`, earlier in the pipeline, while the kernel ran)."""

    course_root = Unicode("", help="the course folder learner code must not see").tag(config=True)
    timeout = Integer(300, help="seconds the learner's code may use for all checks").tag(
        config=True
    )
    cell_timeout = Integer(60, help="seconds for one cell or one check call").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds).tag(config=True)
    memory_mb = Integer(Limits.memory_mb).tag(config=True)
    warm = Bool(
        False, help="fork the worker from a template that has imported the stack (template.py)"
    ).tag(config=True)

    def preprocess(self, nb, resources):
        pending = resources.pop(PENDING, None)
        if pending is None:
            verdicts = self.verdicts(*self.plan(nb.cells, resources))
        else:
            with phase("verdict_wait"):
                verdicts = pending.result()
        for index, outputs in verdicts.items():
            nb.cells[index].outputs = outputs
        return nb, resources

    @staticmethod
    def plan(cells: list[NotebookNode], resources: dict):
        """What to judge: the learner's sources, each test cell's checks, the folder."""
        cwd = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        return learner_sources(cells), planned_checks(cells), cwd

    def verdicts(self, learner: list[str], planned: list, cwd: Path) -> dict[int, list]:
        """The outputs of each planned test cell, by index."""
        if not planned:
            return {}
        course = _course(self.course_root or str(cwd))
        roots = [course.root]
        limits = Limits(cpu_seconds=self.cpu_seconds, memory_mb=self.memory_mb)
        with phase("verdict_worker"):
            worker = Worker(
                cwd=cwd,
                roots=roots,
                limits=limits,
                timeout=self.timeout,
                step_timeout=self.cell_timeout,
                warm=self.warm,
            )
        found = {}
        with worker:
            with phase("verdict_rerun"):
                for source in learner:  # one cell at a time, each with its own time limit
                    try:
                        worker.request("run", cells=[source])
                    except WorkerGone:
                        if worker.gone:
                            break  # every check below reports it
            for index, checks in planned:
                message, passed = None, ""
                count("test_cells")
                for check in checks:
                    with phase("verdict_load"):
                        exercise = exercise_for(course, check)
                    with phase("verdict_hidden" if check.hidden else "verdict_visible"):
                        message = judge(exercise, check, worker, learner)
                    if message is not None:
                        break
                    passed = exercise.passed(hidden=check.hidden)
                found[index] = verdict_outputs(message, passed)
        return found


class StartVerdicts(TrustedVerdicts):
    """Start the trusted verdicts before the kernel runs, on a thread of their own.

    They depend only on the learner's sources and the course, never on what the kernel
    printed, so judging alongside the kernel gives the same verdicts sooner (a submission's
    wait is about the longer of the two instead of their sum). Placed before Execute, with
    :class:`TrustedVerdicts` after it, which waits for them and writes them into the test
    cells. Configured as TrustedVerdicts is (``c.TrustedVerdicts.*`` applies to both).
    """

    def preprocess(self, nb, resources):
        learner, planned, cwd = self.plan(nb.cells, resources)
        if not planned:
            return nb, resources  # no test cell to judge: TrustedVerdicts has nothing to wait for
        record, pending = current(), Future()

        def judge_all() -> None:
            try:
                with attached(record):
                    pending.set_result(self.verdicts(learner, planned, cwd))
            except BaseException as error:  # raised where TrustedVerdicts waits
                pending.set_exception(error)

        threading.Thread(target=judge_all, name="verdicts", daemon=True).start()
        resources[PENDING] = pending
        return nb, resources
