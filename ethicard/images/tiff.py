"""TIFF: the marker in XMP (tag 700) and, when the file has none, the image description (tag 270).

Adding a tag to a TIFF without moving anything: the new values and a copy of the first image file
directory (IFD) holding the added entries are appended at the end of the file, and the header is
pointed at that copy.  Every offset already in the file stays valid, so the image data (strips or
tiles) are untouched byte for byte; the old directory stays behind as unused bytes.  BigTIFF is
not handled this way: it gets a sidecar file.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from typing import BinaryIO

from .marker import MAX_XMP_BYTES, VERSION, ImageError, Marker, NoRoom, xmp_packet
from .reading import Mark, Reading, decode_xmp, xmp_marks

DESCRIPTION, XMP = 270, 700
MAX_ENTRIES = 4096
_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}


@dataclass(frozen=True)
class _Directory:
    order: str  # "<" or ">"
    offset: int
    entries: list[bytes]  # the 12-byte entries, as in the file
    next_offset: int


def _directory(stream: BinaryIO, size: int) -> _Directory:
    head = stream.read(8)
    if head[:4] in (b"II+\0", b"MM\0+"):
        raise NoRoom("it is a BigTIFF, which ethicard does not rewrite")
    if head[:4] not in (b"II*\0", b"MM\0*") or len(head) < 8:
        raise ImageError("not a TIFF file (no TIFF header)")
    order = "<" if head[:2] == b"II" else ">"
    (offset,) = struct.unpack(order + "I", head[4:8])
    if offset < 8 or offset + 2 > size:
        raise ImageError(f"byte 4: the first directory is said to be at byte {offset}, outside the file ({size} bytes)")
    stream.seek(offset)
    (count,) = struct.unpack(order + "H", stream.read(2))
    if count == 0 or count > MAX_ENTRIES or offset + 2 + 12 * count + 4 > size:
        raise ImageError(f"byte {offset}: the first directory declares {count} entries, more than the file holds")
    raw = stream.read(12 * count + 4)
    entries = [raw[i : i + 12] for i in range(0, 12 * count, 12)]
    (next_offset,) = struct.unpack(order + "I", raw[-4:])
    return _Directory(order, offset, entries, next_offset)


def _value(stream: BinaryIO, size: int, directory: _Directory, entry: bytes) -> bytes:
    """The bytes of one entry's value, read from the entry or from where it points (bounded)."""
    tag, kind, count = struct.unpack(directory.order + "HHI", entry[:8])
    length = _SIZES.get(kind, 1) * count
    if length <= 4:
        return entry[8 : 8 + length]
    (where,) = struct.unpack(directory.order + "I", entry[8:])
    if length > MAX_XMP_BYTES or where + length > size:
        raise ImageError(
            f"byte {directory.offset}: tag {tag} declares {length} bytes at byte {where}, outside the file"
        )
    stream.seek(where)
    return stream.read(length)


def _tags(stream: BinaryIO, size: int, directory: _Directory) -> dict[int, bytes]:
    found = {}
    for entry in directory.entries:
        (tag,) = struct.unpack(directory.order + "H", entry[:2])
        if tag in (DESCRIPTION, XMP):
            found[tag] = _value(stream, size, directory, entry)
    return found


def read(stream: BinaryIO, size: int) -> Reading:
    try:
        directory = _directory(stream, size)
    except NoRoom:
        return Reading("TIFF", (), ("XMP",), ("a BigTIFF: its tags are not read (ethicard marks it by a sidecar)",))
    tags = _tags(stream, size, directory)
    notes: list[str] = []
    not_synthetic: list[str] = []
    marks = xmp_marks(tags[XMP], notes, not_synthetic) if XMP in tags else []
    if _is_ours(tags.get(DESCRIPTION, b"")):
        marks.append(Mark("file_metadata", "TIFF ImageDescription"))
    return Reading("TIFF", tuple(marks), ("XMP",), tuple(notes), tuple(not_synthetic))


def _is_ours(description: bytes) -> bool:
    return description.startswith(b"SYNTHETIC image") and VERSION.encode() in description


def stamp(data: bytes, marker: Marker) -> bytes:
    """The TIFF with the marker added by appending values and a new first directory (see above)."""
    stream = io.BytesIO(data)
    directory = _directory(stream, len(data))
    tags = _tags(stream, len(data), directory)
    order = directory.order
    packet = xmp_packet(marker, decode_xmp(tags[XMP]) if XMP in tags else None).encode("utf-8")
    description = marker.pointer().encode("utf-8") + b"\0"
    write_description = DESCRIPTION not in tags or _is_ours(tags[DESCRIPTION])
    if tags.get(XMP) == packet and (not write_description or tags.get(DESCRIPTION) == description):
        return data
    tail = bytearray(data)
    added: list[tuple[int, int, bytes]] = [(XMP, 1, packet)] + (
        [(DESCRIPTION, 2, description)] if write_description else []
    )
    entries = {struct.unpack(order + "H", entry[:2])[0]: entry for entry in directory.entries}
    for tag, kind, value in added:
        tail += b"\0" * (len(tail) % 2)
        entries[tag] = struct.pack(order + "HHII", tag, kind, len(value), len(tail))
        tail += value
    tail += b"\0" * (len(tail) % 2)
    new_offset = len(tail)
    if new_offset + 6 + 12 * len(entries) > 0xFFFFFFFF:
        raise NoRoom("the file is too large to take another directory")
    tail += struct.pack(order + "H", len(entries)) + b"".join(entries[tag] for tag in sorted(entries))
    tail += struct.pack(order + "I", directory.next_offset)
    tail[4:8] = struct.pack(order + "I", new_offset)
    return bytes(tail)
