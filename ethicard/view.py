"""The view of a report that every output template reads: plain data, placeholders set here once.

Templates stay dumb: they lay out what this module decides (order of sections, labels, what an
unanswered item says), so every format shows the same items with the same statuses.
"""

from __future__ import annotations

from typing import Any

from . import __version__
from .assessment import ItemResult, Report
from .cards import newer_version
from .checklist import Checklist
from .models import CARD_FORMAT_VERSION, CardBase
from .rules import Finding
from .vocabulary import GAP_KINDS, STATUS_LABELS, UNANSWERED

# The card reads as a story: why, how, how well, what it cannot do, how it is marked, who can object.
CARD_ORDER = ("problem_formulation", "design", "evaluation", "limits", "technical_standards", "oversight")
NOT_STATED = "not stated"
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


def _item_view(result: ItemResult) -> dict[str, Any]:
    answer = result.answer
    return {
        "id": result.item.id,
        "question": result.item.question,
        "level": result.item.level,
        "source": result.item.source,
        "status": result.status,
        "status_label": STATUS_LABELS[result.status],
        "answer": answer.answer.strip() if answer else "",
        "evidence": list(answer.evidence) if answer else [],
        "notes": list(result.notes),
    }


def _stated(value: object) -> object:
    return NOT_STATED if value is None or value == "" else value


def _evaluation_view(report: Report) -> dict[str, Any]:
    evaluation = report.card.evaluation
    phases = evaluation.phases()
    rows = evaluation.model_dump(mode="json")
    for table in ("distribution_metrics", "paired_metrics", "memorisation", "reader_studies", "downstream"):
        rows[table] = [{key: _stated(value) for key, value in row.items()} for row in rows[table]]
    rows["phases"] = [{"number": n, "name": PHASE_NAMES[n]} for n in phases]
    rows["model_space_only"] = phases == [1]
    rows["has_results"] = bool(
        phases or evaluation.memorisation or evaluation.subgroups or evaluation.statistical_tests
    )
    return rows


def _located(report: Report, path: str, words: str = "", occurrence: int = 0) -> dict[str, Any]:
    location = report.locate(path, words, occurrence)
    return {"path": path, "line": location.line, "column": location.col}


def _finding_view(report: Report, finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "source": finding.source,
        "message": finding.text,
        "rule_message": finding.message,
        "details": list(finding.details),
        "severity": finding.severity,
        "gap": finding.gap,
        "gap_title": GAP_KINDS[finding.gap][0] if finding.gap else None,
        "items": list(finding.items),
        **_located(report, finding.path),
        "waived": bool(finding.waiver),
        "waiver": finding.waiver,
    }


def assessment(report: Report) -> dict[str, Any]:
    """Completeness, the paper's six gaps and the rule findings: what every format shows about them."""
    return {
        "score": report.score,
        "checklist": f"{report.checklist.id} {report.checklist.version}",
        "gaps_found": len(report.gaps_found),
        "gaps": [
            {
                "id": gap.kind,
                "title": gap.title,
                "explanation": gap.explanation,
                "found": gap.found,
                "reasons": list(gap.reasons),
                "entries": [
                    {
                        "text": entry.text,
                        "items": list(entry.items),
                        "rule": entry.finding.rule if entry.finding else None,
                        "source": entry.finding.source if entry.finding else None,
                        **_located(report, entry.path),
                    }
                    for entry in gap.entries
                ],
                "items": list(gap.items),
                "findings": list(gap.findings),
            }
            for gap in report.gaps
        ],
        "findings": [_finding_view(report, finding) for finding in report.findings],
        "other_findings": [_finding_view(report, finding) for finding in report.findings if not finding.gap],
        "notes": [
            {"item": result.item.id, "note": note, **_located(report, result.path)}
            for result in report.items
            if result.applies
            for note in result.notes
        ],
        "advice": [
            {
                "id": advice.id,
                "message": advice.message,
                **_located(report, advice.path, advice.word, advice.occurrence),
                "words": advice.word,
                "waived": bool(advice.waiver),
                "waiver": advice.waiver,
            }
            for advice in report.advice
        ],
        "waivers": [
            {"rule": w.rule, "reason": w.reason.strip(), "used": w.rule not in report.unused_waivers}
            for w in report.card.waivers
        ],
        "sections": [
            {"id": section.section.id, "title": section.section.title, "score": section.score}
            for section in report.sections
        ],
    }


def _checklist_label(card: CardBase, checklist: Checklist) -> str:
    label = f"{checklist.id} {checklist.version}"
    if card.checklist.version != checklist.version:
        label += f" (the card was written for {card.checklist.version})"
    newer = newer_version(card, checklist)
    if newer and newer != checklist.version:
        label += f" ({newer} is current)"
    return label
