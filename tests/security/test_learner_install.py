"""The answer key never reaches a learner: the package as a learner installs it, plus release/.

A wheel of the project is installed in a fresh virtual environment outside the course; only
the released assignment folders (what nbgrader's fetch gives) and the progress notebook are
copied beside it. From there, as a learner:

(a) the visible self-checks pass for the model answers and fail, with the key's own messages,
    for the answer bank's wrong answers; ``autograder check`` and the progress notebook run;
(b) nothing installed or released holds a line of a solution region or of a key, a hidden
    case, a reference query or a hidden seed;
(c) ``check_hidden`` says hidden checks run at grading time.

The environment reuses the test run's third-party packages, so no network is needed: the
base interpreter's (``--system-site-packages``) and, when the tests run in a virtual
environment, that environment's too, listed in a ``.pth`` file. A directory listed there is
only put on ``sys.path``; its own ``.pth`` files are not run, so an editable install of the
project there (``pip install -e .``, which works through a ``.pth`` file) does not reach the
learner: the project itself comes only from the wheel.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from autograder import cohort, notebooks, registry
from autograder.exercises import FunctionExercise, SqlExercise
from autograder.exercises.function import Case, args_key
from autograder.judges import CheckFailed
from tests.course import answer_banks
from tests.keys import COURSE

pytestmark = pytest.mark.pipeline

ROOT = COURSE.root
# released weeks (test_pipeline checks that release/ matches source/ for every week)
WEEKS = [w for w in registry.assignment_ids(COURSE) if (ROOT / "release" / w).is_dir()]

LEARNER_SCRIPT = r"""
import contextlib, io, json, sys
import autograder
from autograder.judges import CheckFailed

spec = json.load(open(sys.argv[1]))
out = {"package": autograder.__file__, "visible": {}, "hidden": {}}
for week, answers in spec.items():
    q = autograder.load(week)
    for item in answers:
        namespace = {"__name__": "__main__"}
        exec(item["source"], namespace)
        exercise = getattr(q, item["exercise"])
        for kind, check in (("visible", exercise.check), ("hidden", exercise.check_hidden)):
            if kind == "hidden" and not item["model"]:
                continue
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    check(namespace[item["answer_name"]])
                message = None
            except CheckFailed as failure:
                message = str(failure)
            out[kind][f'{week}/{item["exercise"]}/{item["name"]}'] = message
json.dump(out, sys.stdout)
"""


def _setup_imports(nb) -> str:
    """The import lines of a notebook's setup cell (the one that loads the checks)."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "autograder.load(" in cell.source:
            lines += [
                line
                for line in cell.source.splitlines()
                if line.startswith(("import ", "from ")) and "autograder" not in line
            ]
    return "".join(line + "\n" for line in lines)


def answers_to_check(week: str) -> list[dict]:
    """Every exercise of every bank answer and model answer of ``week``."""
    model = {}
    for path in registry.load(COURSE, week).notebooks:
        nb = notebooks.read(path)
        imports = _setup_imports(nb)  # a model answer may use what the setup cell imports
        model.update({cell: imports + text for cell, text in cohort.solutions(nb).items()})
    found = []
    for cell in answer_banks.answer_cells(week):
        sources = {"model": model[cell], **answer_banks.bank(week).get(cell, {})}
        for exercise in answer_banks.checks_of(week, cell):
            for name, source in sources.items():
                found.append(
                    {
                        "exercise": exercise.id,
                        "answer_name": exercise.answer_name,
                        "name": name,
                        "source": source,
                        "model": name == "model",
                    }
                )
    return found


def key_message(week: str, item: dict) -> str | None:
    namespace = {"__name__": "__main__"}
    exec(item["source"], namespace)
    exercise = registry.load(COURSE, week).exercise(item["exercise"])
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exercise.check(namespace[item["answer_name"]])
    except CheckFailed as failure:
        return str(failure)
    return None


