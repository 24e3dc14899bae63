"""Checking many cards: card files found in folders, checked in one process or several, one record each.

Every card is read, validated and assessed on its own, so a broken card becomes a record listing its
problems and never stops the batch.  Records come back in the order of the files whatever the number
of processes, and they are streamed: the command writes each one as it arrives, so memory stays flat
however many cards there are.  The :class:`Output` turns records into the text, JSON or CSV output
and the :class:`ProgressBar` into a one-line bar; both return text and leave the writing to the CLI.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from . import __version__
from .errors import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EthicardError, Problem, UsageError, printable, text_of_name

if TYPE_CHECKING:
    from .annotations import Located
    from .models import Checklist

CARD_SUFFIXES = (".yaml", ".yml")
FORMATS = ("text", "json", "csv")
STATUSES = ("addressed", "partial", "not addressed", "not applicable", "unanswered")


@dataclass(frozen=True)
class CardResult:
    """What checking one card found: its problems, or its completeness, gaps and gate verdict,
    with the lines (text format) or the mapping (JSON format) that :mod:`ethicard.summary` makes."""

    file: str
    valid: bool
    problems: tuple[Problem, ...] = ()
    checklist: str = ""  # e.g. "misyn 1.0.0", for a valid card
    score: float | None = None
    counts: tuple[tuple[str, int], ...] = ()  # (status, number of items that apply), as Report.counts
    gaps: tuple[str, ...] = ()  # ids of the gap kinds the card shows
    failures: tuple[str, ...] = ()  # why the card fails the gate (--strict, --min-score)
    lines: tuple[str, ...] = ()  # what the text format prints for a valid card
    details: dict[str, Any] | None = None  # what the JSON format adds for a valid card
    internal_error: bool = False  # a bug in ethicard, not a problem of the card
    located: tuple[Located, ...] = ()  # gaps, findings and notes at their lines (github and sarif formats)

    @property
    def passed(self) -> bool:
        return self.valid and not self.failures


@dataclass(frozen=True)
class Options:
    """How each card is checked and reported: the output format and the gate."""

    format: str = "text"
    strict: bool = False
    min_score: float | None = None
    waivers: bool = True  # False (--no-waivers): waived findings fail --strict too
    catch_internal: bool = True  # an internal error becomes the card's problem (False: it propagates)
    located: bool = False  # locate gaps, findings and notes in the card (reporters.LOCATED)


def find_cards(paths: Sequence[str]) -> list[str]:
    """The card files to check: files as given, folders searched for ``*.yaml`` and ``*.yml``.

    Folders are walked in sorted order (files first, then sub-folders); hidden files and folders
    (``.git``, ``.github``, ...) are skipped.  A file named twice is checked once.
    """
    found: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for given in paths:
        if not os.path.isdir(given):
            add(given)  # a missing or unreadable file becomes a located problem when it is checked
            continue
        before = len(found)
        for root, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.endswith(CARD_SUFFIXES) and not name.startswith("."):
                    add(os.path.join(root, name))
        if len(found) == before:
            add(given)  # reported as a folder without cards
    return found


def check_card(path: str, checklist: Checklist | None, max_bytes: int, options: Options = Options()) -> CardResult:
    """Read, validate and assess one card; its problems, even an internal error, become the record."""
    from . import loader, summary
    from .annotations import located
    from .assessment import assess
    from .validate import validate_card

    if os.path.isdir(path):  # a folder named on the command line, with no card in it
        problem = Problem(path, 0, 0, (), "is a folder with no card files (*.yaml, *.yml) in it", "name card files")
        return CardResult(file=path, valid=False, problems=(problem,))
    try:
        document = loader.load(path, max_bytes=max_bytes)
        card, used = validate_card(document, checklist)
        report = assess(card, used)
        text = options.format == "text"
        warnings = tuple(map(str, loader.trailing_comments(document.text or "", path))) if text else ()
        gate: dict[str, Any] = {"strict": options.strict, "min_score": options.min_score, "waivers": options.waivers}
        counts = report.counts()
        return CardResult(
            file=path,
            valid=True,
            checklist=f"{used.id} {used.version}",
            score=report.score,
            counts=tuple(counts.items()),
            gaps=tuple(gap.kind for gap in report.gaps_found),
            failures=tuple(summary.gate(report, **gate)),
            lines=(*warnings, *summary.text(path, report, **gate)) if options.format == "text" else (),
            details=summary.as_json(report, **gate) if options.format == "json" else None,
            located=located(report, document) if options.located else (),
        )
    except EthicardError as exc:
        return CardResult(file=path, valid=False, problems=tuple(exc.problems))
    except MemoryError:
        raise
    except Exception as exc:
        if not options.catch_internal:
            raise
        problem = Problem(path, 0, 0, (), f"{type(exc).__name__}: {exc}", "run with --debug for details")
        return CardResult(file=path, valid=False, problems=(problem,), internal_error=True)


# Per worker process: set once by the pool's initializer, so the checklist is loaded (and its card
# model built) once per process rather than once per card.
_WORKER: dict[str, Any] = {}


def _start_worker(checklist: Checklist | None, max_bytes: int, options: Options) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the command, which stops the workers
    _WORKER.update(checklist=checklist, max_bytes=max_bytes, options=options)


def _check_in_worker(path: str) -> CardResult:
    return check_card(path, _WORKER["checklist"], _WORKER["max_bytes"], _WORKER["options"])


def cores() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def check_cards(
    paths: Sequence[str],
    *,
    checklist_name: str | None = None,
    max_bytes: int,
    jobs: int = 1,
    options: Options = Options(),
) -> Iterator[CardResult]:
    """One record per path, in order; ``jobs`` worker processes (0: one per core).

    A checklist named here is loaded once, before any card; when it is broken, no card can be
    checked against it, so its problems are raised once (EthicardError) instead of per card.
    """
    from .validate import load_checklist

    checklist = load_checklist(checklist_name, max_bytes=max_bytes) if checklist_name else None
    workers = min(jobs or cores(), cores(), len(paths))  # more processes than cores only cost memory
    if workers <= 1:
        return (check_card(path, checklist, max_bytes, options) for path in paths)
    return _in_pool(paths, workers, checklist, max_bytes, options)


def _in_pool(
    paths: Sequence[str], workers: int, checklist: Checklist | None, max_bytes: int, options: Options
) -> Iterator[CardResult]:
    import multiprocessing

    # Chunks keep the workers evenly busy and the records flowing, and are large enough to make
    # passing work between processes cheap next to checking a card.
    chunksize = max(1, min(32, len(paths) // (workers * 8)))
    # fork: workers start warm, with ethicard imported and the checklist loaded (3.14 defaults to forkserver)
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with context.Pool(workers, _start_worker, (checklist, max_bytes, options)) as pool:
        yield from pool.imap(_check_in_worker, paths, chunksize)


class Output:
    """Turns records into the output of ``ethicard check`` in one format, record by record.

    ``add`` returns (text for stdout, text for stderr); ``end`` returns the closing text.  Only the
    table of the text format needs every record, and it keeps one short row each, spooled to a
    temporary file once it grows past a megabyte.
    """

    def __init__(self, fmt: str, total: int, *, gated: bool = False) -> None:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}")
        self.format = fmt
        self.gated = gated
        self.cards = self.valid = self.passed = self.internal = 0
        self._rows: IO[str] | None = None
        if fmt == "text" and total > 1:  # one card needs no table
            import tempfile

            self._rows = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")  # noqa: SIM115
        self._header = (*_TABLE_HEADER[:4], "GATE", _TABLE_HEADER[4]) if gated else _TABLE_HEADER
        self._widths = [len(title) for title in self._header]

    @property
    def exit_code(self) -> int:
        if self.internal:
            return EXIT_INTERNAL
        return EXIT_OK if self.passed == self.cards else EXIT_PROBLEMS

    def start(self) -> str:
        if self.format == "json":
            return '{\n  "ethicard": ' + json.dumps(__version__) + ',\n  "files": ['
        if self.format == "csv":
            return _csv_line(_CSV_HEADER)
        return ""

    def add(self, result: CardResult) -> tuple[str, str]:
        self.cards += 1
        self.valid += result.valid
        self.passed += result.passed
        self.internal += result.internal_error
        problems = "".join(f"{problem}\n" for problem in result.problems)
        if result.internal_error:  # a bug, not a problem of the card: said as ethicard says internal errors
            problem = result.problems[0]
            problems = _line(
                f"ethicard: internal error while checking {result.file}: {problem.message} ({problem.hint})"
            )
        if self.format == "json":
            entry = _indent(json.dumps(_json_text(_json_entry(result)), indent=2), "    ")
            return ("," if self.cards > 1 else "") + "\n" + entry, problems if result.internal_error else ""
        if self.format == "csv":
            return _csv_line(_csv_row(result)), problems
        self._keep_row(result)
        if result.internal_error:
            return "", problems
        if result.valid:
            return "".join(map(_line, result.lines)), ""
        n = len(result.problems)
        return problems + _line(f"{result.file}: {n} problem{'s' if n != 1 else ''}"), ""

    def end(self) -> str:
        totals = {"cards": self.cards, "valid": self.valid, "invalid": self.cards - self.valid}
        if self.gated:
            totals["passed"] = self.passed
        if self.format == "json":
            closing = "\n  ]" if self.cards else "]"
            return closing + ',\n  "summary": ' + _indent(json.dumps(totals, indent=2), "  ").lstrip() + "\n}\n"
        if self._rows is None:
            return ""
        total = f"{self.cards} cards: {self.valid} valid, {totals['invalid']} invalid"
        if self.gated:
            total += f"; {self.passed} passed the gate, {self.cards - self.passed} did not"
        return "\n" + "".join(self._table()) + total + "\n"

    def close(self) -> None:
        if self._rows is not None:
            self._rows.close()

    def __enter__(self) -> Output:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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


_TABLE_HEADER = ("FILE", "VALID", "SCORE", "PROBLEMS", "GAPS")
_NUMBERS = ("SCORE", "PROBLEMS")
_CSV_HEADER = ("file", "valid", "checklist", "score", "problems", *STATUSES, "gaps", "gate_failures")


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
        *(str(counts.get(status, 0)) if result.valid else "" for status in STATUSES),
        " ".join(result.gaps),
        "; ".join(result.failures),
    ]


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def _csv_line(cells: Sequence[str]) -> str:
    import csv
    import io

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
    return entry


class ProgressBar:
    """A one-line progress bar, redrawn at most ten times a second: ``[#####.....] 512/1000 ...``."""

    def __init__(self, total: int, *, width: int = 30, clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.width, self.clock = total, width, clock
        self.started = clock()
        self._drawn_at: float | None = None
        self._shown = 0

    def update(self, done: int) -> str:
        """The text that redraws the bar, or nothing when it was redrawn less than 0.1 s ago."""
        now = self.clock()
        if done < self.total and self._drawn_at is not None and now - self._drawn_at < 0.1:
            return ""
        self._drawn_at = now
        filled = self.width * done // max(self.total, 1)
        rate = done / max(now - self.started, 1e-9)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} cards, {rate:,.0f}/s"
        self._shown = len(line)
        return "\r" + line

    def clear(self) -> str:
        """The text that erases the bar (nothing when none is shown)."""
        if not self._shown:
            return ""
        text, self._shown = "\r" + " " * self._shown + "\r", 0
        return text
