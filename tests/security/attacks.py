"""The adversarial corpus: hostile or broken submissions of week 1's Python notebook.

Each attack starts from the model solutions (13 auto-graded points) and either rewrites an
answer, adds a cell, or damages the notebook file. ``expected`` gives the auto-graded score of
each exercise the attack must end with (exercises not named keep full marks); ``failure``
means the notebook must be reported as unusable (and score nothing) with a reason; ``shows``
is a pattern the graded notebook's outputs must match: the refusal itself, so an attack that
scores nothing for another reason (a typo in the attack) does not pass as confined.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

NOTEBOOK = "python_fundamentals.ipynb"
FULL = {"sample_variance": 3, "merge_sorted": 4, "revenue_by_category": 3, "standardize_columns": 3}
ZERO = dict.fromkeys(FULL, 0)
WRONG_VARIANCE = "def sample_variance(values):\n    return 0.0\n"
WRONG_REVENUE = "def revenue_by_category(order_items, products):\n    return products\n"
WRONG_STANDARDIZE = "def standardize_columns(matrix):\n    return matrix\n"
CORRECT_VARIANCE = (
    "def sample_variance(values):\n"
    "    if len(values) < 2:\n"
    "        raise ValueError('need two values')\n"
    "    mean = sum(values) / len(values)\n"
    "    return round(sum((v - mean) ** 2 for v in values) / (len(values) - 1), 2)\n"
)
# Reached through an imported module: the running kernel's handler for cells, replaced so
# that every later cell is taken up and finished ("busy", "idle") but never answered.
CORRECT_STANDARDIZE = (
    "import numpy as np\n\n"
    "def standardize_columns(matrix):\n"
    "    data = np.asarray(matrix, dtype=float)\n"
    "    spread = data.std(axis=0, ddof=1)\n"
    "    safe = np.where(spread > 0, spread, 1.0)\n"
    "    return np.where(spread > 0, (data - data.mean(axis=0)) / safe, 0.0)\n"
)
REFUSED_FILE = r"FileNotFoundError|PermissionError|No such file|Permission denied|Read-only"
# both tries refused, each with the operating system's reason (matched with re.DOTALL)
TWICE_BLOCKED = rf"blocked: [^\n]*({REFUSED_FILE}).*blocked: [^\n]*({REFUSED_FILE})"
WEDGE_KERNEL = (
    "import ipykernel.kernelapp\n"
    "kernel = ipykernel.kernelapp.IPKernelApp.instance().kernel\n"
    "kernel.shell_handlers['execute_request'] = lambda *args: None\n"
)
# From the grading kernel's folder (autograded/<learner>/week01) up to the course root.
COURSE = "../../.."


@dataclass(frozen=True)
class Attack:
    id: str
    what: str  # the attack, as the closing table names it
    edit: Callable | None = None  # notebook -> notebook
    raw: Callable[[Path, dict], None] | None = None  # (folder, solution JSON) -> writes files
    expected: dict = field(default_factory=dict)
    failure: bool = False
    shows: str = ""  # a regular expression the graded notebook's outputs must match


def _cells(nb):
    return nb["cells"]


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def answer(exercise: str, source: str) -> Callable:
    def edit(nb):
        for cell in _cells(nb):
            if _grade_id(cell) == exercise:
                cell["source"] = source
        return nb

    return edit


def added_cell(source: str, *, then: Callable | None = None) -> Callable:
    """A learner-added code cell right after the setup cell (and optionally another edit)."""

    def edit(nb):
        at = next(i for i, c in enumerate(_cells(nb)) if _grade_id(c) == "setup") + 1
        _cells(nb).insert(at, nbformat.v4.new_code_cell(source))
        return then(nb) if then else nb

    return edit


def cells_where(predicate: Callable, change: Callable, *, then: Callable | None = None):
    def edit(nb):
        nb["cells"] = [
            new for cell in _cells(nb) for new in (change(cell) if predicate(cell) else [cell])
        ]
        return then(nb) if then else nb

    return edit


def _is(grade_ids):
    return lambda cell: _grade_id(cell) in grade_ids


def _set(path_value):
    def change(cell):
        cell = copy.deepcopy(cell)
        target = cell
        *keys, last = path_value[0]
        for key in keys:
            target = target[key]
        target[last] = path_value[1]
        return [cell]

    return change


def _write(name: str, content: bytes | str) -> Callable:
    def raw(folder: Path, solution: dict) -> None:
        data = content if isinstance(content, bytes) else content.encode()
        (folder / name).write_bytes(data)

    return raw


def _json_with(**changes) -> Callable:
    def raw(folder: Path, solution: dict) -> None:
        (folder / NOTEBOOK).write_text(json.dumps({**solution, **changes}))

    return raw


def _v3(folder: Path, solution: dict) -> None:
    nb = nbformat.from_dict(copy.deepcopy(solution))
    nbformat.write(nbformat.convert(nb, 3), folder / NOTEBOOK)


def _solution_as(name: str, *extra: tuple[str, str]) -> Callable:
    def raw(folder: Path, solution: dict) -> None:
        (folder / name).write_text(json.dumps(solution))
        for other, text in extra:
            (folder / other).write_text(text)

    return raw


def _strip_metadata(nb):
    """What an older editor saves: no nbgrader metadata and no cell ids (nbformat 4.4)."""
    nb["nbformat_minor"] = 4
    for cell in _cells(nb):
        cell.get("metadata", {}).pop("nbgrader", None)
        cell.pop("id", None)
    return nb


def _guarded_value(probe: str) -> str:
    """A sample_variance that only answers correctly if ``probe`` (a statement) succeeds."""
    body = "\n".join(CORRECT_VARIANCE.splitlines()[1:])  # already indented
    return f"def sample_variance(values):\n    {probe}\n{body}\n"


def corpus(network_port: int) -> list[Attack]:
    hidden = ("sample_variance_visible", "sample_variance_hidden")
    return [
        Attack(
            "always_equal",
            "return value whose __eq__ is always True",
            answer(
                "sample_variance",
                "class Anything:\n    def __eq__(self, other):\n        return True\n\n"
                "def sample_variance(values):\n    return Anything()\n",
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "float_subclass",
            "float subclass equal to everything",
            answer(
                "sample_variance",
                "class Sly(float):\n    def __eq__(self, other):\n        return True\n"
                "    __hash__ = float.__hash__\n\n"
                "def sample_variance(values):\n    return Sly(0.0)\n",
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "patch_builtins",
            "patching builtins (isinstance, round) around a wrong answer",
            added_cell(
                "import builtins\nbuiltins.isinstance = lambda *a: True\n"
                "builtins.round = lambda x, n=None: 4.57\n",
                then=answer("sample_variance", WRONG_VARIANCE),
            ),
            # the patch breaks the learner's own process, so every answer in it fails
            expected=ZERO,
        ),
        Attack(
            "patch_numpy_testing",
            "numpy.testing asserts replaced by no-ops, wrong answer",
            added_cell(
                "import numpy.testing as npt\n"
                "npt.assert_allclose = npt.assert_array_equal = lambda *a, **k: None\n",
                then=answer("standardize_columns", WRONG_STANDARDIZE),
            ),
            expected={"standardize_columns": 0},
        ),
        Attack(
            "patch_pandas_testing",
            "pandas.testing asserts replaced by no-ops, wrong answer",
            added_cell(
                "import pandas.testing as pdt\npdt.assert_frame_equal = lambda *a, **k: None\n",
                then=answer("revenue_by_category", WRONG_REVENUE),
            ),
            expected={"revenue_by_category": 0},
        ),
        Attack(
            "patch_our_checks",
            "our exercise objects' check()/check_hidden() replaced, wrong answer",
            added_cell(
                "for exercise in vars(q).values():\n"
                "    if hasattr(exercise, 'check'):\n"
                "        exercise.check = exercise.check_hidden = lambda *a, **k: print('ok')\n"
                "q.sample_variance.check = q.sample_variance.check_hidden = lambda *a: None\n",
                then=answer("sample_variance", WRONG_VARIANCE),
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "patch_our_judges",
            "autograder.judges comparison and CheckFailed patched, wrong answer",
            added_cell(
                "import autograder.judges.values as values, autograder.judges.errors as errors\n"
                "values.describe_difference = lambda *a, **k: None\n"
                "errors.CheckFailed = type('CheckFailed', (Exception,), {})\n",
                then=answer("sample_variance", WRONG_VARIANCE),
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "custom_exception_handler",
            "IPython custom exception handler swallowing every error",
            added_cell(
                "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n",
                then=answer("sample_variance", WRONG_VARIANCE),
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "showtraceback",
            "IPython showtraceback silenced",
            added_cell(
                "ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\n"
                "ip._showtraceback = lambda *a, **k: None\n",
                then=answer("sample_variance", WRONG_VARIANCE),
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "input_transformer",
            "IPython input transformer rewriting test cells to `pass`",
            added_cell(
                "def blank_checks(lines):\n"
                "    return ['pass\\n'] if any('check' in line for line in lines) else lines\n"
                "get_ipython().input_transformers_post.append(blank_checks)\n",
                then=answer("sample_variance", WRONG_VARIANCE),
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "settrace",
            "sys.settrace hook rewriting the checker's locals",
            added_cell(
                "import sys\n"
                "def tracer(frame, event, arg):\n"
                "    if 'expected' in frame.f_locals:\n"
                "        frame.f_locals['expected'] = frame.f_locals.get('outcome')\n"
                "    return tracer\n"
                "sys.settrace(tracer)\n",
                then=answer("sample_variance", WRONG_VARIANCE),
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "sys_exit",
            "sys.exit() at the end of an answer cell",
            answer("standardize_columns", CORRECT_STANDARDIZE + "\nimport sys\nsys.exit(0)\n"),
        ),
        Attack(
            "os_exit",
            "os._exit() in an added cell (kills the process running the notebook)",
            added_cell("import os\nos._exit(0)\n"),
            expected=ZERO,
        ),
        Attack(
            "wedged_kernel",
            "breaks the kernel's message loop: no cell after it ever gets a reply",
            # its answers are judged outside the kernel, so they keep their points
            added_cell(WEDGE_KERNEL),
        ),
        Attack(
            "infinite_loop_cell",
            "infinite loop at the top of an answer cell",
            answer("revenue_by_category", "while True:\n    pass\n"),
            expected={"revenue_by_category": 0},
        ),
        Attack(
            "infinite_loop_call",
            "function that never returns",
            answer(
                "sample_variance", "def sample_variance(values):\n    while True:\n        pass\n"
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "memory_bomb",
            "takes 6 GB of address space before defining a correct answer",
            # 256 MB at a time and never touched (calloc), so only the grader's memory limit
            # stops it: without the limit it would succeed and the answer would score
            answer(
                "standardize_columns",
                "hog = [bytes(256 * 1024**2) for _ in range(24)]\n\n" + CORRECT_STANDARDIZE,
            ),
            expected={"standardize_columns": 0},
            shows="MemoryError",
        ),
        Attack(
            "huge_output",
            "prints 50 MB in one line (bytes, not lines) beside a correct answer",
            answer("sample_variance", CORRECT_VARIANCE + "print('x' * 50_000_000)\n"),
        ),
        Attack(
            "read_source",
            "answers only if it can read source/ (the instructor's solutions)",
            answer(
                "sample_variance",
                _guarded_value(f"open('{COURSE}/source/week01/{NOTEBOOK}').read()"),
            ),
            expected={"sample_variance": 0},
            shows=REFUSED_FILE,
        ),
        Attack(
            "read_hidden_checks",
            "loads the answer key from the course and calls its reference",
            answer(
                "sample_variance",
                "from autograder import registry\n"
                "from autograder.course import Course\n\n"
                f"key = registry.load(Course.load('{COURSE}'), 'week01')\n\n"
                "def sample_variance(values):\n"
                "    return key.exercise('sample_variance').reference(values)\n",
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "read_other_learner",
            "answers only if it can read another learner's submission",
            answer(
                "sample_variance",
                _guarded_value(f"open('{COURSE}/submitted/honest_full/week01/{NOTEBOOK}').read()"),
            ),
            expected={"sample_variance": 0},
            shows=REFUSED_FILE,
        ),
        Attack(
            "read_gradebook",
            "answers only if it can read the gradebook",
            answer(
                "sample_variance",
                _guarded_value(f"open('{COURSE}/gradebook.db', 'rb').read(16)"),
            ),
            expected={"sample_variance": 0},
            shows=REFUSED_FILE,
        ),
        Attack(
            "write_gradebook",
            "tries to give itself full marks in the gradebook",
            added_cell(
                "import sqlite3\n"
                "try:\n"
                f"    db = sqlite3.connect('{COURSE}/gradebook.db')\n"
                "    db.execute('UPDATE grade SET manual_score = 100')\n"
                "    db.commit()\n"
                "except Exception as error:\n"
                "    print('blocked:', error)\n",
                then=answer("sample_variance", WRONG_VARIANCE),
            ),
            expected={"sample_variance": 0},
            shows=r"blocked: .*(unable to open|no such|readonly|read-only|permission)",
        ),
        Attack(
            "write_other_learner",
            "overwrites another learner's submission and autograded notebook",
            added_cell(
                "for folder in ('submitted', 'autograded'):\n"
                f"    path = '{COURSE}/' + folder + '/honest_full/week01/{NOTEBOOK}'\n"
                "    try:\n"
                "        open(path, 'w').write('{}')\n"
                "    except OSError as error:\n"
                "        print('blocked:', error)\n"
            ),
            shows=TWICE_BLOCKED,
        ),
        Attack(
            "replace_other_learner",
            "deletes another learner's autograded and submitted folders and puts its own there",
            added_cell(
                "import os, shutil\n"
                "for folder in ('autograded', 'submitted'):\n"
                f"    path = '{COURSE}/' + folder + '/honest_full/week01'\n"
                "    try:\n"
                "        shutil.rmtree(path)\n"
                "        os.makedirs(path)\n"
                f"        open(path + '/{NOTEBOOK}', 'w').write('{{}}')\n"
                "    except OSError as error:\n"
                "        print('blocked:', error)\n"
            ),
            shows=TWICE_BLOCKED,
        ),
        Attack(
            "network",
            "answers only if it can open a network connection",
            answer(
                "sample_variance",
                _guarded_value(
                    "import socket; socket.create_connection(('127.0.0.1', "
                    f"{network_port}), timeout=2).close()"
                ),
            ),
            expected={"sample_variance": 0},
            shows=r"ConnectionRefusedError|Network is unreachable|PermissionError",
        ),
        Attack(
            "grader_environment",
            "right answer only when it sees grader environment variables",
            answer(
                "sample_variance",
                _guarded_value("import os; assert {'NBGRADER_EXECUTION', 'CI'} & set(os.environ)"),
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "kill_grader",
            "signals its parent process (the grader)",
            added_cell(
                "import os, signal\n"
                "for pid in (os.getppid(), 1):\n"
                "    try:\n"
                "        os.kill(pid, signal.SIGKILL)\n"
                "    except Exception as error:\n"
                "        print('blocked:', error)\n"
            ),
        ),
        Attack(
            "edited_test_cells",
            "test cells edited to `pass`, wrong answer",
            cells_where(
                _is(hidden),
                _set((("source",), "pass")),
                then=answer("sample_variance", WRONG_VARIANCE),
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "deleted_test_cells",
            "test cells deleted, wrong answer",
            cells_where(
                _is(hidden), lambda cell: [], then=answer("sample_variance", WRONG_VARIANCE)
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "duplicated_test_cell",
            "a test cell duplicated (same grade_id)",
            cells_where(_is(("merge_sorted_visible",)), lambda cell: [cell, copy.deepcopy(cell)]),
        ),
        Attack(
            "retyped_test_cell",
            "hidden test cell turned into markdown, wrong answer",
            cells_where(
                _is(("sample_variance_hidden",)),
                _set((("cell_type",), "markdown")),
                then=answer("sample_variance", WRONG_VARIANCE),
            ),
            expected={"sample_variance": 0},
        ),
        Attack(
            "changed_points",
            "points of a test cell raised to 100",
            cells_where(
                _is(("sample_variance_visible",)),
                _set((("metadata", "nbgrader", "points"), 100)),
            ),
        ),
        Attack(
            "changed_grade_ids",
            "grade_ids of an answer and its tests renamed",
            cells_where(
                _is(("sample_variance", *hidden)),
                lambda cell: _set((("metadata", "nbgrader", "grade_id"), "x_" + _grade_id(cell)))(
                    cell
                ),
            ),
        ),
        Attack(
            "stripped_metadata",
            "notebook saved by an editor that drops nbgrader metadata",
            _strip_metadata,
        ),
        Attack(
            "invalid_json",
            "file is not valid JSON",
            raw=_write(NOTEBOOK, '{"cells": ['),
            failure=True,
            expected=ZERO,
        ),
        Attack("old_nbformat", "notebook saved as nbformat 3", raw=_v3),
        Attack(
            "unknown_nbformat",
            "nbformat 5 (unknown)",
            raw=_json_with(nbformat=5),
            failure=True,
            expected=ZERO,
        ),
        Attack(
            "renamed_notebook",
            "notebook handed in as python_fundamentals-Copy1.ipynb",
            raw=_solution_as("python_fundamentals-Copy1.ipynb"),
        ),
        Attack(
            "second_notebook",
            "an extra notebook beside the real one",
            raw=_solution_as(NOTEBOOK, ("scratch.ipynb", json.dumps(nbformat.v4.new_notebook()))),
        ),
        Attack(
            "empty_file",
            "empty notebook file",
            raw=_write(NOTEBOOK, b""),
            failure=True,
            expected=ZERO,
        ),
    ]


def expected_scores(attack: Attack) -> dict[str, int]:
    return {**FULL, **attack.expected}
