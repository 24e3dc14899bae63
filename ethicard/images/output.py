"""The text, JSON and CSV outputs of ``inspect`` and ``stamp``: text returned, never printed here.

Every form of the ``inspect`` output says that a missing marker is no evidence that an image is a
medical image (CSV, which has no room for a sentence, leaves it to the command's standard error).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from .. import __version__
from ..vocabulary import IMAGE_OUTCOMES
from .inspect import ImageResult, Tally
from .marker import NOTE
from .reading import MECHANISMS
from .scan import FORMATS
from .stamp import StampResult

CSV_HEADER = ("file", "status", "format", "mechanisms", "carriers", "card", "reasons")


def text_line(result: ImageResult) -> str:
    if result.problem is not None:
        return f"{result.problem}\n"
    line = f"{result.file}: {result.status}"
    if result.mechanisms:
        line += f" ({', '.join(result.mechanisms)}: {', '.join(result.carriers)})"
    if result.card:
        line += f"; card {result.card}"
    if result.reasons:
        line += f"; {'; '.join(result.reasons)}"
    return line + "\n"


def summary_text(tally: Tally) -> str:
    """The summary after the files: a table of statuses by format, the mechanisms found, skipped files."""
    mechanisms = ", ".join(f"{m} {tally.mechanisms[m]}" for m in MECHANISMS if tally.mechanisms[m]) or "none"
    skipped = tally.statuses["skipped"]
    text = "\n" + "\n".join(_table(tally)) + "\n"
    text += f"mechanisms found: {mechanisms}\n"
    if skipped:
        plural = "s" if skipped != 1 else ""
        text += f"{skipped} other file{plural} in the folders skipped (not PNG, JPEG, TIFF, DICOM or NIfTI)\n"
    return text + f"note: {NOTE}.\n"


def _table(tally: Tally) -> list[str]:
    """Images by format and status, formats without images left out, then the totals; columns aligned."""
    columns = list(IMAGE_OUTCOMES)
    rows = [["FORMAT", *(c.upper() for c in columns), "TOTAL"]]
    for fmt in [*FORMATS, "?"]:
        counts = [tally.by_format[(fmt, c)] for c in columns]
        if sum(counts):
            rows.append([fmt, *(str(n) for n in counts), str(sum(counts))])
    rows.append(["all", *(str(tally.statuses[c]) for c in columns), str(tally.images)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def json_start(card: dict[str, str] | None) -> str:
    return (
        '{\n  "ethicard": '
        + json.dumps(__version__)
        + ',\n  "note": '
        + json.dumps(NOTE)
        + ',\n  "card": '
        + json.dumps(card)
        + ',\n  "files": ['
    )


def json_entry(result: ImageResult, first: bool) -> str:
    return ("" if first else ",") + "\n    " + json.dumps(result.as_dict(), ensure_ascii=False)


def json_end(tally: Tally, any_files: bool) -> str:
    return ("\n  ]" if any_files else "]") + ',\n  "summary": ' + json.dumps(tally.as_dict()) + "\n}\n"


def csv_line(cells: Sequence[str]) -> str:
    import csv  # only the CSV format needs it; keeps the text and JSON formats lean

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def csv_row(result: ImageResult) -> str:
    reasons = list(result.reasons) + ([result.problem.message] if result.problem else [])
    cells = [
        result.file,
        result.status,
        result.format,
        " ".join(result.mechanisms),
        "; ".join(result.carriers),
        result.card,
        "; ".join(reasons),
    ]
    return csv_line(cells)


def stamp_line(result: StampResult) -> str:
    if result.problem is not None:
        return f"{result.problem}\n"
    what = {"stamped": "stamped", "unchanged": "already stamped, unchanged", "sidecar": "marked by a sidecar file"}
    line = f"{result.file}: {what.get(result.action, result.action)} ({result.format})"
    return line + "".join(f"\n  note: {note}" for note in result.notes) + "\n"
