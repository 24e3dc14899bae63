"""Finds the checklists and templates packaged with ethicard (wheel and editable installs alike)."""

from __future__ import annotations

import functools
from importlib import resources
from importlib.abc import Traversable


def _folder(package: str) -> Traversable:
    return resources.files(package)


def bundled_checklists() -> list[str]:
    """Ids of the checklists shipped with ethicard."""
    return list(_bundled_checklists())


@functools.cache
def _bundled_checklists() -> tuple[str, ...]:
    # Listed once per process: the installed package does not change while ethicard runs, and
    # checking many cards asks for every card.
    return tuple(
        sorted(
            entry.name.removesuffix(".yaml")
            for entry in _folder("ethicard.checklists").iterdir()
            if entry.name.endswith(".yaml")
        )
    )


def checklist_text(checklist_id: str) -> str:
    return _folder("ethicard.checklists").joinpath(f"{checklist_id}.yaml").read_text(encoding="utf-8")


def released_versions(checklist_id: str) -> tuple[str, ...]:
    """Versions of a bundled checklist kept besides the current one (``checklists/releases/``), so a
    card written for an earlier version is checked against the questions it answered."""
    return _releases().get(checklist_id, ())


@functools.cache
def _releases() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for entry in _folder("ethicard.checklists.releases").iterdir():
        ident, dash, version = entry.name.removesuffix(".yaml").rpartition("-")
        if dash and entry.name.endswith(".yaml"):
            found.setdefault(ident, []).append(version)
    return {ident: tuple(versions) for ident, versions in found.items()}


def release_text(checklist_id: str, version: str) -> str:
    """An earlier released version of a bundled checklist."""
    name = f"{checklist_id}-{version}.yaml"
    return _folder("ethicard.checklists.releases").joinpath(name).read_text(encoding="utf-8")


def history_text(checklist_id: str) -> str | None:
    """The declared changes of a bundled checklist (``checklists/changes/<id>.yaml``), if it has any."""
    entry = _folder("ethicard.checklists.changes").joinpath(f"{checklist_id}.yaml")
    return entry.read_text(encoding="utf-8") if entry.is_file() else None


def template_text(name: str) -> str:
    return _folder("ethicard.templates").joinpath(name).read_text(encoding="utf-8")


def crosswalk_text(scheme: str) -> str:
    """A bundled crosswalk file: another scheme's item ids with ethicard's own labels."""
    return _folder("ethicard.checklists").joinpath("crosswalks", f"{scheme}.yaml").read_text(encoding="utf-8")


def bundled_templates() -> list[str]:
    """Names of the templates shipped with ethicard: the only ones a template may include."""
    return sorted(entry.name for entry in _folder("ethicard.templates").iterdir() if entry.name.endswith(".j2"))
