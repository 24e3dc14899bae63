"""NIfTI: the 80-byte ``descrip`` field and a JSON header extension, through nibabel (``ethicard[nifti]``).

``descrip`` gets a short pointer; when the card's name and version do not fit in 80 bytes it names
the card by the start of its hash instead, and ``stamp`` says so (nibabel would cut the text off
silently).  The full marker goes into a header extension (code 6, comment) holding the marker JSON.
The voxel data are copied from the old offset byte for byte; only the header and extensions are
rewritten.  ``.nii`` and ``.nii.gz`` (single-file NIfTI-1 and NIfTI-2); reading the header of a
``.nii.gz`` inflates only its start.
"""

from __future__ import annotations

import gzip
import io
import struct
import warnings
from typing import Any, BinaryIO

from .marker import ImageError, Marker, MissingExtra, parse
from .reading import Mark, Reading

EXPECTED = ("NIfTI descrip", "NIfTI header extension")
COMMENT = 6
MAX_HEADER = 16 << 20  # header plus extensions; real ones are kilobytes
MAX_STAMPED = 4 << 30  # an inflated .nii.gz larger than this is refused rather than held in memory


def _nibabel() -> Any:
    try:
        import nibabel  # optional extra: imported only when a NIfTI file is read
    except ImportError:
        raise MissingExtra("reading NIfTI needs nibabel", "install ethicard[nifti]") from None
    return nibabel


def is_gzip_name(path: str) -> bool:
    return path.lower().endswith(".nii.gz")


def _layout(head: bytes) -> tuple[str, int, int]:
    """(endianness, header size, voxel offset) from the first bytes; refuses what is not single-file NIfTI."""
    if len(head) < 352:
        raise ImageError(f"the file ends after {len(head)} bytes, inside the NIfTI header (truncated)")
    for order in "<>":
        (size,) = struct.unpack(order + "i", head[:4])
        if size == 348:
            magic, (offset,) = head[344:348], struct.unpack(order + "f", head[108:112])
            break
        if size == 540:
            magic, (offset,) = head[4:8], struct.unpack(order + "q", head[168:176])
            break
    else:
        raise ImageError("not a NIfTI file (header size is neither 348 nor 540)")
    if magic[:3] in (b"ni1", b"ni2"):
        raise ImageError("a two-file NIfTI (.hdr/.img) is not handled", "convert it to a single .nii file")
    if magic[:3] not in (b"n+1", b"n+2"):
        raise ImageError(f"not a NIfTI file (magic {magic!r})")
    if not (size + 4 <= offset <= MAX_HEADER) or offset != int(offset):
        raise ImageError(f"byte 108: the header puts the voxel data at byte {offset}, which cannot be right")
    return order, size, int(offset)


def _header(raw: bytes) -> Any:
    nibabel = _nibabel()
    klass = nibabel.Nifti2Header if struct.unpack("<i", raw[:4])[0] in (540, 0x1C020000) else nibabel.Nifti1Header
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return klass.from_fileobj(io.BytesIO(raw), check=False)
        except Exception as exc:  # nibabel raises many kinds for damaged headers
            raise ImageError(f"the NIfTI header cannot be read ({type(exc).__name__}: {exc})") from None


def _head(stream: BinaryIO, size: int, gz: bool) -> bytes:
    """The header and extensions, up to the voxel data, read without reading the voxels."""
    source: BinaryIO = gzip.GzipFile(fileobj=stream, mode="rb") if gz else stream  # type: ignore[assignment]
    try:
        first = source.read(352)
        _order, _size, offset = _layout(first)
        if not gz and offset > size:
            raise ImageError(f"byte 108: the header puts the voxel data at byte {offset}, past the end ({size} bytes)")
        rest = source.read(offset - len(first)) if offset > len(first) else b""
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ImageError(f"the compressed NIfTI cannot be read ({exc})") from None
    if len(first) + len(rest) < offset:
        raise ImageError("the file ends inside the NIfTI header extensions (truncated)")
    return first + rest


def _content(extension: Any) -> bytes:
    raw = extension.get_content()
    return (raw if isinstance(raw, bytes) else str(raw).encode()).rstrip(b"\0")


def read(stream: BinaryIO, size: int, *, gz: bool = False) -> Reading:
    header = _header(_head(stream, size, gz))
    marks: list[Mark] = []
    notes: list[str] = []
    descrip = bytes(header["descrip"]).rstrip(b"\0")
    if _is_ours(descrip):
        marks.append(Mark("nifti_header", EXPECTED[0]))
    for extension in header.extensions:
        content = _content(extension)
        if extension.get_code() == COMMENT and content.startswith(b'{"card"'):
            try:
                marker = parse(content)
                marks.append(Mark("nifti_header", EXPECTED[1], marker, marker.source_type))
            except ImageError as exc:
                notes.append(f"header extension: {exc.message}")
    return Reading("NIfTI", tuple(marks), EXPECTED, tuple(notes))


def _is_ours(descrip: bytes) -> bool:
    return descrip.startswith(b"SYNTHETIC image") and b"ethicard/" in descrip


def descrip_for(marker: Marker) -> tuple[bytes, str]:
    """The 80-byte description and, when the card's name had to give way to its hash, a note saying so."""
    full = f"SYNTHETIC image; {marker.version} card {marker.card.name} {marker.card.version}".strip().encode()
    if len(full) <= 80:
        return full, ""
    short = f"SYNTHETIC image; {marker.version} card sha256:{marker.card.sha256[:16]}".encode()
    return short, f"descrip shortened to 80 bytes: {short.decode()} (the full marker is in the header extension)"


def stamp(data: bytes, marker: Marker, *, gz: bool = False) -> tuple[bytes | None, list[str]]:
    """The file with the new header and extensions, or None when it already carries this marker."""
    nibabel = _nibabel()
    if gz:
        data = _inflate(data)
    head = _head(io.BytesIO(data), len(data), False)
    header = _header(head)
    notes: list[str] = []
    descrip, note = descrip_for(marker)
    if note:
        notes.append(note)
    old = bytes(header["descrip"]).rstrip(b"\0")
    extensions = [
        ext for ext in header.extensions if not (ext.get_code() == COMMENT and _content(ext).startswith(b'{"card"'))
    ]
    if old and not _is_ours(old):
        extensions.append(nibabel.nifti1.Nifti1Extension(COMMENT, b"previous descrip: " + old))
        notes.append(f"descrip held {old.decode(errors='replace')!r}; kept in a comment extension")
    extensions.append(nibabel.nifti1.Nifti1Extension(COMMENT, marker.to_json().encode()))
    header.extensions.clear()
    header.extensions.extend(extensions)
    header["descrip"] = descrip
    header["vox_offset"] = 0  # nibabel sets it just past the extensions when writing
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        header.write_to(out)
    new_offset = int(header["vox_offset"])
    out.write(b"\0" * (new_offset - out.tell()))
    result = out.getvalue() + data[len(head) :]
    if result == data:
        return None, notes
    return (gzip.compress(result, mtime=0) if gz else result), notes


def _inflate(data: bytes) -> bytes:
    inflater = gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb")
    try:
        out = inflater.read(MAX_STAMPED + 1)
    except (OSError, EOFError) as exc:
        raise ImageError(f"the compressed NIfTI cannot be read ({exc})") from None
    if len(out) > MAX_STAMPED:
        raise ImageError(f"it inflates to more than {MAX_STAMPED} bytes; ethicard does not hold it in memory")
    return out
