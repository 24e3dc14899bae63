"""Small test images made in code (nothing downloaded): PNG, JPEG and TIFF by Pillow, DICOM by
pydicom, NIfTI by nibabel; and readers of the parts that must stay byte for byte the same."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np


def pixels(height: int = 24, width: int = 32) -> np.ndarray:
    return (np.arange(height * width * 3) % 251).astype("uint8").reshape(height, width, 3)


def png(path: Path, **text: str) -> Path:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, value)
    Image.fromarray(pixels()).save(path, pnginfo=info)
    return path


def jpeg(path: Path) -> Path:
    from PIL import Image

    Image.fromarray(pixels()).save(path, quality=90)
    return path


def tiff(path: Path, description: str | None = None) -> Path:
    from PIL import Image

    extra = {"description": description} if description else {}
    Image.fromarray(pixels()).save(path, **extra)
    return path


def dicom(path: Path, **attributes: object) -> Path:
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import UID, ExplicitVRLittleEndian, SecondaryCaptureImageStorage

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = UID("1.2.826.0.1.3680043.10.1")
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = SecondaryCaptureImageStorage, "1.2.826.0.1.3680043.10.1"
    ds.PatientName, ds.PatientID, ds.Modality = "SYNTHETIC^TEST", "SYN0001", "OT"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.Rows = ds.Columns = 8
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit, ds.PixelRepresentation, ds.SamplesPerPixel = 15, 0, 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    for key, value in attributes.items():
        setattr(ds, key, value)
    ds.PixelData = np.arange(64, dtype="<u2").tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def nifti(path: Path, descrip: bytes = b"") -> Path:
    import nibabel

    image = nibabel.Nifti1Image(np.arange(4 * 5 * 6, dtype=np.int16).reshape(4, 5, 6), np.eye(4))
    image.header["descrip"] = descrip
    nibabel.save(image, path)
    return path


def png_chunks(path: Path) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk of a PNG."""
    data = path.read_bytes()
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        chunks.append((data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]))
        offset += 12 + length
    return chunks


def jpeg_scan(path: Path) -> bytes:
    """The bytes of a JPEG from its start of scan to the end: the compressed image data."""
    data = path.read_bytes()
    return data[data.index(b"\xff\xda") :]


def nifti_voxels(path: Path) -> bytes:
    """The voxel bytes of a .nii, from the offset its header gives."""
    data = path.read_bytes()
    (offset,) = struct.unpack("<f", data[108:112])
    return data[int(offset) :]
