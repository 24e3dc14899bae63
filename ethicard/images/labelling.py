"""``ethicard check CARD --images DIR``: the card's labelling claims against what ``inspect`` finds.

Findings are located problems of the card, at the claim they contradict: ``labelling.coverage``,
``labelling.methods[i]``, or the status of the ``synthetic_image_labelling`` answer.  They rest on the
structured claims only (the closed method ids, coverage and status), never on the answer's words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem
from ..vocabulary import ADDRESSED, IMAGE_OUTCOMES
from .inspect import Tally
from .reading import MECHANISMS

if TYPE_CHECKING:
    from ..checklist import Checklist
    from ..loader import Document
    from ..models import CardBase, Labelling

ITEM = "synthetic_image_labelling"
NOT_INSPECTABLE = ("visible_mark", "file_naming")


def _unmarked(tally: Tally) -> int:
    return tally.images - tally.statuses["marked"]


def findings(document: Document, card: CardBase, checklist: Checklist, tally: Tally, folder: str) -> list[Problem]:
    """What the images in ``folder`` contradict in the card's labelling claims."""
    found: list[Problem] = []
    n, not_marked = tally.images, _unmarked(tally)
    of_n = f"of {n} images in {folder}"
    counts = ", ".join(
        f"{tally.statuses[s]} {s}" for s in IMAGE_OUTCOMES if s != "marked" and tally.statuses[s]
    )
    if n == 0:
        return [
            document.problem(
                ("labelling",),
                f"no PNG, JPEG, TIFF, DICOM or NIfTI images found in {folder}",
                "name the folder of the released synthetic images",
            )
        ]
    labelling = card.labelling
    if labelling is not None:
        found += _block_findings(document, labelling, tally, folder, counts)
    if tally.statuses["inconsistent"]:
        found.append(
            document.problem(
                ("labelling",) if labelling is not None else (),
                f"{tally.statuses['inconsistent']} {of_n} carry marks of another card or that disagree",
                "re-stamp them with this card ('ethicard inspect --card' lists them)",
            )
        )
    path = _answer_path(checklist)
    answer = card.answer(ITEM)
    if path and answer is not None and answer.status == ADDRESSED and not_marked:
        found.append(
            document.problem(
                (*path, "status"),
                f"the answer says labelling is addressed, but {not_marked} {of_n} are not ({counts})",
                "stamp them, or say 'partial' and why",
            )
        )
    return found


def _block_findings(document: Document, labelling: Labelling, tally: Tally, folder: str, counts: str) -> list[Problem]:
    """What the images contradict in the card's ``labelling`` block: its coverage and its methods."""
    found: list[Problem] = []
    n, not_marked = tally.images, _unmarked(tally)
    of_n = f"of {n} images in {folder}"
    if labelling.coverage == "all" and not_marked:
        found.append(
            document.problem(
                ("labelling", "coverage"),
                f"the card says every synthetic image is marked, but {not_marked} {of_n} are not ({counts})",
                "run 'ethicard stamp' on them, or say 'coverage: some'",
            )
        )
    if labelling.coverage == "none" and tally.statuses["marked"] + tally.statuses["partial"]:
        found.append(
            document.problem(
                ("labelling", "coverage"),
                f"the card says no image is marked, but {n - not_marked} {of_n} are",
                "correct the coverage",
            )
        )
    for index, method in enumerate(labelling.methods):
        if method in MECHANISMS and not tally.mechanisms[method]:
            found.append(
                document.problem(
                    ("labelling", "methods", index),
                    f"the card names the method {method}, but no image in {folder} carries it",
                    "stamp the images, or remove the method",
                )
            )
    if labelling.methods == ["none"] and any(tally.mechanisms.values()):
        found.append(
            document.problem(
                ("labelling", "methods"),
                f"the card says the images carry no mark, but images in {folder} do",
                "name the methods",
            )
        )
    return found


def _answer_path(checklist: Checklist) -> tuple[str, str, str] | None:
    for section, item in checklist.items():
        if item.id == ITEM:
            return ("answers", section.id, item.id)
    return None
