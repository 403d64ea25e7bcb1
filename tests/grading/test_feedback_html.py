"""Feedback pages are the same pages, with nbconvert's templates compiled once per process."""

from __future__ import annotations

import nbformat
from jinja2 import Environment
from nbconvert.exporters import HTMLExporter

from autograder.grading.feedback_html import FeedbackHTMLExporter


def page_notebook() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Week 1\n\nWrite `double_all`."),
            nbformat.v4.new_code_cell("def double_all(values):\n    return values"),
        ]
    )


def test_pages_equal_nbconverts_and_later_pages_compile_no_template(monkeypatch):
    nb = page_notebook()
    compiled = []
    real = Environment._parse

    def counted(self, source, name, filename):
        compiled.append(name)
        return real(self, source, name, filename)

    monkeypatch.setattr(Environment, "_parse", counted)
    plain, _ = HTMLExporter().from_notebook_node(nb)
    plain_compiled = len(compiled)
    first, _ = FeedbackHTMLExporter().from_notebook_node(nb)
    compiled.clear()
    second, _ = FeedbackHTMLExporter().from_notebook_node(nb)  # a new exporter, as nbgrader makes
    assert plain_compiled > 0
    assert compiled == [], "the second exporter compiled its templates again"
    assert plain == first == second
