"""Self-check learner notebooks from a shell: run them, read each exercise's visible checks.

Unlike ``nbgrader validate`` (which exits 0 when a test fails), the result says per exercise
whether it passes, fails (with the learner-facing message), is not attempted yet, or waits
for a hand grade, and ``ok`` is False when any auto-graded exercise is not passing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder import notebooks

PASS, FAIL, NOT_ATTEMPTED = "pass", "fail", "not attempted"
WRITTEN, TO_WRITE = "written (graded by hand)", "to write (graded by hand)"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MANUAL_PLACEHOLDER = "YOUR ANSWER HERE"


@dataclass
class ExerciseResult:
    notebook: str
    exercise: str
    status: str
    points: float  # points of the visible checks (or the hand-graded answer)
    message: str = ""
    auto: bool = True  # False for answers graded by hand


@dataclass
class CheckReport:
    results: list[ExerciseResult] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (notebook, why it did not run)

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.status == PASS for r in self.results if r.auto)


def _error_text(cell) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            lines = [_ANSI.sub("", line) for line in output.get("traceback", [])]
            text = " ".join(line.strip().lstrip("✗").strip() for line in lines if line.strip())
            return text or f"{output.get('ename')}: {output.get('evalue')}"
    return ""


def _ename(cell) -> str | None:
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return errors[0].get("ename") if errors else None


def judge_executed(nb, notebook: str) -> list[ExerciseResult]:
    """Per-exercise results read from an executed learner notebook."""
    answers: list[str] = []
    state: dict[str, ExerciseResult] = {}
    for cell in nb.cells:
        meta = notebooks.nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if meta.get("solution"):
            answers.append(grade_id)
            if cell.cell_type == "markdown" or meta.get("grade"):
                written = _MANUAL_PLACEHOLDER not in cell.source and cell.source.strip()
                state[grade_id] = ExerciseResult(
                    notebook,
                    grade_id,
                    WRITTEN if written else TO_WRITE,
                    meta.get("points", 0),
                    auto=False,
                )
            elif _ename(cell) == "NotImplementedError":
                state[grade_id] = ExerciseResult(
                    notebook, grade_id, NOT_ATTEMPTED, 0, "the answer cell is not written yet"
                )
            continue
        if not meta.get("grade") or ".check(" not in cell.source:
            continue  # instructions, setup, and hidden tests (which run only when graded)
        exercise = notebooks.exercise_of(grade_id, answers)
        result = state.setdefault(exercise, ExerciseResult(notebook, exercise, PASS, 0))
        result.points += meta.get("points", 0)
        if result.status == NOT_ATTEMPTED:
            continue
        problem = _error_text(cell)
        if problem:
            result.status = (
                NOT_ATTEMPTED
                if "not written yet" in problem or "not defined yet" in problem
                else FAIL
            )
            result.message = problem
    return [state[e] for e in answers if e in state]


def check(*, paths: list[str | Path], timeout: int = 120) -> CheckReport:
    """Run each notebook top to bottom in a fresh kernel and report its visible checks."""
    from nbclient import NotebookClient

    report = CheckReport()
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            report.errors.append((str(path), "no such notebook"))
            continue
        try:
            nb = notebooks.read(path)
        except Exception as error:  # any unreadable file is reported, never a crash
            report.errors.append((path.name, f"not a readable notebook ({type(error).__name__})"))
            continue
        client = NotebookClient(
            nb,
            timeout=timeout,
            allow_errors=True,
            kernel_name="python3",
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            resources={"metadata": {"path": str(path.parent.resolve())}},
        )
        try:
            client.execute()
        except Exception as error:  # a kernel that dies or hangs is this notebook's problem
            report.errors.append((path.name, f"the notebook did not finish: {error}"))
            continue
        report.results += judge_executed(nb, path.stem)
    return report
