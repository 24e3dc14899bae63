"""Checklist versions: their order, the versions packaged, and the one a card could move to.

Nothing here imports pydantic: checking a valid card asks :func:`newer_version` every time.
"""

from __future__ import annotations

import re
from typing import Any

from . import resources

SEMVER = re.compile(r"\d+\.\d+\.\d+")


def version_key(version: str) -> tuple[int, ...]:
    """A version as numbers, to compare versions in order (``1.10.0`` after ``1.9.0``)."""
    return tuple(int(part) for part in version.split("."))


def current_version(name: str) -> str:
    """The version of the bundled checklist ``name`` as packaged now (not an earlier release)."""
    from . import compiled  # the generated records know it without reading the checklist's YAML

    bundled = compiled.bundled_checklist(name)
    if bundled is not None:
        return str(bundled.version)
    from .checklist import load_checklist  # the generated records are stale: read the checklist itself

    return load_checklist(name).version


def bundled_versions(name: str) -> list[str]:
    """Every packaged version of a bundled checklist, oldest first."""
    return sorted({*resources.released_versions(name), current_version(name)}, key=version_key)


def newer_version(card: Any, checklist: Any) -> str | None:
    """The version of its checklist a card could move to (``ethicard migrate``), when it answers an
    older one: the current bundled version, or the version of the checklist file it was checked with."""
    answered = card.checklist
    if checklist.extends is not None and answered.id == checklist.extends.id:
        current = checklist.extends.version
    elif answered.id == checklist.id:
        current = checklist.version
    else:
        return None
    if checklist.extends is None and answered.id in resources.bundled_checklists() and not answered.file:
        current = max(current, bundled_versions(answered.id)[-1], key=version_key)
    return str(current) if version_key(answered.version) < version_key(current) else None
