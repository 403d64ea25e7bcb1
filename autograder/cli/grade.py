"""``autograder grade``: autograde submitted/ and export grades.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from autograder.cli.output import console, course_errors, grade_table, show_failures, show_notes

NAME = "grade"


class ProgressBar:
    """Learners done / total with an ETA; the bar itself counts submissions (learner x week)."""

    def __init__(self):
        self.bar = Progress(
            TextColumn("[bold]grading"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("submissions · {task.fields[learners]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task = None
        self.offset = 0

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def __call__(self, progress) -> None:
        learners = f"learners {progress.learners_done}/{progress.learners_total}"
        if self.task is None:
            self.task = self.bar.add_task("grading", total=progress.total, learners=learners)
            if progress.resumed:
                console.print(
                    f"resuming an interrupted batch: {progress.resumed} submission(s) "
                    "already graded are kept"
                )
            # the resumed ones are not in the ETA: only work done by this run is timed
            self.bar.update(self.task, total=progress.total - progress.resumed, completed=0)
            self.offset = progress.resumed
        self.bar.update(self.task, completed=progress.done - self.offset, learners=learners)
        if progress.student and not progress.ok:
            console.print(
                f"[red]failed[/red] {progress.assignment} of {progress.student} (see below)"
            )


def command(
    assignments: Annotated[list[str], typer.Argument(help="weeks to grade (default: all)")] = None,
    csv: Annotated[
        Path, typer.Option("--csv", help="where to write grades (default: grades.csv)")
    ] = None,
    root: Annotated[Path, typer.Option(help="course folder (default: found from the cwd)")] = None,
    workers: Annotated[
        int,
        typer.Option("--workers", "-j", min=1, help="grading processes to run at once"),
    ] = 1,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh", help="grade everything again, even what an interrupted run finished"
        ),
    ] = False,
    scheduler: Annotated[
        str,
        typer.Option(
            "--scheduler",
            help="grade on a Dask cluster: its scheduler (tcp://HOST:PORT), or local:N workers",
        ),
    ] = None,
) -> None:
    """Autograde every submission in submitted/ with nbgrader and export a grades CSV.

    A run that was interrupted (even killed) is resumed: what it committed is kept.
    """
    from autograder.api.grade import grade

    with course_errors(), ProgressBar() as bar:
        report = grade(
            root=root,
            assignments=assignments or None,
            csv_path=csv,
            workers=workers,
            resume=not fresh,
            on_graded=bar,
            scheduler=scheduler,
        )
    if report.rows:
        console.print(grade_table(report.rows, title="grades"))
    else:
        console.print("no submissions found in submitted/<student>/<assignment>/")
    show_notes(report.notes)
    show_failures(report.failures)
    console.print(f"grades written to {report.csv_path}")
    if report.failures:
        raise typer.Exit(1)
