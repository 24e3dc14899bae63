"""Checklists: what a checklist is, and where one comes from.

A checklist is bundled with ethicard (by id: its current version, or an earlier release kept in
``checklists/releases/``), a file (a lab's or venue's own checklist), or a file that extends a
bundled one with sections, items and rules (``extends: misyn``).  Each is checked whole before it
is used, every problem located (``file:line:col``): ids used twice, an extension's ids that clash
with its base, rules that name items which do not exist, intrinsic limits that name no item.
"""

from __future__ import annotations

import functools
import os
from typing import Annotated, Any

from pydantic import Field, model_validator

from . import loader, resources
from .errors import EthicardError, Path_, Problem
from .files import DEFAULT_MAX_BYTES
from .models import (
    ChecklistRef,
    FieldId,
    Identifier,
    IntrinsicLimit,
    Item,
    NonEmpty,
    Section,
    SemVer,
    _Strict,
)
from .records import ChecklistBehaviour, LocatedError
from .rules import Rule, unknown_items
from .translate import validate_model


class Checklist(ChecklistBehaviour, _Strict):
    """A versioned questionnaire: sections of items, each traced to its source, and its rules.

    Ids used twice are found in the file before validation (:func:`from_document`), where each
    can be located with the line of its first use."""

    id: Identifier
    version: SemVer
    title: NonEmpty
    description: str = ""
    reference: str = ""
    extends: ChecklistRef | None = Field(None, description="set by ethicard when this checklist extends another")
    intrinsic_limits: list[IntrinsicLimit] = Field([])
    sections: Annotated[list[Section], Field(min_length=1)]
    rules: list[Rule] = Field([])

    @model_validator(mode="after")
    def _limits_linked(self) -> Checklist:
        known = {section.id for section in self.sections} | {item.id for _, item in self.items()}
        for n, limit in enumerate(self.intrinsic_limits):
            if limit.item not in known:
                raise LocatedError(
                    f"intrinsic limit '{limit.id}' names item '{limit.item}', which does not exist",
                    ("intrinsic_limits", n, "item"),
                )
        return self


class SectionExtension(_Strict):
    """New items for a section of the base checklist, or a new section (which needs a title)."""

    id: FieldId
    title: NonEmpty | None = None
    intro: str | None = None
    items: Annotated[list[Item], Field(min_length=1)]


class ChecklistExtension(_Strict):
    """A checklist that adds to a bundled one: its own id and version, more items, more rules."""

    extends: Identifier = Field(description="the bundled checklist this one adds to, e.g. misyn")
    id: Identifier
    version: SemVer
    title: NonEmpty | None = None
    description: str = ""
    reference: str = ""
    sections: list[SectionExtension] = Field([])
    rules: list[Rule] = Field([])


# --- where a checklist comes from ------------------------------------------------------------


def load_checklist(
    name_or_path: str = "misyn", *, max_bytes: int = DEFAULT_MAX_BYTES, version: str | None = None
) -> Checklist:
    """A bundled checklist by id (its current version, or a packaged earlier ``version``), or a
    checklist file by path."""
    if os.sep in name_or_path or name_or_path.endswith((".yaml", ".yml")):
        return from_document(loader.load(name_or_path, max_bytes=max_bytes, what="checklist"))
    if name_or_path not in resources.bundled_checklists():
        bundled = "bundled: " + ", ".join(resources.bundled_checklists())
        raise EthicardError([Problem(name_or_path, 0, 0, (), "no such bundled checklist", bundled)])
    return _bundled_checklist(name_or_path, version)


@functools.cache
def _bundled_checklist(name: str, version: str | None = None) -> Checklist:
    """A bundled checklist, read and validated once per process: it is part of the installed package
    and cannot change while the process runs.  Checking many cards then builds one card model."""
    if version is None:
        return from_document(loader.parse(resources.checklist_text(name), f"<bundled {name}.yaml>"))
    current = _bundled_checklist(name)
    if version == current.version:
        return current
    text, where = resources.release_text(name, version), f"<bundled releases/{name}-{version}.yaml>"
    return from_document(loader.parse(text, where))


# --- a checklist checked whole -----------------------------------------------------------------


def from_document(document: loader.Document) -> Checklist:
    """A checklist from parsed YAML: a complete checklist, or an extension of a bundled one."""
    duplicates = _duplicate_ids(document)
    data = document.data
    extends = isinstance(data, dict) and "extends" in data
    try:
        model = validate_model(document, ChecklistExtension if extends else Checklist)
    except EthicardError as exc:
        raise EthicardError(duplicates + exc.problems) from None
    if isinstance(model, ChecklistExtension):
        return _extend(document, model, duplicates)
    assert isinstance(model, Checklist)
    known = {item.id for _, item in model.items()}
    _raise(duplicates + unknown_items(document, model.rules, known, model.id))
    return model


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise EthicardError(problems)


