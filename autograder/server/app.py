"""The HTTP API (docs: the README's course server section): tornado handlers and ``make_app``.

Every rejected request is answered with ``{"error": "<one sentence>"}`` and leaves nothing
behind. An accepted submission is on disk (fsynced) and in server.db before its 202 is sent.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import os
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import tornado.web

from autograder.course import Course, configuration_files
from autograder.server import grader as grading
from autograder.server.store import FINAL, Store, now, parse_time, submission_json
from autograder.server.tokens import digest

ASSIGNMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
MAX_WAIT = 60.0  # seconds a long poll may hold a request
POLL = 1.0  # seconds between looks at a submission being waited for, unless woken sooner
FEEDBACK_WAIT = 30.0  # seconds a feedback request waits for its page to be written
DROP_CAP = 16  # bodies up to this many times the limit are read (and dropped) for a 413
WINDOW = timedelta(hours=1)  # the rate limit counts submissions received in this window


class Finished:
    """Wakes the long polls when the grader finishes a submission.

    The grader's thread calls :meth:`notify`; each waiter then looks at its submission again
    at once instead of at its next poll.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop, self._event = loop, asyncio.Event()

    def notify(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self._event is not None:
            self._event.set()  # wakes everyone waiting on it; later waiters get a new one
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        if self._event is None:
            await asyncio.sleep(timeout)
            return
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            pass


@dataclass
class Settings:
    """What ``autograder serve`` was told, shared by every handler."""

    root: Path
    store: Store
    grader: grading.Grader | None = None
    max_body_bytes: int = 5 * 1024 * 1024
    max_per_hour: int = 10
    release_all: bool = True
    hub: object | None = None  # a hub_auth.HubIdentity when served as a JupyterHub service
    finished: Finished = field(default_factory=Finished)
    _course: Course | None = None
    _stamp: tuple = field(default_factory=tuple)

    def course(self) -> Course:
        """The course, read again when its configuration files change."""
        stamp = tuple((p.name, p.stat().st_mtime_ns) for p in configuration_files(self.root))
        if self._course is None or stamp != self._stamp:
            self._course, self._stamp = Course.load(self.root), stamp
        return self._course

    def release_folder(self, assignment: str) -> Path:
        return self.course().root / "release" / assignment

    def released(self) -> list[str]:
        folder = self.course().root / "release"
        present = (
            sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
            if folder.is_dir()
            else []
        )
        if self.release_all:
            return present
        chosen = self.store.released()
        return [name for name in present if name in chosen]

    def notebooks(self, assignment: str) -> list[str]:
        return sorted(p.name for p in self.release_folder(assignment).glob("*.ipynb"))


class Refused(tornado.web.HTTPError):
    """A request answered with an error status and one sentence (``write_error`` sends it)."""

    def __init__(self, status: int, sentence: str, **extra):
        super().__init__(status)
        self.status, self.sentence, self.extra = status, sentence, extra


class ApiHandler(tornado.web.RequestHandler):
    settings_: Settings

    def initialize(self, settings: Settings):
        self.settings_ = settings
        self.learner: str | None = None
        self.instructor = False

    def set_default_headers(self):
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")

    async def prepare(self):
        await self.authenticate()

    async def authenticate(self) -> None:
        if self.settings_.hub is not None:
            self.learner, self.instructor = await self.settings_.hub.identify(self)
            return
        header = self.request.headers.get("Authorization", "")
        token = None
        if header.lower().startswith("token "):
            token = header[6:].strip()
        token = token or self.get_query_argument("token", None)
        if not token:
            raise Refused(401, "a token is required: send the header 'Authorization: token TOKEN'")
        owner = self.settings_.store.token_owner(digest(token))
        if owner is None:
            raise Refused(401, "this token is not valid (wrong or revoked): ask for a new one")
        self.learner, self.instructor = owner["learner"], bool(owner["instructor"])

    def require_instructor(self) -> None:
        if not self.instructor:
            raise Refused(403, "only an instructor's token may do this")

    def assignment(self, assignment: str) -> str:
        """The assignment, if it exists and (for a learner) is released; else 404."""
        settings = self.settings_
        known = ASSIGNMENT_ID.match(assignment) and settings.release_folder(assignment).is_dir()
        if not known or not (self.instructor or assignment in settings.released()):
            raise Refused(404, f"there is no assignment {assignment!r} on this server")
        return assignment

    def refuse(self, refused: Refused) -> None:
        self.clear()
        self.set_status(refused.status)
        self.set_header("Content-Type", "application/json")
        if "retry_after" in refused.extra:
            self.set_header("Retry-After", str(refused.extra["retry_after"]))
        self.finish(json.dumps({"error": refused.sentence, **refused.extra}))

    def write_error(self, status_code: int, **kwargs) -> None:
        error = kwargs.get("exc_info", (None, None))[1]
        if isinstance(error, Refused):
            self.refuse(error)
            return
        self.set_header("Content-Type", "application/json")
        sentence = {
            404: "there is no such endpoint",
            405: "this endpoint does not take this method",
        }.get(status_code, "the server could not answer this request")
        self.finish(json.dumps({"error": sentence}))

    def reply(self, data: dict, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(data))

    def send_zip(self, name: str, files: list[tuple[str, Path]]) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for arcname, path in files:
                archive.write(path, arcname)
        self.set_header("Content-Type", "application/zip")
        self.set_header("Content-Disposition", f'attachment; filename="{name}"')
        self.finish(buffer.getvalue())

    def own_submission(self, submission: str):
        row = (
            self.settings_.store.submission(submission)
            if re.fullmatch(r"[0-9a-f]{32}", submission)
            else None
        )
        if row is None or not (self.instructor or row["learner"] == self.learner):
            raise Refused(404, f"there is no submission {submission!r} of yours")
        return row


def _files_under(folder: Path, prefix: str = "") -> list[tuple[str, Path]]:
    return [
        (prefix + str(path.relative_to(folder)), path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    ]


class WhoAmI(ApiHandler):
    def get(self):
        # the course id lets nbgrader's Assignments tab work without a course_id configured
        course = self.settings_.course().course_id
        self.reply({"learner": self.learner, "instructor": self.instructor, "course": course})


class Assignments(ApiHandler):
    def get(self):
        settings = self.settings_
        self.reply(
            {
                "assignments": [
                    {"id": name, "notebooks": settings.notebooks(name)}
                    for name in settings.released()
                ]
            }
        )


class Files(ApiHandler):
    def get(self, assignment):
        assignment = self.assignment(assignment)
        folder = self.settings_.release_folder(assignment)
        self.send_zip(f"{assignment}.zip", _files_under(folder))


@tornado.web.stream_request_body
class Submit(ApiHandler):
    """POST a submission: read (up to the limit), validate, store, queue, 202."""

    async def prepare(self):
        self.size, self.chunks, self.rejected = 0, [], None
        try:
            await self.authenticate()
        except Refused as refused:
            self.rejected = refused
            return
        limit = self.settings_.max_body_bytes
        try:
            declared = int(self.request.headers.get("Content-Length", "0") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            # read and drop the body (up to a cap) so that the client gets to read the 413
            self.request.connection.set_max_body_size(min(declared, DROP_CAP * limit) + 1)

    def data_received(self, chunk: bytes):
        self.size += len(chunk)
        if self.size <= self.settings_.max_body_bytes:
            self.chunks.append(chunk)
        else:
            self.chunks = []

    def post(self, assignment):
        if self.rejected:
            raise self.rejected
        assignment = self.assignment(assignment)
        settings = self.settings_
        if self.size > settings.max_body_bytes:
            raise Refused(
                413,
                f"the submission is {self.size / 1e6:.1f} MB; the limit is "
                f"{settings.max_body_bytes / 1e6:.1f} MB",
            )
        notebooks = self._notebooks(assignment, b"".join(self.chunks))
        self._rate_limit(assignment)
        submission, received = uuid.uuid4().hex, now()
        self._write_inbox(submission, notebooks)
        try:
            settings.store.add_submission(
                submission, self.learner, assignment, sorted(notebooks), received
            )
        except Exception:
            shutil.rmtree(grading.inbox(settings.root, submission), ignore_errors=True)
            raise
        if settings.grader is not None:
            settings.grader.notify()
        self.reply({"id": submission, "status": "queued", "received_at": received}, 202)

    def _notebooks(self, assignment: str, body: bytes) -> dict[str, dict]:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "the body is not valid JSON") from None
        notebooks = data.get("notebooks") if isinstance(data, dict) else None
        if not isinstance(notebooks, dict) or not notebooks:
            raise Refused(
                400, 'the body must be {"notebooks": {"<name>.ipynb": <notebook JSON>, ...}}'
            )
        expected = self.settings_.notebooks(assignment)
        for name, notebook in notebooks.items():
            if name not in expected:
                raise Refused(
                    400,
                    f"{name!r} is not a notebook of {assignment} "
                    f"(its notebooks: {', '.join(expected)})",
                )
            if not (isinstance(notebook, dict) and isinstance(notebook.get("cells"), list)):
                raise Refused(400, f"{name} is not a notebook (a JSON object with a cell list)")
        return notebooks

    def _rate_limit(self, assignment: str) -> None:
        settings = self.settings_
        moment = datetime.now(UTC)
        since = (moment - WINDOW).isoformat(timespec="microseconds").replace("+00:00", "Z")
        recent = settings.store.received_since(self.learner, assignment, since)
        if len(recent) >= settings.max_per_hour:
            free_at = parse_time(recent[len(recent) - settings.max_per_hour]) + WINDOW
            wait = max(1, math.ceil((free_at - moment).total_seconds()))
            raise Refused(
                429,
                f"at most {settings.max_per_hour} submissions of {assignment} an hour: "
                f"try again in {wait} s",
                retry_after=wait,
            )

    def _write_inbox(self, submission: str, notebooks: dict[str, dict]) -> None:
        """Each notebook written and fsynced, then the folder renamed into place."""
        final = grading.inbox(self.settings_.root, submission)
        partial = final.with_name(final.name + ".partial")
        partial.mkdir(parents=True)
        for name, notebook in notebooks.items():
            with (partial / name).open("w", encoding="utf-8") as handle:
                json.dump(notebook, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
        _fsync_folder(partial)
        partial.rename(final)
        _fsync_folder(final.parent)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Submissions(ApiHandler):
    def get(self):
        assignment = self.get_query_argument("assignment", None)
        rows = self.settings_.store.submissions(self.learner, assignment)
        self.reply({"submissions": [submission_json(row) for row in rows]})


class Submission(ApiHandler):
    async def get(self, submission):
        row = self.own_submission(submission)
        try:
            wait = min(MAX_WAIT, max(0.0, float(self.get_query_argument("wait", "0"))))
        except ValueError:
            raise Refused(400, "wait must be a number of seconds") from None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while row["status"] not in FINAL and loop.time() < deadline:
            await self.settings_.finished.wait(min(POLL, deadline - loop.time()))
            row = self.settings_.store.submission(submission)
        self.reply(submission_json(row))


class Feedback(ApiHandler):
    async def get(self, submission):
        row = self.own_submission(submission)
        settings = self.settings_
        learner, assignment = row["learner"], row["assignment"]
        instructors = settings.course().root / "feedback" / learner / assignment
        if assignment in settings.store.released(feedback=True) and instructors.is_dir():
            folder = instructors
        else:
            folder = grading.feedback_folder(settings.root, row["id"], learner, assignment)
            await self.written(row["id"])
        if row["status"] != "graded" or not folder.is_dir():
            raise Refused(404, f"there is no feedback for this submission (it is {row['status']})")
        pages = [(name, path) for name, path in _files_under(folder) if path.suffix == ".html"]
        self.send_zip(f"{assignment}-feedback.zip", pages)  # the HTML only: nothing else to read

    async def written(self, submission: str) -> None:
        """Wait while the page of a verdict already published is being written."""
        store, grader = self.settings_.store, self.settings_.grader
        if not store.feedback_pending(submission):
            return
        if grader is not None:
            grader.want_feedback()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + FEEDBACK_WAIT
        while store.feedback_pending(submission):
            if loop.time() >= deadline:
                raise Refused(
                    503,
                    "its feedback page is still being written: try again in a few seconds",
                    retry_after=5,
                )
            await self.settings_.finished.wait(min(POLL, deadline - loop.time()))


class Release(ApiHandler):
    def post(self, assignment):
        self.require_instructor()
        assignment = self.assignment(assignment)
        self.settings_.store.release(assignment)
        self.reply({"released": assignment})


class ReleaseFeedback(ApiHandler):
    def post(self, assignment):
        self.require_instructor()
        assignment = self.assignment(assignment)
        self.settings_.store.release(assignment, feedback=True)
        self.reply({"feedback_released": assignment})


class Collect(ApiHandler):
    def get(self, assignment):
        self.require_instructor()
        assignment = self.assignment(assignment)
        submitted = self.settings_.course().root / "submitted"
        files = []
        for folder in sorted(submitted.glob(f"*/{assignment}")):
            prefix = f"{folder.parent.name}/{assignment}/"
            files += [
                (prefix + path.name, path)
                for path in sorted(folder.iterdir())
                if path.is_file() and (path.suffix == ".ipynb" or path.name == "timestamp.txt")
            ]
        self.send_zip(f"{assignment}-submitted.zip", files)


class Attempts(ApiHandler):
    def get(self, assignment):
        self.require_instructor()
        assignment = self.assignment(assignment)
        rows = reversed(self.settings_.store.submissions(None, assignment))
        attempts = []
        for row in rows:
            result = json.loads(row["result"]) if row["result"] else None
            attempts.append(
                {
                    "id": row["id"],
                    "learner": row["learner"],
                    "received_at": row["received_at"],
                    "status": row["status"],
                    "counted": bool(row["counted"]),
                    "score": result["score"] if result else None,
                    "max_score": result["max_score"] if result else None,
                    "exercises": [
                        {
                            "notebook": notebook["notebook"],
                            "exercise": exercise["exercise"],
                            "score": exercise["score"],
                            "max_score": exercise["max_score"],
                        }
                        for notebook in (result["notebooks"] if result else [])
                        for exercise in notebook["exercises"]
                    ],
                }
            )
        self.reply({"attempts": attempts})


class NotFound(ApiHandler):
    async def prepare(self):
        raise Refused(404, "there is no such endpoint")


def make_app(settings: Settings, prefix: str = "/") -> tornado.web.Application:
    """The API under ``prefix`` (a Hub service is reached at /services/<name>/)."""
    part = r"([^/]+)"
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    routes = [
        (r"/api/whoami", WhoAmI),
        (r"/api/assignments", Assignments),
        (rf"/api/assignments/{part}/files", Files),
        (rf"/api/assignments/{part}/submissions", Submit),
        (rf"/api/assignments/{part}/release", Release),
        (rf"/api/assignments/{part}/collect", Collect),
        (rf"/api/assignments/{part}/feedback/release", ReleaseFeedback),
        (rf"/api/assignments/{part}/attempts", Attempts),
        (r"/api/submissions", Submissions),
        (rf"/api/submissions/{part}", Submission),
        (rf"/api/submissions/{part}/feedback", Feedback),
    ]
    handlers = [
        (prefix + pattern.lstrip("/"), handler, {"settings": settings})
        for pattern, handler in routes
    ]
    extra = {}
    if settings.hub is not None:
        handlers += settings.hub.routes()
        extra = settings.hub.app_settings()
    return tornado.web.Application(
        handlers,
        default_handler_class=NotFound,
        default_handler_args={"settings": settings},
        **extra,
    )
