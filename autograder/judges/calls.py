"""Call learner functions safely: on copies, with mutation detection and banned helpers."""

from __future__ import annotations

import contextlib
import copy
import importlib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from autograder.judges.errors import CheckFailed


@dataclass
class CallOutcome:
    result: Any = None
    error: BaseException | None = None
    mutated: list[int] | None = None  # positions of arguments the call changed
    warnings: list[str] = field(default_factory=list)  # RuntimeWarnings raised (overflow, ...)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, pd.DataFrame | pd.Series):
        return a.equals(b) and list(getattr(a, "columns", [])) == list(getattr(b, "columns", []))
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:  # objects without a usable ==: compare identity
        return a is b


def call_on_copies(func: Callable, args: tuple, *, banned: tuple[str, ...] = ()) -> CallOutcome:
    """Call ``func`` on deep copies of ``args``; report the result, the error, and mutations.

    ``banned`` names dotted functions (``"numpy.var"``) that raise if called during the call.
    """
    pristine = copy.deepcopy(args)
    passed = copy.deepcopy(args)
    outcome = CallOutcome()
    with forbid(banned), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
            try:
                outcome.result = func(*passed)
            except BannedCall:
                raise
            except Exception as error:  # the learner's error is data here, not a crash
                outcome.error = error
    outcome.warnings = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    outcome.mutated = [
        i for i, (a, b) in enumerate(zip(pristine, passed, strict=True)) if not _same(a, b)
    ]
    return outcome


class BannedCall(CheckFailed):
    """The answer called a function the exercise rules out."""


@contextlib.contextmanager
def forbid(dotted_names: tuple[str, ...]) -> Iterator[None]:
    """Temporarily replace each named function with one that fails the check."""
    saved = []
    try:
        for dotted in dotted_names:
            module_name, _, attr_path = dotted.partition(":")
            owner = importlib.import_module(module_name)
            *parents, attr = attr_path.split(".")
            for parent in parents:
                owner = getattr(owner, parent)
            original = getattr(owner, attr)

            def banned(*_a, _name=f"{module_name}.{attr_path}", **_k):
                raise BannedCall(
                    f"this exercise asks you not to use {_name}(); compute it yourself"
                )

            setattr(owner, attr, banned)
            saved.append((owner, attr, original))
        yield
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)


def code_names(func: Callable) -> set[str]:
    """Global and attribute names ``func``'s code (nested functions included) refers to.

    Read from the compiled code, so it works whether or not the source text is available.
    """
    return code_object_names(getattr(func, "__code__", None))


def code_object_names(code) -> set[str]:
    """Names a code object and the code nested in it refer to (empty for None)."""
    code_objects, names = [code], set()
    while code_objects:
        code = code_objects.pop()
        if code is None:
            continue
        names.update(code.co_names)
        code_objects.extend(c for c in code.co_consts if hasattr(c, "co_names"))
    return names


def _resolve(dotted: str) -> Any:
    module_name, _, attr_path = dotted.partition(":")
    owner = importlib.import_module(module_name)
    for attr in attr_path.split("."):
        owner = getattr(owner, attr)
    return owner


def banned_references(func: Callable, dotted_names: tuple[str, ...]) -> str | None:
    """The banned function ``func`` reaches through a global name (``from m import f``), if any.

    Runtime patching in :func:`forbid` cannot see a name bound before the check ran.
    """
    reachable = [getattr(func, "__globals__", {}).get(name) for name in code_names(func)]
    reachable += [
        cell.cell_contents for cell in (getattr(func, "__closure__", None) or ()) if _filled(cell)
    ]
    for dotted in dotted_names:
        original = _resolve(dotted)
        if any(value is original for value in reachable):
            return dotted.replace(":", ".")
    return None


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 (an empty closure cell raises ValueError)
    except ValueError:
        return False
    return True