@pytest.fixture(scope="module")
def learner(tmp_path_factory, postgres_server) -> dict:
    # the bank's PostgreSQL answers: the learner inherits the session server's URL
    base = tmp_path_factory.mktemp("learner-install")
    project = base / "project"  # only what a build needs: no course content at all
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "autograder", project / "autograder")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", str(base / "dist"), str(project)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (base / "dist").glob("*.whl")
    env_dir = base / "env"
    venv.create(env_dir, system_site_packages=True, with_pip=False)
    python = env_dir / "bin" / "python"
    site_dir = next((env_dir / "lib").glob("python3*/site-packages"))
    # the test run's own packages, when it runs in a virtual environment: plain path entries
    # after the learner's site-packages (their .pth files, an editable install's, do not run)
    (site_dir / "test-run-packages.pth").write_text(
        "".join(f"{path}\n" for path in site.getsitepackages()), encoding="utf-8"
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + ["--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    home = base / "home"  # the learner's folder: fetched assignments and the dashboard
    for week in WEEKS:
        shutil.copytree(ROOT / "release" / week, home / week)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AUTOGRADER_STORE")},
        "HOME": str(home),
        "XDG_CACHE_HOME": str(base / "cache"),  # the store is built here from its public seed
        "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    return {"python": python, "home": home, "env": env, "site": site_dir, "env_dir": env_dir}


def run_learner(learner: dict, *args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(learner["python"]), *args],
        cwd=cwd,
        env=learner["env"],
        capture_output=True,
        text=True,
        **kwargs,
    )


def test_the_package_comes_from_the_wheel_not_the_course(learner):
    result = run_learner(
        learner, "-c", "import autograder; print(autograder.__file__)", cwd=learner["home"]
    )
    assert Path(result.stdout.strip()).is_relative_to(learner["site"]), result.stderr


def test_the_course_is_on_no_path_the_learner_imports_from(learner):
    """Reusing the test run's packages must not bring its (editable) project along."""
    show = (
        "import json, sys; "
        "print(json.dumps([sys.path, [type(f).__module__ for f in sys.meta_path]]))"
    )
    result = run_learner(learner, "-c", show, cwd=learner["home"])
    assert result.returncode == 0, result.stderr
    path, finders = json.loads(result.stdout)
    assert not [p for p in path if p and Path(p).resolve().is_relative_to(ROOT)], path
    assert not [f for f in finders if "editable" in f], finders
    result = run_learner(learner, "-c", "import numpy, pandas, scipy", cwd=learner["home"])
    assert result.returncode == 0, result.stderr  # the third-party packages are reachable


@pytest.mark.parametrize("week", WEEKS)
def test_visible_checks_give_the_keys_messages_and_hidden_ones_wait(learner, week, tmp_path):
    items = answers_to_check(week)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({week: items}), encoding="utf-8")
    script = tmp_path / "learner.py"
    script.write_text(LEARNER_SCRIPT, encoding="utf-8")
    result = run_learner(learner, str(script), str(spec), cwd=learner["home"] / week, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout)
    for item in items:
        label = f"{week}/{item['exercise']}/{item['name']}"
        if item["model"]:
            assert seen["visible"][label] is None, f"{label}: {seen['visible'][label]}"
            assert "run when your notebook is graded" in seen["hidden"][label]
        else:
            expected = key_message(week, item)
            if seen["visible"][label] != expected and key_message(week, item) != expected:
                # an answer that ignores its seed fails with a different number each run
                assert seen["visible"][label] is not None, label
            else:
                assert seen["visible"][label] == expected, label


