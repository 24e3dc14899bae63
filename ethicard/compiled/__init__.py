"""Valid cards answering a bundled checklist, validated by pydantic-core's compiled validator alone.

Importing pydantic's Python layer and building the card's models costs far more than validating a
card; so a card that names a bundled checklist at its current version is validated against a
schema generated from those models (``compiled/<id>.py``, written by :mod:`ethicard.precompile` and
kept current by a test), and comes back as plain records (:mod:`ethicard.records`) with the bundled
checklist, also as records.  Everything else takes the pydantic path of :mod:`ethicard.cards`, which
gives every problem its message: another checklist or version, a card the compiled validator
refuses, a generated module that is stale (the checklist's YAML changed since) or was made for
another pydantic-core, or a pydantic-core that cannot be loaded this way.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import zlib
from types import ModuleType
from typing import Any

from .. import loader, resources
from ..files import DEFAULT_MAX_BYTES
from ..records import split_reference
from ..waivers import check_waivers


def digest(text: str) -> int:
    """A checksum of a bundled checklist's YAML, to tell a generated module made from other text."""
    return zlib.crc32(text.encode("utf-8"))


def load_card(
    path: str | os.PathLike[str], checklist: Any | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Any, Any]:
    """Read, parse and validate one card, as :func:`ethicard.cards.load_card` does."""
    return validate_card(loader.load(path, max_bytes=max_bytes), checklist, max_bytes=max_bytes)


def validate_card(
    document: loader.Document, checklist: Any | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Any, Any]:
    """The card and its checklist: as records when no checklist is given and the compiled validator
    accepts the card, else as the pydantic models of :func:`ethicard.cards.validate_card`, which
    locates every problem."""
    compiled = _compiled(document) if checklist is None else None
    if compiled is not None:
        return compiled
    from ..cards import validate_card as by_pydantic  # brings pydantic: only when this path cannot decide

    return by_pydantic(document, checklist, max_bytes=max_bytes)


def bundled_checklist(name: str) -> Any | None:
    """The bundled checklist ``name`` as records, or None when its generated module cannot be used."""
    module = _generated(name)
    return None if module is None else _checklist(module)


def _compiled(document: loader.Document) -> tuple[Any, Any] | None:
    data = document.data
    if not isinstance(data, dict):
        return None
    ident, version = _reference(data.get("checklist"))
    module = _generated(ident) if ident else None
    if module is None or version != module.VERSION:
        return None
    core = _core()
    try:
        card = _validator(module).validate_python(data)
    except core.ValidationError:
        return None
    checklist = _checklist(module)
    check_waivers(document, card, checklist)
    card._source = document  # for locating gap reasons, findings and notes in the file
    return card, checklist


def _reference(value: Any) -> tuple[str, str]:
    """The id and version of a bundled checklist the card names ("" for anything else)."""
    if isinstance(value, str):
        return split_reference(value)
    if isinstance(value, dict) and value.get("file") is None:
        ident, version = value.get("id"), value.get("version")
        if isinstance(ident, str) and isinstance(version, str):
            return ident, version
    return "", ""


@functools.cache
def _generated(name: str) -> ModuleType | None:
    """The generated module for the bundled checklist ``name``, when it can be trusted."""
    if not name.isidentifier() or name not in resources.bundled_checklists():
        return None
    try:
        module = importlib.import_module(f"{__name__}.{name}")
        core = _core()
    except ImportError:
        return None
    if core.__version__ != module.MADE_WITH or digest(resources.checklist_text(name)) != module.CHECKLIST_DIGEST:
        return None
    return module


@functools.cache
def _validator(module: ModuleType) -> Any:
    return _core().SchemaValidator(module.SCHEMA)


@functools.cache
def _checklist(module: ModuleType) -> Any:
    return module.checklist()


@functools.cache
def _core() -> ModuleType:
    """pydantic-core's compiled module.  Loaded from its file when pydantic-core is not imported
    yet: its package's ``__init__`` imports the Python definitions of every schema type, which
    costs more than all the rest of checking a card.  Registered under its own name, so a later
    ``import pydantic_core`` (the pydantic path) finds and uses this very module."""
    name = "pydantic_core._pydantic_core"
    if name in sys.modules or "pydantic_core" in sys.modules:
        return importlib.import_module(name)
    try:
        from importlib import machinery, util  # the loader of extension modules, for this one file

        spec = util.find_spec("pydantic_core")  # finds the package without running it
        folders = list(spec.submodule_search_locations or []) if spec is not None else []
        for folder in folders:
            for entry in sorted(os.listdir(folder)):
                if entry.startswith("_pydantic_core.") and entry.endswith(tuple(machinery.EXTENSION_SUFFIXES)):
                    extension = machinery.ExtensionFileLoader(name, os.path.join(folder, entry))
                    found = util.spec_from_loader(name, extension)
                    if found is None:
                        continue
                    module = util.module_from_spec(found)
                    sys.modules[name] = module
                    extension.exec_module(module)
                    return module
    except Exception:
        sys.modules.pop(name, None)
    return importlib.import_module(name)
