"""An instructor's side of the exchange: release, collect, release feedback (instructor token).

The server reads the course it runs in (``release/<id>/``, ``feedback/<learner>/<id>/``);
these commands tell it what to publish, and collect brings the attempts that count into this
course's ``submitted/<learner>/<id>/`` with nbgrader's ``timestamp.txt``.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.exchange.abc import (
    ExchangeCollect,
    ExchangeReleaseAssignment,
    ExchangeReleaseFeedback,
)
from nbgrader.utils import parse_utc

from autograder.exchange import files
from autograder.exchange.base import HttpExchange


class HttpReleaseAssignment(HttpExchange, ExchangeReleaseAssignment):
    """``nbgrader release_assignment``: learners may now list and fetch ``release/<id>/``."""

    def init_src(self):
        assignment_id = self.coursedir.assignment_id
        self.src_path = self.coursedir.format_path(
            self.coursedir.release_directory, ".", assignment_id
        )
        release_folder = os.path.dirname(os.path.normpath(self.src_path))
        if os.path.isdir(self.src_path) or not os.path.isdir(release_folder):
            return  # not run in a course checkout: the server's course decides
        source = self.coursedir.format_path(self.coursedir.source_directory, ".", assignment_id)
        if os.path.isdir(source):
            self.fail(
                f"Assignment found in '{source}' but not '{self.src_path}', run "
                "`nbgrader generate_assignment` first."
            )
        self.fail(f"Assignment not found at: {self.src_path}")

    def init_dest(self):
        self.require_course()
        self.dest_path = self.api_url(self.assignment_path(self.coursedir.assignment_id))

    def copy_files(self):
        assignment_id = self.coursedir.assignment_id
        self.log.info(f"Source: {self.src_path}")
        self.log.info(f"Destination: {self.dest_path}")
        self.request("POST", self.assignment_path(assignment_id, "/release"))
        self.log.info(f"Released as: {self.coursedir.course_id} {assignment_id}")


class HttpReleaseFeedback(HttpExchange, ExchangeReleaseFeedback):
    """``nbgrader release_feedback``: learners' fetch_feedback now returns ``feedback/``'s pages."""

    def init_src(self):
        chosen = self.coursedir.student_id not in ("", "*")
        if chosen or self.coursedir.student_id_exclude:
            self.fail(
                "The course server releases an assignment's feedback to every learner at once: "
                "run release_feedback without --student or student_id_exclude."
            )
        self.src_path = self.coursedir.format_path(
            self.coursedir.feedback_directory, "*", self.coursedir.assignment_id
        )

    def init_dest(self):
        self.require_course()
        self.dest_path = self.api_url(
            self.assignment_path(self.coursedir.assignment_id, "/feedback/release")
        )

    def copy_files(self):
        assignment_id = self.coursedir.assignment_id
        self.log.info(f"Source: {self.src_path}")
        self.log.info(f"Destination: {self.dest_path}")
        self.request("POST", self.assignment_path(assignment_id, "/feedback/release"))
        self.log.info(f"Feedback released for {self.coursedir.course_id} {assignment_id}")


class HttpCollect(HttpExchange, ExchangeCollect):
    """``nbgrader collect``: each learner's counting attempt into ``submitted/<learner>/<id>/``.

    As with the default exchange, an existing submission is kept unless ``--update`` is given
    and the server's is newer; the server chooses the attempt (``autograder serve --keep``).
    """

    def init_src(self):
        self.require_course()
        if self.before_duedate:
            self.log.warning(
                "The course server chooses each learner's attempt (autograder serve --keep): "
                "--before-duedate is ignored."
            )
        assignment_id = self.coursedir.assignment_id
        self.src_path = self.api_url(self.assignment_path(assignment_id, "/collect"))
        wanted = self.coursedir.student_id or "*"
        self.collected: dict[str, dict[str, bytes]] = {}
        with self.open_zip(self.assignment_path(assignment_id, "/collect")) as archive:
            for relative, info in archive.files():
                if len(relative.parts) != 3 or relative.parts[1] != assignment_id:
                    self.log.warning(f"Skipping {relative}: not <learner>/{assignment_id}/<file>")
                    continue
                learner, _, name = relative.parts
                if fnmatch.fnmatchcase(learner, wanted):
                    self.collected.setdefault(learner, {})[name] = archive.read(info)

    def init_dest(self):
        pass

    def copy_files(self):
        course_id, assignment_id = self.coursedir.course_id, self.coursedir.assignment_id
        if not self.collected:
            self.log.warning(
                f"No submissions of '{assignment_id}' for course '{course_id}' to collect"
            )
            return
        self.log.info(
            f"Processing {len(self.collected)} submissions of '{assignment_id}' "
            f"for course '{course_id}'"
        )
        for learner, contents in sorted(self.collected.items()):
            dest = Path(
                self.coursedir.format_path(
                    self.coursedir.submitted_directory, learner, assignment_id
                )
            )
            if not dest.is_dir():
                self.log.info(f"Collecting submission: {learner} {assignment_id}")
            elif self.update and self.newer(dest, contents):
                self.log.info(f"Updating submission: {learner} {assignment_id}")
            elif self.update:
                self.log.info(f"No newer submission to collect: {learner} {assignment_id}")
                continue
            else:
                self.log.info(
                    f"Submission already exists, use --update to update: {learner} {assignment_id}"
                )
                continue
            self.replace(dest, contents)
        # nbgrader's formgrader lists learners from the gradebook
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            for learner in sorted(self.collected):
                gradebook.update_or_create_student(learner)

    def newer(self, dest: Path, contents: dict[str, bytes]) -> bool:
        existing = self.coursedir.get_existing_timestamp(str(dest))
        sent = contents.get("timestamp.txt")
        if sent is None:
            return existing is None
        incoming = parse_utc(sent.decode("utf-8").strip())
        return existing is None or incoming > existing

    @staticmethod
    def replace(dest: Path, contents: dict[str, bytes]) -> None:
        """Write the submission aside, then swap it in: a failure leaves the old one whole."""
        files.make_dirs(dest.parent)
        staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}."))
        try:
            for name, data in contents.items():
                files.write_file(staging / name, data)
            staging.chmod(files.DIR_MODE)
            if dest.exists():
                old = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.old."))
                dest.rename(old / dest.name)
                staging.rename(dest)
                shutil.rmtree(old)
            else:
                staging.rename(dest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
