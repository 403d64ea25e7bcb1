"""Entry point: ``autograder COMMAND``."""

from __future__ import annotations

import typer

from autograder.imports import skip_slow_imports

# before any command imports nbformat; each imports its API only when it runs, so a command
# loads what it needs and `autograder --help` stays quick
skip_slow_imports()

from autograder.cli import (  # noqa: E402
    check,
    demo,
    feedback,
    grade,
    learner_setup,
    normalize,
    release,
    report,
    serve,
    submit,
    token,
)

app = typer.Typer(
    help="Release, grade and demo the data-scientist interview curriculum.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (release, grade, feedback, report, demo, normalize, check, learner_setup, submit):
    app.command(name=module.NAME, help=module.command.__doc__)(module.command)
app.command(name=serve.NAME, help=serve.command.__doc__)(serve.command)
app.add_typer(token.command, name=token.NAME)


if __name__ == "__main__":  # pragma: no cover
    app()
