"""Sidecar markers: ``NAME.ethicard.json`` next to an image that cannot carry the marker itself.

The sidecar holds the marker and the image's size and SHA-256, so a sidecar that travelled with
another file (or a file changed since) is told apart.  Checking it reads the whole image once.
"""

from __future__ import annotations

import hashlib
import json
import os

from .marker import ImageError, Marker, parse, sidecar_path
from .reading import Mark

MAX_SIDECAR = 64 * 1024


def _digest(fd: int) -> str:
    digest = hashlib.sha256()
    os.lseek(fd, 0, os.SEEK_SET)
    for block in iter(lambda: os.read(fd, 1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def content(image: str, data: bytes, marker: Marker) -> str:
    return (
        json.dumps(
            {
                "image": {
                    "bytes": len(data),
                    "name": os.path.basename(image),
                    "sha256": hashlib.sha256(data).hexdigest(),
                },
                "marker": json.loads(marker.to_json()),
            },
            sort_keys=True,
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def read(image: str, fd: int, size: int) -> tuple[Mark | None, str]:
    """The sidecar's mark and, when it does not describe this image, why (an inconsistency)."""
    path = sidecar_path(image)
    if not os.path.isfile(path):
        return None, ""
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_SIDECAR + 1)
        if len(raw) > MAX_SIDECAR:
            raise ImageError(f"its sidecar is larger than {MAX_SIDECAR} bytes")
        data = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("image"), dict):
            raise ImageError("its sidecar has no 'image' record")
        marker = parse(json.dumps(data.get("marker")))
    except (OSError, ValueError) as exc:
        return None, f"its sidecar {path} cannot be read ({exc})"
    except ImageError as exc:
        return None, f"its sidecar {path}: {exc.message}"
    described = data["image"]
    if described.get("bytes") != size or described.get("sha256") != _digest(fd):
        return Mark("sidecar", "sidecar", marker, marker.source_type), f"its sidecar {path} describes another file"
    return Mark("sidecar", "sidecar", marker, marker.source_type), ""
