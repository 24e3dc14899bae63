"""The outputs of ``ethicard check``, chosen by name from one registry.

Every reporter takes the records of :mod:`ethicard.batch` one by one and returns text, leaving the
writing to the command line: ``start()``, ``add(record) -> (stdout, stderr)``, ``end()`` and the
``exit_code`` of the whole run.  The text, JSON and CSV outputs are :class:`ethicard.batch.Output`;
the two for CI live here:

- ``github``: GitHub Actions workflow commands (``::error file=...,line=...::message``), which the
  runner turns into annotations on the pull request's changed lines;
- ``sarif``: one SARIF 2.1.0 log, for code-scanning services (GitHub's ``upload-sarif``) and editors.

Both point at the answer a gap or finding concerns (:mod:`ethicard.locations`) and are streamed,
so memory stays flat however many cards there are.  This module imports only the standard library
at start, so ``ethicard --help`` can read the registry's names cheaply.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from . import __version__
from .errors import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, format_path, printable

if TYPE_CHECKING:
    from .batch import CardResult

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://arxiv.org/abs/2508.09293"


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


def _batch_output(fmt: str) -> Factory:
    def make(total: int, gated: bool) -> Reporter:
        from .batch import Output

        return Output(fmt, total, gated=gated)

    return make


def _github(total: int, gated: bool) -> Reporter:
    return GithubReporter(gated=gated)


def _sarif(total: int, gated: bool) -> Reporter:
    return SarifReporter(gated=gated)


REPORTERS: dict[str, Factory] = {
    "text": _batch_output("text"),
    "json": _batch_output("json"),
    "csv": _batch_output("csv"),
    "github": _github,
    "sarif": _sarif,
}
LOCATED = frozenset({"github", "sarif"})  # the reporters that need each record's located gaps and findings


def reporter(name: str, total: int, *, gated: bool = False) -> Reporter:
    """The reporter registered under ``name`` for ``total`` cards (``gated``: --strict or --min-score)."""
    return REPORTERS[name](total, gated)


_T = TypeVar("_T", bound="_Tally")


class _Tally:
    """Counts the cards as they come, for the exit code of the run."""

    def __init__(self, *, gated: bool) -> None:
        self.gated = gated
        self.cards = self.valid = self.passed = self.internal = 0

    @property
    def exit_code(self) -> int:
        if self.internal:
            return EXIT_INTERNAL
        return EXIT_OK if self.passed == self.cards else EXIT_PROBLEMS

    def count(self, result: CardResult) -> None:
        self.cards += 1
        self.valid += result.valid
        self.passed += result.passed
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
        lines = [
            workflow_command(
                "error",
                f"{format_path(p.path)}: {p.message}" + (f" ({p.hint})" if p.hint else ""),
                file=p.file,
                line=p.line,
                col=p.col,
                title="ethicard: internal error" if result.internal_error else "ethicard: invalid card",
            )
            for p in result.problems
        ]
        # GitHub shows at most 10 error and 10 warning annotations per step: reasons that share a
        # place and a heading (the items of one gap left open in one section) become one annotation.
        grouped: dict[tuple[str, int, int, str], list[str]] = {}
        for found in result.located:
            key = (_GITHUB_LEVEL[found.level], found.line, found.col, f"ethicard: {found.title}")
            grouped.setdefault(key, []).append(found.message)
        lines += [
            workflow_command(level, "\n".join(messages), file=result.file, line=line, col=col, title=title)
            for (level, line, col, title), messages in grouped.items()
        ]
        if self.gated and result.valid and result.failures:
            message = "fails the gate: " + "; ".join(result.failures)
            lines.append(workflow_command("error", message, file=result.file, title="ethicard: gate"))
        lines.append(_plain_line(result, self.gated))
        return "".join(lines), ""

    def end(self) -> str:
        return f"ethicard: {self.totals()}\n"


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
        from .vocabulary import GAP_KINDS

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
        kind = "invalid-card"
        for p in result.problems:
            message = f"{format_path(p.path)}: {p.message}" + (f" ({p.hint})" if p.hint else "")
            yield _result(kind, self._rule(kind, "", "", "error"), "error", message, result.file, p.line, p.col)
        for found in result.located:
            index = self._rule(found.rule, found.rule_title, found.rule_title, found.level, found.gap)
            entry = _result(found.rule, index, found.level, found.message, result.file, found.line, found.col)
            if found.path:
                entry["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": found.path, "kind": "member"}]
            if found.gap:
                entry["properties"] = {"gap": found.gap}
            yield entry
        if self.gated and result.valid and result.failures:
            message = "fails the gate: " + "; ".join(result.failures)
            yield _result("gate", self._rule("gate", "", "", "error"), "error", message, result.file, 0, 0)

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
    from pathlib import PurePath
    from urllib.parse import quote

    path = PurePath(file)
    if path.is_absolute():
        return "file://" + quote(path.as_posix())
    return quote(path.as_posix())


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.split("\n"))
