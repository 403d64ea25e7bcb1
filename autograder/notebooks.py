"""Reading, normalising and inspecting course notebooks.

Every committed source notebook is written by :func:`write_normalized`, so diffs stay small
and CI can tell a hand-edited file from a normalised one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbformat import NotebookNode

NB_VERSION = 4
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
NBGRADER_KEYS = ("grade", "grade_id", "locked", "points", "schema_version", "solution", "task")
_REGION = re.compile(r"###\s*BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME)(.*?)###\s*END \1", re.S)


def read(path: str | Path) -> NotebookNode:
    return nbformat.read(str(path), as_version=NB_VERSION)


def nbgrader_meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell: NotebookNode) -> bool:
    """A graded code cell that is not an answer: the instructor's tests."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def grade_id(cell: NotebookNode) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def exercise_of(cell_name: str, exercise_ids: list[str]) -> str:
    """The exercise a grade cell belongs to: the longest exercise id its name begins with."""
    matches = [e for e in exercise_ids if cell_name == e or cell_name.startswith(e + "_")]
    return max(matches, key=len) if matches else cell_name


def normalize(nb: NotebookNode) -> NotebookNode:
    """Outputs cleared, counts reset, only nbgrader metadata kept, stable cell ids."""
    nb = nbformat.from_dict(nb)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    )
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        meta = {}
        grading = nbgrader_meta(cell)
        if grading:
            meta["nbgrader"] = {k: grading[k] for k in NBGRADER_KEYS if k in grading}
            meta["nbgrader"]["schema_version"] = 3
        cell.metadata = nbformat.from_dict(meta)
        cell_id = grading.get("grade_id") or f"{cell.cell_type}-{index:03d}"
        if cell_id in seen:
            cell_id = f"{cell_id}-{index:03d}"
        seen.add(cell_id)
        cell.id = cell_id
        if isinstance(cell.source, list):
            cell.source = "".join(cell.source)
        cell.source = cell.source.strip("\n")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if "attachments" in cell and not cell.attachments:
            del cell["attachments"]
    return nb


def dumps(nb: NotebookNode) -> str:
    return nbformat.writes(nb, version=NB_VERSION)


def write_normalized(nb: NotebookNode, path: str | Path) -> None:
    Path(path).write_text(dumps(normalize(nb)), encoding="utf-8")


def normalize_files(paths: Iterable[str | Path], *, check: bool = False) -> list[Path]:
    """Normalise notebooks in place (or, with ``check``, only report which would change)."""
    changed = []
    for path in map(Path, paths):
        text = path.read_text(encoding="utf-8")
        wanted = dumps(normalize(nbformat.reads(text, as_version=NB_VERSION)))
        if text != wanted:
            changed.append(path)
            if not check:
                path.write_text(wanted, encoding="utf-8")
    return changed


def secret_lines(nb: NotebookNode, *, min_length: int = 12) -> set[str]:
    """Lines of a source notebook that must never reach learners.

    Solution regions, hidden tests and mark schemes, plus whole manually-graded answers;
    short or generic lines (``return x``) that also appear outside them are left out.
    """
    secret, public = _split_lines(nb, min_length)
    return secret - public


def public_lines(nb: NotebookNode, *, min_length: int = 12) -> set[str]:
    """Lines of a source notebook that learners see: everything outside the secret regions."""
    return _split_lines(nb, min_length)[1]


def _split_lines(nb: NotebookNode, min_length: int) -> tuple[set[str], set[str]]:
    secret, public = set(), set()
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        whole_answer = meta.get("solution") and cell.cell_type == "markdown"
        hidden_parts = "".join(m.group(2) for m in _REGION.finditer(cell.source))
        outside = _REGION.sub("", cell.source)
        if whole_answer:
            hidden_parts, outside = cell.source, ""
        secret.update(_lines(hidden_parts, min_length))
        public.update(_lines(outside, min_length))
    return secret, public


def _lines(text: str, min_length: int) -> set[str]:
    return {line.strip() for line in text.splitlines() if len(line.strip()) >= min_length}
