"""An audit hook installed before learner code runs: no network, no new processes.

``python -m autograder.grading.guard POLICY MODULE ARGS...`` installs the hook, then runs
MODULE as ``python -m MODULE ARGS...`` would. Audit hooks cannot be removed from Python code;
code that reaches C directly (ctypes) can still get around them, which is why they are one
layer among several (docs/security.md). POLICY is JSON: ``deny`` folders may not be opened,
except the ``allow`` ones inside them (used when mount namespaces are unavailable).
"""

from __future__ import annotations

import json
import os
import runpy
import sys

BLOCKED = {
    "socket.connect": "network access",
    "socket.sendto": "network access",
    "socket.sendmsg": "network access",
    "socket.getaddrinfo": "network access",
    "subprocess.Popen": "starting programs",
    "os.system": "starting programs",
    "os.exec": "starting programs",
    "os.posix_spawn": "starting programs",
    "os.spawn": "starting programs",
    "os.fork": "starting programs",
    "os.forkpty": "starting programs",
    "os.kill": "signalling other processes",
    "os.killpg": "signalling other processes",
}


def _under(path: str, folders: list[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def make_hook(deny: list[str], allow: list[str]):
    def hook(event: str, args: tuple) -> None:
        what = BLOCKED.get(event)
        if what is not None:
            raise PermissionError(f"{what} is not allowed while grading")
        if event == "open" and deny and isinstance(args[0], str | bytes):
            path = os.path.realpath(os.fsdecode(args[0]))
            if _under(path, deny) and not _under(path, allow):
                raise PermissionError(f"{args[0]!r} is not readable while grading")

    return hook


def main(argv: list[str]) -> None:
    policy, module, *rest = argv
    rules = json.loads(policy)
    sys.addaudithook(make_hook(rules.get("deny", []), rules.get("allow", [])))
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
