"""The outputs of ``ethicard check``, chosen by name from one registry.

Every reporter takes the records of :mod:`ethicard.batch` one by one and returns text, leaving the
writing to the command line: ``start()``, ``add(record) -> (stdout, stderr)``, ``end()`` and the
``exit_code`` of the whole run.

- ``text``: each card's summary (or problems), and a table of every card when there are several;
- ``json``: one document with an entry per card; ``csv``: one summary row per card;
- ``github``: GitHub Actions workflow commands (``::error file=...,line=...::message``), which the
  runner turns into annotations on the pull request's changed lines;
- ``sarif``: one SARIF 2.1.0 log, for code-scanning services (GitHub's ``upload-sarif``) and editors.

The last two point at the answer a gap or finding concerns (:mod:`ethicard.locations`).  With
``check --images``, every output carries what the images contradict in the card's labelling
claims (CSV, whose columns are fixed, on standard error).  All are streamed, so memory stays flat
however many cards there are; only the text table keeps one short row per card, spooled to a
temporary file once it grows past a megabyte.  This module imports only the standard library at
start, so ``ethicard --help`` can read the registry's names cheaply.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol, TypeVar

from . import __version__
from .errors import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, Problem, UsageError, format_path, printable, text_of_name
from .vocabulary import ANSWER_STATES, GAP_KINDS

if TYPE_CHECKING:
    from .batch import CardResult
    from .images.command import ImageCheck

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://arxiv.org/abs/2508.09293"
IMAGES_RULE = "images/labelling"  # SARIF rule of what check --images finds
_IMAGES_TEXT = "The marks in the released images contradict the card's labelling claims (check --images)."


class Reporter(Protocol):
    """What the command line needs from an output of ``check``."""

    @property
    def exit_code(self) -> int: ...

    def start(self) -> str: ...

    def add(self, result: CardResult) -> tuple[str, str]: ...

    def end(self) -> str: ...

    def __enter__(self) -> Reporter: ...

    def __exit__(self, *exc: object) -> None: ...


Factory = Callable[[int, bool], Reporter]


def _summaries(fmt: str) -> Factory:
    def make(total: int, gated: bool) -> Reporter:
        return SummaryReporter(fmt, total, gated=gated)

    return make


def _github(total: int, gated: bool) -> Reporter:
    return GithubReporter(gated=gated)


def _sarif(total: int, gated: bool) -> Reporter:
    return SarifReporter(gated=gated)


REPORTERS: dict[str, Factory] = {
    "text": _summaries("text"),
    "json": _summaries("json"),
    "csv": _summaries("csv"),
    "github": _github,
    "sarif": _sarif,
}
LOCATED = frozenset({"github", "sarif"})  # the reporters that need each record's located gaps and findings


def reporter(name: str, total: int, *, gated: bool = False) -> Reporter:
    """The reporter registered under ``name`` for ``total`` cards (``gated``: --strict or --min-score)."""
    if name not in REPORTERS:
        raise UsageError(f"unknown format '{name}'; choose one of: {', '.join(REPORTERS)}")
    return REPORTERS[name](total, gated)


_T = TypeVar("_T", bound="_Tally")


class _Tally:
    """Counts the cards as they come, for the exit code of the run."""

    def __init__(self, *, gated: bool) -> None:
        self.gated = gated
        self.cards = self.valid = self.passed = self.clean = self.internal = 0

    @property
    def exit_code(self) -> int:
        if self.internal:
            return EXIT_INTERNAL
        return EXIT_OK if self.clean == self.cards else EXIT_PROBLEMS

    def count(self, result: CardResult) -> None:
        self.cards += 1
        self.valid += result.valid
        self.passed += result.passed
        self.clean += result.clean
        self.internal += result.internal_error

    def totals(self) -> str:
        text = (
            f"{self.cards} card{'s' if self.cards != 1 else ''}: {self.valid} valid, {self.cards - self.valid} invalid"
        )
        if self.gated:
            text += f"; {self.passed} passed the gate, {self.cards - self.passed} did not"
        return text

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


# --- text, JSON and CSV ---------------------------------------------------------------------

_TABLE_HEADER = ("FILE", "VALID", "SCORE", "PROBLEMS", "GAPS")
_NUMBERS = ("SCORE", "PROBLEMS")
_CSV_HEADER = ("file", "valid", "checklist", "score", "problems", *ANSWER_STATES, "gaps", "gate_failures")


class SummaryReporter(_Tally):
    """Each card's summary in one format (text, json or csv), record by record; the text format
    closes with a table of every card when there are several."""

    def __init__(self, fmt: str, total: int, *, gated: bool = False) -> None:
        super().__init__(gated=gated)
        self.format = fmt
        self._rows: IO[str] | None = None
        if fmt == "text" and total > 1:  # one card needs no table
            import tempfile

            self._rows = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")  # noqa: SIM115
        self._header = (*_TABLE_HEADER[:4], "GATE", _TABLE_HEADER[4]) if gated else _TABLE_HEADER
        self._widths = [len(title) for title in self._header]

    def start(self) -> str:
        if self.format == "json":
            return '{\n  "ethicard": ' + json.dumps(__version__) + ',\n  "files": ['
        if self.format == "csv":
            return _csv_line(_CSV_HEADER)
        return ""

    def add(self, result: CardResult) -> tuple[str, str]:
        self.count(result)
        problems = "".join(f"{problem}\n" for problem in result.problems)
        if result.internal_error:  # a bug, not a problem of the card: said as ethicard says internal errors
            problem = result.problems[0]
            problems = _line(
                f"ethicard: internal error while checking {result.file}: {problem.message} ({problem.hint})"
            )
        if self.format == "json":
            entry = _indent(json.dumps(_json_text(_json_entry(result)), indent=2), 4)
            return ("," if self.cards > 1 else "") + "\n" + entry, problems if result.internal_error else ""
        images = "".join(map(_line, image_lines(result.file, result.images))) if result.images else ""
        if self.format == "csv":
            return _csv_line(_csv_row(result)), problems + images
        self._keep_row(result)
        if result.internal_error:
            return "", problems
        if result.valid:
            return "".join(map(_line, result.lines)) + images, ""
        n = len(result.problems)
        return problems + _line(f"{result.file}: {n} problem{'s' if n != 1 else ''}"), ""

    def end(self) -> str:
        totals = {"cards": self.cards, "valid": self.valid, "invalid": self.cards - self.valid}
        if self.gated:
            totals["passed"] = self.passed
        if self.format == "json":
            closing = "\n  ]" if self.cards else "]"
            return closing + ',\n  "summary": ' + _indent(json.dumps(totals, indent=2), 2).lstrip() + "\n}\n"
        if self._rows is None:
            return ""
        return "\n" + "".join(self._table()) + self.totals() + "\n"

    def __exit__(self, *exc: object) -> None:
        if self._rows is not None:
            self._rows.close()

    def _keep_row(self, result: CardResult) -> None:
        if self._rows is None:
            return
        row = _table_row(result)
        if self.gated:
            row.insert(4, ("passed" if result.passed else "failed") if result.valid else "-")
        self._widths = [max(width, len(cell)) for width, cell in zip(self._widths, row, strict=True)]
        self._rows.write(json.dumps(row) + "\n")

    def _table(self) -> Iterator[str]:
        assert self._rows is not None
        yield _table_line(self._header, self._widths, self._header)
        self._rows.seek(0)
        for line in self._rows:
            yield _table_line(json.loads(line), self._widths, self._header)


def image_lines(file: str, images: ImageCheck) -> list[str]:
    """What ``check --images`` says in text: the marks found, each finding, what the files cannot show."""
    found, *after = _image_notes(file, images)
    return [found, *map(str, images.findings), *after]


def _image_notes(file: str, images: ImageCheck) -> list[str]:
    """The lines about the images that are no finding: the marks found, what the files cannot show, a note."""
    statuses = ", ".join(f"{n} {status}" for status, n in images.statuses)
    lines = [f"{file}: images in {images.folder}: {images.images} ({statuses})"]
    if images.unchecked:
        lines.append(f"{file}: not checked from the files: {', '.join(images.unchecked)}")
    return [*lines, f"note: {images.note}."]


def _line(text: str) -> str:
    """One line of text output, through the one printable filter (see errors.printable)."""
    return printable(text) + "\n"


def _table_row(result: CardResult) -> list[str]:
    if not result.valid:
        return [printable(result.file), "no", "-", str(len(result.problems)), "-"]
    gaps = f"{len(result.gaps)}: {', '.join(result.gaps)}" if result.gaps else "0"
    return [printable(result.file), "yes", f"{result.score}", "0", gaps]


def _table_line(cells: Sequence[str], widths: Sequence[int], header: Sequence[str]) -> str:
    """Cells padded to their column's width, numbers to the right; the last column (GAPS) unpadded."""
    line = "".join(
        f"{cell:>{width}}  " if title in _NUMBERS else f"{cell:<{width}}  "
        for cell, width, title in zip(cells[:-1], widths, header, strict=False)
    )
    return (line + cells[-1]).rstrip() + "\n"


