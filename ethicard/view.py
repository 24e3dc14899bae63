"""The view of a report that every output reads: typed, frozen, built once from the Report.

Templates, the JSON document (``cardjson``) and check's lines (``summary``) lay out what this
module decides: the order of sections (the checklist's), labels and marks of statuses, what an
unanswered item or an absent fact says.  So every format shows the same parts in the same order
with the same statuses.  Tables of a card's results and facts stay read-only mappings of the card's
own keys (the model's field names), with absent values already read as :data:`NOT_STATED`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from . import __version__
from .assessment import Gap, ItemResult, Report, SectionResult
from .findings import Finding
from .frozen import Frozen, fields, frozen
from .records import dump
from .versions import newer_version
from .vocabulary import ANSWER_STATES, GAP_KINDS, STATUS_LABELS, STATUS_MARKS, UNANSWERED

if TYPE_CHECKING:  # the types; a card and a checklist come as pydantic models or records (records.py)
    from .checklist import Checklist
    from .models import CardBase

CARD_FORMAT_VERSION = 1  # the JSON view's card_format key (see cardjson); not the card's own format

NOT_STATED = "not stated"  # what every format shows for a fact the card does not give
NONE_STATED = "none stated"
NOT_GIVEN = "not given"
NO_ANSWER = "No answer given."  # an unanswered item
NO_EXPLANATION = "No explanation given."  # a status without an answer text
# The section of the checklist that shows the card's ``evaluation`` block (its results).
RESULTS_SECTION = "evaluation"


@frozen
class StatusWords:
    """How a status reads: its label, a plain mark (HTML colours it) and a coloured emoji (Markdown)."""

    label: str
    mark: str
    emoji: str


STATUSES: Mapping[str, StatusWords] = MappingProxyType(
    {
        state: StatusWords(STATUS_LABELS[state], STATUS_MARKS["html"][state], STATUS_MARKS["md"][state])
        for state in ANSWER_STATES
    }
)

# How a card's keys read to a person; a key not listed reads as itself with '_' as spaces.
FIELD_LABELS = {
    "about": "About",
    "n_medical": "Medical images (n)",
    "n_synthetic": "Synthetic images (n)",
    "p_value": "p-value",
    "url": "URL",
    "license": "Licence",
    "test_set_medical": "Test set holds only medical images",
    "feature_extractor": "Feature extractor",
    "fraction_flagged": "Fraction flagged",
    "epsilon": "Privacy budget (epsilon)",
    "base_model": "Base model",
    "intended_uses": "Intended uses",
    "out_of_scope_uses": "Out-of-scope uses",
    "training_data": "Training data",
    "distribution_metrics": "Distribution metrics",
    "paired_metrics": "Paired metrics",
    "reader_studies": "Reader studies",
    "downstream": "Downstream evaluation",
    "memorisation": "Memorisation checks",
    "subgroups": "Subgroup results",
    "statistical_tests": "Statistical tests",
    "prospective_studies": "Prospective studies",
    "synthetic_images": "Synthetic images",
}


def label(key: str) -> str:
    """A card key as a person reads it: 'n_medical' -> 'Medical images (n)', 'data_range' -> 'Data range'."""
    found = FIELD_LABELS.get(key)
    if found is not None:
        return found
    words = key.replace("_", " ")
    return words[:1].upper() + words[1:]


PHASE_NAMES = {
    1: "algorithm metrics (model space)",
    2: "the clinical task on medical images (downstream utility)",
    3: "expert reader study of a clinical task",
    4: "prospective or clinical-workflow evaluation",
    5: "post-deployment monitoring",
}

Row = Mapping[str, Any]  # a record of the card (a metric, a data source) by the model's keys, read-only


# --- the parts of the view ---------------------------------------------------------------


@frozen
class Located:
    """A card path with the line and column it is at (0 when it cannot be told)."""

    path: str
    line: int
    column: int


@frozen
class ItemView:
    id: str
    question: str
    level: str
    source: str
    status: str
    status_label: str
    answer: str
    evidence: tuple[str, ...]
    notes: tuple[str, ...]
    missing: str  # what the card shows when the item has no answer text
    path: str


@frozen
class LimitView:
    id: str
    title: str
    statement: str
    item: str
    status: str
    status_label: str


@frozen
class SectionView:
    id: str
    title: str
    intro: str
    score: float
    items: tuple[ItemView, ...]  # the items that apply to the card's kind
    other_kinds: tuple[str, ...]  # the ids of the items asked only of other kinds
    limits: tuple[LimitView, ...]  # the intrinsic limits this section's items acknowledge
    results: bool  # the card's evaluation results are shown in this section


@frozen
class Count:
    status: str
    label: str
    count: int


@frozen
class GapEntry:
    text: str
    items: tuple[str, ...]
    rule: str | None
    source: str | None
    path: str
    line: int
    column: int


@frozen
class GapView:
    id: str
    title: str
    explanation: str
    found: bool
    reasons: tuple[str, ...]
    entries: tuple[GapEntry, ...]
    items: tuple[str, ...]
    findings: tuple[str, ...]


@frozen
class FindingView:
    rule: str
    source: str
    message: str
    rule_message: str
    details: tuple[str, ...]
    severity: str
    gap: str | None
    gap_title: str | None
    items: tuple[str, ...]
    path: str
    line: int
    column: int
    waived: bool
    waiver: str


@frozen
class NoteView:
    item: str
    note: str
    path: str
    line: int
    column: int


@frozen
class AdviceView:
    id: str
    message: str
    path: str
    line: int
    column: int
    words: str
    waived: bool
    waiver: str


@frozen
class WaiverView:
    rule: str
    reason: str
    used: bool


@frozen
class SectionScore:
    id: str
    title: str
    score: float


@frozen
class Assessment:
    """Completeness, the paper's six gaps, the rule findings and the notes."""

    score: float
    checklist: str
    gaps_found: int
    gaps: tuple[GapView, ...]
    findings: tuple[FindingView, ...]
    other_findings: tuple[FindingView, ...]
    notes: tuple[NoteView, ...]
    advice: tuple[AdviceView, ...]
    waivers: tuple[WaiverView, ...]
    sections: tuple[SectionScore, ...]


