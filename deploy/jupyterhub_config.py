# A cohort on one machine: JupyterHub with the course server as a managed service.
#
#     jupyterhub -f deploy/jupyterhub_config.py      (from the course folder; docs/jupyterhub.md)
#
# Learners log in (DummyAuthenticator: any name; set AUTOGRADER_HUB_PASSWORD to require a
# shared password, or replace the authenticator for a real cohort), get a JupyterLab whose
# nbgrader Assignments tab and `autograder submit` / `q.submit()` reach the course server with
# the Hub's own token; no token is handed out. Instructors (the Hub group `instructors`, filled
# from AUTOGRADER_INSTRUCTORS) get Formgrader on the course folder.
#
# Spawner, run as an ordinary user: SimpleLocalProcessSpawner. It needs no system users and no
# root, so one command starts a cohort on a laptop or a single VM; but every single-user server
# runs as the Unix user that runs the Hub. Each learner has their own folder and JupyterLab's
# file browser stays in it, yet code in a learner's kernel can read other learners' folders and
# the course folder. For learners you do not trust with that, run the Hub as root (system
# users, the default there; AUTOGRADER_HUB_SPAWNER=system): LocalProcessSpawner, each server
# running as the system user of that name, whose home is made theirs alone (0700), and the
# course folder closed to other users (o-rwx); PAM logs them in
# (AUTOGRADER_HUB_AUTHENTICATOR=dummy lets in only users an admin made). Or use The Littlest
# JupyterHub or Zero to JupyterHub (docs/jupyterhub.md): a user or container each.
#
# Settings (environment variables, all optional):
#   AUTOGRADER_COURSE          course folder (default: the folder above deploy/)
#   AUTOGRADER_HUB_DIR         where the Hub keeps its database, secrets and learners' homes
#                              (default: <course>/.hub)
#   AUTOGRADER_HUB_IP / _PORT  the address learners open (default 127.0.0.1:8000)
#   AUTOGRADER_INSTRUCTORS     comma-separated Hub user names in the instructors group
#                              (default: instructor)
#   AUTOGRADER_HUB_PASSWORD    the DummyAuthenticator's shared password (default: none asked)
#   AUTOGRADER_HUB_SPAWNER     simple or system (see above); default: system as root, else simple
#   AUTOGRADER_HUB_AUTHENTICATOR  with system: pam (default) or dummy
#   AUTOGRADER_SERVE_ARGS      more options of `autograder serve`, e.g. "--workers 2 --keep best"
#   AUTOGRADER_SERVE_PORT, AUTOGRADER_HUB_API_PORT, AUTOGRADER_PROXY_API_PORT: internal ports
import asyncio
import os
import shlex
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub provides it)

SERVICE = "course"
GROUP = "instructors"

course = Path(os.environ.get("AUTOGRADER_COURSE") or Path(__file__).resolve().parents[1])
state = Path(os.environ.get("AUTOGRADER_HUB_DIR") or course / ".hub")
state.mkdir(parents=True, exist_ok=True, mode=0o700)
ip = os.environ.get("AUTOGRADER_HUB_IP", "127.0.0.1")
port = int(os.environ.get("AUTOGRADER_HUB_PORT", "8000"))
serve_port = int(os.environ.get("AUTOGRADER_SERVE_PORT", "8744"))
instructors = [
    name.strip()
    for name in os.environ.get("AUTOGRADER_INSTRUCTORS", "instructor").split(",")
    if name.strip()
]
# the course server as the learners' servers reach it: through the Hub's proxy
course_url = f"http://{'127.0.0.1' if ip in ('', '0.0.0.0') else ip}:{port}/services/{SERVICE}"
# programs next to this Python (a venv's bin/), so the Hub needs nothing on PATH
bin_dir = Path(sys.executable).parent

c.JupyterHub.ip = ip
c.JupyterHub.port = port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("AUTOGRADER_HUB_API_PORT", "8081"))
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{os.environ.get('AUTOGRADER_PROXY_API_PORT', '8001')}"
)
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
# the pip proxy (configurable-http-proxy on PyPI), else the npm one on PATH
proxy = bin_dir / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [str(proxy) if proxy.exists() else "configurable-http-proxy"]

# -- who logs in ---------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
if os.environ.get("AUTOGRADER_HUB_PASSWORD"):
    c.DummyAuthenticator.password = os.environ["AUTOGRADER_HUB_PASSWORD"]
c.JupyterHub.load_groups = {GROUP: {"users": instructors}}

