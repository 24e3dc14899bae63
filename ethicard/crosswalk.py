"""Crosswalks: which items of another reporting scheme (CLAIM 2024, MI-CLAIM-GEN, the NeurIPS paper
checklist, a Hugging Face model card) a card's answers already cover, and which remain.

The same work often goes to a venue that demands its own checklist.  Each scheme is listed in
``checklists/crosswalks/<scheme>.yaml`` by item id with ethicard's own short labels (never the
scheme's wording); which checklist items answer a scheme item comes from the items' ``crosswalk``
references, plus card fields the scheme file names (e.g. ``about.license``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from . import loader, resources
from .assessment import Report
from .errors import EthicardError, Problem
from .findings import field_value, given
from .models import NonEmpty, _Strict
from .rules import FieldPath
from .translate import validate_model
from .vocabulary import ADDRESSED, PARTIAL, SCHEMES, SchemeId

# How much an answer with each status covers a scheme item: "covered" needs every mapped answer
# addressed (and every named field given); a partial answer makes the item partly covered at most.
_COVERAGE: dict[str, float] = {ADDRESSED: 1.0, PARTIAL: 0.5}
COVERED, PARTLY, REMAINING = "covered", "partly covered", "remaining"
_ALTERNATIVES = (("about.training_data", "data_sources"),)  # format-1 field, its format-2 successor
STATES = (COVERED, PARTLY, REMAINING)


class SchemeItem(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+$")]
    label: Annotated[str, StringConstraints(min_length=1, max_length=80)] = Field(
        description="ethicard's own short label, never the scheme's wording"
    )
    fields: list[FieldPath] = Field([], description="card fields that also answer the item")


class Scheme(_Strict):
    scheme: SchemeId
    title: NonEmpty
    reference: NonEmpty
    note: NonEmpty
    items: Annotated[list[SchemeItem], Field(min_length=1)]


@dataclass(frozen=True)
class Row:
    """One item of the other scheme, and what in the card answers it."""

    id: str
    label: str
    state: str
    items: tuple[tuple[str, str], ...]  # (checklist item, its status)
    fields: tuple[tuple[str, bool], ...]  # (card field, given)
    note: str = ""


@dataclass(frozen=True)
class Table:
    scheme: Scheme
    checklist: str
    rows: tuple[Row, ...]

    def counts(self) -> dict[str, int]:
        return {state: sum(1 for row in self.rows if row.state == state) for state in STATES}

    def as_json(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme.scheme,
            "title": self.scheme.title,
            "reference": self.scheme.reference,
            "note": self.scheme.note,
            "checklist": self.checklist,
            "counts": self.counts(),
            "items": [
                {
                    "id": row.id,
                    "label": row.label,
                    "state": row.state,
                    "by": [{"item": item, "status": status} for item, status in row.items]
                    + [{"field": name, "given": is_given} for name, is_given in row.fields],
                    "note": row.note,
                }
                for row in self.rows
            ],
        }


def load_scheme(scheme: str) -> Scheme:
    """A bundled crosswalk file, validated; an unknown scheme is a problem located at the file it
    would be read from (EthicardError), as is every mistake in the file."""
    name = f"<bundled crosswalks/{scheme}.yaml>"
    if scheme not in SCHEMES:
        problem = Problem(name, 0, 0, (), f"no crosswalk to '{scheme}'", f"choose one of: {', '.join(SCHEMES)}")
        raise EthicardError([problem])
    document = loader.parse(resources.crosswalk_text(scheme), name)
    return validate_model(document, Scheme)


Mapped = list[tuple[str, str, bool]]  # (checklist item, its status, whether it applies to the card's kind)


def crosswalk(report: Report, scheme: str) -> Table:
    """For each item of ``scheme``: covered, partly covered or remaining, and by what."""
    loaded = load_scheme(scheme)
    mapped: dict[str, Mapped] = {}  # scheme id -> the checklist items that reference it
    for result in report.items:
        for ref in result.item.crosswalk:
            ref_scheme, _, ref_id = ref.partition(":")
            if ref_scheme == scheme:
                mapped.setdefault(ref_id, []).append((result.item.id, result.status, result.applies))
    listed = [(item.id, item.label, item.fields) for item in loaded.items]
    known = {item.id for item in loaded.items}
    listed += [(ref_id, "(not in ethicard's list for this scheme)", []) for ref_id in mapped if ref_id not in known]
    rows = tuple(_row(report, ident, label, fields, mapped.get(ident, [])) for ident, label, fields in listed)
    return Table(loaded, f"{report.checklist.id} {report.checklist.version}", rows)


def _row(report: Report, ident: str, label: str, fields: list[str], mapped: Mapped) -> Row:
    """One scheme item's row: the share each mapped answer and named field covers decides its state."""
    items = tuple((item, status) for item, status, applies in mapped if applies)
    field_states = tuple((name, given(field_value(report.card, name))) for name in fields)
    sources = [_COVERAGE.get(status, 0.0) for _, status in items]
    sources += [1.0 if is_given else 0.0 for is_given in _facts_given(field_states).values()]
    note = ""
    if not sources:
        kind = report.card.about.kind
        note = f"not asked of a {kind}" if mapped else f"no {report.checklist.id} item asks for it"
    state = COVERED if sources and min(sources) == 1.0 else PARTLY if any(sources) else REMAINING
    return Row(ident, label, state, items, field_states, note)


