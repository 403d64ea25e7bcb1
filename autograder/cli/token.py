"""``autograder token``: tokens for the course server (add, list, revoke)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from autograder.cli.output import console, course_errors, errors
from autograder.server.tokens import add_token, list_tokens, revoke_tokens

NAME = "token"

ROOT = Annotated[Path, typer.Option(help="course folder (default: found from the cwd)")]


def add(
    learner: Annotated[str, typer.Argument(help="the learner's id (their folder in submitted/)")],
    instructor: Annotated[
        bool, typer.Option("--instructor", help="may release, collect and see every attempt")
    ] = False,
    root: ROOT = None,
) -> None:
    """Make a token for a learner and print it (shown this once; only its hash is kept)."""
    with course_errors():
        token = add_token(root=root, learner=learner, instructor=instructor)
    kind = "instructor" if instructor else "learner"
    errors.print(f"token for {kind} {learner} (shown once; give it to them):")
    print(token)


def show(root: ROOT = None) -> None:
    """List every token's learner, kind and dates (never the token itself)."""
    with course_errors():
        tokens = list_tokens(root=root)
    if not tokens:
        console.print("no tokens: make one with `autograder token add LEARNER_ID`")
    for info in tokens:
        kind = "instructor" if info.instructor else "learner"
        state = f"revoked {info.revoked_at}" if info.revoked_at else "valid"
        console.print(f"{info.learner}\t{kind}\tcreated {info.created_at}\t{state}")


def revoke(
    learner: Annotated[str, typer.Argument(help="the learner whose tokens stop working")],
    root: ROOT = None,
) -> None:
    """Revoke every token of a learner."""
    with course_errors():
        count = revoke_tokens(root=root, learner=learner)
    console.print(f"revoked {count} token(s) of {learner}")


command = typer.Typer(help="Tokens for the course server: add, list, revoke.", no_args_is_help=True)
command.command(name="add")(add)
command.command(name="list")(show)
command.command(name="revoke")(revoke)
