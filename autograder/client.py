"""A learner's client of the course server: where it is, submitting a notebook, the verdicts.

The server (``autograder serve``) holds the key and grades each submission on arrival;
this module only speaks its HTTP API (``docs/`` and the README describe it). The URL and
token come from explicit arguments, else ``AUTOGRADER_SERVER`` / ``AUTOGRADER_TOKEN``,
else the file ``autograder learner-setup --server URL --token TOKEN`` writes. Every failure
is a :class:`ClientError` holding one sentence a learner can act on.

The kernel-side helpers at the end (:func:`notebook_in_kernel`, :func:`unsaved_since`) are
the logic of ``q.submit()``; :mod:`autograder.learner` shows their outcome.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ENV_SERVER, ENV_TOKEN = "AUTOGRADER_SERVER", "AUTOGRADER_TOKEN"
# on a JupyterHub, the single-user server's own Hub token is the learner's token
ENV_HUB_TOKEN = "JUPYTERHUB_API_TOKEN"
CONFIG_NAME = Path("ds-interview-loop") / "server.json"
FINAL = ("graded", "failed")
POLL_SECONDS = 60  # the longest wait the server grants one poll
_LOAD_CALL = re.compile(r"""autograder\.load\(\s*["']([^"']+)["']""")


class ClientError(Exception):
    """A failure told in one sentence (no server set, unreachable, refused, too slow)."""


class ServerRefused(ClientError):
    """The server answered with an HTTP error; ``status`` and ``retry_after`` say which."""

    def __init__(self, message: str, *, status: int, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


# ---- where the server is ---------------------------------------------------------------


def config_path() -> Path:
    """``$XDG_CONFIG_HOME/ds-interview-loop/server.json`` (default ``~/.config/...``)."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / CONFIG_NAME


def normalize_url(url: str) -> str:
    """``host:port`` gets ``http://``; a trailing slash goes."""
    url = url.strip().rstrip("/")
    if not url:
        raise ClientError("the server URL is empty: give one like http://127.0.0.1:8744")
    if "://" not in url:
        url = f"http://{url}"
    if not url.startswith(("http://", "https://")):
        raise ClientError(f"the server URL {url} is not an http:// or https:// address")
    return url


@dataclass(frozen=True)
class ServerConfig:
    url: str
    token: str
    source: str  # where the URL came from, for messages

    @classmethod
    def resolve(
        cls, *, server: str | None = None, token: str | None = None, path: Path | None = None
    ) -> ServerConfig:
        """Each of URL and token from the argument, else the environment, else the file."""
        given_url = server or os.environ.get(ENV_SERVER)
        given_token = token or os.environ.get(ENV_TOKEN)
        # the file is read only when needed: a broken one must not block explicit settings
        saved = {} if given_url and given_token else read_config(path)
        where = str(path or config_path())
        url, source = next(
            (
                (value, origin)
                for value, origin in (
                    (server, "the --server option"),
                    (os.environ.get(ENV_SERVER), ENV_SERVER),
                    (saved.get("server"), where),
                )
                if value
            ),
            (None, None),
        )
        secret = (
            token
            or os.environ.get(ENV_TOKEN)
            or saved.get("token")
            or os.environ.get(ENV_HUB_TOKEN)
        )
        if not url:
            raise ClientError(
                f"no course server is set: run `autograder learner-setup --server URL --token "
                f"TOKEN`, set {ENV_SERVER} and {ENV_TOKEN}, or pass --server and --token"
            )
        url = normalize_url(url)
        if not secret:
            raise ClientError(
                f"no token for {url}: ask your instructor for one (or run `autograder token add "
                f"YOUR_NAME` in your own course), then pass --token or set {ENV_TOKEN}"
            )
        return cls(url, secret.strip(), source)


def read_config(path: Path | None = None) -> dict:
    """The saved server and token (empty when there is no file)."""
    path = path or config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ClientError(
            f"{path} is not readable JSON ({type(error).__name__}): run learner-setup again"
        ) from None
    return data if isinstance(data, dict) else {}


def write_config(*, server: str, token: str | None, path: Path | None = None) -> Path:
    """Save the server URL and token, readable by this user only (mode 0600).

    Without a token (on a JupyterHub) the Hub's ``$JUPYTERHUB_API_TOKEN`` is used at run time.
    """
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    saved = {"server": normalize_url(server)}
    if token:
        saved["token"] = token.strip()
    text = json.dumps(saved, indent=2)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file may have been readable by others
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text + "\n")
    return path