def _csv_row(result: CardResult) -> list[str]:
    counts = dict(result.counts)
    return [
        result.file,
        "true" if result.valid else "false",
        result.checklist,
        "" if result.score is None else f"{result.score}",
        str(len(result.problems)),
        *(str(counts.get(status, 0)) if result.valid else "" for status in ANSWER_STATES),
        " ".join(result.gaps),
        "; ".join(result.failures),
    ]


def _csv_line(cells: Sequence[str]) -> str:
    import csv  # only the CSV format needs it; keeps --help and the other formats lean

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(map(printable, cells))
    return buffer.getvalue()


def _json_text(value: Any) -> Any:
    """Every string of a JSON entry as strict JSON can hold it (see errors.text_of_name)."""
    if isinstance(value, str):
        return text_of_name(value)
    if isinstance(value, dict):
        return {_json_text(key): _json_text(part) for key, part in value.items()}
    if isinstance(value, list):
        return [_json_text(part) for part in value]
    return value


def _json_entry(result: CardResult) -> dict[str, object]:
    entry: dict[str, object] = {
        "file": result.file,
        "valid": result.valid,
        "problems": [problem.as_dict() for problem in result.problems],
    }
    if result.valid:
        entry["score"] = result.score
        entry["counts"] = dict(result.counts)
        entry.update(result.details or {})
    if result.images:
        entry["images"] = result.images.as_dict()
    return entry


