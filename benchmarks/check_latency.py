"""How long a visible self-check takes in a warm kernel, per exercise (target: under 0.3 s).

Each week's source notebook is run in a real Jupyter kernel (setup and model answers), then
every visible test cell is timed from request to reply: one warm-up run, then the median of
``--repeat`` runs. Run: ``python benchmarks/check_latency.py [--repeat 7]``.

``--dialect postgresql`` times the exercises that have a PostgreSQL answer in the answer bank
(the first ``pass_postgresql_*`` file), with that answer in place of the model one, and
prints each notebook's first use of PostgreSQL in its kernel (starting the private server, or
reaching a running one, and copying the database if this machine has not yet).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from jupyter_client import KernelManager

from autograder import cohort, notebooks
from autograder.course import Course, source_assignments
from autograder.grading.verdicts import checks_in, exercise_modules
from autograder.notebooks import is_test_cell

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.3


def _run(client, code: str) -> float:
    """Wall time of one cell, from the request until the kernel says it is idle again."""
    start = time.perf_counter()
    reply = client.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the cell failed: {reply['content'].get('evalue')}")
    return time.perf_counter() - start


FIRST_USE = 'run("-- dialect: postgresql\\nSELECT 1 AS one")'


def postgresql_answers(week: str) -> dict[str, str]:
    """The answer cell of each exercise's first PostgreSQL pass_ answer in the bank."""
    course = Course.load(ROOT)
    found = {}
    for exercise, answers in cohort.answer_bank(course, week).items():
        for name, text in sorted(answers.items()):
            if name.startswith("pass_") and "dialect: postgresql" in text:
                found[exercise] = text
                break
    return found


def latencies(repeat: int, dialect: str = "sqlite") -> list[tuple[str, str, float]]:
    results = []
    for week in source_assignments(ROOT):
        answers = postgresql_answers(week) if dialect == "postgresql" else {}
        if dialect == "postgresql" and not answers:
            continue
        for path in sorted((ROOT / "source" / week).glob("*.ipynb")):
            nb = notebooks.read(path)
            manager = KernelManager(kernel_name="python3")
            manager.start_kernel(
                cwd=str(path.parent), extra_arguments=["--IPKernelApp.log_level=ERROR"]
            )
            client = manager.client()
            client.start_channels()
            client.wait_for_ready(timeout=60)
            try:
                for cell in nb.cells:  # setup and model answers: the learner has run them
                    if cell.cell_type == "code" and not is_test_cell(cell):
                        _run(client, cell.source)
                if answers and "def run(" in nb.cells[1].source:
                    first = _run(client, FIRST_USE)
                    results.append((week, f"first PostgreSQL use ({path.stem})", first))
                aliases = exercise_modules([c.source for c in nb.cells if c.cell_type == "code"])
                for cell in nb.cells:
                    checks = checks_in(cell.source, aliases) if is_test_cell(cell) else None
                    if not checks or any(check.hidden for check in checks):
                        continue
                    if dialect == "postgresql":
                        if checks[0].exercise not in answers:
                            continue
                        _run(client, answers[checks[0].exercise])
                    _run(client, cell.source)  # warm-up: data built on first use, caches
                    times = [_run(client, cell.source) for _ in range(repeat)]
                    results.append((week, checks[0].exercise, statistics.median(times)))
            finally:
                client.stop_channels()
                manager.shutdown_kernel(now=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--dialect", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    results = latencies(args.repeat, args.dialect)
    width = max(len(e) for _, e, _ in results)
    print(f"{'week':<7} {'exercise':<{width}}  median s")
    for week, exercise, seconds in results:
        flag = "" if seconds < TARGET or exercise.startswith("first") else "  over target"
        print(f"{week:<7} {exercise:<{width}}  {seconds:8.4f}{flag}")
    results = [r for r in results if not r[1].startswith("first")]
    worst = max(results, key=lambda r: r[2])
    over = sum(s >= TARGET for _, _, s in results)
    print(f"slowest: {worst[1]} {worst[2]:.4f} s; {over} of {len(results)} over {TARGET} s")


if __name__ == "__main__":
    main()
