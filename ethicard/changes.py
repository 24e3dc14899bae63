"""The history of a bundled checklist: what each released version changed, item by item.

The changes are data (``checklists/changes/<id>.yaml``), not prose, so that one account serves the
checklist's CHANGELOG, the migration of old cards and the comparison of cards written for different
versions.  :func:`verify` holds the account to the packaged versions: every difference between two
consecutive versions must be declared, and every declared change must be there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from . import loader, resources
from .checklist import Checklist
from .models import Identifier, Item, NonEmpty, SemVer, _Strict
from .translate import validate_model
from .versions import version_key

ChangeKind = Literal[
    "added",
    "removed",
    "renamed",
    "split",
    "merged",
    "reworded",
    "level changed",
    "source changed",
    "kinds changed",
    "gaps changed",
    "crosswalk changed",
    "topic changed",
    "audience changed",
    "rule added",
    "rule removed",
    "rule changed",
]

# The item fields each kind of change stands for; a difference in any other field is undeclared.
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "reworded": ("question", "guidance"),
    "level changed": ("level",),
    "source changed": ("source",),
    "kinds changed": ("kinds",),
    "gaps changed": ("gaps",),
    "crosswalk changed": ("crosswalk",),
    "topic changed": ("topic",),
    "audience changed": ("audience",),
}
_MOVES = ("renamed", "split", "merged")
_RULE_CHANGES = ("rule added", "rule removed", "rule changed")


class Change(_Strict):
    """One declared change: which items (their ids before the change) or rules, and why."""

    change: ChangeKind
    items: list[Identifier] = Field([], description="the items concerned (for 'added': the new ids)")
    into: list[Identifier] = Field([], description="renamed, split, merged: the ids after the change")
    rules: list[Identifier] = Field([], description="the rules concerned (rule changes only)")
    note: NonEmpty = Field(description="what changed and why, in plain words")
    source: NonEmpty = Field(description="where the change comes from")

    @model_validator(mode="after")
    def _shape(self) -> Change:
        wants_rules = self.change in _RULE_CHANGES
        if wants_rules != bool(self.rules) or (wants_rules and self.items):
            raise ValueError(f"a '{self.change}' change names {'rules' if wants_rules else 'items'} only")
        if not wants_rules and not self.items:
            raise ValueError(f"a '{self.change}' change names the items it concerns")
        needed = {"renamed": (1, 1), "split": (1, 2), "merged": (2, 1)}.get(self.change)
        if needed is None and self.into:
            raise ValueError(f"only renamed, split and merged changes have 'into'; not '{self.change}'")
        if needed is not None:
            self._check_move(*needed)
        return self

    def _check_move(self, items: int, into: int) -> None:
        """A move names ``items`` ids before and ``into`` after: exactly one when 1, else at least that many."""
        if len(self.items) < items or (items == 1 and len(self.items) != 1):
            raise ValueError(f"a '{self.change}' change names {'one item' if items == 1 else 'two items or more'}")
        if len(self.into) < into or (into == 1 and len(self.into) != 1):
            raise ValueError(f"a '{self.change}' change goes into {'one item' if into == 1 else 'two or more'}")


class Release(_Strict):
    version: SemVer
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    summary: NonEmpty
    changes: list[Change] = Field([], description="what changed since the previous release")


class History(_Strict):
    """A checklist's releases, oldest first."""

    checklist: Identifier
    releases: Annotated[list[Release], Field(min_length=1)]

    @model_validator(mode="after")
    def _in_order(self) -> History:
        versions = [version_key(release.version) for release in self.releases]
        if versions != sorted(set(versions)):
            raise ValueError("releases must be listed oldest first, each version once")
        return self

    def versions(self) -> list[str]:
        return [release.version for release in self.releases]

    def between(self, old: str, new: str) -> list[Release]:
        """The releases after ``old`` up to and including ``new``."""
        low, high = version_key(old), version_key(new)
        return [release for release in self.releases if low < version_key(release.version) <= high]


def item_map(history: History, old: str, new: str) -> dict[str, tuple[str, ...]]:
    """Where each item id of version ``old`` went by version ``new``: ``(id,)`` when it stayed,
    the new ids when renamed, split or merged, ``()`` when removed.  Ids not named stay as they are."""
    moved: dict[str, tuple[str, ...]] = {}
    for release in history.between(old, new):
        for change in release.changes:
            if change.change not in (*_MOVES, "removed"):
                continue
            targets = tuple(change.into) if change.change in _MOVES else ()
            for item in change.items:
                # an id already moved by an earlier release is followed to where it went
                for origin, now in list(moved.items()):
                    if item in now:
                        moved[origin] = tuple(dict.fromkeys(t for n in now for t in (targets if n == item else (n,))))
                moved.setdefault(item, targets)
    return moved


