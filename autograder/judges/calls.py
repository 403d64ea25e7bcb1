"""Call learner functions safely: on copies, with mutation detection and banned helpers."""

from __future__ import annotations

import contextlib
import copy
import importlib
import sys
import types
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
    """Temporarily replace each named function with one that fails the check.

    A method of an object (``scipy.stats:norm.ppf``) is replaced on the object and on its
    class, so a copy of the object reaches it too: ``norm(0, 1).ppf`` works on a new
    ``norm`` object, made when the distribution is frozen. The message names what the
    learner called: the banned function, or the function of its package the learner called
    that reached it (``scipy.stats.gamma(...).sf``, which calls ``scipy.special.gammaincc``).
    """
    saved = []  # (owner, attribute, original or _ABSENT): restored in reverse order
    roots = {dotted.partition(":")[0].split(".")[0] for dotted in dotted_names}
    try:
        for dotted in dotted_names:
            module_name, _, attr_path = dotted.partition(":")
            owner = importlib.import_module(module_name)
            *parents, attr = attr_path.split(".")
            for parent in parents:
                owner = getattr(owner, parent)
            banned = _banned(f"{module_name}.{attr_path}", roots)
            targets = [owner]
            if not isinstance(owner, type | types.ModuleType) and attr in dir(type(owner)):
                targets.append(type(owner))  # the class too, for copies of the object
            for target in targets:
                saved.append((target, attr, vars(target).get(attr, _ABSENT)))
                setattr(target, attr, banned)
        yield
    finally:
        for owner, attr, original in reversed(saved):
            if original is _ABSENT:
                with contextlib.suppress(AttributeError):
                    delattr(owner, attr)
            else:
                setattr(owner, attr, original)


_ABSENT = object()


def _banned(name: str, roots: set[str]) -> Callable:
    def banned(*_a, **_k):
        called = _called_through(sys._getframe(1), roots)
        if called is None or called.replace("(...)", "") == name:
            shown = called or name
            raise BannedCall(f"this exercise asks you not to use {shown}(); compute it yourself")
        raise BannedCall(
            f"this exercise asks you not to use {called}() (it calls {name}()); compute it yourself"
        )

    return banned


def _called_through(frame, roots: set[str]) -> str | None:
    """The function of a banned package the learner called, when it is not the banned one.

    Walks out from the banned function's caller through frames of the banned packages
    (``roots``, e.g. scipy); the outermost is what the learner's code called. None when the
    learner called the banned function itself, or when that function cannot be named surely.
    """
    entry = None
    while frame is not None and str(frame.f_globals.get("__name__", "")).split(".")[0] in roots:
        entry, frame = frame, frame.f_back
    if entry is None or "<" in entry.f_code.co_qualname:
        return None  # a wrapper or a nested function: do not guess its public name
    method = entry.f_code.co_name
    owner = entry.f_locals.get("self") if "self" in entry.f_code.co_varnames[:1] else None
    if owner is not None:
        dist = getattr(owner, "dist", None)  # a frozen scipy distribution: norm(0, 1)
        if isinstance(getattr(dist, "name", None), str):
            return f"{_public_module(type(dist).__module__)}.{dist.name}(...).{method}"
        if isinstance(getattr(owner, "name", None), str):  # a scipy distribution: norm
            return f"{_public_module(type(owner).__module__)}.{owner.name}.{method}"
        return f"{_public_module(type(owner).__module__)}.{type(owner).__name__}.{method}"
    module = str(entry.f_globals.get("__name__", ""))
    parts = module.split(".")
    for end in range(min(2, len(parts)), len(parts) + 1):  # the shortest public path to it
        found = getattr(sys.modules.get(".".join(parts[:end])), method, None)
        if getattr(found, "__code__", None) is entry.f_code:
            return f"{'.'.join(parts[:end])}.{method}"
    return f"{module}.{method}"


def _public_module(module: str) -> str:
    """``scipy.stats._continuous_distns`` → ``scipy.stats``: the part before private names."""
    parts = module.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_"):
            return ".".join(parts[:index]) or module
    return module


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
