"""Launch learner code (a grading kernel or a judge's worker) confined.

``confined_command(cmd, ...)`` returns the command line that runs ``cmd`` under:

- resource limits (CPU seconds, address space, file size, processes, open files, no core);
- a private mount namespace in which each course folder shows only the package and data,
  read-only, plus the notebook's own folder; ``source/``, the gradebook, other learners'
  folders, the exchange and the answer bank are simply not there (nor, therefore, the
  course's keys); ``/tmp`` and Jupyter's runtime folder are fresh;
- the unprivileged ``nobody`` user, so the mounts cannot be undone;
- optionally a network namespace with no interfaces (the worker, which needs no network);
- a scrubbed environment (no grader variables to branch on);
- an audit hook (see :mod:`autograder.grading.guard`) refusing network connections and new
  processes from Python.

Namespaces need root (or a grading user allowed to unshare); without them the limits, the
scrubbed environment and the audit hook still apply and :func:`isolation_available` says so.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

NOBODY = 65534
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the installed autograder package
CHECKOUT = PACKAGE_DIR.parent  # a course checkout when installed with `pip install -e`
EXPOSED = ("autograder", "data")  # what learner code may read in a course folder
KEEP_ENV = ("PATH", "LANG", "LC_ALL", "TZ")


@dataclass(frozen=True)
class Limits:
    """Per-process limits for learner code; see docs/security.md for how they were chosen."""

    cpu_seconds: int = 300
    memory_mb: int = 4096  # address space: numpy and pandas map far more than they touch
    file_size_mb: int = 64
    processes: int = 64  # threads count: BLAS starts one per core
    open_files: int = 256


@dataclass
class Spec:
    roots: list[str]  # course folders to veil
    writable: str  # the learner's working folder, the process's cwd
    limits: Limits = field(default_factory=Limits)
    isolate: bool = True
    network: bool = False  # False: the process gets an empty network namespace (isolate only)

    @classmethod
    def from_dict(cls, data: dict) -> Spec:
        """The spec ``asdict`` turned into ``data`` (as it crosses a process boundary)."""
        return cls(**{**data, "limits": Limits(**data["limits"])})


def learner_environment(home: str, passed: Mapping[str, str]) -> dict[str, str]:
    """A confined process's whole environment: ``KEEP_ENV`` from ours, the ``JPY_*`` of
    ``passed`` (they tell a kernel it has a parent to watch), and nothing else."""
    env = {k: v for k, v in os.environ.items() if k in KEEP_ENV}
    env.update({k: v for k, v in passed.items() if k.startswith("JPY_")})
    env.update(HOME=home, TMPDIR="/tmp", PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    return env


@lru_cache(maxsize=1)
def isolation_available() -> bool:
    """True when this process can give learner code private mounts and drop to ``nobody``."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--net", "--propagation", "private", "true"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def spec_for(*, roots: list[Path], writable: Path, limits: Limits, network: bool) -> Spec:
    """How a learner process with these folders and limits is confined on this machine."""
    if (CHECKOUT / "nbgrader_config.py").is_file():
        roots = [*roots, CHECKOUT]  # the package's own course: its source/, answer bank, ...
    return Spec(
        roots=list(dict.fromkeys(str(Path(r).resolve()) for r in roots)),
        writable=str(Path(writable).resolve()),
        limits=limits,
        isolate=isolation_available(),
        network=network,
    )


def confined_command(
    cmd: list[str],
    *,
    roots: list[Path],
    writable: Path,
    limits: Limits,
    network: bool = True,
) -> list[str]:
    """The command line running ``cmd`` confined (see the module docstring)."""
    spec = spec_for(roots=roots, writable=writable, limits=limits, network=network)
    inner = [sys.executable, "-m", "autograder.grading.confine", json.dumps(asdict(spec)), "--"]
    if not spec.isolate:
        return inner + cmd
    namespaces = ["--mount"] + ([] if network else ["--net"])
    return ["unshare", *namespaces, "--propagation", "private", "--", *inner, *cmd]


