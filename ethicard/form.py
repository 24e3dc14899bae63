"""`ethicard form`: the questionnaire as one offline HTML page, to fill in without writing YAML.

The page is generated from two things ethicard already has, so it never drifts from ``check``:
the checklist (sections, questions, guidance, levels, kinds) and the card model's JSON Schema
(:func:`ethicard.schema.card_schema`), from which the page's script builds an input for every
structured field (number, yes/no, closed choice, list, repeated block).  A field added to the card
model appears in the form without touching this module or the script.

The page runs no code but its own: the script and stylesheet are inline and allowed by their
SHA-256 hashes in a Content-Security-Policy that forbids every request (``default-src 'none'``).
Data (the checklist, the schema, a card to prefill, the assessment for the reviewer's mode) is
embedded as JSON in a non-executable ``<script type="application/json">`` element, with ``<``,
``>`` and ``&`` escaped so no text in a card can close that element.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from . import __version__, resources, view
from .assessment import Report
from .checklist import Checklist
from .models import FORMAT_1_FIELDS, FORMAT_2_FIELDS, LATEST_FORMAT
from .schema import NUMBER_TEXT_PATTERNS, card_schema
from .vocabulary import STATUS_LABELS, STATUSES

SCRIPT = "form.js"
STYLE = "form.css"
TEMPLATE = "form.html.j2"


def embedded_json(data: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: only ASCII, and no ``<``, ``>`` or
    ``&`` (written as ``\\u003c`` ...), so ``</script>`` or ``<!--`` in a card stays text."""
    text = json.dumps(data, ensure_ascii=True, sort_keys=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def csp_hash(source: str) -> str:
    """The CSP source expression allowing exactly this inline script or style."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _checklist_data(checklist: Checklist) -> dict[str, Any]:
    return {
        "id": checklist.id,
        "version": checklist.version,
        "title": checklist.title,
        "sections": [
            {
                "id": section.id,
                "title": section.title,
                "intro": section.intro,
                "items": [
                    {
                        "id": item.id,
                        "question": item.question,
                        "guidance": item.guidance,
                        "level": item.level,
                        "kinds": list(item.kinds),
                        "source": item.source,
                    }
                    for item in section.items
                ],
            }
            for section in checklist.sections
        ],
        "limits": [{"title": limit.title, "item": limit.item} for limit in checklist.intrinsic_limits],
    }


def page_data(checklist: Checklist, report: Report | None = None, *, review: bool = False) -> dict[str, Any]:
    """Everything the page's script reads, as plain JSON data."""
    card = None
    if report is not None:
        card = report.card.model_dump(mode="json", exclude_defaults=True)
        card["checklist"] = {"id": report.card.checklist.id, "version": report.card.checklist.version}
    digest = hashlib.sha256(json.dumps(card, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    return {
        "ethicard": __version__,
        "review": review,
        "storageKey": f"ethicard-form:{checklist.id}@{checklist.version}:{digest}",
        "checklist": _checklist_data(checklist),
        "statuses": list(STATUSES),
        "statusLabels": STATUS_LABELS,
        "labels": view.FIELD_LABELS,
        "numberText": list(NUMBER_TEXT_PATTERNS),
        "schema": card_schema(checklist),
        "formats": {"latest": LATEST_FORMAT, "format2": list(FORMAT_2_FIELDS), "format1": list(FORMAT_1_FIELDS)},
        "card": card,
        "assessment": view.plain(view.assessment(report)) if report is not None else None,
        "answersHtml": _answers_html(report) if review and report is not None else {},
    }


def _answers_html(report: Report) -> dict[str, str]:
    """Each answer's Markdown as HTML for the reviewer's page, sanitised as the HTML card's is
    (nh3: no script, no handler, only http/https/mailto links); the page's CSP would stop a script anyway."""
    from .escape import html_markdown  # only a prefilled form needs it; keeps Python-Markdown out of the rest

    return {
        result.item.id: str(html_markdown(result.answer.answer))
        for result in report.items
        if result.answer is not None and result.answer.answer.strip()
    }


def form_page(checklist: Checklist, report: Report | None = None, *, review: bool = False) -> str:
    """The form (or, with ``review``, the reviewer's read-only view) as one HTML page.

    ``report`` is the assessed card to prefill it with; the reviewer's mode needs one."""
    import jinja2  # imported here: keeps the CLI's start lean until a form is made
    from markupsafe import Markup

    if review and report is None:
        raise ValueError("the reviewer's mode shows a card: give one")
    script = resources.template_text(SCRIPT)
    style = resources.template_text(STYLE)
    if "</" in script or "</" in style:  # would end the inline element early
        raise ValueError("the form's script or stylesheet contains '</'")
    data = page_data(checklist, report, review=review)
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(resources.template_text),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    name = report.card.about.name if report is not None else None
    text = env.get_template(TEMPLATE).render(
        review=review,
        name=name,
        checklist=data["checklist"],
        version=__version__,
        data=Markup(embedded_json(data)),
        script=Markup(script),
        style=Markup(style),
        script_hash=Markup(csp_hash(script)),  # base64 between quotes: nothing to escape
        style_hash=Markup(csp_hash(style)),
    )
    return text.rstrip("\n") + "\n"