# --- GitHub workflow commands --------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as the runner unescapes it (``%``, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file, title): as data, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(level: str, message: str, *, file: str, line: int = 0, col: int = 0, title: str = "") -> str:
    """One ``::error``/``::warning``/``::notice`` line; line and column only when known (not 0)."""
    properties = [f"file={escape_property(file)}"]
    if line:
        properties.append(f"line={line}")
        if col:
            properties.append(f"col={col}")
    if title:
        properties.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(properties)}::{escape_data(message)}\n"


# GitHub has three annotation levels; SARIF's "note" (how an item is answered) is advisory like a
# finding outside the six gaps, and both become warnings.
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "note": "warning"}


class GithubReporter(_Tally):
    """Annotations for the GitHub Actions log and pull request, and one plain line per card."""

    def start(self) -> str:
        return ""

    def add(self, result: CardResult) -> tuple[str, str]:
        self.count(result)
        title = "ethicard: internal error" if result.internal_error else "ethicard: invalid card"
        lines = [_problem_command(problem, title) for problem in result.problems]
        lines += _located_commands(result)
        if self.gated and result.valid and result.failures:
            message = "fails the gate: " + "; ".join(result.failures)
            lines.append(workflow_command("error", message, file=result.file, title="ethicard: gate"))
        if result.images:
            lines += _image_commands(result.file, result.images)
        lines.append(_plain_line(result, self.gated))
        return "".join(lines), ""

    def end(self) -> str:
        return f"ethicard: {self.totals()}\n"


def _problem_command(problem: Problem, title: str) -> str:
    message = f"{format_path(problem.path)}: {problem.message}" + (f" ({problem.hint})" if problem.hint else "")
    return workflow_command("error", message, file=problem.file, line=problem.line, col=problem.col, title=title)


def _located_commands(result: CardResult) -> list[str]:
    """GitHub shows at most 10 error and 10 warning annotations per step: reasons that share a
    place and a heading (the items of one gap left open in one section) become one annotation."""
    grouped: dict[tuple[str, int, int, str], list[str]] = {}
    for found in result.located:
        key = (_GITHUB_LEVEL[found.level], found.line, found.col, f"ethicard: {found.title}")
        grouped.setdefault(key, []).append(found.message)
    return [
        workflow_command(level, "\n".join(messages), file=result.file, line=line, col=col, title=title)
        for (level, line, col, title), messages in grouped.items()
    ]


def _image_commands(file: str, images: ImageCheck) -> list[str]:
    """Each finding from the images at its line, and the marks found as a notice."""
    lines = [_problem_command(problem, "ethicard: images contradict the card") for problem in images.findings]
    notes = "\n".join(_image_notes(file, images))
    return [*lines, workflow_command("notice", notes, file=file, title="ethicard: images")]


def _plain_line(result: CardResult, gated: bool) -> str:
    """One line for people reading the log.  It starts with ``ethicard:`` and shows the file name on
    one line, so that no file name (``::error::x.yaml``, a line break) can pass for a workflow command."""
    file = printable(result.file)
    if not result.valid:
        n = len(result.problems)
        return f"ethicard: {file}: {n} problem{'s' if n != 1 else ''}\n"
    gaps = f"{len(result.gaps)} gaps ({', '.join(result.gaps)})" if result.gaps else "no gaps"
    gate = ("; gate: " + ("passed" if result.passed else "failed")) if gated else ""
    return f"ethicard: {file}: valid ({result.checklist}); completeness {result.score}%, {gaps}{gate}\n"


# --- SARIF 2.1.0 ----------------------------------------------------------------------------


