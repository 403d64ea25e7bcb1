"""Probes and comparisons described by data, so a learner's self-check can run them too.

A key may judge a visible check with code the learner never receives only if that code is
part of the engine: these classes are that code, and everything a key contributes (cases,
what its reference decided or simulated, the messages) is plain values, computed when the
key is compiled and written to the check file. Nothing here knows a course or an exercise.

- :class:`DecisionsProbe`: several yes/no answers judged together.
- :class:`QuantileIntervalProbe`: an interval's ends judged as quantiles of a distribution.
- :class:`SameSeedProbe`: one seed gives one result; other seeds give others.
- :class:`NamedParts`: a ``compare`` for a tuple of named parts (arrays, floats, sequences).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from autograder.exercises.numeric import DataCompare, DataProbe
from autograder.grading.codec import decode, encode
from autograder.judges.arrays import (
    at_quantile,
    close,
    describe_array,
    float_sequence,
    quantile_span,
)
from autograder.judges.values import type_name

Call = Callable[..., Any]


def _args_data(args: tuple) -> Any:
    return encode(tuple(args))


def _args_from(data: Any) -> tuple:
    return tuple(decode(data))


# ----------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class DecisionsProbe(DataProbe):
    """Calls that each return a bool, judged together.

    One wrong bool cannot say why it is wrong; the whole list can: every decision flipped is
    a rule the wrong way round, and another method's decisions name that method. The key
    records its reference's decisions (``expected``) and each recognised wrong list with the
    reason (``patterns``, first match wins; ``otherwise`` when none matches). With
    ``details`` (one text per case, e.g. the statistic behind the decision) the message
    quotes the first wrong case; without, it counts the wrong cases, revealing none.
    """

    label: str
    cases: tuple[tuple, ...]
    expected: tuple[bool, ...]
    patterns: tuple[tuple[tuple[bool, ...], str], ...]
    otherwise: str
    details: tuple[str, ...] = ()

    def run(self, call: Call) -> str | None:
        got = []
        for args in self.cases:
            result = call(*args)
            if type(result) is not bool:
                return f"returned a {type_name(result)}; expected a bool (True or False)"
            got.append(result)
        if tuple(got) == self.expected:
            return None
        why = next((why for wrong, why in self.patterns if tuple(got) == wrong), self.otherwise)
        wrong = [i for i, (g, w) in enumerate(zip(got, self.expected, strict=True)) if g is not w]
        if not self.details:
            return f"made the wrong decision in {len(wrong)} of {len(self.cases)} cases ({why})"
        first = wrong[0]
        return f"returned {got[first]} for {self.cases[first]}, {self.details[first]}: {why}"

    def learner_data(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "cases": [_args_data(args) for args in self.cases],
            "expected": list(self.expected),
            "patterns": [[list(wrong), why] for wrong, why in self.patterns],
            "otherwise": self.otherwise,
            "details": list(self.details),
        }

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> DecisionsProbe:
        return cls(
            data["label"],
            tuple(_args_from(args) for args in data["cases"]),
            tuple(data["expected"]),
            tuple((tuple(wrong), why) for wrong, why in data["patterns"]),
            data["otherwise"],
            tuple(data["details"]),
        )


# ----------------------------------------------------------------------------- intervals


def read_interval(result: Any) -> tuple[tuple[float, float] | None, str | None]:
    """``(low, high)`` from a result that must be a tuple of two Python floats, low <= high;
    otherwise ``(None, problem)``."""
    if type(result) is not tuple or len(result) != 2:
        return None, f"returned a {type_name(result)}; expected a tuple (low, high)"
    odd = next((x for x in result if type(x) is not float), None)
    if odd is not None:
        return (
            None,
            f"returned a {type_name(odd)} inside the tuple; expected Python floats (use float(...))",
        )
    if result[0] > result[1]:
        return None, "returned low > high"
    return result, None


# what a probe may require of a result before judging it, by name (the name is the data)
RESULT_READERS: dict[str, Callable[[Any], tuple[Any, str | None]]] = {"interval": read_interval}


@dataclass(frozen=True, eq=False)
class Distribution:
    """A large sample kept as its distinct values and their counts.

    A simulated distribution (many bootstrap statistics) often takes few distinct values, so
    this is small as data, and :meth:`sample` restores the sorted sample exactly: quantile
    judgements on it are those on the original.
    """

    values: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, sample: np.ndarray) -> Distribution:
        values, counts = np.unique(np.asarray(sample, dtype=float), return_counts=True)
        return cls(values, counts)

    @cached_property
    def sample(self) -> np.ndarray:
        return np.repeat(self.values, self.counts)

    def learner_data(self) -> dict[str, Any]:
        return {"values": self.values.tolist(), "counts": self.counts.tolist()}

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> Distribution:
        return cls(np.array(data["values"], dtype=float), np.array(data["counts"], dtype=int))


@dataclass(frozen=True, eq=False)
class QuantileIntervalProbe(DataProbe):
    """One call that must return an interval whose ends are given quantiles of a distribution.

    The key simulates the distribution the ends should cut (``distribution``, named in
    messages by ``name``, e.g. "the bootstrap medians") and, for recognised wrong answers,
    other distributions whose quantiles explain the interval (``alternatives``, each with
    its message). An end passes within ``slack`` (in probability) of its quantile. A
    zero-width interval on a distribution that varies gets ``zero_width``; any other
    interval is placed in the distribution, followed by ``advice``.
    """

    label: str
    args: tuple
    quantiles: tuple[float, float]
    slack: float
    distribution: Distribution
    name: str
    advice: str
    zero_width: str
    alternatives: tuple[tuple[Distribution, str], ...] = ()

    def _cuts(self, sample: np.ndarray, interval: tuple[float, float]) -> bool:
        return all(
            at_quantile(sample, end, q, slack=self.slack)
            for end, q in zip(interval, self.quantiles, strict=True)
        )

    def run(self, call: Call) -> str | None:
        interval, problem = read_interval(call(*self.args))
        if problem:
            return problem
        sample = self.distribution.sample
        if interval[0] == interval[1] and sample[0] != sample[-1]:
            return self.zero_width
        if self._cuts(sample, interval):
            return None
        for other, message in self.alternatives:
            if self._cuts(other.sample, interval):
                return message
        low_at, high_at = (100 * np.mean(quantile_span(sample, end)) for end in interval)
        return (
            f"returned an interval whose ends sit near the {low_at:.1f}th and {high_at:.1f}th "
            f"percentiles of {self.name}; {self.advice}"
        )

    def learner_data(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "args": _args_data(self.args),
            "quantiles": list(self.quantiles),
            "slack": self.slack,
            "distribution": self.distribution.learner_data(),
            "name": self.name,
            "advice": self.advice,
            "zero_width": self.zero_width,
            "alternatives": [
                [other.learner_data(), message] for other, message in self.alternatives
            ],
        }

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> QuantileIntervalProbe:
        return cls(
            data["label"],
            _args_from(data["args"]),
            tuple(data["quantiles"]),
            data["slack"],
            Distribution.from_learner_data(data["distribution"]),
            data["name"],
            data["advice"],
            data["zero_width"],
            tuple(
                (Distribution.from_learner_data(other), message)
                for other, message in data["alternatives"]
            ),
        )


# ---------------------------------------------------------------------------------- seeds


@dataclass(frozen=True)
class SameSeedProbe(DataProbe):
    """A seeded function: the same seed must give the same result, and the seed must matter.

    ``args`` is the call, its seed at position ``seed_at``; it is made ``repeats`` times
    (several agreeing calls by chance are too unlikely for the verdict to depend on luck),
    then once per seed of ``other_seeds``. The first result must pass the reader named
    ``result`` (:data:`RESULT_READERS`); results must be hashable. ``differs`` and
    ``ignored`` are the messages for an unseeded and a seed-ignoring function.
    """

    label: str
    args: tuple
    seed_at: int
    other_seeds: tuple[int, ...]
    repeats: int
    result: str
    differs: str
    ignored: str

    def _with_seed(self, seed: int) -> tuple:
        return (*self.args[: self.seed_at], seed, *self.args[self.seed_at + 1 :])

    def run(self, call: Call) -> str | None:
        first, *again = [call(*self.args) for _ in range(self.repeats)]
        _, problem = RESULT_READERS[self.result](first)
        if problem:
            return problem
        if any(other != first for other in again):
            return self.differs
        others = {call(*self._with_seed(seed)) for seed in self.other_seeds}
        if len(others | {first}) == 1:
            return self.ignored
        return None

    def learner_data(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "args": _args_data(self.args),
            "seed_at": self.seed_at,
            "other_seeds": list(self.other_seeds),
            "repeats": self.repeats,
            "result": self.result,
            "differs": self.differs,
            "ignored": self.ignored,
        }

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> SameSeedProbe:
        return cls(
            data["label"],
            _args_from(data["args"]),
            data["seed_at"],
            tuple(data["other_seeds"]),
            data["repeats"],
            data["result"],
            data["differs"],
            data["ignored"],
        )


# ------------------------------------------------------------------------ tuples of parts


@dataclass(frozen=True)
class Part:
    """One named item of a tuple result.

    ``kind`` is "array" (a 1-D float numpy array), "float" (a Python float) or "floats" (a
    list of Python floats or a 1-D float array); ``note`` says, in a problem with its type or
    length, what the part holds.
    """

    name: str
    kind: str
    note: str = ""


@dataclass(frozen=True)
class NamedParts(DataCompare):
    """``compare(result, expected)`` for a tuple whose parts are named in messages.

    Each part is checked for type and size first (in order), then for values within
    ``atol + rtol * |expected|`` in ``order``, so a message says which part is wrong
    ("returned the wrong losses") rather than an index.
    """

    parts: tuple[Part, ...]
    order: tuple[int, ...]
    atol: float
    rtol: float

    def read(self, result: Any, sizes: Sequence[int | None]) -> tuple[tuple | None, str | None]:
        """The parts of ``result`` (``sizes``: each array or sequence's length), or
        ``(None, problem)``. A "floats" part comes back as a float array."""
        if type(result) is not tuple or len(result) != len(self.parts):
            names = ", ".join(part.name for part in self.parts)
            return None, f"returned a {type_name(result)}; expected a tuple ({names})"
        values = []
        for part, value, size in zip(self.parts, result, sizes, strict=True):
            value, problem = self._read_part(part, value, size)
            if problem:
                return None, f"{problem} ({part.note})" if part.note else problem
            values.append(value)
        return tuple(values), None

    @staticmethod
    def _read_part(part: Part, value: Any, size: int | None) -> tuple[Any, str | None]:
        if part.kind == "array":
            if type(value) is np.ndarray and value.shape == (size, 1):
                return None, (
                    f"returned {part.name} of shape {value.shape}; return a 1-D array of "
                    f"shape ({size},)"
                )
            problem = describe_array(value, shape=(size,), kind="f")
            return value, problem and problem.replace("returned", f"returned {part.name} as", 1)
        if part.kind == "float":
            if type(value) is not float:
                return None, (
                    f"returned a {part.name} of type {type_name(value)}; expected a Python "
                    "float (use float(...))"
                )
            return value, None
        if part.kind == "floats":
            array, problem = float_sequence(value, size)
            return array, problem and f"returned {part.name} that {problem}"
        raise ValueError(f"unknown part kind {part.kind!r}")

    def __call__(self, result: Any, expected: Any) -> str | None:
        sizes = [
            None if part.kind == "float" else len(want)
            for part, want in zip(self.parts, expected, strict=True)
        ]
        values, problem = self.read(result, sizes)
        if problem:
            return problem
        for index in self.order:
            got, want = values[index], expected[index]
            if self.parts[index].kind == "float":
                same = close(got, want, atol=self.atol, rtol=self.rtol)
            else:
                same = np.allclose(got, want, atol=self.atol, rtol=self.rtol)
            if not same:
                return f"returned the wrong {self.parts[index].name}"
        return None

    def learner_data(self) -> dict[str, Any]:
        return {
            "parts": [[part.name, part.kind, part.note] for part in self.parts],
            "order": list(self.order),
            "atol": self.atol,
            "rtol": self.rtol,
        }

    @classmethod
    def from_learner_data(cls, data: dict[str, Any]) -> NamedParts:
        return cls(
            tuple(Part(*part) for part in data["parts"]),
            tuple(data["order"]),
            data["atol"],
            data["rtol"],
        )