@frozen
class ChecklistView:
    id: str
    version: str
    title: str
    reference: str
    label: str  # id and version, with the version the card answers and the current one when they differ


@frozen
class Phase:
    number: int
    name: str


@frozen
class EvaluationView:
    phases: tuple[Phase, ...]
    model_space_only: bool
    has_results: bool
    distribution_metrics: tuple[Row, ...]
    paired_metrics: tuple[Row, ...]
    downstream: tuple[Row, ...]
    reader_studies: tuple[Row, ...]
    memorisation: tuple[Row, ...]
    subgroups: tuple[Row, ...]
    statistical_tests: tuple[Row, ...]
    prospective_studies: tuple[str, ...]
    monitoring: tuple[str, ...]


@frozen
class ReaderTask:
    name: str
    task: str


@frozen
class LocatedEntry:
    what: str
    rule: str
    path: str
    line: int
    column: int
    waiver: str


@frozen
class FactsView:
    """The format-2 blocks (None or empty when the card does not give them)."""

    format: int
    labelling: Row | None
    problem: Row | None
    data_sources: tuple[Row, ...]
    ethics: Row | None
    scope: Row | None
    furthest_phase: Phase
    reader_tasks: tuple[ReaderTask, ...]
    prompt_alignment: tuple[Row, ...]
    claims: tuple[Row, ...]
    waivers: tuple[WaiverView, ...]
    located: tuple[LocatedEntry, ...]
    advice: tuple[AdviceView, ...]


@frozen
class Fact:
    label: str
    value: str


@frozen
class About:
    """The card's about block; a fact the card does not give reads as :data:`NOT_STATED`, and an
    empty list of authors or uses as that one entry."""

    kind: str
    name: str
    version: str
    task: str
    modality: str
    release: str
    license: str
    base_model: str | None
    authors: tuple[str, ...]
    contact: str
    links: Mapping[str, str]
    intended_uses: tuple[str, ...]
    out_of_scope_uses: tuple[str, ...]
    training_data: tuple[Row, ...]
    facts: tuple[Fact, ...]  # kind, task, modality, release, licence and base model, as the summary lists them


@frozen
class CardView:
    """Everything an output template may show, in display order."""

    ethicard_version: str
    card_format: int
    file: str  # the card's file, as problems name it
    answered_version: str  # the checklist version the card was written for
    newer_version: str | None  # the checklist's current release, when one is known
    not_stated: str
    statuses: Mapping[str, StatusWords]
    checklist: ChecklistView
    about: About
    score: float
    counts: tuple[Count, ...]
    sections: tuple[SectionView, ...]
    intrinsic_limits: tuple[LimitView, ...]
    evaluation: EvaluationView
    assessment: Assessment
    facts: FactsView