class SarifReporter(_Tally):
    """One SARIF 2.1.0 log with one run.

    Results are written as they come, and the run's ``tool`` (whose rules are those the results
    used, plus the six gap kinds) after them: SARIF does not order an object's properties, and this
    way nothing but the rule table is kept in memory.
    """

    def __init__(self, *, gated: bool) -> None:
        super().__init__(gated=gated)
        self._rules: dict[str, dict[str, Any]] = {}  # by id, in the order first used: ruleIndex
        self._index: dict[str, int] = {}
        for kind, (title, explanation) in GAP_KINDS.items():
            self._rule(f"gap/{kind}", title, explanation, "error", gap=kind)
        self._rule("invalid-card", "Invalid card", "The card cannot be read or does not follow the checklist.", "error")
        self._rule("gate", "Gate failed", "The card fails the gate asked for (--strict, --min-score).", "error")
        self._rule("note", "How an item is answered", "Advice on how an item is answered.", "note")
        self._results = 0

    def _rule(self, ident: str, title: str, text: str, level: str, gap: str | None = None) -> int:
        if ident not in self._rules:
            rule: dict[str, Any] = {
                "id": ident,
                "shortDescription": {"text": title},
                "fullDescription": {"text": text},
                "defaultConfiguration": {"level": level},
            }
            if gap:
                rule["properties"] = {"gap": gap}
            self._rules[ident] = rule
            self._index[ident] = len(self._index)
        return self._index[ident]

    def start(self) -> str:
        head = json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0"}, indent=2)[:-2]
        return head + ',\n  "runs": [\n    {\n      "results": ['

    def add(self, result: CardResult) -> tuple[str, str]:
        self.count(result)
        parts = [_indent(json.dumps(entry, indent=2, ensure_ascii=False), 8) for entry in self._entries(result)]
        text = "".join(("," if self._results + i else "") + "\n" + part for i, part in enumerate(parts))
        self._results += len(parts)
        return text, ""

    def _entries(self, result: CardResult) -> Iterator[dict[str, Any]]:
        yield from self._problems("invalid-card", result.file, result.problems)
        yield from self._located(result)
        if self.gated and result.valid and result.failures:
            message = "fails the gate: " + "; ".join(result.failures)
            yield _result("gate", self._rule("gate", "", "", "error"), "error", message, result.file, 0, 0)
        if result.images:
            findings = result.images.findings
            yield from self._problems(IMAGES_RULE, result.file, findings, "Images contradict the card", _IMAGES_TEXT)

    def _problems(
        self, kind: str, file: str, problems: Sequence[Problem], title: str = "", text: str = ""
    ) -> Iterator[dict[str, Any]]:
        """Problems in ``file`` as results of the rule ``kind`` (registered with ``title`` on first use)."""
        for p in problems:
            message = f"{format_path(p.path)}: {p.message}" + (f" ({p.hint})" if p.hint else "")
            yield _result(kind, self._rule(kind, title, text, "error"), "error", message, file, p.line, p.col)

    def _located(self, result: CardResult) -> Iterator[dict[str, Any]]:
        for found in result.located:
            index = self._rule(found.rule, found.rule_title, found.rule_title, found.level, found.gap)
            entry = _result(found.rule, index, found.level, found.message, result.file, found.line, found.col)
            if found.path:
                entry["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": found.path, "kind": "member"}]
            if found.gap:
                entry["properties"] = {"gap": found.gap}
            yield entry

    def end(self) -> str:
        driver = {
            "name": "ethicard",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": list(self._rules.values()),
        }
        tail = {
            # an internal error on a card is ethicard's failure, not a finding: the run says so
            "invocations": [{"executionSuccessful": not self.internal}],
            "tool": {"driver": driver},
        }
        text = _indent(json.dumps(tail, indent=2, ensure_ascii=False), 4).strip()[1:-1].rstrip()
        closing = "\n      ]" if self._results else "]"
        return closing + "," + text + "\n    }\n  ]\n}\n"


def _result(rule: str, index: int, level: str, message: str, file: str, line: int, col: int) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    if line > 0:
        location["region"] = {"startLine": line, **({"startColumn": col} if col > 0 else {})}
    return {
        "ruleId": rule,
        "ruleIndex": index,
        "level": level,
        "message": {"text": message},
        "locations": [{"physicalLocation": location}],
    }


def artifact_uri(file: str) -> str:
    """A card's path as a SARIF artifact URI: relative paths stay relative (to the folder checked
    from, as code scanning expects), absolute ones become ``file://`` URIs."""
    from pathlib import PurePath  # only SARIF needs them: pathlib brings urllib and ipaddress
    from urllib.parse import quote

    path = PurePath(file)
    if path.is_absolute():
        return "file://" + quote(path.as_posix())
    return quote(path.as_posix())


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.split("\n"))
