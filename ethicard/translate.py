"""Pydantic's validation errors translated into located problems a person can act on: each one
``file:line:col: path: message (hint)``, with "did you mean" for keys and values and the allowed
values of closed choices.  Every model ethicard validates from YAML goes through :func:`validate_model`."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from . import loader
from .errors import EthicardError, Path_, Problem
from .models import LocatedError

M = TypeVar("M", bound=BaseModel)
MAX_PROBLEMS = 100  # described one by one; the rest are counted
_SHAPES = {
    dict: "a mapping (key: value lines)",
    list: "a list (lines starting with '- ')",
    str: "text",
    bool: "true/false",
    type(None): "nothing (an empty value)",
}


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


def shape(value: Any) -> str:
    """How a value looks in YAML, in words (for messages)."""
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
    return shape(value)


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