# --- building it ---------------------------------------------------------------------------


def _frozen(value: Any) -> Any:
    """JSON data made read-only: mappings as mapping proxies, lists as tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen(inner) for key, inner in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(inner) for inner in value)
    return value


def _stated(value: object) -> object:
    return NOT_STATED if value is None or value == "" else value


def _rows(rows: Iterable[Mapping[str, Any]], **defaults: object) -> tuple[Row, ...]:
    """Records with every absent value read as not stated (or as ``defaults`` says for a key)."""
    shown = []
    for row in rows:
        shown.append(
            _frozen(
                {
                    key: (defaults.get(key, NOT_STATED) if value is None or value == "" else value)
                    for key, value in row.items()
                }
            )
        )
    return tuple(shown)


def _optional(model: Any) -> Row | None:
    return _frozen(dump(model)) if model is not None else None


def _located(report: Report, path: str, words: str = "", occurrence: int = 0) -> Located:
    location = report.locate(path, words, occurrence)
    return Located(path, location.line, location.col)


def _item_view(result: ItemResult) -> ItemView:
    answer = result.answer
    return ItemView(
        id=result.item.id,
        question=result.item.question,
        level=result.item.level,
        source=result.item.source,
        status=result.status,
        status_label=STATUSES[result.status].label,
        answer=answer.answer.strip() if answer else "",
        evidence=tuple(answer.evidence) if answer else (),
        notes=tuple(result.notes),
        missing=NO_ANSWER if result.status == UNANSWERED else NO_EXPLANATION,
        path=result.path,
    )


def _limits(report: Report) -> tuple[LimitView, ...]:
    items = {result.item.id: result for result in report.items}
    limits = []
    for limit in report.checklist.intrinsic_limits:
        acknowledged = items.get(limit.item)
        status = acknowledged.status if acknowledged else UNANSWERED
        limits.append(LimitView(limit.id, limit.title, limit.statement, limit.item, status, STATUSES[status].label))
    return tuple(limits)


def _section_view(result: SectionResult, limits: tuple[LimitView, ...]) -> SectionView:
    ids = {item.item.id for item in result.items}
    return SectionView(
        id=result.section.id,
        title=result.section.title,
        intro=result.section.intro,
        score=result.score,
        items=tuple(_item_view(item) for item in result.applicable),
        other_kinds=tuple(item.item.id for item in result.items if not item.applies),
        limits=tuple(limit for limit in limits if limit.item in ids),
        results=result.section.id == RESULTS_SECTION,
    )


def _gap_view(report: Report, gap: Gap) -> GapView:
    entries = []
    for entry in gap.entries:
        where = _located(report, entry.path)
        finding = entry.finding
        rule, source = (finding.rule, finding.source) if finding else (None, None)
        entries.append(GapEntry(entry.text, tuple(entry.items), rule, source, where.path, where.line, where.column))
    return GapView(
        gap.kind, gap.title, gap.explanation, gap.found, tuple(gap.reasons), tuple(entries), gap.items, gap.findings
    )


def _finding_view(report: Report, finding: Finding) -> FindingView:
    where = _located(report, finding.path)
    return FindingView(
        rule=finding.rule,
        source=finding.source,
        message=finding.text,
        rule_message=finding.message,
        details=tuple(finding.details),
        severity=finding.severity,
        gap=finding.gap,
        gap_title=GAP_KINDS[finding.gap][0] if finding.gap else None,
        items=tuple(finding.items),
        path=where.path,
        line=where.line,
        column=where.column,
        waived=bool(finding.waiver),
        waiver=finding.waiver,
    )


def _advice(report: Report) -> tuple[AdviceView, ...]:
    shown = []
    for advice in report.advice:
        where = _located(report, advice.path, advice.word, advice.occurrence)
        waived = bool(advice.waiver)
        shown.append(
            AdviceView(
                advice.id, advice.message, where.path, where.line, where.column, advice.word, waived, advice.waiver
            )
        )
    return tuple(shown)


def _assessment(report: Report, sections: tuple[SectionView, ...]) -> Assessment:
    findings = tuple(_finding_view(report, finding) for finding in report.findings)
    notes = []
    for result in report.items:
        if result.applies:
            where = _located(report, result.path)
            notes += [NoteView(result.item.id, note, where.path, where.line, where.column) for note in result.notes]
    unused = report.unused_waivers
    return Assessment(
        score=report.score,
        checklist=f"{report.checklist.id} {report.checklist.version}",
        gaps_found=len(report.gaps_found),
        gaps=tuple(_gap_view(report, gap) for gap in report.gaps),
        findings=findings,
        other_findings=tuple(finding for finding in findings if not finding.gap),
        notes=tuple(notes),
        advice=_advice(report),
        waivers=tuple(WaiverView(w.rule, w.reason.strip(), w.rule not in unused) for w in report.card.waivers),
        sections=tuple(SectionScore(section.id, section.title, section.score) for section in sections),
    )


def assessment(report: Report) -> Assessment:
    """Completeness, the paper's six gaps and the rule findings: what every format shows about them."""
    return build(report).assessment


