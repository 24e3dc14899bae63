"""Writes a card skeleton: every question and its guidance as YAML comments, ready to fill.

The card's blocks, their keys, choices and help come from the card models themselves (field
order, ``Literal`` choices, descriptions and docstrings), so the skeleton asks for exactly what
``ethicard check`` validates.
"""

from __future__ import annotations

import textwrap
import types
import typing
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .checklist import Checklist
from .errors import printable
from .models import FORMAT_1_FIELDS, About, Answer, CardBase, Evaluation
from .vocabulary import STATUSES, UNANSWERED

_WIDTH = 96
SCHEMA_FILE = "ethicard-card.schema.json"  # the yaml-language-server modeline points here
# Card fields the skeleton writes itself (format, checklist) or leaves to ethicard migrate.
_WRITTEN_APART = ("format", "checklist", "about", "evaluation", "retired")
_SET_BY_MIGRATE = ("review",)  # an answer's key that only 'ethicard migrate' writes
_FORMAT_2 = "format 2: "  # the prefix of format-2 descriptions; the skeleton is a format-2 card


def _inert(text: object) -> str:
    """Checklist text that can only ever be the rest of one comment line: every kind of line
    break and space Unicode has (U+0085, U+2028, U+2029 among them) becomes one space, and any
    other control or format character is shown as an escape (see errors.printable)."""
    return printable(" ".join(str(text).split()))


def _comment(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        _inert(text), _WIDTH - len(indent) - 2, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}#   "
    ) or [f"{indent}#"]


# --- what a field's annotation asks for -----------------------------------------------------------


def _alternatives(annotation: Any) -> list[Any]:
    """The types a field takes, without None and without Annotated's metadata."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        found = [_bare(arg) for arg in typing.get_args(annotation) if arg is not type(None)]
    else:
        found = [_bare(annotation)]
    return found


def _bare(annotation: Any) -> Any:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _element(annotation: Any) -> Any:
    """The element type of a list field, or None."""
    alternatives = _alternatives(annotation)
    if len(alternatives) == 1 and typing.get_origin(alternatives[0]) is list:
        return _bare(typing.get_args(alternatives[0])[0])
    return None


def _choices(annotation: Any) -> tuple[str, ...]:
    """The values a field may take when they are closed: a Literal's, or true and false."""
    alternatives = _alternatives(annotation)
    if len(alternatives) != 1:
        return ()
    if alternatives[0] is bool:
        return ("true", "false")
    if typing.get_origin(alternatives[0]) is Literal:
        return tuple(str(value) for value in typing.get_args(alternatives[0]))
    return ()


def _record(annotation: Any) -> type[BaseModel] | None:
    """The model of a field that holds one record, or None."""
    alternatives = _alternatives(annotation)
    if len(alternatives) == 1 and isinstance(alternatives[0], type) and issubclass(alternatives[0], BaseModel):
        return alternatives[0]
    return None


def _description(field: FieldInfo) -> str:
    return (field.description or "").removeprefix(_FORMAT_2)


def _doc(model: type[BaseModel]) -> str:
    return (model.__doc__ or "").strip().splitlines()[0].rstrip(".") if model.__doc__ else ""


def _help(field: FieldInfo) -> str:
    """What a scalar field or a list of values asks for: its description, then its choices."""
    choices = _choices(field.annotation)
    listed = _choices(_element(field.annotation))
    description = _description(field)
    parts = [description]
    if all(choice in description for choice in choices or listed):  # the description names them already
        pass
    elif choices:
        parts.append(" | ".join(choices))
    else:
        parts.append("any of: " + ", ".join(listed))
    return ": ".join(part for part in parts if part)


def _empty(field: FieldInfo) -> str:
    """The YAML an unanswered field is written with."""
    alternatives = _alternatives(field.annotation)
    if any(typing.get_origin(alternative) is list for alternative in alternatives):
        return "[]"
    if any(typing.get_origin(alternative) is dict for alternative in alternatives):
        return "{}"
    return "" if field.default is None else '""'


def _keys(model: type[BaseModel]) -> str:
    """The keys of one record, with their choices: '{name, access (public | private), ...}'."""
    keys = []
    for name, field in model.model_fields.items():
        choices = _choices(field.annotation) or _choices(_element(field.annotation))
        keys.append(f"{name} ({' | '.join(choices)})" if choices else name)
    return "{" + ", ".join(keys) + "}"