def _facts_view(report: Report) -> dict[str, Any]:
    """The format-2 blocks as plain data (None or [] when the card does not give them)."""
    card = report.card
    evaluation = card.evaluation
    scope = evaluation.scope
    furthest = evaluation.furthest_phase()
    return {
        "format": card.format_version,
        "labelling": card.labelling.model_dump(mode="json") if card.labelling else None,
        "problem": card.problem.model_dump(mode="json") if card.problem else None,
        "data_sources": [source.model_dump(mode="json") for source in card.data_sources],
        "ethics": card.ethics.model_dump(mode="json") if card.ethics else None,
        "scope": scope.model_dump(mode="json") if scope else None,
        "furthest_phase": {"number": furthest, "name": PHASE_NAMES.get(furthest, "no results")},
        "reader_tasks": [
            {"name": study.name or f"reader study {n + 1}", "task": study.task or "not stated (read as realism)"}
            for n, study in enumerate(evaluation.reader_studies)
        ],
        "prompt_alignment": [
            {key: _stated(value) for key, value in row.model_dump(mode="json").items()}
            for row in evaluation.prompt_alignment
        ],
        "claims": [claim.model_dump(mode="json") for claim in card.claims],
        "waivers": assessment(report)["waivers"],
        "located": _located_entries(report),
        "advice": assessment(report)["advice"],
    }


def _located_entries(report: Report) -> list[dict[str, Any]]:
    """Every gap reason and finding with the card path and line:col it concerns, in report order."""
    entries = []
    for gap in report.gaps_found:
        for entry in gap.entries:
            where = report.locate(entry.path)
            rule = entry.finding.rule if entry.finding else ""
            entries.append(
                {
                    "what": gap.title,
                    "rule": rule,
                    "path": entry.path,
                    "line": where.line,
                    "column": where.col,
                    "waiver": "",
                }
            )
    for finding in report.findings:
        if not finding.gap:
            where = report.locate(finding.path)
            entries.append(
                {
                    "what": "Other finding",
                    "rule": finding.rule,
                    "path": finding.path,
                    "line": where.line,
                    "column": where.col,
                    "waiver": finding.waiver,
                }
            )
    return entries


def build(report: Report) -> dict[str, Any]:
    """Everything an output template may show, in display order."""
    checklist, card = report.checklist, report.card
    by_id = {result.section.id: result for result in report.sections}
    order = [s for s in CARD_ORDER if s in by_id] + [s for s in by_id if s not in CARD_ORDER]
    items = {result.item.id: result for result in report.items}
    sections = []
    for section_id in order:
        result = by_id[section_id]
        sections.append(
            {
                "id": section_id,
                "title": result.section.title,
                "intro": result.section.intro,
                "score": result.score,
                "items": [_item_view(item) for item in result.applicable],
                "other_kinds": [item.item.id for item in result.items if not item.applies],
            }
        )
    limits = []
    for limit in checklist.intrinsic_limits:
        acknowledged = items.get(limit.item)
        limits.append(
            {
                "id": limit.id,
                "title": limit.title,
                "statement": limit.statement,
                "status": acknowledged.status if acknowledged else UNANSWERED,
                "status_label": STATUS_LABELS[acknowledged.status if acknowledged else UNANSWERED],
            }
        )
    counts = report.counts()
    return {
        "ethicard_version": __version__,
        "card_format": CARD_FORMAT_VERSION,
        "checklist": {
            "id": checklist.id,
            "version": checklist.version,
            "title": checklist.title,
            "reference": checklist.reference,
            "label": _checklist_label(card, checklist),
        },
        "about": card.about.model_dump(mode="json"),
        "score": report.score,
        "counts": [{"status": s, "label": STATUS_LABELS[s], "count": n} for s, n in counts.items()],
        "sections": sections,
        "intrinsic_limits": limits,
        "evaluation": _evaluation_view(report),
        "assessment": assessment(report),
        "facts": _facts_view(report),
        "status_labels": STATUS_LABELS,
    }


def summary(report: Report) -> dict[str, Any]:
    """What a one-page summary shows (for a paper's main text, a reviewer or a release page): what
    the work is, completeness, the six gaps, the intrinsic limits, waivers and the contact."""
    shown = build(report)
    about = shown["about"]
    facts = [("Kind", about["kind"]), ("Task", about.get("task")), ("Modality", about.get("modality"))]
    facts += [("Release", about.get("release")), ("Licence", about.get("license"))]
    if about.get("base_model"):
        facts.append(("Base model", about["base_model"]))
    gaps = shown["assessment"]["gaps"]
    links = about.get("links") or {}
    return {
        "ethicard_version": shown["ethicard_version"],
        "checklist": shown["checklist"],
        "name": about["name"],
        "version": about.get("version") or "",
        "kind": about["kind"],
        "facts": [{"label": label, "value": _stated(value)} for label, value in facts],
        "score": shown["score"],
        "counts": [entry for entry in shown["counts"] if entry["count"]],
        "sections": [{"title": s["title"], "score": s["score"]} for s in shown["sections"]],
        "gaps_found": shown["assessment"]["gaps_found"],
        "gaps_total": len(gaps),
        "gaps": [
            {"id": gap["id"], "title": gap["title"], "found": gap["found"], "items": gap["items"]} for gap in gaps
        ],
        "other_findings": len(shown["assessment"]["other_findings"]),
        "intrinsic_limits": [
            {"title": limit["title"], "status": limit["status"], "status_label": limit["status_label"]}
            for limit in shown["intrinsic_limits"]
        ],
        "waivers": [{"label": w["rule"], "reason": w["reason"]} for w in shown["assessment"]["waivers"]],
        "contact": _stated(about.get("contact")),
        "card_link": links.get("card", ""),
    }
