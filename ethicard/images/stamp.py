"""``ethicard stamp``: write the marker into each synthetic image, in place, atomically.

A file is read whole, the marked bytes are made by the format's module, read back by the same
reader ``inspect`` uses (the stamp must be found before anything is written), and written through
:func:`ethicard.files.write_atomic`.  A file already carrying this marker is not written at all.
Links are not followed: the file a link points to may be outside the dataset.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import EthicardError, Problem, UsageError
from ..pool import ordered_map
from . import formats
from .marker import (
    IPTC,
    SOURCE_TYPES,
    CardRef,
    FileProblem,
    ImageError,
    Marker,
    MissingExtra,
    NoRoom,
    card_ref,
    sidecar_path,
)
from .reading import status
from .scan import Found, find_images, open_regular, sniff
from .sidecar import content

if TYPE_CHECKING:
    from .c2pa import Credentials

MAX_STAMP_BYTES = 4 << 30


@dataclass(frozen=True)
class StampResult:
    file: str
    action: str  # stamped, unchanged, sidecar, skipped (not an image, found in a folder), error
    format: str = ""
    notes: tuple[str, ...] = ()
    problem: FileProblem | None = None
    missing_extra: bool = False


def marker_for(
    card_path: str, *, source: str = "generated", generator: str | None = None, link: str | None = None
) -> Marker:
    """The marker for images made with the model a card describes (the card is validated first)."""
    from ..cards import load_card  # only stamp needs the card model (pydantic, YAML); inspect does not

    card, _ = load_card(card_path)
    about = card.about
    links = dict(about.links)
    chosen = link if link is not None else links.get("card") or next((links[k] for k in sorted(links)), "")
    name = f"{about.name} {about.version}" if about.version else about.name
    return Marker(
        CardRef(about.name, about.version or "", card_ref(card_path, about.name, about.version).sha256),
        IPTC + SOURCE_TYPES[source],
        generator or name,
        chosen,
    )


def _stamped(
    fmt: str, data: bytes, marker: Marker, path: str, credentials: Credentials | None
) -> tuple[bytes | None, list[str]]:
    """The marked file (None: unchanged) and notes; signed with C2PA content credentials when given."""
    if credentials is not None:
        current = formats.read(fmt, io.BytesIO(data), len(data), path)
        if any(mark.mechanism == "c2pa" for mark in current.marks) and status(current, marker.card)[0] == "marked":
            return None, ["already carries this marker and a C2PA manifest"]
    new, notes = formats.stamp(fmt, data, marker, path)
    if credentials is not None:
        from .c2pa import sign  # only signing needs the C2PA module

        new = sign(data if new is None else new, fmt, marker, os.path.basename(path), credentials)
        notes.append("signed C2PA content credentials embedded (no thumbnail)")
    return new, notes


def stamp_file(found: Found, marker: Marker, credentials: Credentials | None = None) -> StampResult:
    """Stamp one file in place; every fault becomes the record's problem and leaves the file as it was."""
    from ..files import write_atomic  # only stamping writes files; inspect, which loads this module, does not

    path = found.path
    fmt = ""
    try:
        fd, size = open_regular(path, follow_links=False)
        try:
            if size > MAX_STAMP_BYTES:
                raise ImageError(f"is {size} bytes; stamp holds a file in memory and stops at {MAX_STAMP_BYTES}")
            with os.fdopen(fd, "rb", closefd=False) as stream:
                data = stream.read()
        finally:
            os.close(fd)
        fmt = sniff(data[:352], path) or ""
        if not fmt:
            if not found.named:
                return StampResult(path, "skipped")
            raise ImageError("not a PNG, JPEG, TIFF, DICOM or NIfTI file", "stamp writes those formats")
        try:
            new, notes = _stamped(fmt, data, marker, path, credentials)
        except NoRoom as exc:
            return _sidecar(path, fmt, data, marker, exc.message)
        if new is None:
            return StampResult(path, "unchanged", fmt, tuple(notes))
        reading = formats.read(fmt, io.BytesIO(new), len(new), path)
        verdict, reasons = status(reading, marker.card)
        if verdict != "marked":
            raise ImageError(
                f"the stamped file would read back as {verdict} ({'; '.join(reasons)})", "nothing was changed"
            )
        try:
            write_atomic(path, new)
        except UsageError as exc:
            raise ImageError(str(exc)) from None
        return StampResult(path, "stamped", fmt, tuple(notes))
    except ImageError as exc:
        problem = FileProblem(path, exc.message, exc.hint)
        return StampResult(path, "error", fmt, problem=problem, missing_extra=isinstance(exc, MissingExtra))
    except OSError as exc:
        problem = FileProblem(path, f"cannot be read ({exc.strerror or exc})")
        return StampResult(path, "error", fmt, problem=problem)


def _sidecar(path: str, fmt: str, data: bytes, marker: Marker, reason: str) -> StampResult:
    from ..files import write_atomic  # as in stamp_file: keeps inspect from loading the file writer

    target = sidecar_path(path)
    text = content(path, data, marker)
    note = f"{reason}: the marker is in the sidecar {target} instead (keep the two files together)"
    if os.path.isfile(target) and not os.path.islink(target):
        with open(target, encoding="utf-8", errors="replace") as stream:
            if stream.read(len(text) + 1) == text:
                return StampResult(path, "unchanged", fmt, (note,))
    write_atomic(target, text)
    return StampResult(path, "sidecar", fmt, (note,))


def stamp_paths(
    card_path: str, paths: Sequence[str], marker: Marker, credentials: Credentials | None = None, jobs: int = 1
) -> Iterator[StampResult]:
    """Stamp every image named or found in the folders named, one result each, in order."""
    if not paths:
        raise EthicardError([Problem(card_path, 0, 0, (), "no image files named", "name files or folders")])
    yield from ordered_map(stamp_file, find_images(paths), (marker, credentials), jobs)