def _facts_given(field_states: tuple[tuple[str, bool], ...]) -> dict[str, bool]:
    """Whether each named fact is given; the same fact in card format 1 and format 2 counts once,
    given when either is."""
    states = dict(field_states)
    for one, other in _ALTERNATIVES:
        if one in states and other in states:
            states[one] = states.pop(other) or states[one]
    return states


def text(file: str, table: Table) -> list[str]:
    """The crosswalk as lines for people, grouped covered / partly covered / remaining."""
    counts = table.counts()
    lines = [
        f"{file}: crosswalk to {table.scheme.title} (checklist {table.checklist})",
        " ".join(table.scheme.note.split()),
        ", ".join(f"{counts[state]} {state}" for state in STATES) + f" (of {len(table.rows)})",
    ]
    id_width = max(len(row.id) for row in table.rows)
    label_width = max(len(row.label) for row in table.rows)
    for state in STATES:
        rows = [row for row in table.rows if row.state == state]
        if not rows:
            continue
        lines += ["", f"{state}:"]
        for row in rows:
            by = [f"{item} ({status})" for item, status in row.items]
            by += [f"{name} ({'given' if is_given else 'not given'})" for name, is_given in row.fields]
            what = ", ".join(by) if by else row.note
            lines.append(f"  {row.id:<{id_width}}  {row.label:<{label_width}}  {what}".rstrip())
    return lines


def markdown(file: str, table: Table, report: Report) -> str:
    """The other scheme's items with the card's answers and evidence for each, to paste into that
    venue's form: ids and ethicard's own short labels, never the scheme's wording."""
    from .escape import md_block, md_inline, md_link  # only the Markdown format needs it; keeps the other formats lean

    counts = table.counts()
    lines = [
        f"# {md_inline(table.scheme.title)}: answers from {md_inline(file)}",
        "",
        md_inline(table.scheme.note),
        "",
        f"Checklist {md_inline(table.checklist)}; "
        + ", ".join(f"{counts[state]} {state}" for state in STATES)
        + f" (of {len(table.rows)}). The items' own wording: {md_inline(table.scheme.reference)}",
    ]
    answers = {result.item.id: result for result in report.items}
    for row in table.rows:
        lines += ["", f"## {md_inline(row.id)}: {md_inline(row.label)} ({row.state})", ""]
        if not row.items and not row.fields:
            lines.append(f"*{md_inline(row.note)}*")
        for item, status in row.items:
            result = answers[item]
            lines.append(f"**{md_inline(result.item.question)}** ({item}: {status})")
            text = result.answer.answer.strip() if result.answer else ""
            lines += ["", md_block(text) if text else "*No answer.*"]
            evidence = result.answer.evidence if result.answer else []
            if evidence:
                lines += ["", "Evidence: " + "; ".join(md_link(entry) for entry in evidence)]
            lines.append("")
        for name, is_given in row.fields:
            value = field_value(report.card, name)
            shown = md_inline(_field_text(value)) if is_given else "*not given*"
            lines.append(f"- `{name}`: {shown}")
        while lines[-1] == "":
            lines.pop()
    return "\n".join(lines) + "\n"


def _field_text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_field_text(entry) for entry in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_field_text(entry)}" for key, entry in value.items())
    if hasattr(value, "model_dump"):
        return _field_text(value.model_dump(mode="json", exclude_defaults=True))
    return str(value)
