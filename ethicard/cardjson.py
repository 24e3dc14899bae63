"""The card and its assessment as one JSON document, for other programs.

The assessment part is read from the same view the Markdown, HTML and LaTeX cards are laid out
from, so the JSON can never disagree with them about an item's status or the order of sections.  ``format_version`` goes
up by one whenever a key is removed, renamed or changes meaning; new keys may appear without it.
"""

from __future__ import annotations

import json
from typing import Any

from . import view
from .assessment import Report
from .records import dump

FORMAT = "ethicard-card"
FORMAT_VERSION = 1


def document(report: Report) -> dict[str, Any]:
    """The JSON document as plain data, keys in a fixed order."""
    shown = view.build(report)
    assessed = shown.assessment
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "ethicard_version": shown.ethicard_version,
        "checklist": {"id": shown.checklist.id, "version": shown.checklist.version},
        "card": _card(report),
        "assessment": {
            "score": shown.score,
            "counts": {count.status: count.count for count in shown.counts},
            "sections": [_section(section) for section in shown.sections],
            "gaps": view.plain(assessed.gaps),
            "findings": view.plain(assessed.findings),
            "advice": view.plain(assessed.advice),
            "waivers": view.plain(assessed.waivers),
        },
    }


def _section(section: view.SectionView) -> dict[str, Any]:
    return {
        "id": section.id,
        "title": section.title,
        "score": section.score,
        "items": [
            {"id": i.id, "status": i.status, "level": i.level, "source": i.source, "notes": list(i.notes)}
            for i in section.items
        ],
    }


def _card(report: Report) -> dict[str, Any]:
    """The card as data; the keys only ``ethicard migrate`` sets are left out while they are unset."""
    card: dict[str, Any] = dump(report.card)
    if card["checklist"].get("file") is None:
        del card["checklist"]["file"]
    if not card["retired"]:
        del card["retired"]
    for section in card.get("answers", {}).values():
        for answer in section.values():
            if isinstance(answer, dict) and answer.get("review") is None:
                answer.pop("review", None)
    return card


def dumps(report: Report) -> str:
    """The JSON text: indented by two spaces, UTF-8 characters kept, one newline at the end."""
    return json.dumps(document(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


SUMMARY_FORMAT = "ethicard-summary"


def dumps_summary(report: Report) -> str:
    """The one-page summary as JSON (``format``: ``ethicard-summary``): the data every summary
    template reads, keys in a fixed order."""
    shown = {"format": SUMMARY_FORMAT, "format_version": FORMAT_VERSION, **view.plain(view.summary(report))}
    return json.dumps(shown, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