def _described(model: type[BaseModel]) -> str:
    """A block's keys with what each asks for: '{who: who has the need, task: ...}'."""
    parts = []
    for name, field in model.model_fields.items():
        record, element = _record(field.annotation), _element(field.annotation)
        if record is not None:
            parts.append(f"{name}: {_described(record)}")
        elif isinstance(element, type) and issubclass(element, BaseModel):
            parts.append(f"{name}: [{_described(element)}]")
        else:
            parts.append(f"{name}: {_help(field) or '...'}")
    return "{" + ", ".join(parts) + "}"


def _block(name: str, field: FieldInfo) -> list[str]:
    """A top-level card block (labelling, data_sources, ...): its help as a comment, then its key."""
    record, element = _record(field.annotation), _element(field.annotation)
    if record is not None:
        help_ = f"{_description(field)}: {_described(record)}"
    elif isinstance(element, type) and issubclass(element, BaseModel):
        help_ = f"{_description(field)}; one entry per line: '- {_described(element)}'"
    else:
        help_ = _help(field)
    return [*_comment(f"{name}: {help_}", ""), f"{name}: {_empty(field)}".rstrip()]


def _about(kind: str) -> list[str]:
    lines = ["about:"]
    for name, field in About.model_fields.items():
        if f"about.{name}" in FORMAT_1_FIELDS:
            continue
        value = kind if name == "kind" else _empty(field)
        help_ = " | ".join(_choices(field.annotation)) if name == "kind" else _help(field)
        lines.append(f"  {name}: {value}".rstrip() + f"  # {help_}")
    return lines


def _evaluation() -> list[str]:
    lines = [f"evaluation:  # {_doc(Evaluation).lower()}; leave [] when none"]
    for name, field in Evaluation.model_fields.items():
        record, element = _record(field.annotation), _element(field.annotation)
        if record is not None:
            lines += _comment(f"{name}: {_description(field)}, {_described(record)}", "  ")
            lines.append(f"  {name}:")
        elif isinstance(element, type) and issubclass(element, BaseModel):
            lines.append(f"  {name}: []  # {_keys(element)}")
        else:
            lines.append(f"  {name}: []  # {_description(field)}; one line of text each")
    return lines


def _answer() -> list[str]:
    return [
        f"      {name}: {_empty(field)}".rstrip()
        for name, field in Answer.model_fields.items()
        if name not in _SET_BY_MIGRATE
    ]


def skeleton(checklist: Checklist, kind: str) -> str:
    """The YAML text of an empty card of ``kind`` answering ``checklist``."""
    lines = [
        f"# yaml-language-server: $schema=./{SCHEMA_FILE}",
        f"# (completion and checks in editors: run 'ethicard schema > {SCHEMA_FILE}' in this folder)",
        f"# MISyn disclosure card answering {checklist.id} {checklist.version}: {_inert(checklist.title)}",
        f"# For each question set status to one of: {' | '.join(STATUSES)},",
        "# write the answer (Markdown) and the evidence (where in the paper or repository; URLs).",
        f"# Questions whose status is left empty count as {UNANSWERED}; a partial answer says what is missing",
        "# (missing: ...). Gaps and rules are decided by the structured facts below, not by the answers' wording.",
        "# Check:  ethicard check THIS_FILE      Render:  ethicard render THIS_FILE -o card.md",
        "format: 2",
        "checklist:",
        f"  id: {checklist.id}",
        f"  version: {checklist.version}",
    ]
    lines += _about(kind)
    for name, field in CardBase.model_fields.items():
        if name == "evaluation":
            lines += _evaluation()
        elif name not in _WRITTEN_APART:
            lines += _block(name, field)
    lines.append("answers:")
    answer = _answer()
    for section in checklist.sections:
        items = [item for item in section.items if kind in item.kinds]
        if not items:
            continue
        lines += ["", f"  # ---- {_inert(section.title)} ----", f"  {section.id}:"]
        for item in items:
            lines += _comment(item.question, "    ")
            lines += _comment(item.guidance, "    ")
            lines += [f"    #   ({item.level}; source: {item.source})", f"    {item.id}:", *answer]
    return "\n".join(lines) + "\n"
