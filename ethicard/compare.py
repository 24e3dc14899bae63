"""Two cards compared (``ethicard diff``): per item, what changed in status, answer and evidence; the
gaps opened and closed; the rule findings added and removed; completeness before and after.

Cards written for different versions of one checklist are compared through the checklist's declared
changes (:mod:`ethicard.changes`), so an item renamed or split between versions is followed to where
it went instead of showing as removed and added.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .assessment import ItemResult, Report
from .changes import History, bundled_history, item_map
from .versions import version_key


@dataclass(frozen=True)
class ItemChange:
    """One item whose answer differs between the two cards (``was``: its id in the older card)."""

    item: str
    was: tuple[str, ...]
    old_status: str
    new_status: str
    old_answer: str
    new_answer: str
    evidence_added: tuple[str, ...]
    evidence_removed: tuple[str, ...]

    @property
    def answer_changed(self) -> bool:
        return self.old_answer.strip() != self.new_answer.strip()

    @property
    def changed(self) -> bool:
        """Whether anything differs: the status, the answer or the evidence."""
        status_changed = self.old_status != self.new_status
        return status_changed or self.answer_changed or bool(self.evidence_added or self.evidence_removed)

    def answer_diff(self) -> list[str]:
        """The answer's lines that changed, as a unified diff without its header."""
        lines = difflib.unified_diff(
            self.old_answer.strip().splitlines(), self.new_answer.strip().splitlines(), lineterm="", n=0
        )
        return [line for line in lines if not line.startswith(("---", "+++", "@@"))]


@dataclass(frozen=True)
class CardDiff:
    old: Report
    new: Report
    items: tuple[ItemChange, ...]
    gaps_opened: tuple[str, ...]
    gaps_closed: tuple[str, ...]
    findings_added: tuple[tuple[str, str], ...]  # (rule id, message)
    findings_removed: tuple[tuple[str, str], ...]
    retired: tuple[str, ...] = ()  # items the older card answers that the newer checklist no longer asks

    @property
    def same(self) -> bool:
        changed = self.items or self.retired or self.gaps_opened or self.gaps_closed
        return not (changed or self.findings_added or self.findings_removed)


def compare(old: Report, new: Report, history: History | None = None) -> CardDiff:
    """Compare two assessed cards; ``history`` defaults to the bundled checklist's declared changes."""
    sources = _sources(old, new, history or bundled_history(new.checklist.id))
    old_items = {result.item.id: result for result in old.items}
    old_gaps = {gap.kind: gap.title for gap in old.gaps_found}
    new_gaps = {gap.kind: gap.title for gap in new.gaps_found}
    old_findings = {(f.rule, f.text) for f in old.findings}
    new_findings = {(f.rule, f.text) for f in new.findings}
    return CardDiff(
        old,
        new,
        _item_changes(old_items, new, sources),
        _only_in(new_gaps, old_gaps),
        _only_in(old_gaps, new_gaps),
        _findings_only_in(new_findings, old_findings),
        _findings_only_in(old_findings, new_findings),
        _retired(old_items, new, sources),
    )


def _item_changes(
    old_items: dict[str, ItemResult], new: Report, sources: dict[str, tuple[str, ...]]
) -> tuple[ItemChange, ...]:
    """The changes of the newer card's items, each compared with the items it was in the older card."""
    changes = []
    for result in new.items:
        was = sources.get(result.item.id, (result.item.id,))
        change = _item_change(result, was, [old_items[ident] for ident in was if ident in old_items])
        if change is not None:
            changes.append(change)
    return tuple(changes)


