"""What checks may know of the course they grade: its hidden seeds and its store.

Hidden cases and hidden databases are built lazily, at grading time, from the seeds the
course configuration holds (``course.toml``, never released). The registry hands the course
over when it loads a key; a learner's installation has no course, so anything hidden says it
runs when the notebook is graded, and the visible store is the one the learner's notebook
opens (:func:`autograder.data.store.store_path`).
"""

from __future__ import annotations

from pathlib import Path

from autograder.data.store import store_path as learner_store_path
from autograder.judges.errors import Unavailable

AT_GRADING = "hidden checks run when your notebook is graded; use check() to test your answer"


class HiddenUnavailable(Unavailable):
    """Hidden data was asked for outside grading."""


_seeds: tuple[int, ...] = ()
_store: Path | None = None


def provide(*, hidden_seeds: tuple[int, ...], store: Path | None) -> None:
    """Make a course's hidden seeds and store available (the registry calls this)."""
    global _seeds, _store
    _seeds = tuple(int(s) for s in hidden_seeds)
    _store = Path(store) if store is not None else None


def current() -> dict:
    """What :func:`provide` was last given, to hand back to it later."""
    return {"hidden_seeds": _seeds, "store": _store}


def hidden_seeds() -> tuple[int, ...]:
    if not _seeds:
        raise HiddenUnavailable(AT_GRADING)
    return _seeds


def hidden_seed(index: int) -> int:
    """The ``index``-th hidden seed (each use of hidden data takes its own index)."""
    available = hidden_seeds()
    if index >= len(available):
        raise HiddenUnavailable(
            f"the course configuration lists {len(available)} hidden seeds; this check needs "
            f"seed number {index + 1}: add more to [grading] hidden_seeds in course.toml"
        )
    return available[index]


def store() -> Path:
    """The visible store: the course's when grading or releasing, else the learner's."""
    return _store if _store is not None else learner_store_path()
