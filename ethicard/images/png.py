"""PNG: the marker in an iTXt chunk ``ethicard`` and in XMP (iTXt ``XML:com.adobe.xmp``), before IDAT.

Chunks are inserted, never decoded: the image data (IDAT) and every other chunk are copied byte for
byte, and the CRCs are computed here.  Reading stops at the first IDAT, so a file of any size costs
the same; text chunks after the image data are not looked at (ethicard writes before it).
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from .marker import MAX_XMP_BYTES, ImageError, Marker, parse, xmp_packet
from .reading import Mark, Reading, decode_xmp, xmp_marks

SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"ethicard"
XMP_KEYWORD = b"XML:com.adobe.xmp"
MAX_CHUNK = (1 << 31) - 1  # the PNG specification's limit
MAX_HEADER_CHUNKS = 10_000  # chunks before IDAT: real files have a few dozen


def _chunks(stream: BinaryIO, size: int) -> Iterator[tuple[int, bytes, int]]:
    """(offset, type, length) of each chunk up to and including the first IDAT; checks lengths."""
    if stream.read(8) != SIGNATURE:
        raise ImageError("not a PNG file (no PNG signature)")
    offset = 8
    for _ in range(MAX_HEADER_CHUNKS):
        head = stream.read(8)
        if len(head) < 8:
            raise ImageError(f"byte {offset}: the file ends before the image data (truncated PNG)")
        length, kind = struct.unpack(">I4s", head)
        if length > MAX_CHUNK or offset + 12 + length > size:
            raise ImageError(
                f"byte {offset}: chunk {kind!r} declares {length} bytes, past the end of the file ({size} bytes)",
                "the file is truncated or damaged",
            )
        yield offset, kind, length
        if kind in (b"IDAT", b"IEND"):
            return
        offset += 12 + length
        stream.seek(offset)
    raise ImageError(f"more than {MAX_HEADER_CHUNKS} chunks before the image data")


def _keyword(body: bytes) -> bytes:
    return body.partition(b"\0")[0]


def _itxt(body: bytes) -> tuple[bytes, bytes]:
    """(keyword, text) of an iTXt chunk; compressed text is inflated up to a bound."""
    keyword, _, rest = body.partition(b"\0")
    if len(rest) < 2:
        raise ImageError(f"iTXt chunk {keyword!r} is cut short")
    compressed, _method, rest = rest[0], rest[1], rest[2:]
    _language, _, rest = rest.partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    if compressed:
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, MAX_XMP_BYTES + 1)
        except zlib.error as exc:
            raise ImageError(f"iTXt chunk {keyword!r} does not inflate ({exc})") from None
        if len(text) > MAX_XMP_BYTES:
            raise ImageError(f"iTXt chunk {keyword!r} inflates to more than {MAX_XMP_BYTES} bytes (a bomb?)")
    return keyword, text


def read(stream: BinaryIO, size: int) -> Reading:
    marks: list[Mark] = []
    notes: list[str] = []
    not_synthetic: list[str] = []
    for offset, kind, length in _chunks(stream, size):
        if kind == b"caBX":
            marks.append(Mark("c2pa", "C2PA manifest", note="present; its signature is not validated by inspect"))
        if kind != b"iTXt":
            continue
        stream.seek(offset + 8)
        keyword = _keyword(stream.read(min(length, 80)))
        if keyword not in (KEYWORD, XMP_KEYWORD):
            continue
        if length > MAX_XMP_BYTES + 1024:
            raise ImageError(f"byte {offset}: iTXt chunk {keyword!r} is {length} bytes, more than ethicard reads")
        stream.seek(offset + 8)
        _, text = _itxt(stream.read(length))
        if keyword == KEYWORD:
            try:
                marker = parse(text)
                marks.append(Mark("file_metadata", "PNG iTXt ethicard", marker, marker.source_type))
            except ImageError as exc:
                notes.append(f"iTXt ethicard: {exc.message}")
        else:
            marks.extend(xmp_marks(text, notes, not_synthetic))
    return Reading("PNG", tuple(marks), ("PNG iTXt ethicard", "XMP"), tuple(notes), tuple(not_synthetic))


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _itxt_chunk(keyword: bytes, text: str) -> bytes:
    return _chunk(b"iTXt", keyword + b"\0\0\0\0\0" + text.encode("utf-8"))


def stamp(data: bytes, marker: Marker) -> bytes:
    """The PNG with our iTXt and XMP chunks just before the first IDAT; everything else as it was."""
    stream = io.BytesIO(data)
    kept: list[bytes] = []
    existing_xmp: str | None = None
    image_data = -1
    for offset, kind, length in _chunks(stream, len(data)):
        if kind == b"IDAT":
            image_data = offset
            break
        if kind == b"IEND":
            break
        if kind == b"caBX":
            raise ImageError("it carries a C2PA manifest, which any change would invalidate", "stamp it before signing")
        if kind == b"iTXt":  # only ours and the XMP chunk are inflated; other text is copied as it is
            keyword = _keyword(data[offset + 8 : offset + 88])
            if keyword in (KEYWORD, XMP_KEYWORD):
                text = _itxt(data[offset + 8 : offset + 8 + length])[1]  # refuses what inspect would refuse
                if keyword == XMP_KEYWORD:
                    existing_xmp = decode_xmp(text)
                continue
        kept.append(data[offset : offset + 12 + length])
    if image_data < 0:
        raise ImageError("it has no image data (no IDAT chunk)")
    ours = _itxt_chunk(KEYWORD, marker.to_json()) + _itxt_chunk(XMP_KEYWORD, xmp_packet(marker, existing_xmp))
    return SIGNATURE + b"".join(kept) + ours + data[image_data:]
