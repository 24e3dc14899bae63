"""A small SVG badge for READMEs: "MISyn card | 87% · misyn 1.1.0", coloured by completeness.

Deterministic (same report, same bytes) and self-contained; text widths come from a fixed table
of Verdana 11 px advance widths, so no font is measured at run time.  A card that shows one of
the paper's six gaps says so on the badge and is never coloured better than yellow: the badge
must not look more complete than the card is.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from .assessment import Report

LABEL = "MISyn card"
_HEIGHT = 20
_PAD = 6
# Verdana 11 px advance widths (px) of printable ASCII, from space (32) to tilde (126).
_WIDTHS = (
    3.9, 4.7, 5.5, 9.2, 7.0, 12.0, 8.0, 3.2, 4.9, 4.9, 7.0, 9.2, 4.0, 4.9, 4.0, 4.9,
    7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 4.9, 4.9, 9.2, 9.2, 9.2, 6.0,
    11.0, 7.5, 7.6, 7.7, 8.5, 7.0, 6.3, 8.5, 8.3, 4.7, 5.0, 7.7, 6.1, 9.4, 8.2, 8.7,
    6.6, 8.7, 7.7, 7.5, 6.8, 8.1, 7.5, 10.9, 7.5, 6.8, 7.5, 4.9, 4.9, 4.9, 9.2, 7.0,
    7.0, 6.6, 6.9, 5.7, 6.9, 6.6, 3.9, 6.9, 7.0, 3.0, 3.8, 6.5, 3.0, 10.7, 7.0, 6.7,
    6.9, 6.9, 4.7, 5.7, 4.4, 7.0, 6.5, 9.0, 6.5, 6.5, 5.8, 7.0, 4.9, 7.0, 9.2,
)  # fmt: skip
_OTHER = 7.0  # anything outside printable ASCII, e.g. the middle dot
_COLOURS = ((90.0, "#4c1"), (75.0, "#97ca00"), (60.0, "#dfb317"), (40.0, "#fe7d37"), (0.0, "#e05d44"))
_AT_BEST_WITH_GAPS = "#dfb317"


def _width(text: str) -> int:
    total = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) <= 126 else _OTHER for c in text)
    return round(total) + 2 * _PAD


def colour(score: float, gaps_shown: int = 0) -> str:
    """Green from 90%, then yellow-green, yellow, orange, red; at best yellow when gaps are shown."""
    rank = next(i for i, (floor, _) in enumerate(_COLOURS) if score >= floor)
    return _AT_BEST_WITH_GAPS if gaps_shown and rank < 2 else _COLOURS[rank][1]


def xml_text(text: str) -> str:
    """Text safe inside an XML element or a double- or single-quoted attribute."""
    return escape(text, {'"': "&quot;", "'": "&apos;"})


def _score(score: float) -> str:
    return f"{score:g}%"


def message(report: Report) -> str:
    gaps = len(report.gaps_found)
    parts = [_score(report.score)]
    if gaps:
        parts.append(f"{gaps} gap{'s' if gaps != 1 else ''}")
    parts.append(f"{report.checklist.id} {report.checklist.version}")
    return " · ".join(parts)


def svg(report: Report) -> str:
    """The badge as SVG text ending with a newline."""
    value = message(report)
    fill = colour(report.score, len(report.gaps_found))
    left, right = _width(LABEL), _width(value)
    total = left + right
    title = xml_text(f"{LABEL}: {value}")
    label, text = xml_text(LABEL), xml_text(value)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{_HEIGHT}" '
        f'role="img" aria-label="{title}">\n'
        f"<title>{title}</title>\n"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>\n'
        f'<clipPath id="r"><rect width="{total}" height="{_HEIGHT}" rx="3" fill="#fff"/></clipPath>\n'
        '<g clip-path="url(#r)">'
        f'<rect width="{left}" height="{_HEIGHT}" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="{_HEIGHT}" fill="{fill}"/>'
        f'<rect width="{total}" height="{_HEIGHT}" fill="url(#s)"/></g>\n'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:g}" y="14">{label}</text>'
        f'<text x="{left + right / 2:g}" y="14">{text}</text></g>\n'
        "</svg>\n"
    )
