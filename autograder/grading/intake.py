"""Intake: turn whatever a learner handed in into a notebook the grader can trust.

Only the learner's *answers* are taken from the submission. Every other cell — instructions,
setup, test cells with their points and ids — comes from the released notebook, so edited,
deleted, duplicated or re-typed test cells, changed points or grade ids, and metadata lost to
another editor change nothing. Cells the learner added (helpers, scratch work) are kept, as
plain cells, after the answer they followed. The submission itself is never modified: the
repaired copy is written elsewhere and what was done is reported in plain words.
"""

from __future__ import annotations

import copy
import json
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.checkfile import CHECK_FILE, deferred

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_EXTRA_FILE_BYTES = 5 * 1024 * 1024


class Unreadable(Exception):
    """A submitted file that is not a notebook this grader can read; the message says why."""


@dataclass
class Intake:
    taken: list[str] = field(default_factory=list)  # notebooks written for grading
    notes: list[str] = field(default_factory=list)  # repairs, in words a learner understands
    problems: list[str] = field(default_factory=list)  # notebooks that could not be used


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_answer(cell) -> bool:
    return bool(_nbgrader(cell).get("solution"))


def read_submission(path: Path):
    """The notebook at ``path`` as nbformat 4, or :class:`Unreadable` with the reason."""
    size = path.stat().st_size
    if size == 0:
        raise Unreadable("the file is empty")
    if size > MAX_NOTEBOOK_BYTES:
        raise Unreadable(f"the file is {size / 1e6:.0f} MB; notebooks over 20 MB are not graded")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Unreadable("the file is not text (is it really a notebook?)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable(f"not valid JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, dict) or not isinstance(
        data.get("cells", data.get("worksheets")), list
    ):
        raise Unreadable("valid JSON but not a notebook (no list of cells)")
    major = data.get("nbformat")
    if major not in (3, 4):
        raise Unreadable(f"notebook format {major!r} is not one this grader reads (3 or 4)")
    try:
        with warnings.catch_warnings():  # duplicate cell ids are repaired below, not news
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat's own errors vary by version; the words are enough
        raise Unreadable(f"the notebook could not be read: {error}") from None
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str):
            raise Unreadable("a cell's source is not text")
    return nb


def _same_source(a, b) -> bool:
    return (
        a.get("cell_type") == b.get("cell_type")
        and a.get("source", "").strip() == b.get("source", "").strip()
    )


def _match_answers(master, learner) -> tuple[dict[int, int], list[str]]:
    """Learner cell index for each master answer cell index, and how each was found."""
    found: dict[int, int] = {}
    how: list[str] = []
    used: set[int] = set()
    by_id: dict[str, int] = {}
    for index, cell in enumerate(learner.cells):
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id and is_answer(cell):
            by_id.setdefault(grade_id, index)
    for m_index, cell in enumerate(master.cells):
        if not is_answer(cell):
            continue
        grade_id = _nbgrader(cell)["grade_id"]
        index = by_id.get(grade_id)
        if index is None:
            index = _by_cell_id(cell, learner, used)
            if index is not None:
                how.append(
                    f"found the answer to {grade_id} by its cell id (grade metadata was lost)"
                )
        if index is None:
            index = _after_prompt(master, m_index, learner, used)
            if index is not None:
                how.append(f"found the answer to {grade_id} by its place (cell metadata was lost)")
        if index is None:
            how.append(f"no answer to {grade_id} was found; it is graded as left blank")
            continue
        found[m_index] = index
        used.add(index)
    return found, how


def _by_cell_id(cell, learner, used: set[int]) -> int | None:
    wanted = cell.get("id")
    for index, candidate in enumerate(learner.cells):
        if wanted and candidate.get("id") == wanted and index not in used:
            return index
    return None


def _after_prompt(master, m_index: int, learner, used: set[int]) -> int | None:
    """The learner cell right after their copy of the cell preceding this answer in master."""
    if m_index == 0:
        return None
    prompt = master.cells[m_index - 1]
    for index, candidate in enumerate(learner.cells[:-1]):
        if _same_source(candidate, prompt) and index + 1 not in used:
            following = learner.cells[index + 1]
            if not any(_same_source(following, c) for c in master.cells):
                return index + 1
    return None