# ---------------------------------------------------------------- inside the new namespace

_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_REMOUNT, _MS_BIND, _MS_REC = 1, 2, 4, 32, 4096, 16384
_MS_PRIVATE = 1 << 18


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None):
    libc = ctypes.CDLL(None, use_errno=True)
    result = libc.mount(
        source.encode(),
        target.encode(),
        fstype.encode() if fstype else None,
        ctypes.c_ulong(flags),
        data.encode() if data else None,
    )
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount {source} on {target}: {os.strerror(error)}")


def _tmpfs(target: str, mode: str = "755") -> None:
    _mount("tmpfs", target, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size=256m,mode={mode}")


def _bind(source: str, target: str, *, readonly: bool) -> None:
    _mount(source, target, None, _MS_BIND | _MS_REC)
    if readonly:
        _mount(source, target, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID)


def _veil(root: Path, writable: Path, real) -> None:
    """Mount at ``root`` a view holding only EXPOSED (read-only) and ``writable``.

    ``real(path)`` names where a path's original content can still be reached.
    """
    view = Path(tempfile.mkdtemp(prefix="view-", dir="/tmp"))
    _tmpfs(str(view))
    for name in EXPOSED:
        if os.path.exists(real(root / name)):
            (view / name).mkdir(parents=True, exist_ok=True)
            _bind(real(root / name), str(view / name), readonly=True)
    if writable.is_relative_to(root):
        inside = view / writable.relative_to(root)
        inside.mkdir(parents=True, exist_ok=True)
        _bind(real(writable), str(inside), readonly=False)
    root.mkdir(parents=True, exist_ok=True)  # under the fresh /tmp the path must be made
    _bind(str(view), str(root), readonly=False)


def _open_the_way(paths: list[str]) -> None:
    """Let ``nobody`` reach ``paths`` (the interpreter, its packages) through closed folders.

    A home folder such as /root is usually private: mount an empty folder over it and bind
    back, read-only, only the entry on the way to what must run. The rest of that home
    (Jupyter's files, credentials) stays out of sight.
    """
    done: set[Path] = set()
    for path in map(Path, paths):
        for ancestor in reversed(path.parents):
            if ancestor in done or ancestor == Path("/"):
                continue
            if not ancestor.exists():
                break
            if os.stat(ancestor).st_mode & 0o001:
                continue
            child = path.relative_to(ancestor).parts[0]
            keep = Path(tempfile.mkdtemp(prefix="keep-", dir="/tmp"))
            _bind(str(ancestor / child), str(keep), readonly=True)
            _tmpfs(str(ancestor))
            (ancestor / child).mkdir()
            _bind(str(keep), str(ancestor / child), readonly=True)
            done.add(ancestor)
            break


def _keep_interpreter(spec: Spec, real) -> None:
    """Bind back, read-only, the Python installation if the fresh /tmp or a veil hid it.

    A virtual environment in /tmp or inside the course checkout must still run; a path that
    would uncover a whole course folder is never bound.
    """
    roots = [Path(r) for r in spec.roots]
    for entry in dict.fromkeys([sys.prefix, sys.exec_prefix, sys.base_prefix, *sys.path[1:]]):
        path = Path(entry)
        if not entry or os.path.exists(path) or not os.path.isdir(real(path)):
            continue
        if any(root.is_relative_to(path) for root in roots):
            continue
        path.mkdir(parents=True, exist_ok=True)
        _bind(real(path), str(path), readonly=True)


def _kernel_files(args: list[str]) -> dict[int, bytes]:
    """Jupyter connection files (``-f PATH``) to hand over to the confined kernel."""
    return {
        i + 1: Path(args[i + 1]).read_bytes()
        for i, arg in enumerate(args[:-1])
        if arg == "-f" and os.path.isfile(args[i + 1])
    }


def _apply_limits(limits: Limits) -> None:
    mb = 1024 * 1024
    pairs = {
        resource.RLIMIT_CPU: (limits.cpu_seconds, limits.cpu_seconds + 5),
        resource.RLIMIT_AS: (limits.memory_mb * mb,) * 2,
        resource.RLIMIT_FSIZE: (limits.file_size_mb * mb,) * 2,
        resource.RLIMIT_NPROC: (limits.processes,) * 2,
        resource.RLIMIT_NOFILE: (limits.open_files,) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    for which, (soft, hard) in pairs.items():
        resource.setrlimit(which, (soft, hard))


def _isolate(spec: Spec, cmd: list[str]) -> tuple[list[str], str]:
    from jupyter_core.paths import jupyter_runtime_dir

    kernel_files = _kernel_files(cmd)
    writable = Path(spec.writable)
    # A fresh /tmp first; the old one stays reachable through an open descriptor, so courses
    # that live under /tmp can still be bound into the view.
    old_tmp = os.open("/tmp", os.O_RDONLY | os.O_DIRECTORY)

    def real(path: Path) -> str:
        path = Path(path)
        if path.is_relative_to("/tmp"):
            return f"/proc/self/fd/{old_tmp}/{path.relative_to('/tmp')}"
        return str(path)

    _tmpfs("/tmp", "1777")
    for root in spec.roots:
        if os.path.isdir(real(Path(root))):
            _veil(Path(root), writable, real)
    if not any(writable.is_relative_to(root) for root in spec.roots):
        writable.mkdir(parents=True, exist_ok=True)
        _bind(real(writable), str(writable), readonly=False)
    _keep_interpreter(spec, real)
    os.close(old_tmp)
    _open_the_way([sys.base_prefix, sys.prefix, *sys.path[1:]])
    runtime = Path(jupyter_runtime_dir())
    if runtime.is_dir() and not runtime.is_relative_to("/tmp"):
        _tmpfs(str(runtime))  # other kernels' connection files (and keys) live here
    private, home = Path("/tmp/kernel"), Path("/tmp/home")
    for folder in (private, home):
        folder.mkdir()
        os.chown(folder, NOBODY, NOBODY)
    cmd = list(cmd)
    for index, content in kernel_files.items():
        copy = private / Path(cmd[index]).name
        copy.write_bytes(content)
        os.chown(copy, NOBODY, NOBODY)
        cmd[index] = str(copy)
    os.chown(writable, NOBODY, NOBODY)
    if not spec.network and shutil.which("ip"):
        subprocess.run(["ip", "link", "set", "lo", "up"], check=False, capture_output=True)
    return cmd, str(home)


def _drop_privileges() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _guarded(cmd: list[str], spec: Spec) -> list[str]:
    """Run Python commands through the audit-hook guard (``python -m X`` → guard then X)."""
    if len(cmd) >= 3 and Path(cmd[0]).name.startswith("python") and cmd[1] == "-m":
        deny = [] if spec.isolate else spec.roots
        allow = [] if spec.isolate else [str(Path(r) / n) for r in spec.roots for n in EXPOSED]
        allow.append(spec.writable)
        policy = json.dumps({"deny": deny, "allow": allow})
        return [cmd[0], "-m", "autograder.grading.guard", policy, *cmd[2:]]
    return cmd


def main(argv: list[str]) -> None:
    raw, separator, *cmd = argv
    if separator != "--" or not cmd:
        raise SystemExit("usage: python -m autograder.grading.confine SPEC -- COMMAND...")
    spec = Spec.from_dict(json.loads(raw))
    if spec.isolate:
        cmd, home = _isolate(spec, cmd)  # on its own /tmp, which goes with it
    else:
        home = tempfile.mkdtemp(prefix="home-")  # left behind: nothing outlives the exec
    env = learner_environment(home, os.environ)
    os.chdir(spec.writable)
    _apply_limits(spec.limits)
    if spec.isolate:
        _drop_privileges()
    cmd = _guarded(cmd, spec)
    os.execvpe(cmd[0], cmd, env)


if __name__ == "__main__":
    main(sys.argv[1:])
