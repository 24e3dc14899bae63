"""Reading inputs and writing outputs safely: only regular files are read, at most ``--max-bytes`` of
them and as UTF-8 text; an output is written whole or not at all, and never over the input."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time

from .errors import EnvironmentFailure, EthicardError, Problem, UsageError

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
        raise EnvironmentFailure(f"{named}: cannot write in {folder} ({exc.strerror or exc})") from None
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
            raise EnvironmentFailure(f"{named}: cannot be written ({exc.strerror or exc})") from None
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


# --- reading text inputs: cards and checklists, within the size limit ------------------------

DEFAULT_MAX_BYTES = 1_000_000
MAX_BYTES_ENV = "ETHICARD_MAX_BYTES"
_UTF16_32_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def max_bytes_setting(given: int | None = None) -> int:
    """The size limit: ``given`` (``--max-bytes``), else ``$ETHICARD_MAX_BYTES``, else 1 MB."""
    source, value = "--max-bytes", given
    if value is None:
        raw = os.environ.get(MAX_BYTES_ENV, "").strip()
        if not raw:
            return DEFAULT_MAX_BYTES
        source = MAX_BYTES_ENV
        try:
            value = int(raw.replace("_", ""))
        except ValueError:
            raise UsageError(f"{MAX_BYTES_ENV}={raw!r} is not a whole number of bytes") from None
    if value < 1:
        raise UsageError(f"{source} must be at least 1 byte, not {value}")
    return value


def read_text(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "card") -> str:
    """Read a UTF-8 text file (``what`` says what it should be, for messages), refusing what is
    not one with a located message.  At most ``max_bytes + 1`` bytes are ever read."""
    name = os.fspath(path)

    def fail(message: str, hint: str = "", line: int = 0, col: int = 0) -> EthicardError:
        return EthicardError([Problem(name, line, col, (), message, hint)])

    try:
        raw = read_regular(name, max_bytes + 1)
    except FileNotFoundError:
        hint = "a broken symbolic link" if os.path.islink(name) else ""
        raise fail("no such file", hint) from None
    except IsADirectoryError:
        raise fail(f"is a folder, not a {what} file", "name a file") from None
    except OSError as exc:
        hint = "check the file's permissions" if isinstance(exc, PermissionError) else ""
        if exc.strerror == NOT_REGULAR:
            raise fail(f"is {NOT_REGULAR}", f"name a {what} file; pipes and devices are never read") from None
        raise fail(f"cannot be read ({exc.strerror or exc})", hint) from None
    if len(raw) > max_bytes:
        raise fail(
            f"is larger than the limit of {max_bytes:,} bytes",
            f"a {what} is a few kilobytes; if this one is real, raise the limit with --max-bytes or {MAX_BYTES_ENV}",
        )
    for bom, encoding in _UTF16_32_BOMS:
        if raw.startswith(bom):
            raise fail(f"is {encoding} text, not UTF-8", "save it as UTF-8", 1, 1)
    if b"\x00" in raw:
        line, col = _byte_position(raw, raw.index(b"\x00"))
        raise fail("contains a NUL byte: this is not a text file", f"save the {what} as UTF-8 text", line, col)
    try:
        return raw.decode("utf-8-sig")  # a UTF-8 byte order mark is dropped
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        raise fail(f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8", line, col) from None


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (1-based, counting characters) of a byte offset in mostly-UTF-8 bytes."""
    start = raw.rfind(b"\n", 0, offset) + 1
    before = raw[start:offset].decode("utf-8", errors="replace")
    return raw.count(b"\n", 0, offset) + 1, len(before) + 1
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
