"""Optional C2PA content credentials for PNG, JPEG and TIFF, signed offline (``ethicard[c2pa]``).

The manifest holds a ``c2pa.actions`` assertion (``c2pa.created`` with the IPTC digital source type)
and an ``org.ethicard.marker`` assertion with the marker itself.  It is signed with the certificate
chain and private key the user gives (c2pa-python refuses some certificates, such as a bare
self-signed one; a private CA and a signing certificate it issued work); no time-stamp authority
is asked, so nothing leaves the machine.  Thumbnails are off: c2pa's default one adds about 150 KB to a small PNG.
``inspect`` reports a manifest as present; validating it is c2pa's own reader's job.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from .. import __version__
from .marker import ImageError, Marker, MissingExtra

MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "TIFF": "image/tiff"}
ALGORITHMS = ("es256", "es384", "es512", "ps256", "ps384", "ps512", "ed25519")


@dataclass(frozen=True)
class Credentials:
    """The signing certificate chain (PEM, signer first) and its private key (PEM)."""

    chain: bytes
    key: bytes
    algorithm: str = "es256"


def _c2pa() -> Any:
    try:
        import c2pa  # optional extra: imported only when C2PA credentials are used
    except ImportError:
        raise MissingExtra("signing C2PA content credentials needs c2pa-python", "install ethicard[c2pa]") from None
    return c2pa


def manifest(marker: Marker, title: str) -> dict[str, Any]:
    return {
        "claim_generator_info": [{"name": "ethicard", "version": __version__}],
        "title": title,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": marker.source_type}]},
            },
            {"label": "org.ethicard.marker", "data": json.loads(marker.to_json())},
        ],
    }


def sign(data: bytes, fmt: str, marker: Marker, title: str, credentials: Credentials) -> bytes:
    """The file with a signed C2PA manifest embedded; the image data are not re-encoded."""
    c2pa = _c2pa()
    if fmt not in MIME:
        raise ImageError(f"C2PA content credentials are written for PNG, JPEG and TIFF, not {fmt}")
    try:
        settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}}})
        builder = c2pa.Builder(manifest(marker, title), c2pa.Context(settings))
        info = c2pa.C2paSignerInfo(
            alg=credentials.algorithm.encode(), sign_cert=credentials.chain, private_key=credentials.key, ta_url=None
        )
        signer = c2pa.Signer.from_info(info)
        out = io.BytesIO()
        builder.sign(signer, MIME[fmt], io.BytesIO(data), out)
    except Exception as exc:  # c2pa raises its own C2paError kinds, with the reason in the message
        raise ImageError(
            f"C2PA signing failed ({type(exc).__name__}: {exc})",
            "give a signing certificate issued by a CA (signer first, then the CA) and its private key",
        ) from None
    return out.getvalue()
