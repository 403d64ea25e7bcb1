"""The learner-side check file: what a released assignment may know about its exercises.

``autograder release`` compiles each assignment's key into ``checks.json`` beside its
released notebooks. It is data, not code: per exercise the visible cases with their expected
outputs, each recognised mistake's output on those cases with its message, SQL expected
results on the shipped store and the recognised mistakes' results, hints and banned names.
No reference code, hidden case or seed is in it. :func:`autograder.load` reads it back into
exercises whose ``check()`` gives the learner the same messages the grader would.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from autograder.exercises.base import CompileError, Exercise, exercise_type
from autograder.exercises.deferred import Deferred
from autograder.registry import Assignment

CHECK_FILE = "checks.json"
FORMAT = 1


def compile_assignment(assignment: Assignment) -> dict[str, Any]:
    """The check file's content for ``assignment``; CompileError names what cannot be shipped."""
    exercises, problems = [], []
    for exercise in assignment.exercises:
        try:
            exercises.append(exercise.learner_data())
        except CompileError as error:
            problems.append(f"{assignment.id}/{exercise.id}: {error}")
    if problems:
        raise CompileError("; ".join(problems))
    return {
        "format": FORMAT,
        "assignment": assignment.id,
        "title": assignment.title,
        "topics": assignment.topics,
        "exercises": exercises,
    }


def dumps(data: dict[str, Any]) -> str:
    """Stable text: sorted keys, one exercise per line, so a change shows as its exercise."""
    head = {k: v for k, v in data.items() if k != "exercises"}
    lines = [
        json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        for item in data["exercises"]
    ]
    body = json.dumps(head, sort_keys=True, ensure_ascii=False)[:-1]
    return body + ', "exercises": [\n' + ",\n".join(lines) + "\n]}\n"


def equivalent(a: Any, b: Any, *, rel: float = 1e-9) -> bool:
    """Same check data up to the last digits of floats.

    Expected outputs are computed with numpy, whose last bits can differ between machines (BLAS
    kernels, thread counts); every check compares with a tolerance far above ``rel``.
    """
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, int | float)
            and isinstance(b, int | float)
            and math.isclose(a, b, rel_tol=rel, abs_tol=1e-300)
        )
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(equivalent(a[k], b[k], rel=rel) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(
            equivalent(x, y, rel=rel) for x, y in zip(a, b, strict=True)
        )
    return a == b


def write(assignment: Assignment, folder: Path) -> Path:
    path = folder / CHECK_FILE
    path.write_text(dumps(compile_assignment(assignment)), encoding="utf-8")
    return path


def deferred(data: dict[str, Any]) -> dict[str, Any]:
    """The check file a grading kernel gets: the exercises' names, their checks deferred.

    While grading, every test cell is judged outside the kernel (trusted verdicts), so the
    kernel need not spend time on checks whose outputs are replaced anyway.
    """
    ids = [item["id"] for item in data.get("exercises", [])]
    return {**{k: v for k, v in data.items() if k != "exercises"}, "deferred": ids}


def exercises_from(data: dict[str, Any]) -> list[Exercise]:
    """Learner-side exercises rebuilt from a check file's content."""
    if "deferred" in data:
        return [Deferred(exercise_id) for exercise_id in data["deferred"]]
    if data.get("format") != FORMAT:
        raise ValueError(
            f"this check file has format {data.get('format')!r}; the installed autograder "
            f"reads format {FORMAT}: install the version the course asks for"
        )
    return [exercise_type(item["type"]).from_learner_data(item) for item in data["exercises"]]