def verify(history: History, load: Callable[[str], Checklist]) -> list[str]:
    """Every difference between consecutive packaged versions that the history does not declare, and
    every declared change that is not there; empty when the account is true."""
    problems: list[str] = []
    for before, after in zip(history.releases, history.releases[1:], strict=False):
        problems += [f"{after.version}: {text}" for text in _compare(load(before.version), load(after.version), after)]
    return problems


def _compare(old: Checklist, new: Checklist, release: Release) -> list[str]:
    old_items = {item.id: item for _, item in old.items()}
    new_items = {item.id: item for _, item in new.items()}
    declared: dict[str, set[str]] = {}  # change kind -> ids
    for change in release.changes:
        declared.setdefault(change.change, set()).update(change.rules or change.items)
    return [
        *_item_set_problems(set(old_items), set(new_items), release, declared),
        *_item_field_problems(old_items, new_items, declared),
        *_rule_problems(old, new, declared),
    ]


def _item_set_problems(
    old_ids: set[str], new_ids: set[str], release: Release, declared: dict[str, set[str]]
) -> list[str]:
    """Items gone or new without a declared change, and declared removals or additions that did not happen."""
    moves = [change for change in release.changes if change.change in _MOVES]
    moved_from = {item for change in moves for item in change.items}
    moved_to = {item for change in moves for item in change.into}
    removed = declared.get("removed", set()) | moved_from
    added = declared.get("added", set()) | moved_to
    gone, arrived = old_ids - new_ids, new_ids - old_ids
    problems: list[str] = []
    for ids, text in (
        (gone - removed, "is gone but no change removes, renames, splits or merges it"),
        (arrived - added, "is new but no change adds it (or renames, splits or merges into it)"),
        (removed - gone - moved_to, "is removed or moved by a change but still there"),
        (added - arrived - moved_from, "is added by a change but was there before, or is not there"),
    ):
        problems += [f"item '{ident}' {text}" for ident in sorted(ids)]
    return problems


def _item_field_problems(
    old_items: dict[str, Item], new_items: dict[str, Item], declared: dict[str, set[str]]
) -> list[str]:
    """Fields of items in both versions that changed undeclared, or were declared changed and did not."""
    problems: list[str] = []
    for ident in sorted(set(old_items) & set(new_items)):
        for kind, fields in ITEM_FIELDS.items():
            differs = any(getattr(old_items[ident], f) != getattr(new_items[ident], f) for f in fields)
            if differs != (ident in declared.get(kind, set())):
                what = "differs but is not declared" if differs else "is declared but did not change"
                problems.append(f"'{kind}' of item '{ident}' {what}")
    return problems


def _rule_problems(old: Checklist, new: Checklist, declared: dict[str, set[str]]) -> list[str]:
    """Rules added, removed or changed without a declared change, and declared rule changes that did not happen."""
    old_rules = {rule.id: rule for rule in old.rules}
    new_rules = {rule.id: rule for rule in new.rules}
    changed_rules = {r for r in set(old_rules) & set(new_rules) if old_rules[r] != new_rules[r]}
    problems: list[str] = []
    for kind, actual in (
        ("rule added", set(new_rules) - set(old_rules)),
        ("rule removed", set(old_rules) - set(new_rules)),
        ("rule changed", changed_rules),
    ):
        said = declared.get(kind, set())
        problems += [f"rule '{r}': '{kind}' is not declared" for r in sorted(actual - said)]
        problems += [f"rule '{r}': '{kind}' is declared but did not happen" for r in sorted(said - actual)]
    return problems


def changelog(history: History, title: str) -> str:
    """The checklist's CHANGELOG in Markdown, newest release first."""
    lines = [
        f"# Changelog of the {history.checklist} checklist",
        "",
        f"{title}. Written by `ethicard changelog {history.checklist}` from the declared changes; "
        "do not edit by hand.",
    ]
    for release in reversed(history.releases):
        lines += ["", f"## {release.version} ({release.date})", "", _one_line(release.summary)]
        if release.changes:
            lines.append("")
        for change in release.changes:
            lines.append(f"- **{change.change}**: {_names(change)}. {_one_line(change.note)} (source: {change.source})")
    return "\n".join(lines) + "\n"


def _names(change: Change) -> str:
    named = ", ".join(f"`{ident}`" for ident in change.rules or change.items)
    if change.into:
        named += " → " + ", ".join(f"`{ident}`" for ident in change.into)
    return named


def _one_line(text: str) -> str:
    return " ".join(text.split())


def bundled_history(checklist_id: str) -> History | None:
    """The declared history of a bundled checklist, validated; None when it declares none."""
    text = resources.history_text(checklist_id)
    if text is None:
        return None
    return validate_model(loader.parse(text, f"<bundled changes/{checklist_id}.yaml>"), History)
