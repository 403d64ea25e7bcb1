"""What the console prints is the message itself: brackets in it are text, not rich markup."""

from __future__ import annotations

import pytest
from rich.console import Console

from autograder.cli import output
from autograder.verdicts import Row, exercise_table

# words in brackets that rich would take for style tags and drop
MESSAGE = "pip install 'ds-interview-loop[postgresql]', then df[col] and [b]x[/b]"


def rendered(renderable) -> str:
    console = Console(record=True, width=400, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_a_check_message_keeps_its_brackets():
    table = exercise_table(
        [Row("sql.ipynb", "latest_order", "fail", MESSAGE, "0/2")], title="graded"
    )
    assert MESSAGE in rendered(table)


@pytest.mark.parametrize(
    "show, args",
    [
        (output.show_failures, [("ann", "week01", MESSAGE)]),
        (output.show_notes, [("ann", "week01", MESSAGE)]),
    ],
)
def test_failures_and_notes_keep_their_brackets(monkeypatch, show, args):
    console = Console(record=True, width=400, color_system=None)
    monkeypatch.setattr(output, "errors", console)
    monkeypatch.setattr(output, "console", console)
    show(args)
    assert MESSAGE in console.export_text()
