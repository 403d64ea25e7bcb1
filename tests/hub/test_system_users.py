"""Learners as system users on a real JupyterHub: deploy/jupyterhub_config.py with
``AUTOGRADER_HUB_SPAWNER=system``, what docs/jupyterhub.md recommends for a real cohort.

Two system users are made for the test (``useradd``); the Hub (as root) spawns each one's
single-user server as that user through the config's LocalProcessSpawner. A file Ana saves
through her own JupyterLab is hers alone: Ben, as himself, can neither read it nor list her
home, nor reach the course folder (the key, hidden data, everyone's submissions); Ana can.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.hub.hubbing import Hub, missing_programs
from tests.server.serving import make_course

pytestmark = pytest.mark.pipeline

API = "/services/course/api"
SECRET = "my answers, not Ben's"


def need_root() -> None:
    missing = missing_programs()
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        missing = missing or "root and useradd: the Hub runs servers as other users"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"learners as system users cannot be tested under CI: {missing}")
        pytest.skip(f"needs {missing} (run the suite as root, e.g. in a container)")


def as_user(name: str, code: str) -> subprocess.CompletedProcess:
    """Python run as the system user ``name`` (what code in their kernel could do)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        user=name,
        group=pwd.getpwnam(name).pw_gid,
        extra_groups=[],
        cwd="/",
        env={"PATH": os.environ["PATH"], "HOME": pwd.getpwnam(name).pw_dir},
        capture_output=True,
        text=True,
        timeout=60,
    )


def reads(name: str, path: Path) -> str:
    """What ``name`` gets reading (or listing) ``path``: its text, or the error's name."""
    code = (
        "import os, sys\n"
        f"p = {str(path)!r}\n"
        "try:\n"
        "    print(open(p).read() if os.path.isfile(p) else sorted(os.listdir(p)), end='')\n"
        "except OSError as e:\n"
        "    print(type(e).__name__, end='')\n"
    )
    done = as_user(name, code)
    assert done.returncode == 0, done.stderr
    return done.stdout


def server_process(user: str) -> int:
    """The pid of ``user``'s single-user server (its environment names the Hub user)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"jupyterhub.singleuser" in command and f"JUPYTERHUB_USER={user}".encode() in environ:
            return int(entry.name)
    raise AssertionError(f"no single-user server of {user}")


@pytest.fixture(scope="module")
def cohort():
    need_root()
    suffix = secrets.token_hex(3)
    ana, ben = f"ana{suffix}", f"ben{suffix}"
    # a world-traversable place, so only the config's own permissions keep Ben out
    base = Path(tempfile.mkdtemp(prefix="hub-system-"))
    base.chmod(0o755)
    made = []
    try:
        for name in (ana, ben):
            subprocess.run(
                ["useradd", "--create-home", "--shell", "/usr/sbin/nologin", name], check=True
            )
            made.append(name)
        course = make_course(base)
        hub = Hub(
            course,
            base,
            env={"AUTOGRADER_HUB_SPAWNER": "system", "AUTOGRADER_HUB_AUTHENTICATOR": "dummy"},
        )
        try:
            tokens = {name: hub.add_user(name) for name in (ana, ben)}
            for name in (ana, ben):
                hub.start_server(name)
            saved = hub.call(
                "PUT",
                f"/user/{ana}/api/contents/notes.txt",
                token=tokens[ana],
                body={"type": "file", "format": "text", "content": SECRET},
            )
            assert saved.status in (200, 201), saved.body
            yield {"hub": hub, "course": course, "ana": ana, "ben": ben, "tokens": tokens}
        finally:
            hub.stop()
    finally:
        for name in made:
            subprocess.run(["userdel", "--remove", "--force", name], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def test_each_learners_server_runs_as_that_learner(cohort):
    for name in (cohort["ana"], cohort["ben"]):
        pid = server_process(name)
        status = Path(f"/proc/{pid}/status").read_text()
        (uids,) = [line.split()[1:] for line in status.splitlines() if line.startswith("Uid:")]
        assert set(uids) == {str(pwd.getpwnam(name).pw_uid)}, (name, uids)


def test_a_learners_home_and_setup_are_hers_alone(cohort):
    ana = pwd.getpwnam(cohort["ana"])
    home = Path(ana.pw_dir)
    assert home.stat().st_mode & 0o777 == 0o700
    saved = home / "notes.txt"
    assert saved.stat().st_uid == ana.pw_uid  # written by her server, as her
    setup = list((home / ".jupyter").rglob("*"))
    assert setup and all(path.stat().st_uid == ana.pw_uid for path in setup)
    assert reads(cohort["ana"], saved) == SECRET  # she can read her own work


def test_another_learner_cannot_read_or_list_her_work(cohort):
    home = Path(pwd.getpwnam(cohort["ana"]).pw_dir)
    assert reads(cohort["ben"], home / "notes.txt") == "PermissionError"
    assert reads(cohort["ben"], home) == "PermissionError"


def test_learners_cannot_reach_the_course_folder(cohort):
    course = cohort["course"]
    assert course.stat().st_mode & 0o007 == 0
    for name in (cohort["ana"], cohort["ben"]):
        assert reads(name, course) == "PermissionError"
        assert reads(name, course / "course.toml") == "PermissionError"


def test_the_learners_server_still_reaches_the_course_server(cohort):
    """Her server's own Hub token (from its environment) is her, for the course server."""
    environ = Path(f"/proc/{server_process(cohort['ana'])}/environ").read_bytes().split(b"\0")
    (token,) = [
        v.split(b"=", 1)[1].decode() for v in environ if v.startswith(b"JUPYTERHUB_API_TOKEN=")
    ]
    reply = cohort["hub"].call("GET", f"{API}/whoami", token=token)
    assert reply.status == 200, reply.body
    assert reply.json["learner"] == cohort["ana"]
