"""What ``ethicard check`` says about one valid card: lines for people, a mapping for JSON, and the
CI gate (``--strict``, ``--min-score``).  The command line only prints what this module returns."""

from __future__ import annotations

from typing import Any

from . import view
from .assessment import GAP_KINDS, Report
from .validate import newer_version


def gate(report: Report, *, strict: bool = False, min_score: float | None = None) -> list[str]:
    """Why the card fails the gate, in plain words; empty when it passes (or no gate was asked for).

    ``strict`` fails a card that shows any of the paper's six gaps or any other rule finding;
    ``min_score`` fails a card whose completeness is below it.
    """
    failures = []
    if min_score is not None and report.score < min_score:
        failures.append(f"completeness {report.score}% is below the minimum of {min_score:g}%")
    if strict:
        shown = len(report.gaps_found)
        if shown:
            failures.append(f"{shown} of the {len(GAP_KINDS)} gaps shown")
        other = sum(1 for finding in report.findings if not finding.gap)
        if other:
            failures.append(f"{other} other finding{'s' if other != 1 else ''}")
    return failures


def _gated(strict: bool, min_score: float | None) -> bool:
    return strict or min_score is not None


def text(file: str, report: Report, *, strict: bool = False, min_score: float | None = None) -> list[str]:
    """The lines ``ethicard check`` prints for one valid card."""
    counts = ", ".join(f"{n} {status}" for status, n in report.counts().items() if n)
    lines = [
        f"{file}: valid ({report.checklist.id} {report.checklist.version}); completeness {report.score}% ({counts})",
        "  by section: " + ", ".join(f"{s.section.title} {s.score}%" for s in report.sections),
    ]
    newer = newer_version(report.card, report.checklist)
    if newer:
        lines.append(
            f"  version: the card answers {report.card.checklist.id} {report.card.checklist.version}; "
            f"{newer} is current"
        )
    shown = report.gaps_found
    if shown:
        lines.append(f"  gaps found in published MISyn work that this card shows ({len(shown)} of {len(GAP_KINDS)}):")
        for gap in shown:
            lines.append(f"  - {gap.title}")
            for entry in gap.entries:
                tag = f"[{entry.finding.rule}, {entry.finding.source}] " if entry.finding else ""
                lines.append(f"      {tag}{entry.text}")
    else:
        lines.append(f"  gaps: none of the {len(GAP_KINDS)} gaps found in published MISyn work is shown")
    other = [finding for finding in report.findings if not finding.gap]
    if other:
        lines.append("  other findings:")
        lines += [f"      [{finding.rule}, {finding.source}] {finding.text}" for finding in other]
    notes = [(result.item.id, note) for result in report.items if result.applies for note in result.notes]
    if notes:
        lines.append("  notes:")
        lines += [f"      {item}: {note}" for item, note in notes]
    if _gated(strict, min_score):
        failures = gate(report, strict=strict, min_score=min_score)
        lines.append("  gate: " + (f"failed ({'; '.join(failures)})" if failures else "passed"))
    return lines


def as_json(report: Report, *, strict: bool = False, min_score: float | None = None) -> dict[str, Any]:
    """The keys ``ethicard check --format json`` adds for one valid card."""
    assessment = view.assessment(report)
    failures = gate(report, strict=strict, min_score=min_score)
    return {
        "checklist": {
            "id": report.checklist.id,
            "version": report.checklist.version,
            "answered": report.card.checklist.version,
            "current": newer_version(report.card, report.checklist) or report.card.checklist.version,
        },
        "sections": assessment["sections"],
        "gaps": assessment["gaps"],
        "findings": assessment["findings"],
        "notes": assessment["notes"],
        "gate": {
            "strict": strict,
            "min_score": min_score,
            "passed": not failures,
            "failures": failures,
        },
    }
