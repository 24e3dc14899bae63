"""Finding image files in folders and opening them safely: what kind of file, by its first bytes.

Folders are walked lazily in sorted order without following links to folders, so a folder of any
size streams; hidden files and sidecar files are passed over, and every other file is recognised by
its first bytes (the caller skips those that are not images).  A file is
opened without blocking and must be a regular file (a FIFO or a device is refused, never read).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .marker import ImageError, is_sidecar

FORMATS = ("PNG", "JPEG", "TIFF", "DICOM", "NIfTI")


@dataclass(frozen=True)
class Found:
    path: str
    named: bool  # named on the command line (a non-image is a problem) or found in a folder (skipped)


def find_images(paths: Sequence[str]) -> Iterator[Found]:
    """Files as named, and the candidate image files in named folders, each once, lazily."""
    seen: set[str] = set()
    for given in paths:
        if not os.path.isdir(given) or os.path.islink(given):
            key = os.path.normpath(given)
            if key not in seen:
                seen.add(key)
                yield Found(given, True)
            continue
        for root, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or is_sidecar(name):
                    continue
                path = os.path.join(root, name)  # any name: DICOM files often have none, or .IMA
                key = os.path.normpath(path)
                if key not in seen:
                    seen.add(key)
                    yield Found(path, False)


def sniff(head: bytes, path: str) -> str | None:
    """The format of a file from its first 352 bytes (and the name, for .nii.gz), or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] in (b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"):
        return "TIFF"
    if head[128:132] == b"DICM":
        return "DICOM"
    if head.startswith(b"\x1f\x8b") and path.lower().endswith(".nii.gz"):
        return "NIfTI"
    if len(head) >= 348 and (head[344:347] in (b"n+1", b"ni1") or head[4:7] in (b"n+2", b"ni2")):
        return "NIfTI"
    return None


def open_regular(path: str, *, follow_links: bool = True) -> tuple[int, int]:
    """(descriptor, size) of a regular file opened for reading; anything else raises ImageError."""
    if not follow_links and os.path.islink(path):
        raise ImageError("is a symbolic link; ethicard does not change files through links", "name the file itself")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) * (not follow_links)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ImageError("no such file") from None
    except PermissionError:
        raise ImageError("cannot be read (permission denied)") from None
    except OSError as exc:
        raise ImageError(f"cannot be opened ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a pipe, a socket or a device)"
        raise ImageError(f"is {kind}", "name image files")
    return fd, info.st_size