# -- the course server, a managed service ----------------------------------------------------
c.JupyterHub.services = [
    {
        "name": SERVICE,
        "url": f"http://127.0.0.1:{serve_port}",
        "command": [
            sys.executable,
            "-m",
            "autograder",
            "serve",
            "--hub",
            "--root",
            str(course),
            "--ip",
            "127.0.0.1",
            "--port",
            str(serve_port),
            "--released-only",
            "--instructors-group",
            GROUP,
            *shlex.split(os.environ.get("AUTOGRADER_SERVE_ARGS", "")),
        ],
        "cwd": str(course),
        "environment": {
            key: os.environ[key]
            for key in ("PATH", "PYTHONPATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
            if key in os.environ
        },
        "oauth_no_confirm": True,
        "display": True,
    }
]
c.JupyterHub.load_roles = [
    # every Hub user may call the course server; it decides what each may see
    {"name": "user", "scopes": ["self", f"access:services!service={SERVICE}"]},
    # the least the service needs: the members of the instructors' group, nothing else
    {"name": "course-server", "scopes": [f"read:groups!group={GROUP}"], "services": [SERVICE]},
]

# -- each user's JupyterLab --------------------------------------------------------------------
# system users by default when the Hub runs as root: never every learner's code as root
SYSTEM_USERS = (
    os.environ.get("AUTOGRADER_HUB_SPAWNER") or ("system" if os.geteuid() == 0 else "simple")
) == "system"
if SYSTEM_USERS:
    # each user's server runs as the system user of that name; their home is theirs alone
    c.JupyterHub.authenticator_class = os.environ.get("AUTOGRADER_HUB_AUTHENTICATOR", "pam")
    c.JupyterHub.spawner_class = "localprocess"
    # only users an administrator made (or PAM accepts) log in: a name is a system account
    c.Authenticator.allow_all = False
    c.Authenticator.allow_existing_users = True
    # the course (its key, hidden data, every learner's work) is not for other users; its
    # group (instructors' Unix group, if the admin made one) keeps its access
    course.chmod(course.stat().st_mode & ~0o007)
else:
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "home" / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
if os.geteuid() == 0 and not SYSTEM_USERS:
    # simple asked for as root (a throwaway container, CI): Jupyter refuses root unless told;
    # on a shared machine run the Hub as an ordinary user instead, since every learner's
    # kernel runs as that user
    c.Spawner.args = ["--allow-root"]
c.Spawner.default_url = "/lab"
c.Spawner.env_keep = ["PATH", "PYTHONPATH", "LANG", "LC_ALL", "TMPDIR", "JUPYTERHUB_SINGLEUSER_APP"]
c.Spawner.environment = {"AUTOGRADER_SERVER": course_url}
# the server's $JUPYTERHUB_API_TOKEN may also call the course server: the exchange uses it
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    f"access:services!service={SERVICE}",
]
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120


def _system_user(name: str):
    """A system user's home, uid and gid, and a function that makes a child process them."""
    import pwd

    from jupyterhub.spawner import set_user_setuid

    entry = pwd.getpwnam(name)
    return Path(entry.pw_dir), entry.pw_uid, entry.pw_gid, set_user_setuid(name, chdir=False)


async def configure_server(spawner):
    """Learners: `autograder learner-setup --hub`. Instructors: Formgrader on the course.

    A system user's files are written as that user, in their own home (mode 0700)."""
    instructor = any(group.name == GROUP for group in spawner.user.groups)
    if instructor:
        spawner.notebook_dir = str(course)
    as_user = None
    if hasattr(spawner, "home_dir"):
        home = Path(spawner.home_dir)
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    else:
        home, uid, gid, as_user = _system_user(spawner.user.name)
        home.mkdir(parents=True, exist_ok=True)
        os.chown(home, uid, gid)
        home.chmod(0o700)
    config_dir = home / ".jupyter"
    spawner.environment = {
        **spawner.environment,
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "XDG_CONFIG_HOME": str(home / ".config"),
    }
    if instructor:
        # Formgrader on the course: nbgrader reads the course's own config from any folder,
        # and its exchange commands reach the course server too
        from autograder.learner_server import write_exchange_config

        write_exchange_config(config_dir)
        (config_dir / "nbgrader_config.py").write_text(
            f"c = get_config()  # noqa: F821\nload_subconfig({str(course / 'nbgrader_config.py')!r})\n",
            encoding="utf-8",
        )
        if as_user is not None:
            for path in [config_dir, *config_dir.rglob("*")]:
                os.chown(path, uid, gid)
        return
    command = [sys.executable, "-m", "autograder", "learner-setup", "--hub"]
    command += ["--server", course_url, "--config-dir", str(config_dir)]
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        cwd=str(home),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=as_user,  # a system user's own files, made as them
    )
    _, stderr = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"{shlex.join(command)} failed: {stderr.decode().strip()}")


c.Spawner.pre_spawn_hook = configure_server
