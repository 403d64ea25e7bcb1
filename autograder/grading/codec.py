"""Plain values across the sandbox boundary: JSON with type tags, never pickle.

Unpickling what a learner's process sends would run the learner's code in the judge. Values
are encoded by exact type, so a ``float`` subclass or an object with a rigged ``__eq__``
arrives as an :class:`Opaque` stand-in named after its class, which no check accepts.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

MAX_ITEMS = 1_000_000  # elements per message; beyond this a result is opaque, not a memory bomb


class Opaque:
    """A value that cannot cross as data; its class is named after the learner's type."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object>"


def _clean(text: str) -> str:
    return "".join(ch for ch in str(text) if ch.isalnum() or ch in "_.")[:80] or "object"


def _opaque(name: str, module: str = "__main__") -> Opaque:
    qualname = _clean(name)
    cls = type(qualname.rsplit(".", 1)[-1], (Opaque,), {"__module__": _clean(module)})
    cls.__qualname__ = qualname
    return cls()


def _float(x: float) -> Any:
    return x if math.isfinite(x) else repr(x)  # JSON has no nan/inf: keep them as text


def encode(value: Any, _budget: list[int] | None = None) -> Any:
    budget = _budget if _budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0:
        return {"t": "opaque", "name": "TooLarge"}
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return {"t": "v", "v": value}
    if kind is int:
        return {"t": "int", "v": str(value)}
    if kind is float:
        return {"t": "float", "v": _float(value)}
    if kind is list or kind is tuple:
        return {"t": kind.__name__, "v": [encode(x, budget) for x in value]}
    if kind is dict:
        return {
            "t": "dict",
            "v": [[encode(k, budget), encode(v, budget)] for k, v in value.items()],
        }
    if kind is np.ndarray and value.dtype.kind in "biufU" and value.size <= budget[0]:
        budget[0] -= value.size
        flat = [_float(x) if isinstance(x, float) else x for x in value.ravel().tolist()]
        return {"t": "ndarray", "dtype": value.dtype.str, "shape": list(value.shape), "v": flat}
    if isinstance(value, np.generic) and kind.__module__ == "numpy" and value.dtype.kind in "biuf":
        return {"t": "npscalar", "dtype": value.dtype.str, "v": _float(value.item())}
    if kind is pd.Timestamp:  # a datetime column's items
        return {"t": "timestamp", "v": value.isoformat()}
    if value is pd.NaT:
        return {"t": "nat"}
    if kind is pd.DataFrame and value.size <= budget[0]:
        budget[0] -= value.size
        return {
            "t": "frame",
            "columns": [encode(c, budget) for c in value.columns],
            "dtypes": [str(d) for d in value.dtypes],
            "index": encode(value.index.tolist(), budget),
            "index_type": type(value.index).__name__,
            "v": [encode(value.iloc[:, i].tolist(), budget) for i in range(value.shape[1])],
        }
    if kind is pd.Series and value.size <= budget[0]:
        budget[0] -= value.size
        return {
            "t": "series",
            "name": encode(value.name, budget),
            "dtype": str(value.dtype),
            "index": encode(value.index.tolist(), budget),
            "v": encode(value.tolist(), budget),
        }
    return {"t": "opaque", "name": kind.__qualname__, "module": kind.__module__}


def _number(x: Any) -> Any:
    return float(x) if isinstance(x, str) else x


def decode(data: Any) -> Any:
    tag = data["t"]
    if tag == "v":
        return data["v"]
    if tag == "int":
        return int(data["v"])
    if tag == "float":
        return float(_number(data["v"]))
    if tag in ("list", "tuple"):
        items = [decode(x) for x in data["v"]]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        return {decode(k): decode(v) for k, v in data["v"]}
    if tag == "ndarray":
        values = [_number(x) for x in data["v"]]
        return np.array(values, dtype=np.dtype(data["dtype"])).reshape(data["shape"])
    if tag == "npscalar":
        return np.dtype(data["dtype"]).type(_number(data["v"]))
    if tag == "frame":
        columns = [decode(c) for c in data["columns"]]
        series = [
            _series(decode(v), dtype) for v, dtype in zip(data["v"], data["dtypes"], strict=True)
        ]
        frame = pd.concat(series, axis=1) if series else pd.DataFrame()
        frame.columns = columns
        index = decode(data["index"])
        if data["index_type"] == "RangeIndex" and index == list(range(len(index))):
            frame.index = pd.RangeIndex(len(index))
        else:
            frame.index = index
        return frame
    if tag == "series":
        series = _series(decode(data["v"]), data["dtype"])
        series.index = decode(data["index"])
        series.name = decode(data["name"])
        return series
    if tag == "timestamp":
        return pd.Timestamp(data["v"])
    if tag == "nat":
        return pd.NaT
    return _opaque(data.get("name", "object"), data.get("module", "__main__"))


def _series(values: list, dtype: str) -> pd.Series:
    """The values with their dtype; as objects when they no longer fit it (opaque items)."""
    try:
        return pd.Series(values, dtype=dtype)
    except (TypeError, ValueError):
        return pd.Series(values, dtype=object)


def dumps(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"))


def loads(line: str) -> dict:
    return json.loads(line)
