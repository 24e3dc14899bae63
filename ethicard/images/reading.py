"""What reading one image's headers found: the marks, by mechanism, and the status they add up to.

Mechanism ids are those of a card's ``labelling.methods``: file_metadata (PNG text chunks, XMP,
TIFF image description), c2pa, dicom_attributes, nifti_header and sidecar.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..vocabulary import ImageState
from .marker import SYNTHETIC_SOURCE_TYPES, CardRef, ImageError, Marker, read_xmp

MECHANISMS = ("file_metadata", "c2pa", "dicom_attributes", "nifti_header", "sidecar")


@dataclass(frozen=True)
class Mark:
    """One carrier found in a file that says the image is synthetic (or holds an ethicard marker)."""

    mechanism: str
    carrier: str  # e.g. "PNG iTXt ethicard", "XMP", "DICOM Conversion Type"
    marker: Marker | None = None
    source_type: str = ""  # the IPTC digital source type it declares, if any
    note: str = ""


@dataclass(frozen=True)
class Reading:
    """What the headers of one file hold."""

    format: str
    marks: tuple[Mark, ...] = ()
    expected: tuple[str, ...] = ()  # the carriers `ethicard stamp` writes in this format
    notes: tuple[str, ...] = ()
    not_synthetic: tuple[str, ...] = field(default=())  # carriers that say the opposite (e.g. digitalCapture)

    def with_marks(self, *marks: Mark, notes: tuple[str, ...] = ()) -> Reading:
        return Reading(self.format, self.marks + marks, self.expected, self.notes + notes, self.not_synthetic)


def status(reading: Reading, card: CardRef | None = None) -> tuple[ImageState, list[str]]:
    """``marked``, ``partial``, ``inconsistent`` or ``unmarked``, and why (for the output)."""
    reasons = _contradictions(reading, card)
    if reasons:
        return "inconsistent", reasons
    if not reading.marks:
        return "unmarked", list(reading.not_synthetic)
    found = {mark.carrier for mark in reading.marks}
    embedded = [mark for mark in reading.marks if mark.mechanism != "sidecar"]
    if not embedded:
        return "marked", ["marked by a sidecar file only"]
    missing = [carrier for carrier in reading.expected if carrier not in found]
    if missing:
        return "partial", [f"missing: {', '.join(missing)}"]
    if not any(mark.marker is not None for mark in reading.marks):
        return "partial", ["marked synthetic, but with no ethicard marker pointing to a card"]
    return "marked", []


def _contradictions(reading: Reading, card: CardRef | None) -> list[str]:
    """Why the file's carriers disagree with each other, or with ``card``: empty when they do not."""
    reasons: list[str] = []
    markers = [mark.marker for mark in reading.marks if mark.marker is not None]
    cards = {(m.card.name, m.card.version, m.card.sha256) for m in markers}
    if len(cards) > 1:
        reasons.append("its carriers name different cards")
    types = {m.source_type for m in markers} | {mark.source_type for mark in reading.marks if mark.source_type}
    if len(types & SYNTHETIC_SOURCE_TYPES) > 1 or (types - SYNTHETIC_SOURCE_TYPES):
        reasons.append(f"its carriers give different digital source types ({', '.join(sorted(types))})")
    if reading.marks and reading.not_synthetic:
        reasons.append(f"it is marked synthetic, yet {reading.not_synthetic[0]}")
    return reasons + (_another_card(markers, card) if card is not None else [])


def _another_card(markers: list[Marker], card: CardRef) -> list[str]:
    """Why the first marker that points elsewhere than ``card`` does, if one does."""
    for m in markers:
        if m.card.sha256 != card.sha256:
            other = "another card" if m.card.name != card.name else "another version of the card"
            return [f"its marker points to {other} ({m.card.name} {m.card.version} sha256:{m.card.sha256[:12]})"]
    return []


def xmp_marks(packet: bytes, notes: list[str], not_synthetic: list[str]) -> list[Mark]:
    """The mark an XMP packet makes (PNG, JPEG and TIFF carry the same packet)."""
    found = read_xmp(packet)
    if found.problem:
        notes.append(f"XMP: {found.problem}")
    synthetic = [value for value in found.source_types if value in SYNTHETIC_SOURCE_TYPES]
    not_synthetic.extend(
        f"its XMP gives the digital source type {value}"
        for value in found.source_types
        if value not in SYNTHETIC_SOURCE_TYPES
    )
    if synthetic or found.marker:
        return [Mark("file_metadata", "XMP", found.marker, synthetic[0] if synthetic else "")]
    return []


def decode_xmp(packet: bytes) -> str:
    """An existing XMP packet as text, to add the marker to; a packet that is not UTF-8 is refused."""
    try:
        return packet.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImageError(f"its XMP packet is not UTF-8 ({exc})", "nothing was changed") from None
