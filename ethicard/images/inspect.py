"""``ethicard inspect``: which image files carry a synthetic-image mark, read from their headers only.

Each file gives one :class:`ImageResult`, streamed in the order of the files whatever the number of
processes; :class:`Tally` adds them up for the summary and for ``check --images``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..pool import ordered_map
from ..vocabulary import IMAGE_OUTCOMES
from . import formats, sidecar
from .marker import CardRef, FileProblem, ImageError, MissingExtra
from .reading import MECHANISMS, Reading, status
from .scan import Found, find_images, open_regular, sniff


@dataclass(frozen=True)
class ImageResult:
    file: str
    status: str  # marked, partial, inconsistent, unmarked; "error" (cannot be read); "skipped" (not an image)
    format: str = ""
    mechanisms: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()
    card: str = ""  # the card its marker names: "name version"
    reasons: tuple[str, ...] = ()
    problem: FileProblem | None = None
    missing_extra: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "status": self.status,
            "format": self.format,
            "mechanisms": list(self.mechanisms),
            "carriers": list(self.carriers),
            "card": self.card,
            "reasons": list(self.reasons),
            "problem": self.problem.as_dict() if self.problem else None,
        }


def _error(path: str, exc: ImageError, fmt: str = "") -> ImageResult:
    problem = FileProblem(path, exc.message, exc.hint)
    return ImageResult(path, "error", fmt, problem=problem, missing_extra=isinstance(exc, MissingExtra))


def inspect_file(found: Found, card: CardRef | None = None) -> ImageResult:
    """Read one file's headers and say whether, and how, it is marked as a synthetic image."""
    path = found.path
    fmt = ""
    try:
        fd, size = open_regular(path)
    except ImageError as exc:
        return _error(path, exc)
    try:
        with os.fdopen(fd, "rb", closefd=False) as stream:
            fmt = sniff(stream.read(352), path) or ""
            if not fmt:
                if not found.named:
                    return ImageResult(path, "skipped")
                raise ImageError("not a PNG, JPEG, TIFF, DICOM or NIfTI file", "inspect reads those formats")
            stream.seek(0)
            reading = formats.read(fmt, stream, size, path)
        mark, mismatch = sidecar.read(path, fd, size)
        if mark:
            reading = reading.with_marks(mark)
        return _result(path, reading, card, mismatch)
    except ImageError as exc:
        return _error(path, exc, fmt)
    except OSError as exc:
        return _error(path, ImageError(f"cannot be read ({exc.strerror or exc})"), fmt)
    finally:
        os.close(fd)


def _result(path: str, reading: Reading, card: CardRef | None, mismatch: str) -> ImageResult:
    verdict, reasons = status(reading, card)
    if mismatch:
        verdict, reasons = "inconsistent", [mismatch, *reasons]
    markers = [mark.marker for mark in reading.marks if mark.marker is not None]
    named = f"{markers[0].card.name} {markers[0].card.version}".strip() if markers else ""
    return ImageResult(
        path,
        verdict,
        reading.format,
        tuple(sorted({mark.mechanism for mark in reading.marks})),
        tuple(mark.carrier for mark in reading.marks),
        named,
        tuple(reasons) + reading.notes,
    )


def inspect_paths(paths: Sequence[str], card: CardRef | None = None, jobs: int = 1) -> Iterator[ImageResult]:
    """One result per file found, in order; ``jobs`` processes (0: one per core; never more than the cores)."""
    return ordered_map(inspect_file, find_images(paths), (card,), jobs)


@dataclass
class Tally:
    """Counts over the results: by status, by format and status, by mechanism."""

    statuses: Counter[str] = field(default_factory=Counter)
    by_format: Counter[tuple[str, str]] = field(default_factory=Counter)
    mechanisms: Counter[str] = field(default_factory=Counter)
    missing_extra: int = 0

    def add(self, result: ImageResult) -> None:
        self.statuses[result.status] += 1
        if result.status != "skipped":
            self.by_format[(result.format or "?", result.status)] += 1
        self.mechanisms.update(result.mechanisms)
        self.missing_extra += result.missing_extra

    @property
    def images(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != "skipped")

    def as_dict(self) -> dict[str, Any]:
        return {
            "images": self.images,
            "statuses": {status: self.statuses[status] for status in IMAGE_OUTCOMES},
            "skipped": self.statuses["skipped"],
            "mechanisms": {mechanism: self.mechanisms[mechanism] for mechanism in MECHANISMS},
        }
