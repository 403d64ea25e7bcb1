"""Import-time economies for processes that start often (the CLI, grading workers)."""

from __future__ import annotations

import sys


def skip_slow_imports() -> None:
    """jsonschema imports an optional URI-format parser that costs about a second and that
    nbformat's validation never uses (no schema of a notebook has an ``iri`` format): every
    process that reads notebooks starts that much faster without it."""
    sys.modules.setdefault("rfc3987_syntax", None)
