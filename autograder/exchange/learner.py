"""A learner's side of the exchange: fetch an assignment, submit it, fetch its feedback.

Each writes only into the learner's own assignment folder (nbgrader's ``assignment_dir``),
laid out as nbgrader's default exchange lays it out, so the Assignments tab and every
nbgrader command find things where they expect them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from nbgrader.exchange.abc import ExchangeFetchAssignment, ExchangeFetchFeedback, ExchangeSubmit
from traitlets import Float

from autograder.exchange import files
from autograder.exchange.base import FINAL, HttpExchange


class HttpFetchAssignment(HttpExchange, ExchangeFetchAssignment):
    """``nbgrader fetch_assignment``: the released files, from the server into ``./<id>/``."""

    def init_src(self):
        self.require_course()
        self.require_released(self.coursedir.assignment_id)
        self.src_path = self.api_url(self.assignment_path(self.coursedir.assignment_id, "/files"))

    def init_dest(self):
        root = self.local_root(self.coursedir.assignment_id)
        self.dest_path = os.path.abspath(os.path.join(self.assignment_dir, root))
        if os.path.isdir(self.dest_path) and not self.replace_missing_files:
            self.fail(f"You already have a copy of the assignment in this directory: {root}")

    def copy_files(self):
        self.log.info(f"Source: {self.src_path}")
        self.log.info(f"Destination: {self.dest_path}")
        dest = Path(self.dest_path)
        assignment_id = self.coursedir.assignment_id
        with self.open_zip(self.assignment_path(assignment_id, "/files")) as archive:
            members = [
                (relative, info)
                for relative, info in archive.files()
                if not files.ignored(relative, self.coursedir.ignore)
            ]
            if dest.is_dir():  # --replace-missing-files: add only what is missing
                for relative, info in members:
                    target = dest.joinpath(*relative.parts)
                    if not target.exists():
                        self.log.warning(f"Replacing missing file '{relative}'")
                        files.write_file(target, archive.read(info))
            else:  # unpacked aside and renamed, so a broken download leaves no half folder
                files.make_dirs(dest.parent)
                staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}."))
                try:
                    for relative, info in members:
                        files.write_file(staging.joinpath(*relative.parts), archive.read(info))
                    staging.chmod(files.DIR_MODE)
                    staging.rename(dest)
                except BaseException:
                    shutil.rmtree(staging, ignore_errors=True)
                    raise
        self.log.info(f"Fetched as: {self.coursedir.course_id} {assignment_id}")


class HttpSubmit(HttpExchange, ExchangeSubmit):
    """``nbgrader submit``: the assignment folder's notebooks, uploaded; graded on arrival."""

    wait = Float(
        0.0,
        help=(
            "Seconds to wait for the verdict after the upload (0: return once the server has "
            "stored the submission; nbgrader fetch_feedback fetches the verdict)."
        ),
    ).tag(config=True)

    def init_src(self):
        self.require_course()
        root = self.local_root(self.coursedir.assignment_id)
        self.src_path = os.path.abspath(os.path.join(self.assignment_dir, root))
        self.coursedir.assignment_id = os.path.split(self.src_path)[-1]
        if not os.path.isdir(self.src_path):
            self.fail(f"Assignment not found at: {self.src_path}")

    def init_dest(self):
        self.released_notebooks = self.require_released(self.coursedir.assignment_id)

    def copy_files(self):
        assignment_id = self.coursedir.assignment_id
        present = sorted(p.name for p in Path(self.src_path).glob("*.ipynb"))
        self.check_filename_diff(present)
        notebooks = {}
        for name in present:
            if name in self.released_notebooks:
                try:
                    notebooks[name] = json.loads(Path(self.src_path, name).read_text("utf-8"))
                except (OSError, UnicodeDecodeError, ValueError) as error:
                    self.fail(f"{name} is not a readable notebook: {error}")
        if not notebooks:
            self.fail(
                f"No notebook of {assignment_id} in {self.src_path} "
                f"(expected: {', '.join(self.released_notebooks)})."
            )
        path = self.assignment_path(assignment_id, "/submissions")
        self.log.info(f"Source: {self.src_path}")
        self.log.info(f"Destination: {self.api_url(path)}")
        answer = self.request("POST", path, json={"notebooks": notebooks}).json()
        self.submission = answer
        timestamp = self.nbgrader_timestamp(answer["received_at"])
        self.log.info(f"Submitted as: {self.coursedir.course_id} {assignment_id} {timestamp}")
        if self.wait > 0:
            self.submission = self.wait_for(answer, self.wait)
            _log_verdict(self.log, self.submission)
        else:
            self.log.info("Graded on arrival: nbgrader fetch_feedback fetches the verdict.")

    def check_filename_diff(self, present: list[str]) -> None:
        """nbgrader's check: missing notebooks fail when ``strict``, else only warn."""
        missing = [n for n in self.released_notebooks if n not in present]
        extra = [n for n in present if n not in self.released_notebooks]
        if not missing and not extra:
            return
        expected, submitted = "\n\t".join(self.released_notebooks), "\n\t".join(present)
        message = f"Expected:\n\t{expected}\nSubmitted:\n\t{submitted}"
        if missing and self.strict:
            self.fail(
                f"Assignment {self.coursedir.assignment_id} not submitted. "
                f"There are missing notebooks for the submission:\n{message}"
            )
        self.log.warning(
            "Possible missing notebooks and/or extra notebooks submitted for assignment "
            f"{self.coursedir.assignment_id} (extra ones are not sent):\n{message}"
        )