def test_autograder_check_and_the_progress_notebook_run(learner, tmp_path):
    week = WEEKS[0]
    folder = tmp_path / "only" / week
    shutil.copytree(learner["home"] / week, folder)
    for path in sorted(folder.glob("*.ipynb")):
        model = cohort.solutions(notebooks.read(ROOT / "source" / week / path.name))
        notebooks.write_normalized(cohort.fill(notebooks.read(path), model), path)
        result = run_learner(learner, "-m", "autograder.cli.main", "check", str(path), cwd=folder)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "auto-graded exercises pass" in result.stdout
    shutil.copy2(ROOT / "notebooks" / "progress.ipynb", folder.parent / "progress.ipynb")
    run = (
        "import nbformat; from nbclient import NotebookClient;"
        "nb = nbformat.read('progress.ipynb', 4);"
        "NotebookClient(nb, timeout=600, kernel_name='python3').execute();"
        "print(''.join(o.get('text', '') for c in nb.cells for o in c.get('outputs', [])))"
    )
    result = run_learner(learner, "-c", run, cwd=folder.parent, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{week}/" in result.stdout and "notebooks found" in result.stdout


# ------------------------------------------------------------------------------------ (b)


def scanned_files(learner: dict) -> list[Path]:
    """Everything the wheel installed, and every released file."""
    site_dir = learner["site"]
    installed = [*(site_dir / "autograder").rglob("*"), *site_dir.glob("ds_interview_loop*/*")]
    installed += [p for p in learner["env_dir"].joinpath("bin").glob("autograder*")]
    released = list(learner["home"].rglob("*"))
    return sorted(p for p in installed + released if p.is_file() and p.suffix != ".pyc")


def _code_lines(text: str, min_length: int) -> set[str]:
    """Substantial lines that are not just imports or comments."""
    lines = {line.strip() for line in text.splitlines()}
    return {
        line
        for line in lines
        if len(line) >= min_length and not line.startswith(("import ", "from ", "#", '"""'))
    }


def _file_lines(path: Path, text: str) -> set[str]:
    """The stripped code lines of a Python file, or of a notebook's cells."""
    if path.suffix == ".ipynb":
        text = "\n".join(cell.source for cell in notebooks.read(path).cells)
    return {line.strip() for line in text.splitlines()}


# a key line that is only a string literal is text the key declares for learners to read (a
# hint, a mistake's message, a banned name) and checks.json carries on purpose
_LEARNER_TEXT = re.compile(r"""[rbuf]*(["']).*\1[,)]*""")


def _not_secret() -> tuple[set[str], str]:
    """Lines that are public anyway: the engine's own code, and what any notebook shows."""
    engine = set().union(
        *(_file_lines(p, p.read_text()) for p in (ROOT / "autograder").rglob("*.py"))
    )
    shown = "\n".join(
        line
        for week in WEEKS
        for path in registry.load(COURSE, week).notebooks
        for line in notebooks.public_lines(notebooks.read(path))
    )
    return engine, shown


def secrets() -> dict[str, set[str]]:
    kinds = ("solution line", "key line", "reference query", "hidden case")
    found: dict[str, set[str]] = {kind: set() for kind in kinds}
    engine, shown = _not_secret()

    def secret(line: str) -> bool:
        return line not in engine and line not in shown and not _LEARNER_TEXT.fullmatch(line)

    for week in WEEKS:
        assignment = registry.load(COURSE, week)
        for path in assignment.notebooks:
            lines = "\n".join(notebooks.secret_lines(notebooks.read(path)))
            found["solution line"] |= set(filter(secret, _code_lines(lines, 12)))
        for path in sorted(assignment.folder.glob("key*.py")):
            found["key line"] |= set(filter(secret, _code_lines(path.read_text("utf-8"), 20)))
        for exercise in assignment.exercises:
            if isinstance(exercise, SqlExercise):
                found["reference query"].add(" ".join(exercise.reference.split()))
            if isinstance(exercise, FunctionExercise):
                visible = {
                    args_key(c.args) for c in exercise.cases(hidden=False) if isinstance(c, Case)
                }
                found["hidden case"] |= {
                    args_key(c.args)
                    for c in exercise.cases(hidden=True)
                    if isinstance(c, Case) and args_key(c.args) not in visible
                }
    return found


def find_leaks(files: list[Path], found: dict[str, set[str]]) -> list[str]:
    """Where a secret occurs: code lines as whole lines of code files, the rest anywhere."""
    leaks = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix in (".py", ".ipynb") or "/bin/" in str(path):
            lines = _file_lines(path, text)
            for kind in ("solution line", "key line"):
                leaks += [f"{kind} in {path}: {line[:60]}" for line in found[kind] & lines]
        flat = " ".join(text.split())
        leaks += [f"reference query in {path}" for q in found["reference query"] if q in flat]
        leaks += [f"hidden case in {path}: {c[:60]}" for c in found["hidden case"] if c in text]
        seeds = "|".join(map(str, COURSE.hidden_seeds))
        if path.suffix != ".json" and re.search(rf"(?<![\d.])({seeds})(?![\d.])", text):
            leaks.append(f"a hidden seed in {path}")
        if path.name == "checks.json":  # public seeds (a probe's own) are fine; hidden ones not
            leaks += [
                f"a hidden seed field in {path}" for _ in _hidden_seed_fields(json.loads(text))
            ]
    return leaks


def test_nothing_installed_or_released_holds_the_key(learner):
    files = scanned_files(learner)
    found = secrets()
    leaks = find_leaks(files, found)
    checked = sum(len(strings) for strings in found.values()) + len(COURSE.hidden_seeds)
    print(f"\nleak scan: {len(files)} files, {checked} secret strings, {len(leaks)} found")
    assert len(files) > 50 and checked > 500
    assert leaks == []


def test_the_scan_finds_a_key_that_ships(tmp_path):
    """The scan can fail: a key copied into the package, or a solution into a release."""
    week = WEEKS[0]
    key = registry.load(COURSE, week).folder / "key.py"
    source = registry.load(COURSE, week).notebooks[0]
    planted = [tmp_path / "autograder" / "course_key.py", tmp_path / week / source.name]
    planted[0].parent.mkdir()
    shutil.copy2(key, planted[0])
    planted[1].parent.mkdir()
    shutil.copy2(source, planted[1])
    leaks = find_leaks(planted, secrets())
    assert any(leak.startswith("key line in") for leak in leaks)
    assert any(leak.startswith("solution line in") for leak in leaks)


def _hidden_seed_fields(data) -> list[str]:
    """Fields named like a seed whose value holds one of the course's hidden seeds."""
    hidden = set(COURSE.hidden_seeds)
    if isinstance(data, list):
        return [k for v in data for k in _hidden_seed_fields(v)]
    if not isinstance(data, dict):
        return []
    found = [k for k, v in data.items() if "seed" in str(k) and hidden & set(_numbers(v))]
    return found + [k for v in data.values() for k in _hidden_seed_fields(v)]


def _numbers(value) -> list:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, int) else []
