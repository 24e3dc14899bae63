"""Where in a card each gap, finding and note stands, for the reporters that point at lines
(``check --format github`` annotations, ``--format sarif`` results).

A place is named by its dotted card path (``answers.technical_standards.synthetic_image_labelling``,
``about.uses``) and turned into a line and column by one function, :func:`locate`, that reads the
loader's node positions.  When the report carries located gaps and findings itself, only
:func:`located` needs to read them instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .assessment import Report
    from .loader import Document
    from .models import Condition

Level = Literal["error", "warning", "note"]
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
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


def locate(document: Document, dotted: str) -> tuple[int, int]:
    """Line and column (1-based) of the key at a dotted card path, or of its nearest ancestor that
    the card gives (an unanswered item points at its section, a missing section at ``answers``);
    ``(1, 1)`` when the card gives none of them."""
    path = tuple(name if name else int(index) for name, index in _PART.findall(dotted))
    for end in range(len(path), 0, -1):
        found = document.keys.get(path[:end]) or document.values.get(path[:end])
        if found:
            return found
    return (1, 1)


def located(report: Report, document: Document) -> tuple[Located, ...]:
    """Everything the card shows, each at the answer or field it concerns, in the order
    ``ethicard check`` prints them: gaps, other findings, notes."""
    paths = {result.item.id: f"answers.{result.section.id}.{result.item.id}" for result in report.items}
    rules = {rule.id: rule for rule in report.checklist.rules}

    def place(items: tuple[str, ...], rule_id: str | None = None) -> tuple[str, int, int]:
        path = next((paths[item] for item in items if item in paths), "")
        if not path and rule_id in rules:
            rule = rules[rule_id]
            path = next(_fields(rule.require), "") or next(_fields(rule.when), "")
        return (path, *locate(document, path)) if path else (path, 1, 1)

    found: list[Located] = []
    for gap in report.gaps_found:
        for entry in gap.entries:
            finding = entry.finding
            rule = finding.rule if finding else f"gap/{gap.kind}"
            rule_title = finding.message if finding else gap.title
            found.append(
                Located("error", rule, rule_title, gap.title, entry.text, *place(entry.items, rule), gap=gap.kind)
            )
    for finding in report.findings:
        if not finding.gap:
            title = f"Finding {finding.rule} ({finding.source})"
            found.append(
                Located(
                    "warning", finding.rule, finding.message, title, finding.text, *place(finding.items, finding.rule)
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


def _fields(condition: Condition | None) -> Iterator[str]:
    """The card fields a rule's condition tests, in the order it names them."""
    from .models import AllOf, AnyOf, FieldCondition, NotOf

    if isinstance(condition, AllOf | AnyOf):
        for part in condition.all_ if isinstance(condition, AllOf) else condition.any_:
            yield from _fields(part)
    elif isinstance(condition, NotOf):
        yield from _fields(condition.not_)
    elif isinstance(condition, FieldCondition):
        yield condition.field
