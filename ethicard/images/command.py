"""The ``stamp`` and ``inspect`` commands as iterables of (standard output, standard error) text.

The command line writes what they yield and returns their ``exit_code``: 0 all good; 1 a file could
not be read or stamped (or, with ``--require-mark``, an image is not marked); 2 a file needs an
optional extra that is not installed (named in its message).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, UsageError
from ..vocabulary import IMAGE_OUTCOMES
from . import output
from .inspect import Tally, inspect_paths
from .marker import NOTE, CardRef

if TYPE_CHECKING:
    from .c2pa import Credentials


def _exit(errors: int, missing_extra: int, failed: bool) -> int:
    if missing_extra:
        return EXIT_USAGE
    return EXIT_PROBLEMS if errors or failed else EXIT_OK


def card_reference(path: str) -> CardRef:
    """The name, version and hash of a card given with ``--card`` (validated like any card)."""
    from ..cards import load_card
    from .marker import card_ref

    card, _ = load_card(path)
    return card_ref(path, card.about.name, card.about.version)


class Inspection:
    def __init__(
        self, paths: Sequence[str], *, card: str | None, fmt: str, jobs: int, require_mark: bool, progress: bool
    ) -> None:
        if fmt not in ("text", "json", "csv"):
            raise UsageError(f"unknown format '{fmt}'; choose one of: text, json, csv")
        self.paths, self.fmt, self.jobs, self.require_mark, self.progress = paths, fmt, jobs, require_mark, progress
        self.card = card_reference(card) if card else None
        self.tally = Tally()
        self.exit_code = EXIT_OK

    def __iter__(self) -> Iterator[tuple[str, str]]:
        card = (
            None
            if self.card is None
            else {"name": self.card.name, "version": self.card.version, "sha256": self.card.sha256}
        )
        if self.fmt == "json":
            yield output.json_start(card), ""
        elif self.fmt == "csv":
            yield output.csv_line(output.CSV_HEADER), ""
        started = drawn = time.monotonic()
        shown = 0
        for result in inspect_paths(self.paths, self.card, self.jobs):
            self.tally.add(result)
            if result.status == "skipped":
                continue
            clear = "\r" + " " * shown + "\r" if shown else ""
            if self.fmt == "json":
                out = output.json_entry(result, self.tally.images == 1)
            elif self.fmt == "csv":
                out = output.csv_row(result)
            else:
                out = output.text_line(result) if result.problem is None else ""
            err = f"{result.problem}\n" if result.problem is not None and self.fmt == "text" else ""
            yield out, clear + err
            shown = 0
            now = time.monotonic()
            if self.progress and now - drawn >= 0.1:
                drawn = now
                bar = f"{self.tally.images} images, {self.tally.images / max(now - started, 1e-9):,.0f}/s"
                shown = len(bar)
                yield "", bar
        if shown:
            yield "", "\r" + " " * shown + "\r"
        tally = self.tally
        if self.fmt == "json":
            yield output.json_end(tally, tally.images > 0), ""
        elif self.fmt == "csv":
            yield "", f"note: {NOTE}.\n"
        else:
            yield output.summary_text(tally), ""
        unmarked = tally.images - tally.statuses["marked"] - tally.statuses["error"]
        self.exit_code = _exit(tally.statuses["error"], tally.missing_extra, self.require_mark and unmarked > 0)
        if tally.missing_extra:
            yield "", "ethicard: error: some files need an optional extra that is not installed (see above)\n"


def credentials(cert: str | None, key: str | None, algorithm: str) -> Credentials | None:
    """The C2PA signing credentials named by ``--c2pa-cert`` and ``--c2pa-key`` (both or neither)."""
    from .c2pa import ALGORITHMS, Credentials

    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise UsageError("C2PA signing needs both --c2pa-cert (the certificate chain) and --c2pa-key")
    if algorithm not in ALGORITHMS:
        raise UsageError(f"unknown --c2pa-alg '{algorithm}'; choose one of: {', '.join(ALGORITHMS)}")
    pems = []
    for option, path in (("--c2pa-cert", cert), ("--c2pa-key", key)):
        try:
            with open(path, "rb") as stream:
                pems.append(stream.read(1 << 20))
        except OSError as exc:
            raise UsageError(f"{option} {path}: cannot be read ({exc.strerror or exc})") from None
    return Credentials(pems[0], pems[1], algorithm)


class Stamping:
    def __init__(
        self,
        card: str,
        paths: Sequence[str],
        *,
        source: str,
        generator: str | None,
        link: str | None,
        signing: Credentials | None = None,
        jobs: int = 1,
    ) -> None:
        from .stamp import marker_for

        self.card = card
        self.paths = paths
        self.marker = marker_for(card, source=source, generator=generator, link=link)
        self.signing = signing
        self.jobs = jobs
        self.exit_code = EXIT_OK

    def __iter__(self) -> Iterator[tuple[str, str]]:
        from collections import Counter

        from .stamp import stamp_paths

        actions: Counter[str] = Counter()
        missing = 0
        for result in stamp_paths(self.card, self.paths, self.marker, self.signing, self.jobs):
            actions[result.action] += 1
            missing += result.missing_extra
            if result.action == "skipped":
                continue
            text = output.stamp_line(result)
            yield ("", text) if result.problem else (text, "")
        counts = ", ".join(f"{n} {action}" for action, n in sorted(actions.items()))
        yield f"{sum(actions.values()) - actions['skipped']} images: {counts or 'none found'}\n", ""
        self.exit_code = _exit(actions["error"], missing, False)


def labelling_findings(card_path: str, folder: str, *, jobs: int = 1) -> tuple[list[str], bool]:
    """The lines ``check --images`` adds (a summary of the marks, then each finding), and whether any."""
    from .. import loader
    from ..cards import validate_card
    from .labelling import findings
    from .marker import card_ref

    document = loader.load(card_path)
    card, checklist = validate_card(document)
    tally = Tally()
    for result in inspect_paths([folder], card_ref(card_path, card.about.name, card.about.version), jobs):
        tally.add(result)
    found = findings(document, card, checklist, tally, folder)
    summary = ", ".join(f"{tally.statuses[s]} {s}" for s in IMAGE_OUTCOMES)
    lines = [f"{card_path}: images in {folder}: {tally.images} ({summary})\n"]
    lines += [f"{problem}\n" for problem in found]
    if card.labelling is not None:
        unseen = [m for m in card.labelling.methods if m in ("visible_mark", "file_naming")]
        if unseen:
            lines.append(f"{card_path}: not checked from the files: {', '.join(unseen)}\n")
    lines.append(f"note: {NOTE}.\n")
    return lines, bool(found)
