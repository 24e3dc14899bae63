"""The ethicard image marker, version 1: what ``ethicard stamp`` writes into a synthetic image.

One small JSON object, the same in every format, so that any carrier (a PNG text chunk, XMP, a
DICOM attribute, a NIfTI header extension, a sidecar file) can be read back and compared::

    {"card": {"name": "...", "sha256": "...", "version": "..."},
     "digital_source_type": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
     "generator": "...", "link": "...", "marker": "ethicard/1", "synthetic": true}

The JSON is written with sorted keys and no spaces, so the same card gives the same bytes (a second
``stamp`` changes nothing).  The digital source type is IPTC's: ``trainedAlgorithmicMedia`` for an
image a model generated, ``compositeWithTrainedAlgorithmicMedia`` for a medical image a model edited.
docs/image-marker.md is the specification; this module is its one implementation.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass

from ..errors import printable

VERSION = "ethicard/1"
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
SOURCE_TYPES = {"generated": "trainedAlgorithmicMedia", "edited": "compositeWithTrainedAlgorithmicMedia"}
# IPTC digital source types that say "made or changed by an algorithm" (the others, such as
# digitalCapture, say the opposite).
SYNTHETIC_SOURCE_TYPES = frozenset(
    IPTC + name
    for name in (
        "trainedAlgorithmicMedia",
        "compositeWithTrainedAlgorithmicMedia",
        "algorithmicMedia",
        "compositeSynthetic",
    )
)
MAX_MARKER_BYTES = 16 * 1024  # a marker is a few hundred bytes; anything larger is not ours
XMP_NAMESPACE = "urn:ethicard:xmp:1/"
NOTE = (
    "a missing marker is no evidence that an image is a medical image: marks are lost when images are "
    "converted, re-saved or de-identified, and most tools write none"
)


class ImageError(Exception):
    """A file that cannot be read or stamped, with the reason (the caller adds the file name)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be read or stamped: ``file: message (hint)``, printable on one line."""

    file: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return printable(f"{self.file}: {self.message}" + (f" ({self.hint})" if self.hint else ""))

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "message": self.message, "hint": self.hint}


class NoRoom(ImageError):
    """The format cannot take the marker without re-encoding the file: a sidecar carries it instead."""


class MissingExtra(ImageError):
    """Reading or stamping this format needs an optional extra that is not installed."""


@dataclass(frozen=True)
class CardRef:
    """The card a marker points to: its name and version, and the SHA-256 of the card file."""

    name: str
    version: str
    sha256: str


@dataclass(frozen=True)
class Marker:
    card: CardRef
    source_type: str  # an IPTC digital source type URI
    generator: str
    link: str = ""
    version: str = VERSION

    def to_json(self) -> str:
        """The marker as compact JSON with sorted keys: the same marker always gives the same text."""
        return json.dumps(
            {
                "card": {"name": self.card.name, "sha256": self.card.sha256, "version": self.card.version},
                "digital_source_type": self.source_type,
                "generator": self.generator,
                "link": self.link,
                "marker": self.version,
                "synthetic": True,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )

    def pointer(self) -> str:
        """A one-line human-readable form, for free-text fields (DICOM Derivation Description)."""
        text = f"SYNTHETIC image ({self.source_type.rsplit('/', 1)[-1]}) made by {self.generator}; "
        text += f"disclosure card {self.card.name} {self.card.version} sha256:{self.card.sha256}"
        return text + (f"; {self.link}" if self.link else "") + f"; {self.version}"


def card_ref(path: str, name: str, version: str | None) -> CardRef:
    """The reference to a card file: its name and version from the card, its hash from its bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return CardRef(name=name, version=version or "", sha256=digest.hexdigest())


def parse(text: str | bytes) -> Marker:
    """Read a marker back; anything that is not a well-formed ethicard marker raises ImageError."""
    if len(text) > MAX_MARKER_BYTES:
        raise ImageError(f"the ethicard marker is {len(text)} bytes, more than a marker can be")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ImageError(f"the ethicard marker is not JSON ({exc})") from None
    if not isinstance(data, dict) or not str(data.get("marker", "")).startswith("ethicard/"):
        raise ImageError("the ethicard marker does not say which marker version it is ('marker': 'ethicard/1')")
    card = data.get("card")
    fields = (data.get("digital_source_type"), data.get("generator"), data.get("link", ""))
    if (
        not isinstance(card, dict)
        or data.get("synthetic") is not True
        or not all(isinstance(card.get(key), str) for key in ("name", "version", "sha256"))
        or not all(isinstance(value, str) for value in fields)
    ):
        raise ImageError("the ethicard marker lacks a field of version 1 (synthetic, card, digital_source_type, ...)")
    source_type, generator, link = (str(value) for value in fields)
    return Marker(CardRef(card["name"], card["version"], card["sha256"]), source_type, generator, link, data["marker"])


