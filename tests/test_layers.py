"""Imports go one way: a lower layer of the package never imports a higher one."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"

# layer -> the packages it must not import (each sits above it)
ABOVE = {
    "judges": ["api", "cli", "server", "exchange", "grading"],
    "grading": ["api", "cli", "server", "exchange"],
    "api": ["cli", "server"],
    "server": ["cli"],
}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(ABOVE))
def test_a_layer_does_not_import_the_layers_above_it(layer):
    files = sorted((PACKAGE / layer).glob("*.py"))
    assert files, f"no modules in autograder/{layer}"
    wrong = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in files
        for name in sorted(imported(path))
        for upper in ABOVE[layer]
        if name == f"autograder.{upper}" or name.startswith(f"autograder.{upper}.")
    ]
    assert not wrong, "\n".join(wrong)
