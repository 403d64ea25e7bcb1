"""Feedback pages without compiling nbconvert's templates again for every page.

nbconvert builds a fresh Jinja environment for each exporter, and nbgrader makes an
exporter for every ``generate_feedback`` call, so each learner's page parsed and compiled
the same nine templates again (about half of a page's time). This exporter keeps their
compiled code for the life of the process, keyed by template name and source checksum
(Jinja's own bytecode cache), so an edited template is compiled afresh.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter


class _InMemory(BytecodeCache):
    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _InMemory()


class FeedbackHTMLExporter(HTMLExporter):
    """nbconvert's HTMLExporter (configured as ``c.HTMLExporter`` is), templates compiled once."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _COMPILED
        return environment