# --- XMP -------------------------------------------------------------------------------------------
# ethicard writes its own rdf:Description (one empty element, all values as attributes) and, when a
# file already has an XMP packet, adds that element to it instead of replacing the packet.  Reading
# uses a strict pattern match on that shape and on the digital source type in its three RDF forms,
# not an XML parser: the packets are bounded and nothing in them is resolved or expanded.

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_UNESCAPES = {value: key for key, value in _ESCAPES.items()} | {"&apos;": "'"}
_OURS = re.compile(r'<rdf:Description rdf:about="" xmlns:ethicard="' + re.escape(XMP_NAMESPACE) + r'"[^<>]*/>\s*')
_MARKER_ATTRIBUTE = re.compile(r'\bethicard:marker="([^"<>]*)"')
_SOURCE_TYPE = re.compile(
    r'\s[\w.-]+:DigitalSourceType="([^"<>]*)"'  # attribute form (ours)
    r"|<[\w.-]+:DigitalSourceType>\s*([^<>\s]*)\s*</"  # element form
    r'|<[\w.-]+:DigitalSourceType\s+rdf:resource="([^"<>]*)"'  # resource form
)
MAX_XMP_BYTES = 1 << 20


def _escape(text: str) -> str:
    return re.sub(r'[&<>"]', lambda found: _ESCAPES[found.group()], text)


def _unescape(text: str) -> str:
    return re.sub(r"&(amp|lt|gt|quot|apos);", lambda found: _UNESCAPES[found.group()], text)


def _description(marker: Marker) -> str:
    return (
        f'<rdf:Description rdf:about="" xmlns:ethicard="{XMP_NAMESPACE}"'
        ' xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
        f' Iptc4xmpExt:DigitalSourceType="{_escape(marker.source_type)}"'
        f' ethicard:marker="{_escape(marker.to_json())}"/>\n'
    )


def xmp_packet(marker: Marker, existing: str | None = None) -> str:
    """Our XMP packet, or ``existing`` with our description added (or brought up to date)."""
    if existing is None:
        return (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            + _description(marker)
            + '</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>'
        )
    others = _OURS.sub("", existing)
    foreign = [value for value in _source_types(others) if value != marker.source_type]
    if foreign:
        raise ImageError(
            f"its XMP already gives another digital source type ({foreign[0]})",
            "ethicard does not overwrite it; correct it with an XMP editor first",
        )
    end = others.rfind("</rdf:RDF>")
    if end < 0:
        raise ImageError("its XMP packet has no rdf:RDF element to add the marker to", "nothing was changed")
    return others[:end] + _description(marker) + others[end:]


def _source_types(packet: str) -> list[str]:
    return [
        _unescape(next(group for group in found.groups() if group is not None))
        for found in _SOURCE_TYPE.finditer(packet)
    ]


@dataclass(frozen=True)
class XmpFindings:
    source_types: tuple[str, ...]
    marker: Marker | None
    problem: str = ""


def read_xmp(packet: bytes) -> XmpFindings:
    """The digital source types an XMP packet declares and the ethicard marker in it, if any."""
    if len(packet) > MAX_XMP_BYTES:
        return XmpFindings((), None, f"its XMP packet is {len(packet)} bytes, more than the {MAX_XMP_BYTES} read")
    text = packet.decode("utf-8", errors="replace")
    found = _MARKER_ATTRIBUTE.search(text)
    marker, problem = None, ""
    if found:
        try:
            marker = parse(_unescape(found.group(1)))
        except ImageError as exc:
            problem = exc.message
    return XmpFindings(tuple(_source_types(text)), marker, problem)


def sidecar_path(image: str) -> str:
    """Where the sidecar marker of an image is: ``NAME.ethicard.json`` next to it."""
    return image + ".ethicard.json"


def is_sidecar(path: str) -> bool:
    return os.path.basename(path).endswith(".ethicard.json")