def _retired(old_items: dict[str, ItemResult], new: Report, sources: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The items the older card answers that the newer card's checklist no longer asks, under any id."""
    carried = {ident for was in sources.values() for ident in was} | {result.item.id for result in new.items}
    return tuple(ident for ident, result in old_items.items() if ident not in carried and result.answer)


def _only_in(gaps: dict[str, str], other: dict[str, str]) -> tuple[str, ...]:
    """The titles of the gaps (kind -> title) that ``other`` does not show."""
    return tuple(title for kind, title in gaps.items() if kind not in other)


def _findings_only_in(findings: set[tuple[str, str]], other: set[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The (rule, message) findings whose rule ``other`` does not fire at all, sorted."""
    other_rules = {rule for rule, _ in other}
    return tuple(sorted(finding for finding in findings if finding[0] not in other_rules))


def _sources(old: Report, new: Report, history: History | None) -> dict[str, tuple[str, ...]]:
    """For each item id of the NEW card's checklist, the ids it had in the OLD card's."""
    unrelated = old.checklist.id != new.checklist.id or old.checklist.version == new.checklist.version
    if unrelated or history is None:
        return {}
    low, high = sorted((old.checklist.version, new.checklist.version), key=version_key)
    moved = item_map(history, low, high)
    if version_key(old.checklist.version) <= version_key(new.checklist.version):
        inverse: dict[str, tuple[str, ...]] = {}
        for origin, targets in moved.items():
            for target in targets:
                inverse[target] = (*inverse.get(target, ()), origin)
        return inverse
    return {origin: targets for origin, targets in moved.items()}  # the newer card is the older version


def _item_change(result: ItemResult, was: tuple[str, ...], before: list[ItemResult]) -> ItemChange | None:
    """How ``result`` differs from the older card's ``before`` (the items it was), or None when it does not."""
    answered = [b.answer for b in before if b.answer]
    old_evidence = [entry for answer in answered for entry in answer.evidence]
    new_evidence = result.answer.evidence if result.answer else []
    change = ItemChange(
        result.item.id,
        was if was != (result.item.id,) else (),
        " + ".join(dict.fromkeys(b.status for b in before)) if before else "not asked",
        result.status,
        "\n\n".join(answer.answer for answer in answered),
        result.answer.answer if result.answer else "",
        _missing_from(old_evidence, new_evidence),
        _missing_from(new_evidence, old_evidence),
    )
    return change if change.changed else None


def _missing_from(entries: list[str], others: list[str]) -> tuple[str, ...]:
    """The ``others`` that ``entries`` lacks, in their order."""
    return tuple(entry for entry in others if entry not in entries)


def text(diff: CardDiff, old_file: str, new_file: str) -> list[str]:
    """The comparison as lines for people."""
    old, new = diff.old, diff.new
    lines = [
        f"{old_file} -> {new_file}: completeness {old.score}% -> {new.score}% "
        f"({old.checklist.id} {old.checklist.version} -> {new.checklist.id} {new.checklist.version})"
    ]
    if diff.same:
        return [*lines, "  no change in answers, gaps or findings"]
    for change in diff.items:
        named = f"{change.item} (was {', '.join(change.was)})" if change.was else change.item
        what = [f"status {change.old_status} -> {change.new_status}"] if change.old_status != change.new_status else []
        if change.answer_changed:
            what.append("answer changed")
        what += [f"evidence added: {e}" for e in change.evidence_added]
        what += [f"evidence removed: {e}" for e in change.evidence_removed]
        lines.append(f"  {named}: {'; '.join(what)}")
    lines += [f"  {ident}: answered in the older card, no longer asked" for ident in diff.retired]
    lines += [f"  gap opened: {title}" for title in diff.gaps_opened]
    lines += [f"  gap closed: {title}" for title in diff.gaps_closed]
    lines += [f"  finding added: [{rule}] {message}" for rule, message in diff.findings_added]
    lines += [f"  finding removed: [{rule}] {message}" for rule, message in diff.findings_removed]
    return lines


def as_json(diff: CardDiff, old_file: str, new_file: str) -> dict[str, Any]:
    old, new = diff.old, diff.new
    return {
        "old": {"file": old_file, "checklist": f"{old.checklist.id} {old.checklist.version}", "score": old.score},
        "new": {"file": new_file, "checklist": f"{new.checklist.id} {new.checklist.version}", "score": new.score},
        "same": diff.same,
        "items": [
            {
                "item": change.item,
                "was": list(change.was),
                "status": {"old": change.old_status, "new": change.new_status},
                "answer": {"old": change.old_answer, "new": change.new_answer, "changed": change.answer_changed},
                "evidence": {"added": list(change.evidence_added), "removed": list(change.evidence_removed)},
            }
            for change in diff.items
        ],
        "retired": list(diff.retired),
        "gaps": {"opened": list(diff.gaps_opened), "closed": list(diff.gaps_closed)},
        "findings": {
            "added": [{"rule": rule, "message": message} for rule, message in diff.findings_added],
            "removed": [{"rule": rule, "message": message} for rule, message in diff.findings_removed],
        },
    }


def markdown(diff: CardDiff, old_file: str, new_file: str) -> str:
    """The comparison for a pull-request comment: a table of item changes, then gaps and findings."""
    from .escape import md_inline  # only the Markdown format needs it; keeps the other formats lean

    old, new = diff.old, diff.new
    lines = [
        f"### MISyn card: {md_inline(old_file)} → {md_inline(new_file)}",
        "",
        f"Completeness **{old.score}% → {new.score}%** "
        f"({md_inline(f'{old.checklist.id} {old.checklist.version}')} → "
        f"{md_inline(f'{new.checklist.id} {new.checklist.version}')})",
    ]
    if diff.same:
        return "\n".join([*lines, "", "No change in answers, gaps or findings."]) + "\n"
    if diff.items:
        lines += ["", "| Item | Status | Answer | Evidence |", "|---|---|---|---|"]
        lines += [_markdown_row(change) for change in diff.items]
    for heading, entries in (
        ("No longer asked", [f"`{ident}`" for ident in diff.retired]),
        ("Gaps opened", [md_inline(title) for title in diff.gaps_opened]),
        ("Gaps closed", [md_inline(title) for title in diff.gaps_closed]),
        ("Findings added", [f"`{rule}`: {md_inline(message)}" for rule, message in diff.findings_added]),
        ("Findings removed", [f"`{rule}`: {md_inline(message)}" for rule, message in diff.findings_removed]),
    ):
        if entries:
            lines += ["", f"**{heading}**", ""] + [f"- {entry}" for entry in entries]
    return "\n".join(lines) + "\n"


def _markdown_row(change: ItemChange) -> str:
    """One item's row of the Markdown table: item, status, whether the answer changed, evidence counts."""
    named = f"`{change.item}`" + (f" (was {', '.join(change.was)})" if change.was else "")
    status = change.new_status
    if change.old_status != change.new_status:
        status = f"{change.old_status} → {change.new_status}"
    evidence = [f"+{len(change.evidence_added)}"] if change.evidence_added else []
    evidence += [f"-{len(change.evidence_removed)}"] if change.evidence_removed else []
    cells = [named, status, "changed" if change.answer_changed else "", " ".join(evidence)]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _cell(text: str) -> str:
    """A table cell: one line, and a '|' inside it cannot split the cell."""
    return " ".join(text.split()).replace("|", "\\|")
