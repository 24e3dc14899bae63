"""Writing outputs safely: whole or not at all, and never over the input."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path

from .errors import EnvironmentFailure, UsageError

NOT_REGULAR = "not a regular file (a pipe, device or socket)"
STALE_SECONDS = 3600  # a temporary file of ours this old was left by a killed process


def read_regular(path: str | os.PathLike[str], limit: int = -1) -> bytes:
    """The bytes of a regular file (at most ``limit``), opened without blocking and checked before
    reading: a named pipe, device or socket would make a plain read wait forever.

    Raises OSError: FileNotFoundError, IsADirectoryError, PermissionError, ... as ``open`` does, and
    one whose ``strerror`` is :data:`NOT_REGULAR` for anything else that is not a regular file."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", os.fspath(path))
        if not stat.S_ISREG(mode):
            raise OSError(0, NOT_REGULAR, os.fspath(path))
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(limit)
    finally:
        os.close(descriptor)


def write_atomic(path: str | os.PathLike[str], text: str | bytes, *, newline: str = "") -> None:
    """Write ``text`` (or bytes) to ``path`` through a temporary file in the same folder and a
    rename, so a reader never sees half a file and a failure leaves the old file as it was."""
    named = Path(path)
    try:
        os.stat(named)
    except FileNotFoundError:
        pass  # a new file, or a broken link: written where the link points
    except OSError as exc:  # a loop of symbolic links, a path through a file, ...
        raise UsageError(f"{named}: cannot be written ({exc.strerror or exc})") from None
    target = Path(os.path.realpath(named))  # through a link: replace the file it points to, keep the link
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"{named}: the folder {named.parent} does not exist")
    if target.is_dir():
        raise UsageError(f"{named} is a folder; name the output file")
    if target.exists() and not target.is_file():
        raise UsageError(f"{named} is not a regular file (a device or a pipe); name an output file")
    _remove_stale_temporaries(target)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise EnvironmentFailure(f"{named}: cannot write in {folder} ({exc.strerror or exc})") from None
    try:
        data = text if isinstance(text, bytes) else text.replace("\n", newline or "\n").encode("utf-8")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise EnvironmentFailure(f"{named}: cannot be written ({exc.strerror or exc})") from None
        raise


def _remove_stale_temporaries(target: Path) -> None:
    """Remove this output's temporary files that a killed process (SIGKILL) left an hour ago or
    more: only names mkstemp makes for it, ``.NAME.XXXXXXXX.tmp``, so no file of anyone else."""
    ours = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")
    try:
        names = [name for name in os.listdir(target.parent) if ours.fullmatch(name)]
    except OSError:
        return
    for name in names:
        left = target.parent / name
        try:
            if stat.S_ISREG(left.lstat().st_mode) and time.time() - left.lstat().st_mtime > STALE_SECONDS:
                left.unlink()
        except OSError:
            pass  # another process's, or already gone


def refuse_same_file(output: str | os.PathLike[str], *inputs: str | os.PathLike[str]) -> None:
    """Refuse to write an output onto one of the inputs it is made from."""
    out = Path(output)
    for given in inputs:
        source = Path(given)
        try:
            same = (out.exists() and source.exists() and out.samefile(source)) or out.resolve() == source.resolve()
        except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links
            reason = exc.strerror if isinstance(exc, OSError) else "a loop of symbolic links"
            raise UsageError(f"{output}: cannot be written ({reason or exc})") from None
        if same:
            raise UsageError(f"{output}: refusing to write the output over the input {given}")
