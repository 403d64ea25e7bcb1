"""What every HTTP exchange class shares: the server's address, the token, requests, errors.

nbgrader's default exchange is a folder every learner can write to; this one is a client of
``autograder serve`` (docs/grading-at-scale.md): the token names the learner, the server
decides what they may see, and nothing is written anywhere but the caller's own folders.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from typing import Any
from urllib.parse import quote

import requests
from dateutil.tz import gettz
from nbgrader.exchange.abc import Exchange
from traitlets import Bool, Float, Unicode, default

from autograder import client
from autograder.exchange import files

# the server's long poll answers after at most this many seconds (API contract)
LONG_POLL_MAX = 60
FINAL = client.FINAL


def _saved() -> dict[str, Any]:
    """What `autograder learner-setup` saved; an unreadable file is reported when used."""
    try:
        return client.read_config()
    except client.ClientError:
        return {}


class HttpExchange(Exchange):
    """The course server's address and the caller's token, shared by every HTTP exchange class.

    ``c.HttpExchange.url`` and ``c.HttpExchange.token`` configure all of them at once.
    """

    url = Unicode(
        help=(
            "The course server (autograder serve), e.g. http://127.0.0.1:8744. Default: "
            f"${client.ENV_SERVER}, else the file `autograder learner-setup --server` wrote."
        )
    ).tag(config=True)

    token = Unicode(
        help=(
            f"The caller's token (autograder token add). Default: ${client.ENV_TOKEN}, else the "
            f"file `autograder learner-setup --token` wrote, else ${client.ENV_HUB_TOKEN} (the "
            "single-user server's Hub token, when the course server is a Hub service)."
        )
    ).tag(config=True)

    path_includes_course = Bool(
        False,
        help=(
            "Whether a learner's assignment folder is prefixed with the course id "
            "(./course123/ps1 rather than ./ps1), as in nbgrader's default exchange."
        ),
    ).tag(config=True)

    # nbgrader's folder exchange settings: the course's config may set them for the default
    # exchange; accepted here (so they raise no warning) and not used
    root = Unicode("", help="Not used: the course server replaces the exchange folder.").tag(
        config=True
    )
    cache = Unicode("", help="Not used: the course server keeps each learner's submissions.").tag(
        config=True
    )

    request_timeout = Float(
        30.0, help="Seconds to wait for the course server to answer one request."
    ).tag(config=True)

    @default("url")
    def _url_default(self) -> str:
        return os.environ.get(client.ENV_SERVER) or str(_saved().get("server") or "")

    @default("token")
    def _token_default(self) -> str:
        return (
            os.environ.get(client.ENV_TOKEN)
            or str(_saved().get("token") or "")
            or os.environ.get(client.ENV_HUB_TOKEN, "")
        )

    # -- requests ------------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self, "_http", None)
        if session is None:
            try:  # the client's resolution: its URL normalising and its sentences
                where = client.ServerConfig.resolve(
                    server=self.url or None, token=self.token or None
                )
            except client.ClientError as error:
                self.fail(f"{str(error)[:1].upper()}{str(error)[1:]}.")
            self.url = where.url
            session = self._http = requests.Session()
            session.headers["Authorization"] = f"token {where.token}"
        return session

    def api_url(self, path: str) -> str:
        return self.url.rstrip("/") + path

    def request(self, method: str, path: str, *, timeout: float | None = None, **kwargs):
        """One API call; any failure becomes an ExchangeError with the server's own sentence."""
        session = self._session()
        try:
            response = session.request(
                method, self.api_url(path), timeout=timeout or self.request_timeout, **kwargs
            )
        except requests.RequestException as error:
            self.fail(f"Cannot reach the course server at {self.url}: {error.__class__.__name__}.")
        if response.status_code >= 400:
            self.fail(self._explain(response))
        return response

    def _explain(self, response: requests.Response) -> str:
        said, body = client.server_said(response)
        if response.status_code == 401:
            return f"The course server refused the token: {said}."
        if response.status_code == 429 and "try again" not in said:
            wait = body.get("retry_after") or response.headers.get("Retry-After")
            return f"The course server refused: {said} (try again in {wait} s)."
        return f"The course server answered {response.status_code}: {said}."

    def get_json(self, path: str, **kwargs) -> Any:
        response = self.request("GET", path, **kwargs)
        try:
            return response.json()
        except ValueError:
            self.fail(f"The course server answered {path} with something that is not JSON.")

    def download(self, path: str) -> tempfile.SpooledTemporaryFile:
        """A zip the server sends, spooled to disk past a few megabytes."""
        response = self.request("GET", path, stream=True)
        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
        try:
            for chunk in response.iter_content(1 << 16):
                spool.write(chunk)
        except requests.RequestException as error:
            spool.close()
            self.fail(f"The download of {path} broke off: {error.__class__.__name__}.")
        spool.seek(0)
        return spool

    def open_zip(self, path: str) -> files.ZipFromServer:
        try:
            return files.ZipFromServer(
                self.download(path), limit=1000 * self.coursedir.max_dir_size
            )
        except files.UnsafeArchive as error:
            self.fail(f"The course server's answer to {path} was refused: {error}")

    # -- what every command needs ---------------------------------------------------------------

    def require_course(self) -> str:
        """The course id nbgrader shows: the configured one, else the one the server names."""
        if not self.coursedir.course_id:
            named = self.identity().get("course")
            if not named:
                self.fail(
                    "No course id specified: set c.CourseDirectory.course_id to the course's "
                    "name, or re-run with --course."
                )
            self.coursedir.course_id = str(named)
        return self.coursedir.course_id

    def released(self) -> dict[str, list[str]]:
        """Released assignment id -> its notebooks' file names, as the server lists them."""
        answer = self.get_json("/api/assignments")
        return {a["id"]: list(a.get("notebooks", [])) for a in answer.get("assignments", [])}

    def require_released(self, assignment_id: str) -> list[str]:
        released = self.released()
        if assignment_id not in released:
            known = ", ".join(sorted(released)) or "none"
            self.fail(
                f"Assignment {assignment_id} is not released on the course server "
                f"(released: {known})."
            )
        return released[assignment_id]

    def identity(self) -> dict[str, Any]:
        """``GET /api/whoami``, asked once."""
        if getattr(self, "_identity", None) is None:
            self._identity = self.get_json("/api/whoami")
        return self._identity

    def whoami(self) -> str:
        return str(self.identity()["learner"])

    def local_root(self, assignment_id: str) -> str:
        """The learner's folder of an assignment, as nbgrader's default exchange places it."""
        if self.path_includes_course:
            return os.path.join(self.coursedir.course_id, assignment_id)
        return assignment_id

    def nbgrader_timestamp(self, received_at: str) -> str:
        """The server's ISO 8601 time in nbgrader's timezone and format (folder names use it)."""
        when = dt.datetime.fromisoformat(received_at.replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        zone = gettz(self.timezone)
        if zone is None:
            self.fail(f"Invalid timezone: {self.timezone}")
        return when.astimezone(zone).strftime(self.timestamp_format)

    def assignment_path(self, assignment_id: str, tail: str = "") -> str:
        return f"/api/assignments/{quote(assignment_id, safe='')}{tail}"

    def submissions(self, assignment_id: str) -> list[dict]:
        """The caller's own submissions of an assignment, newest first."""
        answer = self.get_json("/api/submissions", params={"assignment": assignment_id})
        return list(answer.get("submissions", []))

    def wait_for(self, submission: dict, seconds: float) -> dict:
        """The submission once graded (or failed), or as it stands after ``seconds``."""
        deadline = time.monotonic() + seconds
        while submission.get("status") not in FINAL:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            poll = max(1, min(LONG_POLL_MAX, int(left)))
            submission = self.get_json(
                f"/api/submissions/{quote(str(submission['id']), safe='')}",
                params={"wait": poll},
                timeout=poll + self.request_timeout,
            )
        return submission
