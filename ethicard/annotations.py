"""Everything ``check`` shows about a card, each at the line it concerns, for the reporters that
point at lines (``check --format github`` annotations, ``--format sarif`` results).

Gap reasons and findings carry the dotted card path they concern; :func:`ethicard.locations.locate`
turns it into a line and column.  A finding without a path is placed at the first item it names,
else at the first card field its rule tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .findings import fields_named
from .frozen import frozen
from .locations import locate

if TYPE_CHECKING:
    from .assessment import Report
    from .loader import Document

Level = Literal["error", "warning", "note"]


@frozen
class Located:
    """One thing to show at a line of a card: a gap's reason (error), a finding outside the six
    gaps (warning) or a note on how an item is answered (note)."""

    level: Level
    rule: str  # the gap kind (``gap/labelling``), the checklist rule id, or ``note``
    rule_title: str  # a short name of the rule, the same for every card
    title: str  # the heading of this annotation
    message: str
    path: str  # the dotted card path it concerns; "" for the card as a whole
    line: int
    col: int
    gap: str | None = None  # the gap kind it belongs to, if any


def located(report: Report, document: Document) -> tuple[Located, ...]:
    """Everything the card shows, each at the answer or field it concerns, in the order
    ``ethicard check`` prints them: gaps, other findings, notes."""
    paths = {result.item.id: f"answers.{result.section.id}.{result.item.id}" for result in report.items}
    rules = {rule.id: rule for rule in report.checklist.rules}

    def place(items: tuple[str, ...], rule_id: str | None = None, path: str = "") -> tuple[str, int, int]:
        path = path or next((paths[item] for item in items if item in paths), "")
        if not path and rule_id in rules:
            rule = rules[rule_id]
            path = next(fields_named(rule.require), "") or next(fields_named(rule.when), "")
        where = locate(document, path)
        return (path, where.line or 1, where.col or 1)

    found: list[Located] = []
    for gap in report.gaps_found:
        for entry in gap.entries:
            finding = entry.finding
            rule = finding.rule if finding else f"gap/{gap.kind}"
            rule_title = finding.message if finding else gap.title
            found.append(
                Located(
                    "error",
                    rule,
                    rule_title,
                    gap.title,
                    entry.text,
                    *place(entry.items, rule, entry.path),
                    gap=gap.kind,
                )
            )
    for finding in report.findings:
        if not finding.gap:
            title = f"Finding {finding.rule} ({finding.source})"
            found.append(
                Located(
                    "warning",
                    finding.rule,
                    finding.message,
                    title,
                    finding.text,
                    *place(finding.items, finding.rule, finding.path),
                )
            )
    for result in report.items:
        if result.applies:
            for note in result.notes:
                found.append(
                    Located(
                        "note",
                        "note",
                        "How an item is answered",
                        f"Note on {result.item.id}",
                        note,
                        *place((result.item.id,)),
                    )
                )
    return tuple(found)

