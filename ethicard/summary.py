"""What ``ethicard check`` says about one valid card: lines for people, a mapping for JSON, and the
CI gate (``--strict``, ``--min-score``).  The command line only prints what this module returns."""

from __future__ import annotations

from typing import Any

from . import view
from .assessment import Report
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


def _where(file: str, path: str, line: int, column: int) -> str:
    """``file:line:col: path`` of a dotted card path, as problems are written."""
    place = f"{file}:{line}:{column}" if line else file
    return f"{place}: {path}" if path else place


def _waived(waiver: str) -> str:
    return f" (waived: {waiver})" if waiver else ""


def _head(file: str, shown: view.CardView) -> list[str]:
    counts = ", ".join(f"{count.count} {count.status}" for count in shown.counts if count.count)
    lines = [
        f"{file}: valid ({shown.checklist.id} {shown.checklist.version}); completeness {shown.score}% ({counts})",
        "  by section: " + ", ".join(f"{section.title} {section.score}%" for section in shown.sections),
    ]
    if shown.newer_version:
        lines.append(
            f"  version: the card answers {shown.checklist.id} {shown.answered_version}; "
            f"{shown.newer_version} is current"
        )
    return lines


def _gaps(shown: view.CardView) -> list[str]:
    found = [gap for gap in shown.assessment.gaps if gap.found]
    total = len(shown.assessment.gaps)
    if not found:
        return [f"  gaps: none of the {total} gaps found in published MISyn work is shown"]
    lines = [f"  gaps found in published MISyn work that this card shows ({len(found)} of {total}):"]
    for gap in found:
        lines.append(f"  - {gap.title}")
        for entry in gap.entries:
            tag = f"[{entry.rule}, {entry.source}] " if entry.rule else ""
            lines.append(f"      {_where(shown.file, entry.path, entry.line, entry.column)}: {tag}{entry.text}")
    return lines


def _findings(shown: view.CardView) -> list[str]:
    other = shown.assessment.other_findings
    lines = ["  other findings:"] if other else []
    for finding in other:
        place = _where(shown.file, finding.path, finding.line, finding.column)
        lines.append(f"      {place}: [{finding.rule}, {finding.source}] {finding.message}{_waived(finding.waiver)}")
    return lines


def _notes(shown: view.CardView) -> list[str]:
    assessed = shown.assessment
    if not (assessed.notes or assessed.advice):
        return []
    lines = ["  notes (advisory, never a gap):"]
    lines += [f"      {_where(shown.file, note.path, note.line, note.column)}: {note.note}" for note in assessed.notes]
    for advice in assessed.advice:
        place = _where(shown.file, advice.path, advice.line, advice.column)
        lines.append(f"      {place}: [{advice.id}] {advice.message}{_waived(advice.waiver)}")
    return lines


def text(
    file: str, report: Report, *, strict: bool = False, min_score: float | None = None, waivers: bool = True
) -> list[str]:
    """The lines ``ethicard check`` prints for one valid card: every reason and finding located."""
    shown = view.build(report)
    lines = _head(file, shown) + _gaps(shown) + _findings(shown) + _notes(shown)
    unused = [waiver.rule for waiver in shown.assessment.waivers if not waiver.used]
    if unused:
        lines.append("  waivers that answer nothing on this card: " + ", ".join(unused))
    if _gated(strict, min_score):
        failures = gate(report, strict=strict, min_score=min_score, waivers=waivers)
        lines.append("  gate: " + (f"failed ({'; '.join(failures)})" if failures else "passed"))
    return lines


def as_json(
    report: Report, *, strict: bool = False, min_score: float | None = None, waivers: bool = True
) -> dict[str, Any]:
    """The keys ``ethicard check --format json`` adds for one valid card."""
    shown = view.build(report)
    assessed = shown.assessment
    failures = gate(report, strict=strict, min_score=min_score, waivers=waivers)
    return {
        "checklist": {
            "id": shown.checklist.id,
            "version": shown.checklist.version,
            "answered": shown.answered_version,
            "current": shown.newer_version or shown.answered_version,
        },
        "sections": view.plain(assessed.sections),
        "gaps": view.plain(assessed.gaps),
        "findings": view.plain(assessed.findings),
        "notes": view.plain(assessed.notes),
        "advice": view.plain(assessed.advice),
        "waivers": view.plain(assessed.waivers),
        "gate": {
            "strict": strict,
            "min_score": min_score,
            "waivers": waivers,
            "passed": not failures,
            "failures": failures,
        },
    }
