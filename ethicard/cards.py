"""Cards: one read and validated against the checklist it names, at the version it answers.

The card's ``checklist`` (``misyn@1.0.0``, or a mapping with ``id``, ``version`` and perhaps a
``file`` relative to the card) decides which checklist's questions it answers; a card written for
an earlier packaged version is checked against the questions of that version, and
:func:`ethicard.versions.newer_version` says which version it could move to (``ethicard migrate``).
Validation errors become located problems in :mod:`ethicard.translate`.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import Field, create_model

from . import loader, resources
from .checklist import Checklist, load_checklist
from .errors import EthicardError
from .files import DEFAULT_MAX_BYTES
from .models import Answer, CardBase, _Strict
from .records import split_reference
from .translate import shape, validate_model
from .versions import SEMVER, bundled_versions, version_key
from .waivers import check_waivers

_MODELS: dict[int, tuple[Checklist, type[CardBase]]] = {}
_MODELS_KEPT = 8


def card_model(checklist: Checklist) -> type[CardBase]:
    """The card model for one checklist: ``answers.<section>.<item>`` for each item.

    Built once per checklist object (building takes milliseconds; validating a card, microseconds).
    The cache holds the checklist itself, so its ``id`` cannot be reused by another checklist while
    cached, and keeps only the last few, so memory does not grow with the checklists seen.
    """
    cached = _MODELS.get(id(checklist))
    if cached is not None and cached[0] is checklist:
        return cached[1]
    section_fields: dict[str, Any] = {}
    for section in checklist.sections:
        item_fields: dict[str, Any] = {
            item.id: (Answer | None, Field(None, title=item.question, description=item.guidance))
            for item in section.items
        }
        section_model = create_model(f"Answers_{section.id}", __base__=_Strict, __doc__=section.title, **item_fields)
        section_fields[section.id] = (section_model, Field(default_factory=section_model, title=section.title))
    answers_model = create_model(
        "Answers", __base__=_Strict, __doc__="Answers by checklist section and item.", **section_fields
    )
    model: type[CardBase] = create_model(
        "Card",
        __base__=CardBase,
        __doc__=f"A disclosure card answering {checklist.id} {checklist.version}.",
        answers=(answers_model, Field(default_factory=answers_model)),
    )
    if len(_MODELS) >= _MODELS_KEPT:
        del _MODELS[next(iter(_MODELS))]
    _MODELS[id(checklist)] = (checklist, model)
    return model


def load_card(
    path: str | os.PathLike[str], checklist: Checklist | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[CardBase, Checklist]:
    """Read, parse and validate one card; the checklist defaults to the one the card names."""
    return validate_card(loader.load(path, max_bytes=max_bytes), checklist, max_bytes=max_bytes)


def validate_card(
    document: loader.Document, checklist: Checklist | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[CardBase, Checklist]:
    data = document.data
    if not isinstance(data, dict):
        raise EthicardError(
            [document.problem((), f"a card must be a mapping, not {shape(data)}", "start from 'ethicard init'")]
        )
    if checklist is None:
        checklist = _named_checklist(document, max_bytes)
    _check_version(document, checklist)
    card = validate_model(document, card_model(checklist))
    check_waivers(document, card, checklist)
    card._source = document  # for locating gap reasons, findings and notes in the file
    return card, checklist


def _reference(document: loader.Document) -> tuple[Any, Any, Any]:
    """The id, version and file the card's ``checklist`` names (None where it names none)."""
    ref = document.data.get("checklist")
    if isinstance(ref, str):
        return (*split_reference(ref), None)
    if isinstance(ref, dict):
        return ref.get("id"), ref.get("version"), ref.get("file")
    return None, None, None


def _named_checklist(document: loader.Document, max_bytes: int) -> Checklist:
    ident, version, file = _reference(document)
    if isinstance(file, str) and file:
        return _checklist_file(document, file, max_bytes)
    if not isinstance(ident, str):
        return load_checklist("misyn")  # let validation report the missing or malformed reference
    if ident not in resources.bundled_checklists():
        raise EthicardError(
            [
                document.problem(
                    ("checklist",),
                    f"unknown checklist '{ident}'",
                    "bundled: " + ", ".join(resources.bundled_checklists()) + "; or pass --checklist FILE",
                )
            ]
        )
    if not (isinstance(version, str) and SEMVER.fullmatch(version)):
        return load_checklist(ident)  # validation reports the malformed version
    versions = bundled_versions(ident)
    if version not in versions:
        newer = version_key(version) > version_key(versions[-1])
        raise EthicardError(
            [
                document.problem(
                    ("checklist", "version"),
                    f"{ident} {version} "
                    + ("is newer than any version this ethicard has" if newer else "was never released"),
                    f"released versions: {', '.join(versions)}" + ("; upgrade ethicard" if newer else ""),
                )
            ]
        )
    return load_checklist(ident, version=version)


def _checklist_file(document: loader.Document, file: str, max_bytes: int) -> Checklist:
    """The checklist a card names by a path relative to the card itself (a venue's own checklist)."""
    where = ("checklist", "file")
    if os.path.isabs(file):
        raise EthicardError([document.problem(where, "must be a path relative to the card", f"not '{file}'")])
    path = os.path.join(os.path.dirname(document.file) or ".", file)  # always a path, never a bundled id
    try:
        return load_checklist(path, max_bytes=max_bytes)
    except EthicardError as exc:
        if any(p.line for p in exc.problems):
            raise  # problems inside the checklist file, located there
        reasons = "; ".join(p.message for p in exc.problems)
        raise EthicardError([document.problem(where, f"cannot read checklist '{file}': {reasons}")]) from None


def _check_version(document: loader.Document, checklist: Checklist) -> None:
    ident, version, _ = _reference(document)
    if isinstance(ident, str) and checklist.extends is not None and ident == checklist.extends.id:
        checklist = checklist.model_copy(update={"id": ident, "version": checklist.extends.version})
    if ident != checklist.id and isinstance(ident, str):
        raise EthicardError(
            [
                document.problem(
                    ("checklist",), f"the card answers checklist '{ident}', but checklist '{checklist.id}' was given"
                )
            ]
        )
    if not (isinstance(version, str) and SEMVER.fullmatch(version)):
        return
    if version.split(".")[0] != checklist.version.split(".")[0]:
        raise EthicardError(
            [
                document.problem(
                    ("checklist", "version"),
                    f"the card answers {checklist.id} {version}, which is not "
                    f"compatible with {checklist.id} {checklist.version}",
                    "the major version differs; update the card",
                )
            ]
        )
    if version_key(version) > version_key(checklist.version):
        raise EthicardError(
            [
                document.problem(
                    ("checklist", "version"),
                    f"the card answers {checklist.id} {version}, newer than the checklist given "
                    f"({checklist.id} {checklist.version})",
                    "use the checklist version the card was written for",
                )
            ]
        )
