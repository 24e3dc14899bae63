"""Pydantic's validation errors translated into located problems a person can act on: each one
``file:line:col: path: message (hint)``, with "did you mean" for keys and values and the allowed
values of closed choices.  Every model ethicard validates from YAML goes through :func:`validate_model`."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from . import loader
from .errors import EthicardError, Path_, Problem, describe_character
from .records import LocatedError
from .rules import CONDITION_TAGS

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


@dataclass(frozen=True)
class _Failure:
    """One of pydantic's errors, with the data path it concerns (union member names dropped)."""

    document: loader.Document
    model: type[BaseModel]
    loc: tuple[str | int, ...]  # pydantic's own location, union member names included
    path: Path_
    value: Any
    ctx: dict[str, Any]

    def problem(self, message: str, hint: str = "", *, key: bool = False) -> Problem:
        return self.document.problem(self.path, message, hint, key=key)


def _problem(document: loader.Document, model: type[BaseModel], error: Any) -> Problem:
    loc = tuple(error["loc"])
    failure = _Failure(document, model, loc, _data_path(document.data, loc), error.get("input"), error.get("ctx") or {})
    explain = _EXPLAINED.get(error["type"])
    if explain is not None:
        return explain(failure)
    cause = failure.ctx.get("error")
    if isinstance(cause, LocatedError):
        return document.problem((*failure.path, *cause.path), str(cause))
    return failure.problem(str(error["msg"]).removeprefix("Value error, "))


def _unknown_key(failure: _Failure) -> Problem:
    allowed = _keys_at(failure.model, failure.loc[:-1]) or _keys_at(failure.model, failure.path[:-1])
    key = str(failure.path[-1])
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else "allowed keys: " + ", ".join(allowed)
    return failure.problem(f"unknown key '{key}'", _unusual(key) + hint, key=True)


def _missing_key(failure: _Failure) -> Problem:
    key = failure.path[-1]
    return failure.problem(f"missing required key '{key}'", f"add '{key}:' here")


def _not_allowed(failure: _Failure) -> Problem:
    value = failure.value
    allowed = [a.strip("'") for a in str(failure.ctx.get("expected", "")).replace(" or ", ", ").split(", ")]
    close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.5)
    hint = (f"did you mean '{close[0]}'? " if close else "") + "allowed: " + ", ".join(allowed)
    hint = (_unusual(value) if isinstance(value, str) else "") + hint
    return failure.problem(f"'{value}' is not an allowed value", hint)


def _not_a_mapping(failure: _Failure) -> Problem:
    message = f"expected a mapping (key: value lines), got {_describe(failure.value)}"
    return failure.problem(message, _mapping_hint(failure.model, failure.path))


def _not_text(failure: _Failure) -> Problem:
    hint = "put the text in quotes" if isinstance(failure.value, bool) else "write text here"
    return failure.problem(f"expected text, got {_describe(failure.value)}", hint)


def _not_a_list(failure: _Failure) -> Problem:
    return failure.problem(f"expected a list, got {_describe(failure.value)}", "write one '- entry' per line")


def _not_a_boolean(failure: _Failure) -> Problem:
    return failure.problem(f"expected true or false, got {_describe(failure.value)}")


def _not_a_number(failure: _Failure) -> Problem:
    return failure.problem(f"expected a number, got {_describe(failure.value)}")


def _not_a_whole_number(failure: _Failure) -> Problem:
    return failure.problem(f"expected a whole number, got {_describe(failure.value)}")


def _not_finite(failure: _Failure) -> Problem:
    message = f"expected a finite number, got {_describe(failure.value)}"
    return failure.problem(message, "NaN and infinity are not results")


def _empty(failure: _Failure) -> Problem:
    return failure.problem("must not be empty")


def _wrong_form(failure: _Failure) -> Problem:
    message = f"{_describe(failure.value)} does not have the expected form"
    return failure.problem(message, f"expected pattern {failure.ctx.get('pattern')}")


# pydantic's error types, each with the words that explain it; any other error keeps pydantic's message.
_EXPLAINED: dict[str, Callable[[_Failure], Problem]] = {
    "extra_forbidden": _unknown_key,
    "missing": _missing_key,
    "literal_error": _not_allowed,
    "enum": _not_allowed,
    "model_type": _not_a_mapping,
    "dict_type": _not_a_mapping,
    "model_attributes_type": _not_a_mapping,
    "string_type": _not_text,
    "list_type": _not_a_list,
    "bool_type": _not_a_boolean,
    "bool_parsing": _not_a_boolean,
    "float_parsing": _not_a_number,
    "float_type": _not_a_number,
    "int_parsing": _not_a_whole_number,
    "int_type": _not_a_whole_number,
    "int_from_float": _not_a_whole_number,
    "finite_number": _not_finite,
    "string_too_short": _empty,
    "too_short": _empty,
    "string_pattern_mismatch": _wrong_form,
}


def _unusual(text: str) -> str:
    """Names the characters that make a key or choice differ from the one it looks like: a
    Cyrillic letter a (U+0430) for a Latin one, a zero-width space, a non-breaking space."""
    odd = sorted({char for char in text if not (char.isascii() and char.isprintable())}, key=text.index)
    if not odd:
        return ""
    named = ", ".join(describe_character(char) for char in odd[:3]) + (", ..." if len(odd) > 3 else "")
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
    """Whether a part of pydantic's location names a member of a union rather than a key: the tag of
    one of the rule language's condition forms, or the name pydantic gives a member of an untagged
    union after its type ('str', 'float', 'list[str]', 'function-after[...]', 'constrained-str')."""
    return isinstance(part, str) and (
        part in CONDITION_TAGS
        or part in {"str", "float", "int", "bool", "none"}
        or "[" in part
        or part.startswith(("function-", "constrained-"))
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