# ---- the result --------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckLine:
    kind: str  # "visible" or "hidden"
    passed: bool
    message: str


@dataclass(frozen=True)
class ExerciseVerdict:
    notebook: str
    exercise: str
    score: float
    max_score: float
    checks: tuple[CheckLine, ...] = ()
    auto: bool = True  # False for an answer graded by hand

    @property
    def full_marks(self) -> bool:
        return self.score >= self.max_score


@dataclass(frozen=True)
class SubmissionResult:
    id: str
    assignment: str
    status: str
    error: str | None = None
    score: float = 0.0
    max_score: float = 0.0
    exercises: tuple[ExerciseVerdict, ...] = ()
    raw: dict = field(default_factory=dict, compare=False)  # the server's JSON, for --json

    @property
    def ok(self) -> bool:
        """Graded, and every auto-graded exercise has full marks."""
        auto = [e for e in self.exercises if e.auto]
        return self.status == "graded" and bool(auto) and all(e.full_marks for e in auto)

    @classmethod
    def from_json(cls, data: dict) -> SubmissionResult:
        result = data.get("result") or {}
        exercises = tuple(
            ExerciseVerdict(
                notebook=Path(nb.get("notebook", "")).stem,
                exercise=ex.get("exercise", ""),
                score=float(ex.get("score") or 0),
                max_score=float(ex.get("max_score") or 0),
                checks=tuple(
                    CheckLine(c.get("kind", "visible"), bool(c.get("passed")), c.get("message", ""))
                    for c in ex.get("checks") or ()
                ),
                auto=_is_auto(ex),
            )
            for nb in result.get("notebooks") or ()
            for ex in nb.get("exercises") or ()
        )
        return cls(
            id=data.get("id", ""),
            assignment=data.get("assignment", ""),
            status=data.get("status", ""),
            error=data.get("error"),
            score=float(result.get("score") or 0),
            max_score=float(result.get("max_score") or 0),
            exercises=exercises,
            raw=data,
        )


def _is_auto(exercise: dict) -> bool:
    """The server lists auto-graded exercises; one graded by hand would say so."""
    if "auto" in exercise:
        return bool(exercise["auto"])
    return not (exercise.get("manual") or exercise.get("needs_manual_grade"))


# ---- talking to the server ---------------------------------------------------------------


class Client:
    """Requests to one server with one token; HTTP errors become :class:`ClientError`."""

    def __init__(self, config: ServerConfig):
        import requests

        self.config = config
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {config.token}"

    def request(self, method: str, path: str, *, timeout: float = 60, **kwargs):
        import requests

        url = self.config.url + path
        try:
            response = self.session.request(method, url, timeout=timeout, **kwargs)
        except requests.exceptions.ConnectionError as error:
            raise ClientError(
                f"the course server at {self.config.url} is unreachable "
                f"({_reason(error)}): check the URL (from {self.config.source}) and that "
                "`autograder serve` is running there"
            ) from None
        except requests.exceptions.Timeout:
            raise ClientError(
                f"the course server at {self.config.url} did not answer within {timeout:g} s"
            ) from None
        if response.status_code >= 400:
            raise refusal(response)
        return response

    def json(self, method: str, path: str, **kwargs) -> dict:
        response = self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise ClientError(
                f"{self.config.url} answered {path} with something that is not JSON: "
                "is that URL a course server?"
            ) from None


def _reason(error: Exception) -> str:
    text = str(error)
    for known in ("Connection refused", "Name or service not known", "No route to host"):
        if known in text:
            return known.lower()
    return "no connection"


