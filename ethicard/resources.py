"""Finds the checklists and templates packaged with ethicard (wheel and editable installs alike).

Each packaged folder is a package of its own; when it is a folder on disk (a wheel or an editable
install) its files are read with ``open``, else (a zip, say) through :mod:`importlib.resources`,
which costs several milliseconds to import on every start."""

from __future__ import annotations

import functools
import importlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Traversable


@functools.cache
def _directory(package: str) -> str | None:
    """The folder of a packaged data package on disk, or None when it is not one."""
    found = getattr(importlib.import_module(package), "__file__", None)
    folder = os.path.dirname(found) if isinstance(found, str) else None
    return folder if folder and os.path.isdir(folder) else None


def _folder(package: str) -> Traversable:
    from importlib import resources  # only for a package that is not a folder: lean start-up

    return resources.files(package)


def _names(package: str) -> list[str]:
    folder = _directory(package)
    if folder is not None:
        return os.listdir(folder)
    return [entry.name for entry in _folder(package).iterdir()]


def _text(package: str, *parts: str) -> str:
    folder = _directory(package)
    if folder is not None:
        with open(os.path.join(folder, *parts), encoding="utf-8") as handle:
            return handle.read()
    return _folder(package).joinpath(*parts).read_text(encoding="utf-8")


def _is_file(package: str, name: str) -> bool:
    folder = _directory(package)
    if folder is not None:
        return os.path.isfile(os.path.join(folder, name))
    return _folder(package).joinpath(name).is_file()


def bundled_checklists() -> list[str]:
    """Ids of the checklists shipped with ethicard."""
    return list(_bundled_checklists())


@functools.cache
def _bundled_checklists() -> tuple[str, ...]:
    # Listed once per process: the installed package does not change while ethicard runs, and
    # checking many cards asks for every card.
    return tuple(sorted(name.removesuffix(".yaml") for name in _names("ethicard.checklists") if name.endswith(".yaml")))


def checklist_text(checklist_id: str) -> str:
    return _text("ethicard.checklists", f"{checklist_id}.yaml")


def released_versions(checklist_id: str) -> tuple[str, ...]:
    """Versions of a bundled checklist kept besides the current one (``checklists/releases/``), so a
    card written for an earlier version is checked against the questions it answered."""
    return _releases().get(checklist_id, ())


@functools.cache
def _releases() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for name in sorted(_names("ethicard.checklists.releases")):
        ident, dash, version = name.removesuffix(".yaml").rpartition("-")
        if dash and name.endswith(".yaml"):
            found.setdefault(ident, []).append(version)
    return {ident: tuple(versions) for ident, versions in found.items()}


def release_text(checklist_id: str, version: str) -> str:
    """An earlier released version of a bundled checklist."""
    return _text("ethicard.checklists.releases", f"{checklist_id}-{version}.yaml")


def history_text(checklist_id: str) -> str | None:
    """The declared changes of a bundled checklist (``checklists/changes/<id>.yaml``), if it has any."""
    name = f"{checklist_id}.yaml"
    return _text("ethicard.checklists.changes", name) if _is_file("ethicard.checklists.changes", name) else None


def template_text(name: str) -> str:
    return _text("ethicard.templates", name)


def crosswalk_text(scheme: str) -> str:
    """A bundled crosswalk file: another scheme's item ids with ethicard's own labels."""
    return _text("ethicard.checklists", "crosswalks", f"{scheme}.yaml")


def bundled_templates() -> list[str]:
    """Names of the templates shipped with ethicard: the only ones a template may include."""
    return sorted(name for name in _names("ethicard.templates") if name.endswith(".j2"))
