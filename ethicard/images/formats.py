"""One entry per image format: how to read its marks and how to stamp it (imported when first used)."""

from __future__ import annotations

from typing import BinaryIO

from .marker import ImageError, Marker
from .reading import Reading


def read(fmt: str, stream: BinaryIO, size: int, path: str) -> Reading:
    """The marks in the headers of one file of the given format."""
    if fmt == "PNG":
        from . import png  # only the format met is loaded

        return png.read(stream, size)
    if fmt == "JPEG":
        from . import jpeg  # only the format met is loaded

        return jpeg.read(stream, size)
    if fmt == "TIFF":
        from . import tiff  # only the format met is loaded

        return tiff.read(stream, size)
    if fmt == "DICOM":
        from . import dicom  # only the format met is loaded

        return dicom.read(stream, size)
    if fmt == "NIfTI":
        from . import nifti  # only the format met is loaded

        return nifti.read(stream, size, gz=nifti.is_gzip_name(path))
    raise ImageError(f"no reader for {fmt}")


def stamp(fmt: str, data: bytes, marker: Marker, path: str) -> tuple[bytes | None, list[str]]:
    """The stamped file (None: already carries this marker) and notes to show; NoRoom: use a sidecar."""
    if fmt == "NIfTI":
        from . import nifti  # only the format met is loaded

        return nifti.stamp(data, marker, gz=nifti.is_gzip_name(path))
    if fmt == "PNG":
        from .png import stamp as stamp_format  # only the format met is loaded
    elif fmt == "JPEG":
        from .jpeg import stamp as stamp_format
    elif fmt == "TIFF":
        from .tiff import stamp as stamp_format  # only the format met is loaded
    elif fmt == "DICOM":
        from .dicom import stamp as stamp_format
    else:
        raise ImageError(f"no writer for {fmt}")
    new = stamp_format(data, marker)
    return (None if new == data else new), []