def _checklist_view(card: CardBase, checklist: Checklist, newer: str | None) -> ChecklistView:
    text = f"{checklist.id} {checklist.version}"
    if card.checklist.version != checklist.version:
        text += f" (the card was written for {card.checklist.version})"
    if newer and newer != checklist.version:
        text += f" ({newer} is current)"
    return ChecklistView(checklist.id, checklist.version, checklist.title, checklist.reference, text)


def _evaluation_view(report: Report) -> EvaluationView:
    evaluation = report.card.evaluation
    phases = evaluation.phases()
    rows = dump(evaluation)
    return EvaluationView(
        phases=tuple(Phase(n, PHASE_NAMES[n]) for n in phases),
        model_space_only=phases == [1],
        has_results=bool(phases or evaluation.memorisation or evaluation.subgroups or evaluation.statistical_tests),
        distribution_metrics=_rows(rows["distribution_metrics"]),
        paired_metrics=_rows(rows["paired_metrics"]),
        downstream=_rows(rows["downstream"]),
        reader_studies=_rows(rows["reader_studies"]),
        memorisation=_rows(rows["memorisation"]),
        subgroups=_frozen(rows["subgroups"]),
        statistical_tests=_rows(rows["statistical_tests"], correction=NONE_STATED),
        prospective_studies=tuple(evaluation.prospective_studies),
        monitoring=tuple(evaluation.monitoring),
    )


def _located_entries(assessed: Assessment) -> tuple[LocatedEntry, ...]:
    """Every gap reason and finding with the card path and line:col it concerns, in report order."""
    entries = [
        LocatedEntry(gap.title, entry.rule or "", entry.path, entry.line, entry.column, "")
        for gap in assessed.gaps
        if gap.found
        for entry in gap.entries
    ]
    entries += [
        LocatedEntry("Other finding", f.rule, f.path, f.line, f.column, f.waiver) for f in assessed.other_findings
    ]
    return tuple(entries)


def _facts_view(report: Report, assessed: Assessment) -> FactsView:
    card = report.card
    evaluation = card.evaluation
    furthest = evaluation.furthest_phase()
    problem = dump(card.problem) if card.problem else None
    if problem is not None:
        problem["clinical_need"] = {key: _stated(value) for key, value in problem["clinical_need"].items()}
    return FactsView(
        format=card.format_version,
        labelling=_optional(card.labelling),
        problem=_frozen(problem),
        data_sources=tuple(_frozen(dump(source)) for source in card.data_sources),
        ethics=_optional(card.ethics),
        scope=_optional(evaluation.scope),
        furthest_phase=Phase(furthest, PHASE_NAMES.get(furthest, "no results")),
        reader_tasks=tuple(
            ReaderTask(study.name or f"reader study {n + 1}", study.task or f"{NOT_STATED} (read as realism)")
            for n, study in enumerate(evaluation.reader_studies)
        ),
        prompt_alignment=_rows(dump(row) for row in evaluation.prompt_alignment),
        claims=_rows((dump(claim) for claim in card.claims), result=NOT_GIVEN, test=NOT_GIVEN),
        waivers=assessed.waivers,
        located=_located_entries(assessed),
        advice=assessed.advice,
    )


def _or_not_stated(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values) or (NOT_STATED,)


