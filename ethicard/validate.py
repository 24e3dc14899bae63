"""Loading: a checklist by id, version or file, and a card against the checklist and version it
names.  Validation errors become located problems in :mod:`ethicard.translate`."""

from __future__ import annotations

import difflib
import functools
import os
import re
from typing import Any

from . import loader, resources
from .custom import checklist_from_document
from .errors import EthicardError, Problem
from .heuristics import NOTE_IDS
from .models import CardBase, Checklist, card_model
from .translate import shape, validate_model

SEMVER = re.compile(r"\d+\.\d+\.\d+")


def load_checklist(
    name_or_path: str = "misyn", *, max_bytes: int = loader.DEFAULT_MAX_BYTES, version: str | None = None
) -> Checklist:
    """A bundled checklist by id (its current version, or a packaged earlier ``version``), or a
    checklist file by path."""
    if os.sep in name_or_path or name_or_path.endswith((".yaml", ".yml")):
        document = loader.load(name_or_path, max_bytes=max_bytes, what="checklist")
    else:
        if name_or_path not in resources.bundled_checklists():
            raise EthicardError(
                [
                    Problem(
                        name_or_path,
                        0,
                        0,
                        (),
                        "no such bundled checklist",
                        "bundled: " + ", ".join(resources.bundled_checklists()),
                    )
                ]
            )
        return _bundled_checklist(name_or_path, version)
    return checklist_from_document(document, load_checklist)


@functools.cache
def _bundled_checklist(name: str, version: str | None = None) -> Checklist:
    """A bundled checklist, read and validated once per process: it is part of the installed package
    and cannot change while the process runs.  Checking many cards then builds one card model."""
    if version is None:
        text = resources.checklist_text(name)
        return checklist_from_document(loader.parse(text, f"<bundled {name}.yaml>"), load_checklist)
    current = _bundled_checklist(name)
    if version == current.version:
        return current
    text, where = resources.release_text(name, version), f"<bundled releases/{name}-{version}.yaml>"
    return checklist_from_document(loader.parse(text, where), load_checklist)


def bundled_versions(name: str) -> list[str]:
    """Every packaged version of a bundled checklist, oldest first."""
    versions = {*resources.released_versions(name), _bundled_checklist(name).version}
    return sorted(versions, key=_version_key)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def newer_version(card: CardBase, checklist: Checklist) -> str | None:
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
        current = max(current, bundled_versions(answered.id)[-1], key=_version_key)
    return current if _version_key(answered.version) < _version_key(current) else None


def load_card(
    path: str | os.PathLike[str], checklist: Checklist | None = None, *, max_bytes: int = loader.DEFAULT_MAX_BYTES
) -> tuple[CardBase, Checklist]:
    """Read, parse and validate one card; the checklist defaults to the one the card names."""
    return validate_card(loader.load(path, max_bytes=max_bytes), checklist, max_bytes=max_bytes)


def validate_card(
    document: loader.Document, checklist: Checklist | None = None, *, max_bytes: int = loader.DEFAULT_MAX_BYTES
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
    _check_waivers(document, card, checklist)
    card._source = document  # for locating gap reasons, findings and notes in the file
    return card, checklist


def _check_waivers(document: loader.Document, card: CardBase, checklist: Checklist) -> None:
    """A waiver names a rule outside the six gaps, or an advisory note; gaps cannot be waived."""
    rules = {rule.id: rule for rule in checklist.rules}
    problems = []
    for n, waiver in enumerate(card.waivers):
        rule = rules.get(waiver.rule)
        if rule is not None and rule.gap:
            problems.append(
                document.problem(
                    ("waivers", n, "rule"),
                    f"rule '{waiver.rule}' puts a gap ({rule.gap}) on the card; gaps cannot be waived",
                    "answer it in the card's facts instead",
                )
            )
        elif rule is None and waiver.rule not in NOTE_IDS:
            known = sorted([*(r.id for r in checklist.rules if not r.gap), *NOTE_IDS])
            close = difflib.get_close_matches(waiver.rule, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "waivable: " + ", ".join(known)
            problems.append(document.problem(("waivers", n, "rule"), f"no rule or note '{waiver.rule}'", hint))
    if problems:
        raise EthicardError(problems)


def _reference(document: loader.Document) -> tuple[Any, Any, Any]:
    """The id, version and file the card's ``checklist`` names (None where it names none)."""
    ref = document.data.get("checklist")
    if isinstance(ref, str):
        ident, _, version = ref.partition("@")
        return ident, version, None
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
        newer = _version_key(version) > _version_key(versions[-1])
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
    if _version_key(version) > _version_key(checklist.version):
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
