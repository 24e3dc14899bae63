"""Writing outputs safely: whole or not at all, and never over the input."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import UsageError


def write_atomic(path: str | os.PathLike[str], text: str | bytes, *, newline: str = "") -> None:
    """Write ``text`` (or bytes) to ``path`` through a temporary file in the same folder and a
    rename, so a reader never sees half a file and a failure leaves the old file as it was."""
    named = Path(path)
    target = Path(os.path.realpath(named))  # through a link: replace the file it points to, keep the link
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"{named}: the folder {named.parent} does not exist")
    if target.is_dir():
        raise UsageError(f"{named} is a folder; name the output file")
    if target.exists() and not target.is_file():
        raise UsageError(f"{named} is not a regular file (a device or a pipe); name an output file")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"{named}: cannot write in {folder} ({exc.strerror or exc})") from None
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
            raise UsageError(f"{named}: cannot be written ({exc.strerror or exc})") from None
        raise


def refuse_same_file(output: str | os.PathLike[str], *inputs: str | os.PathLike[str]) -> None:
    """Refuse to write an output onto one of the inputs it is made from."""
    out = Path(output)
    for given in inputs:
        source = Path(given)
        if (out.exists() and source.exists() and out.samefile(source)) or out.resolve() == source.resolve():
            raise UsageError(f"{output}: refusing to write the output over the input {given}")
