"""Zips from the course server, unpacked only inside the folder meant for them.

Every member is checked before anything is written: no absolute path, no ``..``, no link,
and no more bytes than nbgrader's own ``max_dir_size`` allows. What is written is the
caller's: files 0644, folders 0755 at most (the umask may narrow folders), never writable by
others whatever the umask, and each file is replaced whole (written aside, then renamed).
"""

from __future__ import annotations

import fnmatch
import os
import stat
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO

FILE_MODE = 0o644
DIR_MODE = 0o755


class UnsafeArchive(ValueError):
    """A zip that would write outside its folder, hold a link, or exceed the size limit."""


class ZipFromServer:
    """A checked zip: iterate its files as (relative path, member) pairs."""

    def __init__(self, handle: IO[bytes], *, limit: int):
        self._handle = handle
        try:
            self._zip = zipfile.ZipFile(handle)
        except zipfile.BadZipFile:
            handle.close()
            raise UnsafeArchive("it is not a zip archive.") from None
        self._files: list[tuple[PurePosixPath, zipfile.ZipInfo]] = []
        try:
            self._check(limit)
        except UnsafeArchive:
            self.__exit__()
            raise

    def _check(self, limit: int) -> None:
        total = 0
        for info in self._zip.infolist():
            relative = safe_relative(info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UnsafeArchive(f"{info.filename} is a link.")
            total += info.file_size  # zipfile never reads past a member's declared size
            if total > limit:
                raise UnsafeArchive(f"it unpacks to more than {limit} bytes.")
            if not info.is_dir():
                self._files.append((relative, info))

    def __enter__(self) -> ZipFromServer:
        return self

    def __exit__(self, *_) -> None:
        self._zip.close()
        self._handle.close()

    def files(self) -> list[tuple[PurePosixPath, zipfile.ZipInfo]]:
        return list(self._files)

    def read(self, info: zipfile.ZipInfo) -> bytes:
        return self._zip.read(info)


def safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    parts = path.parts
    if not parts or path.is_absolute() or ".." in parts or ":" in parts[0]:
        raise UnsafeArchive(f"{name!r} is not a path inside the archive's folder.")
    return path


def ignored(path: PurePosixPath, patterns: Iterable[str]) -> bool:
    """Whether any part of ``path`` matches one of nbgrader's ``CourseDirectory.ignore`` globs."""
    return any(fnmatch.fnmatch(part, pattern) for part in path.parts for pattern in patterns)


def make_dirs(path: Path) -> None:
    """``mkdir -p`` giving every new folder DIR_MODE (os.makedirs gives parents the umask's)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE)


def write_file(path: Path, data: bytes) -> None:
    """Replace ``path`` whole with ``data``, mode FILE_MODE at most."""
    make_dirs(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, FILE_MODE)  # mkstemp made it 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
