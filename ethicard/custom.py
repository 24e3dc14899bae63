"""Checklist files beyond the bundled ones: a lab's or venue's own checklist, or an extension that
adds sections, items and rules to a bundled checklist (``extends: misyn``).

Every problem is located (``file:line:col``): ids used twice, extension ids that clash with the
base checklist, and rules that name items which do not exist.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Any

from . import loader
from .errors import EthicardError, Path_, Problem
from .models import (
    AllOf,
    AnyOf,
    Checklist,
    ChecklistExtension,
    ChecklistRef,
    Condition,
    ItemCondition,
    NotOf,
    Rule,
    Section,
    TextCondition,
)
from .translate import validate_model


def checklist_from_document(document: loader.Document, load_base: Callable[[str], Checklist]) -> Checklist:
    """A checklist from parsed YAML: a complete checklist, or an extension of a bundled one, which
    ``load_base`` loads by its id (passed in, so that loading and this module do not import each other)."""
    duplicates = _duplicate_ids(document)
    data = document.data
    extends = isinstance(data, dict) and "extends" in data
    try:
        model = validate_model(document, ChecklistExtension if extends else Checklist)
    except EthicardError as exc:
        # the model finds the same ids used twice; keep this module's message, which names both lines
        spots = {(p.line, p.col, p.path) for p in duplicates}
        kept = [p for p in exc.problems if (p.line, p.col, p.path) not in spots or "is used twice" not in p.message]
        raise EthicardError(duplicates + kept) from None
    if isinstance(model, ChecklistExtension):
        return _extend(document, model, duplicates, load_base)
    assert isinstance(model, Checklist)
    known = {item.id for _, item in model.items()}
    _raise(duplicates + _unknown_items(document, model.rules, known, model.id))
    return model


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise EthicardError(problems)


def _entries(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    return [(i, entry) for i, entry in enumerate(value) if isinstance(entry, dict)] if isinstance(value, list) else []


def _duplicate_ids(document: loader.Document) -> list[Problem]:
    """Ids used twice in one file, read before validation so that each is located."""
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


def _extend(
    document: loader.Document,
    extension: ChecklistExtension,
    problems: list[Problem],
    load_base: Callable[[str], Checklist],
) -> Checklist:
    try:
        base = load_base(extension.extends)
    except EthicardError as exc:
        message = exc.problems[0].message if exc.problems else "cannot be loaded"
        hint = exc.problems[0].hint if exc.problems else ""
        raise EthicardError(
            [*problems, document.problem(("extends",), f"'{extension.extends}': {message}", hint)]
        ) from None
    base_sections = {section.id: section for section in base.sections}
    base_items = {item.id: section.id for section, item in base.items()}
    for i, section in enumerate(extension.sections):
        where: Path_ = ("sections", i)
        if section.id in base_items:
            problems.append(
                document.problem(
                    (*where, "id"),
                    f"'{section.id}' is an item of {base.id}, not a section",
                    "sections of " + base.id + ": " + ", ".join(base_sections),
                )
            )
        elif section.id in base_sections and (section.title is not None or section.intro is not None):
            problems.append(
                document.problem(
                    (*where, "title" if section.title is not None else "intro"),
                    f"section '{section.id}' belongs to {base.id}; its title and intro stay as they are",
                    "leave out title and intro to add items to it, or choose a new section id",
                    key=True,
                )
            )
        elif section.id not in base_sections and section.title is None:
            problems.append(
                document.problem(
                    where,
                    f"'{section.id}' is a new section and needs a title",
                    "sections of " + base.id + ": " + ", ".join(base_sections),
                )
            )
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
    base_rules = {rule.id for rule in base.rules}
    for i, rule in enumerate(extension.rules):
        if rule.id in base_rules:
            problems.append(
                document.problem(
                    ("rules", i, "id"), f"rule id '{rule.id}' is already used by {base.id}", "choose another id"
                )
            )
    known = set(base_items) | {item.id for section in extension.sections for item in section.items}
    problems += _unknown_items(document, extension.rules, known, extension.id)
    _raise(problems)
    sections = list(base.sections)
    for added in extension.sections:
        if added.id in base_sections:
            index = next(k for k, section in enumerate(sections) if section.id == added.id)
            sections[index] = Section(
                id=added.id,
                title=sections[index].title,
                intro=sections[index].intro,
                items=[*sections[index].items, *added.items],
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


def _unknown_items(document: loader.Document, rules: list[Rule], known: set[str], checklist: str) -> list[Problem]:
    """Rules that name an item the checklist does not have, each located at the name."""
    problems = []
    for i, rule in enumerate(rules):
        for part, condition in (("when", rule.when), ("require", rule.require)):
            if condition is None:
                continue
            for path, ident in _item_names(condition, ("rules", i, part)):
                if ident not in known:
                    close = difflib.get_close_matches(ident, sorted(known), n=1, cutoff=0.6)
                    problems.append(
                        document.problem(
                            path,
                            f"rule '{rule.id}' names item '{ident}', which checklist '{checklist}' does not have",
                            f"did you mean '{close[0]}'?" if close else "",
                        )
                    )
    return problems


def _item_names(condition: Condition, path: Path_) -> Iterator[tuple[Path_, str]]:
    """Every item a condition names, with where it stands in the file."""
    if isinstance(condition, AllOf):
        for k, part in enumerate(condition.all_):
            yield from _item_names(part, (*path, "all", k))
    elif isinstance(condition, AnyOf):
        for k, part in enumerate(condition.any_):
            yield from _item_names(part, (*path, "any", k))
    elif isinstance(condition, NotOf):
        yield from _item_names(condition.not_, (*path, "not"))
    elif isinstance(condition, ItemCondition):
        yield (*path, "item"), condition.item
        if condition.repeats is not None:
            yield (*path, "repeats"), condition.repeats
    elif isinstance(condition, TextCondition):
        for k, ident in enumerate(condition.except_items):
            yield (*path, "except_items", k), ident
