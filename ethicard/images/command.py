"""The ``stamp`` and ``inspect`` commands as iterables of (standard output, standard error) text.

The command line writes what they yield and returns their ``exit_code``: 0 all good; 1 a file could
not be read or stamped (or, with ``--require-mark``, an image is not marked); 2 a file needs an
optional extra that is not installed (named in its message).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, Problem, UsageError
from ..progress import ProgressBar, with_progress
from ..vocabulary import IMAGE_OUTCOMES
from . import output
from .inspect import Tally, inspect_paths
from .marker import NOTE, CardRef, card_ref
from .stamp import marker_for, stamp_paths

if TYPE_CHECKING:
    from ..checklist import Checklist
    from ..loader import Document
    from ..models import CardBase
    from .c2pa import Credentials


def _exit(errors: int, missing_extra: int, failed: bool) -> int:
    if missing_extra:
        return EXIT_USAGE
    return EXIT_PROBLEMS if errors or failed else EXIT_OK


def card_reference(path: str) -> CardRef:
    """The name, version and hash of a card given with ``--card`` (validated like any card)."""
    from ..cards import load_card  # only --card needs the card model (pydantic, YAML)

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
        bar = ProgressBar(None, unit="images") if self.progress else None
        yield from with_progress(self._records(), bar, shares_screen=True)
        yield from self._end()

    def _records(self) -> Iterator[tuple[str, str]]:
        """One (standard output, standard error) pair per image found."""
        for result in inspect_paths(self.paths, self.card, self.jobs):
            self.tally.add(result)
            if result.status == "skipped":
                continue
            if self.fmt == "json":
                yield output.json_entry(result, self.tally.images == 1), ""
            elif self.fmt == "csv":
                yield output.csv_row(result), ""
            elif result.problem is None:
                yield output.text_line(result), ""
            else:
                yield "", f"{result.problem}\n"

    def _end(self) -> Iterator[tuple[str, str]]:
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
    from .c2pa import ALGORITHMS, Credentials  # only signing needs the C2PA module

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
        self.card = card
        self.paths = paths
        self.marker = marker_for(card, source=source, generator=generator, link=link)
        self.signing = signing
        self.jobs = jobs
        self.exit_code = EXIT_OK

    def __iter__(self) -> Iterator[tuple[str, str]]:
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


@dataclass(frozen=True)
class ImageCheck:
    """What ``check --images`` found: the marks of the images in a folder, and what they contradict
    in the card's labelling claims (located problems of the card)."""

    folder: str
    images: int
    statuses: tuple[tuple[str, int], ...]  # (status, number of images), every status in a fixed order
    findings: tuple[Problem, ...]
    unchecked: tuple[str, ...]  # the labelling methods the card names that no file can show
    note: str = NOTE

    def as_dict(self) -> dict[str, object]:
        return {
            "folder": self.folder,
            "images": self.images,
            "statuses": dict(self.statuses),
            "findings": [problem.as_dict() for problem in self.findings],
            "not_checked": list(self.unchecked),
            "note": self.note,
        }


def check_images(document: Document, card: CardBase, checklist: Checklist, folder: str, *, jobs: int = 1) -> ImageCheck:
    """The marks of the images in ``folder``, compared with the labelling claims of a valid card."""
    from .labelling import findings  # only check --images compares marks with a card's claims

    tally = Tally()
    for result in inspect_paths([folder], card_ref(document.file, card.about.name, card.about.version), jobs):
        tally.add(result)
    found = findings(document, card, checklist, tally, folder)
    methods = card.labelling.methods if card.labelling is not None else ()
    return ImageCheck(
        folder=folder,
        images=tally.images,
        statuses=tuple((status, tally.statuses[status]) for status in IMAGE_OUTCOMES),
        findings=tuple(found),
        unchecked=tuple(method for method in methods if method in ("visible_mark", "file_naming")),
    )

