"""What ``ethicard check`` says about one valid card: lines for people, a mapping for JSON, and the
CI gate (``--strict``, ``--min-score``).  The command line only prints what this module returns."""

from __future__ import annotations

from typing import Any

from . import view
from .assessment import Report
from .cards import newer_version
from .vocabulary import GAP_KINDS


def gate(report: Report, *, strict: bool = False, min_score: float | None = None, waivers: bool = True) -> list[str]:
    """Why the card fails the gate, in plain words; empty when it passes (or no gate was asked for).

    ``strict`` fails a card that shows any of the paper's six gaps or any other rule finding the
    card has not waived; with ``waivers`` False (``--no-waivers``, for venues) waived findings
    fail it too.  Advisory notes never fail it.  ``min_score`` fails a card whose completeness is
    below it.
    """
    failures = []
    if min_score is not None and report.score < min_score:
        failures.append(f"completeness {report.score}% is below the minimum of {min_score:g}%")
    if strict:
        shown = len(report.gaps_found)
        if shown:
            failures.append(f"{shown} of the {len(GAP_KINDS)} gaps shown")
        other = [finding for finding in report.findings if not finding.gap]
        waived = sum(1 for finding in other if finding.waiver)
        open_ = len(other) - waived if waivers else len(other)
        if open_:
            refused = f" ({waived} waived; waivers are refused)" if waived and not waivers else ""
            failures.append(f"{open_} other finding{'s' if open_ != 1 else ''}{refused}")
    return failures


def _gated(strict: bool, min_score: float | None) -> bool:
    return strict or min_score is not None


def where(report: Report, path: str, words: str = "", occurrence: int = 0) -> str:
    """``file:line:col: path`` of a dotted card path, as problems are written."""
    location = report.locate(path, words, occurrence)
    file = getattr(getattr(report.card, "_source", None), "file", "") or "<card>"
    place = f"{file}:{location.line}:{location.col}" if location.line else file
    return f"{place}: {path}" if path else place


def text(
    file: str, report: Report, *, strict: bool = False, min_score: float | None = None, waivers: bool = True
) -> list[str]:
    """The lines ``ethicard check`` prints for one valid card: every reason and finding located."""
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
                lines.append(f"      {where(report, entry.path)}: {tag}{entry.text}")
    else:
        lines.append(f"  gaps: none of the {len(GAP_KINDS)} gaps found in published MISyn work is shown")
    other = [finding for finding in report.findings if not finding.gap]
    if other:
        lines.append("  other findings:")
        for finding in other:
            waived = f" (waived: {finding.waiver})" if finding.waiver else ""
            lines.append(
                f"      {where(report, finding.path)}: [{finding.rule}, {finding.source}] {finding.text}{waived}"
            )
    notes = [(result.path, note) for result in report.items if result.applies for note in result.notes]
    if notes or report.advice:
        lines.append("  notes (advisory, never a gap):")
        lines += [f"      {where(report, path)}: {note}" for path, note in notes]
        for advice in report.advice:
            waived = f" (waived: {advice.waiver})" if advice.waiver else ""
            place = where(report, advice.path, advice.word, advice.occurrence)
            lines.append(f"      {place}: [{advice.id}] {advice.message}{waived}")
    if report.unused_waivers:
        lines.append("  waivers that answer nothing on this card: " + ", ".join(report.unused_waivers))
    if _gated(strict, min_score):
        failures = gate(report, strict=strict, min_score=min_score, waivers=waivers)
        lines.append("  gate: " + (f"failed ({'; '.join(failures)})" if failures else "passed"))
    return lines


def as_json(
    report: Report, *, strict: bool = False, min_score: float | None = None, waivers: bool = True
) -> dict[str, Any]:
    """The keys ``ethicard check --format json`` adds for one valid card."""
    assessment = view.assessment(report)
    failures = gate(report, strict=strict, min_score=min_score, waivers=waivers)
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
        "advice": assessment["advice"],
        "waivers": assessment["waivers"],
        "gate": {
            "strict": strict,
            "min_score": min_score,
            "waivers": waivers,
            "passed": not failures,
            "failures": failures,
        },
    }
