"""JPEG: the marker in an XMP APP1 segment, after SOI and the JFIF/Exif segments; no re-encoding.

Segments are walked up to the start of the scan (SOS) only; the compressed image data after it is
copied byte for byte.  An existing XMP packet is kept, with ethicard's description added to it.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from typing import BinaryIO

from .marker import ImageError, Marker, NoRoom, xmp_packet
from .reading import Mark, Reading, decode_xmp, xmp_marks

XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\0"
MAX_SEGMENTS = 10_000
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length


def _segments(stream: BinaryIO, size: int) -> Iterator[tuple[int, int, int]]:
    """(offset, marker, length) of each segment from SOI to SOS (included)."""
    if stream.read(2) != b"\xff\xd8":
        raise ImageError("not a JPEG file (no SOI marker)")
    offset = 2
    for _ in range(MAX_SEGMENTS):
        head = stream.read(4)
        if len(head) < 4:
            raise ImageError(f"byte {offset}: the file ends before the image data (truncated JPEG)")
        if head[0] != 0xFF:
            raise ImageError(f"byte {offset}: expected a JPEG marker, found byte 0x{head[0]:02x}")
        marker = head[1]
        if marker == 0xFF:  # fill byte
            offset += 1
            stream.seek(offset)
            continue
        if marker in _STANDALONE:
            offset += 2
            stream.seek(offset)
            continue
        (length,) = struct.unpack(">H", head[2:])
        if length < 2 or offset + 2 + length > size:
            raise ImageError(
                f"byte {offset}: segment 0x{marker:02x} declares {length} bytes, past the end ({size} bytes)",
                "the file is truncated or damaged",
            )
        yield offset, marker, length
        if marker in (0xDA, 0xD9):  # start of scan, end of image
            return
        offset += 2 + length
        stream.seek(offset)
    raise ImageError(f"more than {MAX_SEGMENTS} segments before the image data")


def read(stream: BinaryIO, size: int) -> Reading:
    marks: list[Mark] = []
    notes: list[str] = []
    not_synthetic: list[str] = []
    for offset, marker, length in _segments(stream, size):
        if marker not in (0xE1, 0xEB):
            continue
        stream.seek(offset + 4)
        body = stream.read(length - 2)
        if marker == 0xE1 and body.startswith(XMP_HEADER):
            marks.extend(xmp_marks(body[len(XMP_HEADER) :], notes, not_synthetic))
        elif marker == 0xEB and body[:2] == b"JP" and not any(mark.mechanism == "c2pa" for mark in marks):
            marks.append(Mark("c2pa", "C2PA manifest", note="present; its signature is not validated by inspect"))
        stream.seek(offset + 2 + length)
    return Reading("JPEG", tuple(marks), ("XMP",), tuple(notes), tuple(not_synthetic))


def stamp(data: bytes, marker: Marker) -> bytes:
    """The JPEG with our XMP segment after the leading JFIF/Exif segments; the rest byte for byte."""
    kept: list[bytes] = []
    existing: str | None = None
    insert_at = 0  # index in kept
    scan = -1
    for offset, code, length in _segments(io.BytesIO(data), len(data)):
        body = data[offset + 4 : offset + 2 + length]
        if code == 0xDA:
            scan = offset
            break
        if code == 0xEB and body[:2] == b"JP":
            raise ImageError("it carries a C2PA manifest, which any change would invalidate", "stamp it before signing")
        if code == 0xE1 and body.startswith(XMP_HEADER):
            existing = decode_xmp(body[len(XMP_HEADER) :])
            continue
        kept.append(data[offset : offset + 2 + length])
        if len(kept) == insert_at + 1 and (code == 0xE0 or (code == 0xE1 and body.startswith(b"Exif\0"))):
            insert_at += 1
    if scan < 0:
        raise ImageError("it has no image data (no SOS marker)")
    packet = XMP_HEADER + xmp_packet(marker, existing).encode("utf-8")
    if len(packet) + 2 > 0xFFFF:
        raise NoRoom(f"its XMP with the marker would be {len(packet)} bytes, more than one JPEG segment holds")
    ours = b"\xff\xe1" + struct.pack(">H", len(packet) + 2) + packet
    return b"\xff\xd8" + b"".join(kept[:insert_at]) + ours + b"".join(kept[insert_at:]) + data[scan:]