def _entries(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    return [(i, entry) for i, entry in enumerate(value) if isinstance(entry, dict)] if isinstance(value, list) else []


def _duplicate_ids(document: loader.Document) -> list[Problem]:
    """Ids used twice in one file, read before validation so that each is located: the only place
    a checklist's ids are checked for uniqueness (an extension's against its base: :func:`_extend`)."""
    problems: list[Problem] = []
    seen: dict[str, Path_] = {}
    rules: dict[str, Path_] = {}

    def claim(ident: Any, path: Path_, taken: dict[str, Path_], what: str) -> None:
        if not isinstance(ident, str):
            return
        if ident in taken:
            line = document.locate(taken[ident])[0]
            problems.append(document.problem(path, f"{what} '{ident}' is used twice (first at line {line})"))
        else:
            taken[ident] = path

    for i, section in _entries(document.data, "sections"):
        claim(section.get("id"), ("sections", i, "id"), seen, "id")
        for j, item in _entries(section, "items"):
            claim(item.get("id"), ("sections", i, "items", j, "id"), seen, "id")
    for i, rule in _entries(document.data, "rules"):
        claim(rule.get("id"), ("rules", i, "id"), rules, "rule id")
    return problems


def _extend(document: loader.Document, extension: ChecklistExtension, duplicates: list[Problem]) -> Checklist:
    """The base checklist with the extension's sections, items and rules added, once none clashes."""
    base = _base(document, extension, duplicates)
    problems = [*duplicates, *_section_clashes(document, extension, base), *_rule_clashes(document, extension, base)]
    _raise(problems)
    return _merged(extension, base)


def _base(document: loader.Document, extension: ChecklistExtension, problems: list[Problem]) -> Checklist:
    try:
        return load_checklist(extension.extends)
    except EthicardError as exc:
        message = exc.problems[0].message if exc.problems else "cannot be loaded"
        hint = exc.problems[0].hint if exc.problems else ""
        raise EthicardError(
            [*problems, document.problem(("extends",), f"'{extension.extends}': {message}", hint)]
        ) from None


def _section_clashes(document: loader.Document, extension: ChecklistExtension, base: Checklist) -> list[Problem]:
    """Sections that are the base's items, change a base section's title, or are new without a
    title; and items whose id the base already uses."""
    base_sections = [section.id for section in base.sections]
    base_items = {item.id: section.id for section, item in base.items()}
    problems = []
    for i, section in enumerate(extension.sections):
        where: Path_ = ("sections", i)
        problems += _section_clash(document, section, where, base)
        for j, item in enumerate(section.items):
            if item.id in base_items or item.id in base_sections:
                owner = f"section '{base_items[item.id]}'" if item.id in base_items else "as a section id"
                problems.append(
                    document.problem(
                        (*where, "items", j, "id"),
                        f"item id '{item.id}' is already used by {base.id} ({owner})",
                        "choose another id; an extension adds items and cannot replace them",
                    )
                )
    return problems


def _section_clash(
    document: loader.Document, section: SectionExtension, where: Path_, base: Checklist
) -> list[Problem]:
    base_sections = [known.id for known in base.sections]
    listed = "sections of " + base.id + ": " + ", ".join(base_sections)
    if any(section.id == item.id for _, item in base.items()):
        return [document.problem((*where, "id"), f"'{section.id}' is an item of {base.id}, not a section", listed)]
    if section.id in base_sections and (section.title is not None or section.intro is not None):
        problem = document.problem(
            (*where, "title" if section.title is not None else "intro"),
            f"section '{section.id}' belongs to {base.id}; its title and intro stay as they are",
            "leave out title and intro to add items to it, or choose a new section id",
            key=True,
        )
        return [problem]
    if section.id not in base_sections and section.title is None:
        return [document.problem(where, f"'{section.id}' is a new section and needs a title", listed)]
    return []


def _rule_clashes(document: loader.Document, extension: ChecklistExtension, base: Checklist) -> list[Problem]:
    """Rules whose id the base already uses, and rules that name items neither checklist has."""
    base_rules = {rule.id for rule in base.rules}
    problems = [
        document.problem(("rules", i, "id"), f"rule id '{rule.id}' is already used by {base.id}", "choose another id")
        for i, rule in enumerate(extension.rules)
        if rule.id in base_rules
    ]
    known = {item.id for _, item in base.items()} | {
        item.id for section in extension.sections for item in section.items
    }
    return problems + unknown_items(document, extension.rules, known, extension.id)


def _merged(extension: ChecklistExtension, base: Checklist) -> Checklist:
    """The base checklist with the extension's items added to its sections, and its new sections
    and rules after the base's own."""
    sections = list(base.sections)
    base_sections = {section.id for section in base.sections}
    for added in extension.sections:
        if added.id in base_sections:
            index = next(k for k, section in enumerate(sections) if section.id == added.id)
            kept = sections[index]
            sections[index] = Section(
                id=added.id, title=kept.title, intro=kept.intro, items=[*kept.items, *added.items]
            )
        else:
            sections.append(
                Section(id=added.id, title=added.title or added.id, intro=added.intro or "", items=added.items)
            )
    return Checklist(
        id=extension.id,
        version=extension.version,
        title=extension.title or base.title,
        description=extension.description or base.description,
        reference=extension.reference or base.reference,
        extends=ChecklistRef(id=base.id, version=base.version),
        intrinsic_limits=base.intrinsic_limits,
        sections=sections,
        rules=[*base.rules, *extension.rules],
    )