def _about(card: CardBase) -> About:
    about = card.about
    facts: list[tuple[str, str | None]] = [("Kind", about.kind), ("Task", about.task), ("Modality", about.modality)]
    facts += [("Release", about.release), ("Licence", about.license)]
    if about.base_model:
        facts.append(("Base model", about.base_model))
    return About(
        kind=about.kind,
        name=about.name,
        version=about.version or "",
        task=about.task or NOT_STATED,
        modality=about.modality or NOT_STATED,
        release=about.release or NOT_STATED,
        license=about.license or NOT_STATED,
        base_model=about.base_model or None,
        authors=_or_not_stated(about.authors),
        contact=about.contact or NOT_STATED,
        links=MappingProxyType({name: str(url) for name, url in about.links.items()}),
        intended_uses=_or_not_stated(about.intended_uses),
        out_of_scope_uses=_or_not_stated(about.out_of_scope_uses),
        training_data=tuple(_frozen(dump(source)) for source in about.training_data),
        facts=tuple(Fact(name, str(_stated(value))) for name, value in facts),
    )


def build(report: Report) -> CardView:
    """The view of the report: sections in the checklist's order, every status, gap, finding and
    note located, placeholders filled in."""
    limits = _limits(report)
    newer = newer_version(report.card, report.checklist)
    sections = tuple(_section_view(result, limits) for result in report.sections)
    assessed = _assessment(report, sections)
    return CardView(
        ethicard_version=__version__,
        card_format=CARD_FORMAT_VERSION,
        file=getattr(getattr(report.card, "_source", None), "file", "") or "<card>",
        answered_version=report.card.checklist.version,
        newer_version=newer,
        not_stated=NOT_STATED,
        statuses=STATUSES,
        checklist=_checklist_view(report.card, report.checklist, newer),
        about=_about(report.card),
        score=report.score,
        counts=tuple(Count(status, STATUSES[status].label, n) for status, n in report.counts().items()),
        sections=sections,
        intrinsic_limits=limits,
        evaluation=_evaluation_view(report),
        assessment=assessed,
        facts=_facts_view(report, assessed),
    )


# --- the one-page summary ------------------------------------------------------------------


@frozen
class SummaryGap:
    id: str
    title: str
    found: bool
    items: tuple[str, ...]


@frozen
class SummaryLimit:
    title: str
    status: str
    status_label: str


@frozen
class SummaryWaiver:
    label: str
    reason: str


@frozen
class SummarySection:
    title: str
    score: float


@frozen
class SummaryView:
    """What a one-page summary shows (for a paper's main text, a reviewer or a release page)."""

    ethicard_version: str
    checklist: ChecklistView
    name: str
    version: str
    kind: str
    facts: tuple[Fact, ...]
    score: float
    counts: tuple[Count, ...]
    sections: tuple[SummarySection, ...]
    gaps_found: int
    gaps_total: int
    gaps: tuple[SummaryGap, ...]
    other_findings: int
    intrinsic_limits: tuple[SummaryLimit, ...]
    waivers: tuple[SummaryWaiver, ...]
    contact: str
    card_link: str


def summary(report: Report) -> SummaryView:
    """The summary of the card's view: what the work is, completeness, the six gaps, the intrinsic
    limits, waivers and the contact."""
    shown = build(report)
    about, assessed = shown.about, shown.assessment
    return SummaryView(
        ethicard_version=shown.ethicard_version,
        checklist=shown.checklist,
        name=about.name,
        version=about.version,
        kind=about.kind,
        facts=about.facts,
        score=shown.score,
        counts=tuple(count for count in shown.counts if count.count),
        sections=tuple(SummarySection(section.title, section.score) for section in shown.sections),
        gaps_found=assessed.gaps_found,
        gaps_total=len(assessed.gaps),
        gaps=tuple(SummaryGap(gap.id, gap.title, gap.found, gap.items) for gap in assessed.gaps),
        other_findings=len(assessed.other_findings),
        intrinsic_limits=tuple(SummaryLimit(x.title, x.status, x.status_label) for x in shown.intrinsic_limits),
        waivers=tuple(SummaryWaiver(w.rule, w.reason) for w in assessed.waivers),
        contact=about.contact,
        card_link=about.links.get("card", ""),
    )


def plain(value: Any) -> Any:
    """A part of the view as JSON data: records as objects (fields in order), tuples as lists."""
    if isinstance(value, Frozen):
        return {name: plain(getattr(value, name)) for name in fields(value)}
    if isinstance(value, Mapping):
        return {key: plain(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [plain(inner) for inner in value]
    return value