def rebuild(master, learner) -> tuple[object, list[str]]:
    """The master notebook with the learner's answers and added cells put in."""
    found, notes = _match_answers(master, learner)
    answer_at = {l_index: m_index for m_index, l_index in found.items()}
    fixed = [c for c in master.cells if not is_answer(c)]
    extras: dict[int | None, list] = {}
    anchor: int | None = None
    dropped = 0
    for index, cell in enumerate(learner.cells):
        if index in answer_at:
            anchor = answer_at[index]
            continue
        if any(_same_source(cell, c) for c in fixed):
            continue  # an instructor cell, restored from the master copy anyway
        if _nbgrader(cell).get("grade") or _nbgrader(cell).get("locked"):
            dropped += 1  # an edited test or read-only cell: the master copy replaces it
            continue
        if cell.get("cell_type") not in ("code", "markdown"):
            continue
        extra = copy.deepcopy(cell)
        extra.metadata.pop("nbgrader", None)
        if extra.cell_type == "code":
            extra.outputs, extra.execution_count = [], None
        extras.setdefault(anchor, []).append(extra)
    if dropped:
        notes.append(f"{dropped} changed test or read-only cell(s) were restored from the original")
    result = copy.deepcopy(master)
    result.cells = []
    first_answer = next((i for i, c in enumerate(master.cells) if is_answer(c)), len(master.cells))
    for m_index, cell in enumerate(master.cells):
        if m_index == first_answer:  # cells added before any answer: after the setup cells
            result.cells.extend(extras.get(None, []))
        new = copy.deepcopy(cell)
        if m_index in found:
            new.source = learner.cells[found[m_index]].get("source", "")
        result.cells.append(new)
        if m_index in found:
            result.cells.extend(extras.get(m_index, []))
    for index, cell in enumerate(result.cells):
        cell["id"] = f"cell-{index:03d}"  # unique by construction, whatever was handed in
    return result, notes


def _overlap(master, learner) -> int:
    ids = {_nbgrader(c).get("grade_id") for c in master.cells} - {None}
    texts = {c.get("source", "").strip() for c in master.cells if not is_answer(c)}
    return sum(
        1
        for c in learner.cells
        if _nbgrader(c).get("grade_id") in ids or c.get("source", "").strip() in texts
    )


def take_in(submitted: Path, release: Path, target: Path) -> Intake:
    """Write repaired copies of the notebooks in ``submitted`` to ``target``."""
    intake = Intake()
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    masters = {p.name: nbformat.read(p, as_version=4) for p in sorted(release.glob("*.ipynb"))}
    handed = {
        p.name: p
        for p in sorted(submitted.glob("*.ipynb"))
        if p.is_file() and not p.name.startswith(".")
    }
    readable: dict[str, object] = {}
    for name, path in handed.items():
        try:
            readable[name] = read_submission(path)
        except Unreadable as why:
            intake.problems.append(f"{name}: {why}")
    unclaimed = {n: nb for n, nb in readable.items() if n not in masters}
    for name, master in masters.items():
        learner = readable.get(name)
        if learner is None and name not in handed and unclaimed:
            best = max(unclaimed, key=lambda n: _overlap(master, unclaimed[n]))
            if _overlap(master, unclaimed[best]) > 0:
                learner = unclaimed.pop(best)
                intake.notes.append(f"{best} was graded as {name} (the notebook was renamed)")
        if learner is None:
            if name not in handed:
                intake.notes.append(f"{name} was not handed in")
            continue
        rebuilt, notes = rebuild(master, learner)
        intake.notes.extend(f"{name}: {note}" for note in notes)
        nbformat.write(rebuilt, target / name)
        intake.taken.append(name)
    for name in unclaimed:
        intake.notes.append(f"{name} is not part of this assignment and was not graded")
    for path in sorted(submitted.iterdir()):
        if (
            path.is_file()
            and path.suffix != ".ipynb"
            and path.stat().st_size <= MAX_EXTRA_FILE_BYTES
        ):
            shutil.copy2(path, target / path.name)  # timestamp.txt and the learner's own files
    released_checks = release / CHECK_FILE
    if released_checks.is_file():  # the kernel's checks defer to the trusted verdicts
        data = json.loads(released_checks.read_text(encoding="utf-8"))
        (target / CHECK_FILE).write_text(json.dumps(deferred(data)), encoding="utf-8")
    return intake
