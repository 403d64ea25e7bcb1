"""A real JupyterHub for tests: deploy/jupyterhub_config.py on free loopback ports.

``Hub(course, folder)`` starts ``jupyterhub -f`` on a small config that loads the project's
``deploy/jupyterhub_config.py`` unchanged and adds one admin service for the test (it creates
users and their tokens over the Hub's REST API, as an administrator's script would). The
course server is the config's managed service; the proxy is the pip configurable-http-proxy.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.server.serving import ROOT, Reply, free_port

DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
START_SECONDS = 120
INSTRUCTOR = "teacher"

OVERLAY = """
import os
load_subconfig({deploy!r})
c.JupyterHub.services = c.JupyterHub.services + [
    {{"name": "cohort-admin", "api_token": os.environ["COHORT_ADMIN_TOKEN"]}}
]
c.JupyterHub.load_roles = c.JupyterHub.load_roles + [
    {{
        "name": "cohort-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "list:users"],
        "services": ["cohort-admin"],
    }}
]
"""


def missing_programs() -> str | None:
    """The install command when JupyterHub or the pip proxy is missing, else None."""
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        return "pip install 'ds-interview-loop[hub]'"
    proxy = Path(sys.executable).parent / "configurable-http-proxy"
    if not proxy.exists() and shutil.which("configurable-http-proxy") is None:
        return "pip install configurable-http-proxy"
    return None


class Hub:
    """``jupyterhub`` as a subprocess (its own process group), with the course service."""

    def __init__(self, course: Path, folder: Path, env: dict | None = None):
        self.course, self.folder = Path(course), Path(folder)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(16)
        config = self.folder / "hub_config.py"
        config.write_text(OVERLAY.format(deploy=str(DEPLOY_CONFIG)), encoding="utf-8")
        env = {
            **os.environ,
            "AUTOGRADER_COURSE": str(self.course),
            "AUTOGRADER_HUB_DIR": str(self.folder / "state"),
            "AUTOGRADER_HUB_PORT": str(self.port),
            "AUTOGRADER_HUB_API_PORT": str(free_port()),
            "AUTOGRADER_PROXY_API_PORT": str(free_port()),
            "AUTOGRADER_SERVE_PORT": str(free_port()),
            "AUTOGRADER_INSTRUCTORS": INSTRUCTOR,
            "COHORT_ADMIN_TOKEN": self.admin_token,
            # users made over the REST API only, no system accounts (test_system_users has them)
            "AUTOGRADER_HUB_SPAWNER": "simple",
            **(env or {}),
        }
        self.log = self.folder / "jupyterhub.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)],
                cwd=self.folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        """Until the Hub answers and the course service behind its proxy does too."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited at start:\n{self.output()}")
            reply = self.call("GET", "/services/course/api/whoami", token=None)
            if reply.status == 401:  # the course server itself answered: it wants a Hub user
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the Hub was not ready in {START_SECONDS} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-20000:]

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None,
        body: object = None,
        timeout: float = 120,
    ) -> Reply:
        """One request to the Hub's public port (the proxy); ``body`` is sent as JSON."""
        headers = {"Authorization": f"token {token}"} if token else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())
        except (urllib.error.URLError, ConnectionError) as error:
            return Reply(599, {}, str(error).encode())

    def admin(self, method: str, path: str, body: object = None) -> Reply:
        reply = self.call(method, "/hub/api" + path, token=self.admin_token, body=body)
        assert reply.status < 300, (method, path, reply.status, reply.body)
        return reply

    def add_user(self, name: str, scopes: list[str] | None = None) -> str:
        """A Hub user (made if new) and a new API token of theirs."""
        if self.call("GET", f"/hub/api/users/{name}", token=self.admin_token).status == 404:
            self.admin("POST", f"/users/{name}")
        body = {"note": "cohort test", "expires_in": 3600}
        if scopes is not None:
            body["scopes"] = scopes
        return self.admin("POST", f"/users/{name}/tokens", body).json["token"]

    def start_server(self, name: str, seconds: float = 120) -> None:
        """The user's single-user server, spawned and ready."""
        reply = self.call("POST", f"/hub/api/users/{name}/server", token=self.admin_token)
        assert reply.status in (201, 202), reply.body
        self.wait_server(name, seconds)

    def wait_server(self, name: str, seconds: float = 300) -> None:
        """Until the user's server (being spawned) is ready."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            model = self.admin("GET", f"/users/{name}").json
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise AssertionError(f"{name}'s server did not start:\n{self.output()}")

    def stop(self) -> int:
        """SIGTERM the Hub (it stops its service, proxy and servers); SIGKILL the rest."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                pass
        try:  # anything left in its process group (servers the Hub left running)
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        return self.process.returncode
