"""Turns parsed YAML into checklist and card models, translating every validation error into
a located :class:`~ethicard.errors.Problem` with a hint a person can act on."""

from __future__ import annotations

import difflib
import functools
import os
import re
import types
import typing
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from . import loader, resources
from .errors import EthicardError, Path_, Problem
from .heuristics import NOTE_IDS
from .models import CardBase, Checklist, LocatedError, card_model

M = TypeVar("M", bound=BaseModel)
SEMVER = re.compile(r"\d+\.\d+\.\d+")
_SHAPES = {
    dict: "a mapping (key: value lines)",
    list: "a list (lines starting with '- ')",
    str: "text",
    bool: "true/false",
    type(None): "nothing (an empty value)",
}


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
    from .custom import checklist_from_document  # custom validates through this module

    return checklist_from_document(document)


@functools.cache
def _bundled_checklist(name: str, version: str | None = None) -> Checklist:
    """A bundled checklist, read and validated once per process: it is part of the installed package
    and cannot change while the process runs.  Checking many cards then builds one card model."""
    from .custom import checklist_from_document

    if version is None:
        return checklist_from_document(loader.parse(resources.checklist_text(name), f"<bundled {name}.yaml>"))
    current = _bundled_checklist(name)
    if version == current.version:
        return current
    text, where = resources.release_text(name, version), f"<bundled releases/{name}-{version}.yaml>"
    return checklist_from_document(loader.parse(text, where))


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
            [document.problem((), f"a card must be a mapping, not {_shape(data)}", "start from 'ethicard init'")]
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


MAX_PROBLEMS = 100  # described one by one; the rest are counted


def validate_model(document: loader.Document, model: type[M]) -> M:
    """Validate plain data against a model, raising every problem at once, located."""
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        # A 1 MB list of wrong entries has hundreds of thousands of problems: the first
        # MAX_PROBLEMS are described, the rest counted (pydantic's own list is cheap next to ours).
        errors = exc.errors(include_url=False)
        problems = [_problem(document, model, error) for error in errors[:MAX_PROBLEMS]]
        if len(errors) > MAX_PROBLEMS:
            first = _data_path(document.data, errors[MAX_PROBLEMS]["loc"])
            more = len(errors) - MAX_PROBLEMS
            problems.append(
                document.problem(
                    first, f"and {more:,} more problems not listed", "fix the ones listed, then check again"
                )
            )
        raise EthicardError(problems) from None


def _shape(value: Any) -> str:
    return _SHAPES.get(type(value), type(value).__name__)


def _problem(document: loader.Document, model: type[BaseModel], error: Any) -> Problem:
    path = _data_path(document.data, error["loc"])
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _keys_at(model, tuple(error["loc"][:-1])) or _keys_at(model, path[:-1])
        key = str(path[-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "allowed keys: " + ", ".join(allowed)
        return document.problem(path, f"unknown key '{key}'", _unusual(key) + hint, key=True)
    if kind == "missing":
        return document.problem(path, f"missing required key '{path[-1]}'", f"add '{path[-1]}:' here")
    if kind in ("literal_error", "enum"):
        allowed = [a.strip("'") for a in str(ctx.get("expected", "")).replace(" or ", ", ").split(", ")]
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.5)
        hint = (f"did you mean '{close[0]}'? " if close else "") + "allowed: " + ", ".join(allowed)
        hint = (_unusual(value) if isinstance(value, str) else "") + hint
        return document.problem(path, f"'{value}' is not an allowed value", hint)
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return document.problem(
            path, f"expected a mapping (key: value lines), got {_describe(value)}", _mapping_hint(model, path)
        )
    if kind in ("string_type",):
        hint = "put the text in quotes" if isinstance(value, bool) else "write text here"
        return document.problem(path, f"expected text, got {_describe(value)}", hint)
    if kind == "list_type":
        return document.problem(path, f"expected a list, got {_describe(value)}", "write one '- entry' per line")
    if kind in ("bool_type", "bool_parsing"):
        return document.problem(path, f"expected true or false, got {_describe(value)}")
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        what = "a whole number" if kind.startswith("int") else "a number"
        return document.problem(path, f"expected {what}, got {_describe(value)}")
    if kind == "finite_number":
        return document.problem(
            path, f"expected a finite number, got {_describe(value)}", "NaN and infinity are not results"
        )
    if kind in ("string_too_short", "too_short"):
        return document.problem(path, "must not be empty")
    if kind == "string_pattern_mismatch":
        return document.problem(
            path, f"{_describe(value)} does not have the expected form", f"expected pattern {ctx.get('pattern')}"
        )
    cause = ctx.get("error")
    if isinstance(cause, LocatedError):
        return document.problem((*path, *cause.path), str(cause))
    message = str(error["msg"]).removeprefix("Value error, ")
    return document.problem(path, message)


def _unusual(text: str) -> str:
    """Names the characters that make a key or choice differ from the one it looks like: a
    Cyrillic letter a (U+0430) for a Latin one, a zero-width space, a non-breaking space."""
    odd = sorted({char for char in text if not (char.isascii() and char.isprintable())}, key=text.index)
    if not odd:
        return ""
    named = ", ".join(loader.describe_character(char) for char in odd[:3]) + (", ..." if len(odd) > 3 else "")
    return f"it contains {named}; "


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"the text '{value}'" if len(value) < 60 else "a long text"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _shape(value)


def _mapping_hint(model: type[BaseModel], path: Path_) -> str:
    keys = _keys_at(model, path)
    return "expected keys: " + ", ".join(keys[:8]) + (", ..." if len(keys) > 8 else "") if keys else ""


def _data_path(data: Any, loc: tuple[str | int, ...]) -> Path_:
    """The error's location in the data: pydantic's loc without the names of union members it
    inserts, which are told apart from the card's own keys (a key may be 'str' or 'a[1]') by
    walking the data."""
    path: list[str | int] = []
    for part in loc:
        found = part in data if isinstance(data, dict) else isinstance(data, list) and part in range(len(data))
        if found:
            data = data[part]
        elif _is_union_tag(part):
            continue
        else:
            data = None
        path.append(part)
    return tuple(path)


def _is_union_tag(part: str | int) -> bool:
    """pydantic inserts the member type's name (e.g. 'str', 'float') into locations of unions."""
    return isinstance(part, str) and (
        part in {"str", "float", "int", "bool", "none"}
        or "[" in part
        or part.startswith(("function-", "constrained-", "literal["))
    )


def _keys_at(model: type[BaseModel], path: Path_) -> list[str]:
    """The keys a mapping at ``path`` accepts, found by walking the model's annotations."""
    current: Any = model
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int):
            args = get_args(current)
            current = args[0] if get_origin(current) is list and args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in _fields(current):
            current = _fields(current)[part].annotation
        elif isinstance(part, str) and _is_union_tag(part):
            current = _tagged_member(current, part)
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(_fields(current))
    return []


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """A model's fields by the key a file uses: the alias where there is one (``in`` for ``in_``)."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _tagged_member(annotation: Any, tag: str) -> Any:
    """The member of a tagged union (e.g. a rule condition) that carries ``tag``; else unchanged."""
    for member in get_args(annotation):
        if get_origin(member) is typing.Annotated and any(getattr(m, "tag", None) == tag for m in member.__metadata__):
            return get_args(member)[0]
    return annotation


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation
