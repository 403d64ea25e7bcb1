"""Tests of confinement need namespaces: skipped visibly without them, never under CI."""

from __future__ import annotations

import os

import pytest

from autograder.grading.confine import isolation_available

NEEDS = (
    "needs root and util-linux's unshare (mount and network namespaces) to confine learner "
    "code; run the tests as root on Linux (apt-get install -y util-linux)"
)


def require_isolation() -> None:
    """Skip, saying why, where this machine cannot isolate; under ``CI=true`` fail instead."""
    if isolation_available():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must prove confinement, and this machine cannot isolate: {NEEDS}")
    pytest.skip(NEEDS)
