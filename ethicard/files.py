"""Writing outputs safely: whole or not at all, and never over the input."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time

from .errors import UsageError

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
    named = _pure(os.fspath(path))
    target = _writable(named)
    folder = os.path.dirname(target)
    _remove_stale_temporaries(target)
    try:
        handle, temporary = _temporary(folder, os.path.basename(target))
    except OSError as exc:
        raise UsageError(f"{named}: cannot write in {folder} ({exc.strerror or exc})") from None
    try:
        data = text if isinstance(text, bytes) else text.replace("\n", newline or "\n").encode("utf-8")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if os.path.exists(target):
            os.chmod(temporary, os.stat(target).st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise UsageError(f"{named}: cannot be written ({exc.strerror or exc})") from None
        raise


def _writable(named: str) -> str:
    """The file a write to ``named`` replaces (through a link, the file it points to, keeping the
    link), refused when it cannot be a regular file in an existing folder."""
    try:
        os.stat(named)
    except FileNotFoundError:
        pass  # a new file, or a broken link: written where the link points
    except OSError as exc:  # a loop of symbolic links, a path through a file, ...
        raise UsageError(f"{named}: cannot be written ({exc.strerror or exc})") from None
    target = os.path.realpath(named)
    if not os.path.isdir(os.path.dirname(target)):
        raise UsageError(f"{named}: the folder {_parent(named)} does not exist")
    if os.path.isdir(target):
        raise UsageError(f"{named} is a folder; name the output file")
    if os.path.exists(target) and not os.path.isfile(target):
        raise UsageError(f"{named} is not a regular file (a device or a pipe); name an output file")
    return target


_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def _temporary(folder: str, name: str) -> tuple[int, str]:
    """A new file ``.NAME.XXXXXXXX.tmp`` in ``folder``, open for writing and readable by its owner
    only, as :func:`tempfile.mkstemp` makes it (which costs a start-up to import)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        letters = "".join(_NAME_CHARS[byte % len(_NAME_CHARS)] for byte in os.urandom(8))
        temporary = os.path.join(folder, f".{name}.{letters}.tmp")
        try:
            return os.open(temporary, flags, 0o600), temporary
        except FileExistsError:
            continue
    raise FileExistsError(17, "No usable temporary file name found", folder)


def _remove_stale_temporaries(target: str) -> None:
    """Remove this output's temporary files that a killed process (SIGKILL) left an hour ago or
    more: only names :func:`_temporary` makes for it, ``.NAME.XXXXXXXX.tmp``, so no file of anyone else."""
    folder, name = os.path.split(target)
    ours = re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp")
    try:
        names = [found for found in os.listdir(folder) if ours.fullmatch(found)]
    except OSError:
        return
    for found in names:
        left = os.path.join(folder, found)
        try:
            if stat.S_ISREG(os.lstat(left).st_mode) and time.time() - os.lstat(left).st_mtime > STALE_SECONDS:
                os.unlink(left)
        except OSError:
            pass  # another process's, or already gone


def refuse_same_file(output: str | os.PathLike[str], *inputs: str | os.PathLike[str]) -> None:
    """Refuse to write an output onto one of the inputs it is made from."""
    out = _pure(os.fspath(output))
    for given in inputs:
        source = _pure(os.fspath(given))
        try:
            same = (_exists(out) and _exists(source) and os.path.samefile(out, source)) or _resolved(out) == _resolved(
                source
            )
        except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links
            reason = exc.strerror if isinstance(exc, OSError) else "a loop of symbolic links"
            raise UsageError(f"{output}: cannot be written ({reason or exc})") from None
        if same:
            raise UsageError(f"{output}: refusing to write the output over the input {given}")


# ``pathlib`` costs a start-up to import; the few of its rules that outputs and messages depend on:


def _parts(path: str) -> tuple[str, list[str]]:
    lead = "//" if path.startswith("//") and not path.startswith("///") else "/" if path.startswith("/") else ""
    return lead, [part for part in path.split("/") if part not in ("", ".")]


def _pure(path: str) -> str:
    """A path as :class:`pathlib.PurePosixPath` shows it: no empty or '.' parts, no trailing slash."""
    lead, parts = _parts(path)
    return lead + "/".join(parts) or "."


def _parent(path: str) -> str:
    """The folder part of a path, as :attr:`pathlib.PurePosixPath.parent` shows it."""
    lead, parts = _parts(path)
    return lead + "/".join(parts[:-1]) or "."


def _exists(path: str) -> bool:
    """:meth:`pathlib.Path.exists`: False for a missing file, a path through a file or a loop of
    links, other errors (a folder not to be read) raised."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            return False
        raise
    return True


def _resolved(path: str) -> str:
    """The absolute path with links followed, as :meth:`pathlib.Path.resolve` gives it: a loop of
    symbolic links raises RuntimeError."""
    resolved = os.path.realpath(path)
    try:
        os.stat(resolved)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RuntimeError(f"Symlink loop from {exc.filename!r}") from None
    return resolved
