"""The card and its assessment as one JSON document, for other programs.

The assessment part is read from the same view the Markdown, HTML and LaTeX cards are laid out
from, so the JSON can never disagree with them about an item's status.  ``format_version`` goes
up by one whenever a key is removed, renamed or changes meaning; new keys may appear without it.
"""

from __future__ import annotations

import json
from typing import Any

from . import view
from .assessment import Report

FORMAT = "ethicard-card"
FORMAT_VERSION = 1


def document(report: Report) -> dict[str, Any]:
    """The JSON document as plain data, keys in a fixed order."""
    shown = view.build(report)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "ethicard_version": shown["ethicard_version"],
        "checklist": {"id": shown["checklist"]["id"], "version": shown["checklist"]["version"]},
        "card": report.card.model_dump(mode="json"),
        "assessment": {
            "score": shown["score"],
            "counts": {entry["status"]: entry["count"] for entry in shown["counts"]},
            "sections": [
                {
                    "id": section["id"],
                    "title": section["title"],
                    "score": section["score"],
                    "items": [
                        {
                            "id": item["id"],
                            "status": item["status"],
                            "level": item["level"],
                            "source": item["source"],
                            "notes": item["notes"],
                        }
                        for item in section["items"]
                    ],
                }
                for section in shown["sections"]
            ],
            "gaps": shown["assessment"]["gaps"],
            "findings": shown["assessment"]["findings"],
            "advice": shown["assessment"]["advice"],
            "waivers": shown["assessment"]["waivers"],
        },
    }


def dumps(report: Report) -> str:
    """The JSON text: indented by two spaces, UTF-8 characters kept, one newline at the end."""
    return json.dumps(document(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
