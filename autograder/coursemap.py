"""The course map in README.md, generated from source/ so it is never maintained by hand.

``python -m autograder.coursemap`` rewrites the table between the markers; a test fails when
the committed README is out of date.
"""

from __future__ import annotations

import sys

from autograder import notebooks, registry
from autograder.course import Course

START, END = "<!-- course-map:start -->", "<!-- course-map:end -->"


def course_map(course: Course) -> str:
    lines = ["| week | notebook | exercise | graded | points |", "|---|---|---|---|---:|"]
    for week in registry.assignment_ids(course):
        assignment = registry.load(course, week)
        for path in assignment.notebooks:
            nb = notebooks.read(path)
            points: dict[str, float] = {}
            order: list[str] = []
            for cell in nb.cells:
                meta = notebooks.nbgrader_meta(cell)
                if meta.get("solution"):
                    order.append(meta["grade_id"])
                if meta.get("grade"):
                    owner = notebooks.exercise_of(meta["grade_id"], order)
                    points[owner] = points.get(owner, 0) + meta.get("points", 0)
            for exercise in order:
                declared = assignment.get(exercise)
                kind = declared.kind if declared is not None else "by hand"
                label = {"sql": "auto (SQL)", "function": "auto (Python)"}.get(kind, kind)
                lines.append(
                    f"| {week} | {path.stem} | `{exercise}` | {label} | {points.get(exercise, 0):g} |"
                )
    return "\n".join(lines)


def render_readme(text: str, table: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table}\n{END}{tail}"


def main() -> int:
    course = Course.load()
    readme = course.root / "README.md"
    text = readme.read_text(encoding="utf-8")
    updated = render_readme(text, course_map(course))
    if "--check" in sys.argv[1:]:
        return int(updated != text)
    readme.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
