"""The CLI and grading workers start without jsonschema's URI parser, and still validate."""

import subprocess
import sys

PROBE = """
import sys
import autograder.cli.main
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
nbformat.validate(nb)
try:
    nbformat.validate({"cells": "not a list"})
except nbformat.ValidationError:
    print("invalid refused")
print(sys.modules.get("rfc3987_syntax", "absent"))
"""


def test_the_cli_skips_the_uri_parser_and_notebooks_are_still_validated():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.splitlines() == ["invalid refused", "None"], done.stdout + done.stderr


def test_the_cli_loads_no_grading_stack_until_a_command_runs():
    probe = (
        "import sys, autograder.cli.main\n"
        "heavy = ('nbgrader', 'pandas', 'numpy', 'tornado', 'sqlalchemy', 'nbconvert')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_the_servers_grading_process_skips_the_uri_parser(tmp_path):
    # the grading process is spawned, so it inherits nothing the server's CLI skipped;
    # with a scheduler named, its warm-up only imports (no template, nothing contacted)
    probe = (
        "import sys\n"
        "from autograder.server.grader import _warm_up\n"
        f"_warm_up({str(tmp_path)!r}, 1, 'tcp://127.0.0.1:9', [])\n"
        "print('nbgrader.apps' in sys.modules, sys.modules.get('rfc3987_syntax', 'absent'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["True", "None"], done.stdout + done.stderr
