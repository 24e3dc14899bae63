"""DICOM: the standard's own attributes for synthetic content, written with pydicom (``ethicard[dicom]``).

- Conversion Type (0008,0064) ``SYN`` (Synthetic Image), the defined term of the SC Equipment module;
- a Contributing Equipment Sequence (0018,A001) item whose Purpose of Reference is (109100, DCM,
  "Synthesizing Equipment"), naming the generator, with the ethicard marker as its Contribution
  Description (0018,A003);
- Image Type (0008,0008) ``DERIVED\\SECONDARY`` (further values kept);
- Derivation Description (0008,2111) with the card pointer (text already there is kept after it);
- Content Qualification (0018,9004) ``RESEARCH``.

Burned In Annotation is never set to NO: a generator can draw text into the pixels.  The pixel
data element is copied as read, byte for byte.  Reading stops before the pixel data.
"""

from __future__ import annotations

import io
import warnings
from typing import Any, BinaryIO

from .marker import ImageError, Marker, MissingExtra, parse
from .reading import Mark, Reading

EXPECTED = (
    "DICOM Conversion Type SYN",
    "DICOM Contributing Equipment (Synthesizing Equipment)",
    "DICOM Derivation Description",
    "DICOM Image Type DERIVED\\SECONDARY",
    "DICOM Content Qualification RESEARCH",
)
SYNTHESIZING = ("109100", "DCM", "Synthesizing Equipment")
_SEPARATOR = " | "


def _pydicom() -> Any:
    try:
        import pydicom  # optional extra: imported only when a DICOM file is read
    except ImportError:
        raise MissingExtra("reading DICOM needs pydicom", "install ethicard[dicom]") from None
    return pydicom


def _dataset(stream: BinaryIO, size: int, *, header_only: bool) -> Any:
    """The data set (header only: up to the pixel data); an element longer than the file is refused."""
    pydicom = _pydicom()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ds = pydicom.dcmread(stream, stop_before_pixels=True, defer_size=4096)
        except Exception as exc:  # pydicom raises many kinds for damaged files
            raise ImageError(f"not a readable DICOM file ({type(exc).__name__}: {exc})") from None
        # The raw elements, as read: values over 4 KB are left unread (deferred), and are never read
        # here, as Dataset.elements() would; a declared length is checked against the file's size.
        for element in ds._dict.values():
            length = getattr(element, "length", 0)
            if length != 0xFFFFFFFF and getattr(element, "value_tell", 0) + length > size:
                where = element.value_tell
                raise ImageError(
                    f"byte {where}: element {element.tag} declares {length} bytes, past the end ({size} bytes)",
                    "the file is truncated or damaged",
                )
        if header_only:
            return ds
        stream.seek(0)
        try:
            return pydicom.dcmread(stream)
        except Exception as exc:
            raise ImageError(f"not a readable DICOM file ({type(exc).__name__}: {exc})") from None


def _is_synthesizing(item: Any) -> bool:
    return any(
        (str(code.get("CodeValue", "")), str(code.get("CodingSchemeDesignator", ""))) == SYNTHESIZING[:2]
        for code in item.get("PurposeOfReferenceCodeSequence", [])
    )


def read(stream: BinaryIO, size: int) -> Reading:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _read(_dataset(stream, size, header_only=True))
        except ImageError:
            raise
        except Exception as exc:
            raise ImageError(f"a DICOM attribute cannot be read ({type(exc).__name__}: {exc})") from None


def _read(ds: Any) -> Reading:
    marks: list[Mark] = []
    notes: list[str] = []
    if str(ds.get("ConversionType", "")) == "SYN":
        marks.append(Mark("dicom_attributes", EXPECTED[0]))
    for item in ds.get("ContributingEquipmentSequence", []):
        if _is_synthesizing(item):
            marker = None
            text = str(item.get("ContributionDescription", ""))
            if text.startswith("{"):
                try:
                    marker = parse(text)
                except ImageError as exc:
                    notes.append(f"Contribution Description: {exc.message}")
            marks.append(Mark("dicom_attributes", EXPECTED[1], marker, marker.source_type if marker else ""))
    if _is_ours(str(ds.get("DerivationDescription", ""))):
        marks.append(Mark("dicom_attributes", EXPECTED[2]))
    if marks:  # on their own these two say nothing about synthesis; they support the marks above
        if list(ds.get("ImageType", []))[:2] == ["DERIVED", "SECONDARY"]:
            marks.append(Mark("dicom_attributes", EXPECTED[3]))
        if str(ds.get("ContentQualification", "")) == "RESEARCH":
            marks.append(Mark("dicom_attributes", EXPECTED[4]))
    return Reading("DICOM", tuple(marks), EXPECTED, tuple(notes))


def _is_ours(text: str) -> bool:
    return text.startswith("SYNTHETIC image") and "ethicard/" in text


def stamp(data: bytes, marker: Marker) -> bytes:
    ds = _dataset(io.BytesIO(data), len(data), header_only=False)  # first: says so when pydicom is missing
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    contribution = marker.to_json()
    if len(contribution) > 1024:
        raise ImageError(f"the marker is {len(contribution)} characters, more than Contribution Description holds")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds.ConversionType = "SYN"
        ds.ImageType = ["DERIVED", "SECONDARY", *list(ds.get("ImageType", []))[2:]]
        ds.ContentQualification = "RESEARCH"
        ds.DerivationDescription = _derivation(marker, str(ds.get("DerivationDescription", "")))
        code = Dataset()
        code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = SYNTHESIZING
        item = Dataset()
        item.Manufacturer = marker.generator[:64]
        item.ManufacturerModelName = marker.card.name[:64]
        item.SoftwareVersions = marker.card.version[:64] or "unknown"
        item.ContributionDescription = contribution
        item.PurposeOfReferenceCodeSequence = Sequence([code])
        others = [old for old in ds.get("ContributingEquipmentSequence", []) if not _ours_item(old)]
        ds.ContributingEquipmentSequence = Sequence([*others, item])
        out = io.BytesIO()
        try:
            ds.save_as(out, enforce_file_format=False)
        except Exception as exc:
            raise ImageError(
                f"pydicom cannot write it back ({type(exc).__name__}: {exc})", "nothing was changed"
            ) from None
    return out.getvalue()


def _ours_item(item: Any) -> bool:
    return _is_synthesizing(item) and str(item.get("ContributionDescription", "")).startswith('{"card"')


def _derivation(marker: Marker, existing: str) -> str:
    """Our pointer first, then any description the file had (recovered from an earlier stamp)."""
    if _is_ours(existing):
        _, _, existing = existing.partition(_SEPARATOR)
    text = marker.pointer() + (_SEPARATOR + existing if existing else "")
    return text[:1024]