def _log_verdict(log, submission: dict) -> None:
    result = submission.get("result")
    if submission.get("status") == "graded" and result:
        log.info(f"Graded: {result['score']:g} / {result['max_score']:g}")
    elif submission.get("status") == "failed":
        log.warning(f"Grading failed: {submission.get('error')}")
    else:
        log.info(f"Still {submission.get('status')}: nbgrader fetch_feedback fetches the verdict.")


class HttpFetchFeedback(HttpExchange, ExchangeFetchFeedback):
    """``nbgrader fetch_feedback``: each graded submission's feedback pages, by timestamp."""

    wait = Float(
        30.0,
        help="Seconds to wait for submissions still being graded (0: fetch what is ready).",
    ).tag(config=True)

    def init_src(self):
        self.require_course()
        assignment_id = self.coursedir.assignment_id
        self.src_path = self.api_url("/api/submissions")
        self.ready = []
        waited = 0.0
        for submission in self.submissions(assignment_id):
            if submission.get("status") not in FINAL and self.wait > waited:
                started = time.monotonic()
                submission = self.wait_for(submission, self.wait - waited)
                waited += time.monotonic() - started
            timestamp = self.nbgrader_timestamp(submission["received_at"])
            if submission.get("status") == "graded":
                self.ready.append((timestamp, submission))
            elif submission.get("status") == "failed":
                self.log.warning(
                    f"Could not find feedback for '{self.coursedir.course_id}/{assignment_id}' "
                    f"submitted at {timestamp}: grading failed ({submission.get('error')})"
                )
            else:
                self.log.warning(
                    f"Could not find feedback for '{self.coursedir.course_id}/{assignment_id}' "
                    f"submitted at {timestamp}: still {submission.get('status')}"
                )

    def init_dest(self):
        root = self.local_root(self.coursedir.assignment_id)
        self.dest_path = os.path.abspath(os.path.join(self.assignment_dir, root, "feedback"))

    def copy_files(self):
        self.log.info(f"Source: {self.src_path}")
        self.log.info(f"Destination: {self.dest_path}")
        for timestamp, submission in self.ready:
            folder = Path(self.dest_path, timestamp)
            for name, page in self.feedback_pages(submission).items():
                target = folder / name
                if target.exists():
                    self.log.debug(f"Overwriting existing feedback: {target}")
                files.write_file(target, page)
                self.log.info(f"Fetched feedback: {target}")

    def feedback_pages(self, submission: dict) -> dict[str, bytes]:
        return feedback_pages(self, submission)


def feedback_pages(exchange: HttpExchange, submission: dict) -> dict[str, bytes]:
    """A submission's feedback: notebook page name (``<notebook>.html``) -> its HTML."""
    path = f"/api/submissions/{quote(str(submission['id']), safe='')}/feedback"
    with exchange.open_zip(path) as archive:
        return {
            relative.name: archive.read(info)
            for relative, info in archive.files()
            if relative.suffix == ".html"
        }
