"""A Markdown table of the cards checked, for the job summary of a GitHub Actions run.

The runner names a file in ``$GITHUB_STEP_SUMMARY`` that every step of a job appends to and shows
on the run's page.  ``ethicard check`` appends one table (file, valid, score, gate, gaps) to it:
appends, because other steps wrote there before; one write at the end, so a failed run leaves what
was there as it was.  GitHub refuses summaries over 1 MiB, so at most :data:`MAX_ROWS` cards get a
row and the rest are counted.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .errors import EnvironmentFailure, UsageError
from .vocabulary import GAP_KINDS

if TYPE_CHECKING:
    from .batch import CardResult

ENV = "GITHUB_STEP_SUMMARY"
MAX_ROWS = 1000


def cell(text: str) -> str:
    """Text safe inside one cell of a Markdown table: ``|`` escaped, line breaks as spaces, and
    characters that Markdown would read as markup (``\\ ` * _ < >``...) escaped."""
    text = " ".join(text.split())
    return "".join("\\" + char if char in "\\`*_[]<>|#~" else char for char in text)


class StepSummary:
    """Collects one short row per card and appends the table to the summary file at the end."""

    def __init__(self, path: str, *, gated: bool) -> None:
        self.path = path
        self.gated = gated
        self.rows: list[str] = []
        self.cards = self.valid = self.passed = 0

    @classmethod
    def from_environment(cls, inputs: list[str], *, gated: bool) -> StepSummary | None:
        """The summary to write when ``$GITHUB_STEP_SUMMARY`` names a file; refused when it names
        one of the cards (appending would change the input)."""
        path = os.environ.get(ENV, "")
        if not path:
            return None
        from .files import refuse_same_file  # imported only when a step summary is asked for

        if os.path.exists(path) and not os.path.isfile(path):  # a pipe would block, a device is no summary
            raise UsageError(f"{ENV}={path} is not a regular file")
        refuse_same_file(path, *inputs)
        return cls(path, gated=gated)

    def add(self, result: CardResult) -> None:
        self.cards += 1
        self.valid += result.valid
        self.passed += result.passed
        if len(self.rows) >= MAX_ROWS:
            return
        if result.valid:
            gaps = ", ".join(_gap_title(kind) for kind in result.gaps) or "none"
            cells = [result.file, "yes", f"{result.score}%", *self._gate(result), gaps]
        else:
            n = len(result.problems)
            cells = [result.file, f"no ({n} problem{'s' if n != 1 else ''})", "-", *self._gate(result), "-"]
        self.rows.append("| " + " | ".join(cell(text) for text in cells) + " |")

    def _gate(self, result: CardResult) -> list[str]:
        return [("passed" if result.passed else "failed")] if self.gated else []

    def text(self) -> str:
        head = ["Card", "Valid", "Completeness", *(["Gate"] if self.gated else []), "Gaps shown"]
        lines = [
            "### ethicard check",
            "",
            f"{self.cards} card{'s' if self.cards != 1 else ''}: {self.valid} valid, {self.cards - self.valid} invalid"
            + (f"; {self.passed} passed the gate" if self.gated else ""),
            "",
            "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head),
            *self.rows,
        ]
        if self.cards > len(self.rows):
            lines += ["", f"... and {self.cards - len(self.rows)} more cards (the first {MAX_ROWS} are listed)."]
        return "\n".join(lines) + "\n\n"

    def write(self) -> None:
        """Append the table to the summary file (created when missing, never truncated)."""
        try:
            with open(self.path, "a", encoding="utf-8") as stream:
                stream.write(self.text())
        except OSError as exc:
            reason = exc.strerror or exc
            raise EnvironmentFailure(f"{ENV}={self.path}: cannot append the job summary ({reason})") from None


def _gap_title(kind: str) -> str:
    return GAP_KINDS[kind][0] if kind in GAP_KINDS else kind
