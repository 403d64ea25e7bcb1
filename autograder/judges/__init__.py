"""Judges: the comparison machinery behind every exercise check."""

from autograder.judges.errors import CheckFailed

__all__ = ["CheckFailed"]
