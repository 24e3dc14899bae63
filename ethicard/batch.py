"""Checking many cards: each card read, validated and assessed on its own, one record each.

A broken card becomes a record listing its problems and never stops the batch.  Records come back
in the order of the files whatever the number of processes (:mod:`ethicard.pool`), and they are
streamed, so memory stays flat however many cards there are.  Finding the files is
:mod:`ethicard.discover`'s job, turning records into text :mod:`ethicard.reporters`'.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .errors import EthicardError, Problem
from .frozen import frozen

if TYPE_CHECKING:
    from .annotations import Located
    from .checklist import Checklist
    from .images.command import ImageCheck


@frozen
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
    images: ImageCheck | None = None  # with --images: the marks found and what they contradict

    @property
    def passed(self) -> bool:
        """Valid, and through the gate."""
        return self.valid and not self.failures

    @property
    def clean(self) -> bool:
        """Passed, and no finding from the images (``check --images``): the card's exit code is 0."""
        return self.passed and not (self.images and self.images.findings)


@frozen
class Options:
    """How each card is checked and reported: the output format and the gate."""

    format: str = "text"
    strict: bool = False
    min_score: float | None = None
    waivers: bool = True  # False (--no-waivers): waived findings fail --strict too
    catch_internal: bool = True  # an internal error becomes the card's problem (False: it propagates)
    located: bool = False  # locate gaps, findings and notes in the card (reporters.LOCATED)
    images: str | None = None  # a folder of images to compare the card's labelling claims with
    image_jobs: int = 1  # processes reading the images


DEFAULT_OPTIONS = Options()


def check_card(
    path: str, checklist: Checklist | None, max_bytes: int, options: Options = DEFAULT_OPTIONS
) -> CardResult:
    """Read, validate and assess one card; its problems, even an internal error, become the record."""
    if os.path.isdir(path):  # a folder named on the command line, with no card in it
        problem = Problem(path, 0, 0, (), "is a folder with no card files (*.yaml, *.yml) in it", "name card files")
        return CardResult(file=path, valid=False, problems=(problem,))
    try:
        return _assessed(path, checklist, max_bytes, options)
    except EthicardError as exc:
        return CardResult(file=path, valid=False, problems=tuple(exc.problems))
    except MemoryError:
        raise
    except Exception as exc:
        if not options.catch_internal:
            raise
        problem = Problem(path, 0, 0, (), f"{type(exc).__name__}: {exc}", "run with --debug for details")
        return CardResult(file=path, valid=False, problems=(problem,), internal_error=True)


def _assessed(path: str, checklist: Checklist | None, max_bytes: int, options: Options) -> CardResult:
    from . import loader, summary  # imported here: --help loads no card model (pydantic, YAML)
    from .annotations import located
    from .assessment import assess
    from .compiled import validate_card  # a checklist given, or a card it cannot decide: the models

    document = loader.load(path, max_bytes=max_bytes)
    card, used = validate_card(document, checklist, max_bytes=max_bytes)
    report = assess(card, used)
    text = options.format == "text"
    warnings = tuple(map(str, loader.trailing_comments(document.text or "", path))) if text else ()
    gate: dict[str, Any] = {"strict": options.strict, "min_score": options.min_score, "waivers": options.waivers}
    images = None
    if options.images is not None:
        from .images.command import check_images  # only --images needs the image code

        images = check_images(document, card, used, options.images, jobs=options.image_jobs)
    return CardResult(
        file=path,
        valid=True,
        checklist=f"{used.id} {used.version}",
        score=report.score,
        counts=tuple(report.counts().items()),
        gaps=tuple(gap.kind for gap in report.gaps_found),
        failures=tuple(summary.gate(report, **gate)),
        lines=(*warnings, *summary.text(path, report, **gate)) if text else (),
        details=summary.as_json(report, **gate) if options.format == "json" else None,
        located=located(report, document) if options.located else (),
        images=images,
    )


def check_cards(
    paths: Sequence[str],
    *,
    checklist_name: str | None = None,
    max_bytes: int,
    jobs: int = 1,
    options: Options = DEFAULT_OPTIONS,
) -> Iterator[CardResult]:
    """One record per path, in order; ``jobs`` worker processes (0: one per core).

    A checklist named here is loaded once, before any card, and reaches each worker once; when it
    is broken, no card can be checked against it, so its problems are raised once (EthicardError)
    instead of per card.
    """
    from .pool import ordered_map  # imported here, like _assessed's imports: keeps --help lean

    checklist = None
    if checklist_name:
        from .checklist import load_checklist  # only for a checklist given: a bundled one is compiled

        checklist = load_checklist(checklist_name, max_bytes=max_bytes)
    return ordered_map(check_card, paths, (checklist, max_bytes, options), jobs, total=len(paths))
