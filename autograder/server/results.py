"""An autograded submission read as the API's result: scores and the grader's verdict lines.

Scores are the gradebook's (``autograder grade``'s rows). Verdicts are the outputs
:class:`autograder.grading.verdicts.TrustedVerdicts` left in each test cell of the autograded
notebook: a stream line starting with ✓ passes, a ``CheckFailed`` error fails with its
message. These are the very lines the autograded notebook and its feedback show, so the
result can hold nothing the feedback would not.
"""

from __future__ import annotations

from pathlib import Path

from autograder import notebooks
from autograder.grading.verdicts import checks_in, exercise_modules, learner_sources
from autograder.notebooks import is_test_cell

PASSED = "✓"


def verdict(cell) -> tuple[bool, str]:
    """(passed, the line the learner reads) from a test cell's outputs."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            message = output.get("evalue") or output.get("ename") or "the check failed"
            return False, str(message).strip().splitlines()[0] if message else message
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            for line in str(output.get("text", "")).splitlines():
                if line.startswith(PASSED):
                    return True, line.strip()
    return False, "the check gave no verdict: the notebook did not run to this cell"


def is_hidden(cell, aliases: dict[str, str]) -> bool:
    checks = checks_in(cell.source, aliases)
    if checks:
        return any(check.hidden for check in checks)
    return "hidden" in notebooks.nbgrader_meta(cell).get("grade_id", "")


def notebook_checks(path: Path, exercise_ids: list[str]) -> dict[str, list[dict]]:
    """Each exercise's checks (kind, passed, message) in one autograded notebook."""
    if not path.is_file():
        return {}
    nb = notebooks.read(path)
    aliases = exercise_modules(learner_sources(nb.cells))
    found: dict[str, list[dict]] = {}
    for cell in nb.cells:
        meta = notebooks.nbgrader_meta(cell)
        if cell.cell_type != "code" or not is_test_cell(cell) or not meta.get("grade_id"):
            continue
        passed, message = verdict(cell)
        exercise = notebooks.exercise_of(meta["grade_id"], exercise_ids)
        found.setdefault(exercise, []).append(
            {
                "kind": "hidden" if is_hidden(cell, aliases) else "visible",
                "passed": passed,
                "message": message,
            }
        )
    return found


def result(course: Path, learner: str, assignment: str, names: list[str], rows: list[dict]) -> dict:
    """The result of ``learner``'s submission of the notebooks ``names``."""
    mine = [
        row
        for row in rows
        if row["student_id"] == learner
        and row["assignment"] == assignment
        and not row["needs_manual_grade"]
        and row["max_score"]
    ]
    graded = []
    for name in sorted(names):
        stem = name.removesuffix(".ipynb")
        exercises = [row for row in mine if row["notebook"] == stem]
        path = course / "autograded" / learner / assignment / name
        checks = notebook_checks(path, [row["exercise"] for row in exercises])
        order = {name: index for index, name in enumerate(checks)}  # the notebook's order
        exercises.sort(key=lambda row: (order.get(row["exercise"], len(order)), row["exercise"]))
        entries = [
            {
                "exercise": row["exercise"],
                "score": float(row["score"] or 0.0),
                "max_score": float(row["max_score"]),
                "checks": checks.get(row["exercise"], []),
            }
            for row in exercises
        ]
        graded.append(
            {
                "notebook": name,
                "score": sum(e["score"] for e in entries),
                "max_score": sum(e["max_score"] for e in entries),
                "exercises": entries,
            }
        )
    return {
        "score": sum(n["score"] for n in graded),
        "max_score": sum(n["max_score"] for n in graded),
        "notebooks": graded,
    }


def total(rows: list[dict], learner: str, assignment: str) -> float:
    """The learner's auto-graded score over the whole assignment (what --keep best compares)."""
    return float(
        sum(
            row["score"] or 0.0
            for row in rows
            if row["student_id"] == learner
            and row["assignment"] == assignment
            and not row["needs_manual_grade"]
        )
    )