def server_said(response) -> tuple[str, dict]:
    """An error response's one sentence (without its full stop) and its JSON body."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    said = (body.get("error") or response.reason or "no reason given").rstrip(".")
    return said, body


def refusal(response) -> ServerRefused:
    """The server's one sentence for an HTTP error, framed for a learner."""
    said, body = server_said(response)
    status = response.status_code
    if status == 401:
        return ServerRefused(f"the server did not accept your token: {said}", status=status)
    if status == 429:
        wait = _retry_after(response, body)
        when = datetime.now(UTC) + timedelta(seconds=wait)
        again = "" if "try again" in said else f": try again in {_duration(wait)}"
        return ServerRefused(
            f"{said}{again} (at {when:%H:%M} UTC)",
            status=status,
            retry_after=wait,
        )
    if status >= 500:
        return ServerRefused(f"the server failed ({status}): {said}", status=status)
    return ServerRefused(said, status=status)


def _retry_after(response, body) -> float:
    for value in (body.get("retry_after") if isinstance(body, dict) else None,
                  response.headers.get("Retry-After")):  # fmt: skip
        try:
            return max(0.0, float(value))
        except (TypeError, ValueError):
            continue
    return 60.0


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 120:
        return f"{seconds} s"
    return f"{(seconds + 59) // 60} minutes"


# ---- submitting --------------------------------------------------------------------------


def assignment_of(path: Path, nb: dict) -> str:
    """The assignment a notebook belongs to: its ``autograder.load("...")`` call, else its folder."""
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        found = _LOAD_CALL.search("".join(source) if isinstance(source, list) else source)
        if found:
            return found.group(1)
    return path.resolve().parent.name


def read_notebook(path: str | Path) -> tuple[Path, dict]:
    path = Path(path)
    if not path.is_file():
        raise ClientError(f"there is no notebook {path}")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ClientError(f"{path} is not a notebook (it is not readable notebook JSON)") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ClientError(f"{path} is not a notebook (it has no cells)")
    return path, nb


def submit(
    path: str | Path,
    *,
    server: str | None = None,
    token: str | None = None,
    assignment: str | None = None,
    timeout: float = 300,
) -> SubmissionResult:
    """Upload a notebook, wait for its verdicts (up to ``timeout`` seconds), return them."""
    path, nb = read_notebook(path)
    client = Client(ServerConfig.resolve(server=server, token=token))
    assignment = assignment or assignment_of(path, nb)
    accepted = client.json(
        "POST",
        f"/api/assignments/{assignment}/submissions",
        json={"notebooks": {path.name: nb}},
    )
    if not accepted.get("id"):
        raise ClientError(f"{client.config.url} accepted the notebook but gave no submission id")
    return wait(client, accepted["id"], timeout=timeout)


def wait(client: Client, submission: str, *, timeout: float = 300) -> SubmissionResult:
    """Long-poll a submission until it is graded or failed, or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        poll = int(max(0, min(POLL_SECONDS, left)))
        data = client.json("GET", f"/api/submissions/{submission}?wait={poll}", timeout=poll + 30)
        if data.get("status") in FINAL:
            return SubmissionResult.from_json(data)
        if time.monotonic() >= deadline:
            raise ClientError(
                f"submission {submission} is still {data.get('status', 'queued')} after "
                f"{timeout:g} s: it will be graded; run the command again later with a longer "
                "--timeout, or ask the server for it"
            )


# ---- from inside a notebook (the logic of q.submit()) ------------------------------------


def notebook_in_kernel(namespace: dict, environ=os.environ, cwd: Path | None = None) -> Path:
    """The notebook this kernel runs, from what JupyterLab gives it (``__session__``)."""
    cwd = Path(cwd or Path.cwd())
    for name in (namespace.get("__session__"), environ.get("JPY_SESSION_NAME")):
        if not name or not str(name).endswith(".ipynb"):
            continue
        given = Path(str(name))
        for candidate in (given, cwd / given, cwd / given.name):
            if candidate.is_file():
                return candidate.resolve()
    raise ClientError(
        "cannot tell which notebook this kernel runs (JupyterLab says so, other front ends may "
        'not): name it, as in q.submit("python_fundamentals.ipynb")'
    )


def unsaved_since(path: Path, last_run: float | None) -> bool:
    """True when ``path`` on disk is older than the start of the last cell run (not saved)."""
    return last_run is not None and path.stat().st_mtime < last_run
