"""The assessment: what a card answers, what it leaves open, computed once for every output.

Every renderer reads the same :class:`Report`, so the Markdown, HTML, LaTeX and JSON forms of
a card can never disagree about what is answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Answer, CardBase, Checklist, Item, Section

UNANSWERED = "unanswered"
_CREDIT = {"addressed": 1.0, "partial": 0.5, "not addressed": 0.0, UNANSWERED: 0.0}


@dataclass(frozen=True)
class ItemResult:
    """One checklist item as the card answers it."""

    section: Section
    item: Item
    answer: Answer | None
    applies: bool  # the item asks about this card's kind

    @property
    def status(self) -> str:
        """The answer's status, or ``unanswered`` when it is missing or left as a placeholder."""
        if self.answer is None or self.answer.status is None:
            return UNANSWERED
        return self.answer.status

    @property
    def counted(self) -> bool:
        """Whether the item counts towards completeness: it applies, and is not justly excluded."""
        return self.applies and not (self.status == "not applicable" and self.justified)

    @property
    def justified(self) -> bool:
        return self.answer is not None and bool(self.answer.answer.strip())

    @property
    def notes(self) -> tuple[str, ...]:
        """Plain-language warnings about how this item is answered."""
        notes: list[str] = []
        if self.answer is None or not self.applies:
            return ()
        if self.status == "not applicable" and not self.justified:
            notes.append("marked not applicable without a justification")
        if self.status == "addressed" and not self.answer.evidence:
            notes.append("marked addressed without evidence")
        if self.status in ("addressed", "partial") and not self.answer.answer.strip():
            notes.append(f"marked {self.status} with no answer text")
        return tuple(notes)


@dataclass(frozen=True)
class SectionResult:
    section: Section
    items: tuple[ItemResult, ...]

    @property
    def applicable(self) -> tuple[ItemResult, ...]:
        return tuple(result for result in self.items if result.applies)

    @property
    def score(self) -> float:
        return _score(self.items)


GAP_KINDS: dict[str, tuple[str, str]] = {
    "labelling": (
        "No labelling of synthetic images",
        "Synthetic images are not marked as synthetic, so they can pass for medical images.",
    ),
    "refusal": (
        "No way to question or refuse the MISyn",
        "Stakeholders and the public are given no route to question the MISyn or to refuse it.",
    ),
    "problem_formulation": (
        "Problem formulated from technical need or novelty",
        "The work is motivated by a technical need or novelty rather than a clinical need, "
        "and assumes it transfers to the clinic.",
    ),
    "reporting": (
        "Weak reporting",
        "Benefits without results, 'significant' without a test, one-sided results, or no ethics-approval statement.",
    ),
    "model_space_only": (
        "Evaluation only in the model space, undeclared",
        "Only algorithm metrics are reported, and the card does not say so.",
    ),
    "limits": (
        "Intrinsic limits and side effects not assessed",
        "Only design limitations are reported; the intrinsic limits of synthetic images and the side "
        "effects are not assessed.",
    ),
}


@dataclass(frozen=True)
class Gap:
    """One of the paper's six kinds of gap, and the reasons this card shows it (none: not shown)."""

    kind: str
    reasons: tuple[str, ...]

    @property
    def found(self) -> bool:
        return bool(self.reasons)

    @property
    def title(self) -> str:
        return GAP_KINDS[self.kind][0]

    @property
    def explanation(self) -> str:
        return GAP_KINDS[self.kind][1]


@dataclass(frozen=True)
class Report:
    """Everything the outputs show about one card, computed once."""

    card: CardBase
    checklist: Checklist
    sections: tuple[SectionResult, ...]

    @property
    def items(self) -> tuple[ItemResult, ...]:
        return tuple(result for section in self.sections for result in section.items)

    @property
    def score(self) -> float:
        """Completeness from 0 to 100 over the items that apply to the card's kind."""
        return _score(self.items)

    @property
    def gaps(self) -> tuple[Gap, ...]:
        """The six gap kinds, each with the items that leave it open."""
        reasons: dict[str, list[str]] = {kind: [] for kind in GAP_KINDS}
        for result in self.items:
            if result.applies and result.status in (UNANSWERED, "not addressed"):
                for kind in result.item.gaps:
                    reasons[kind].append(f"{result.item.id}: {result.status}")
        return tuple(Gap(kind, tuple(found)) for kind, found in reasons.items())

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((*_CREDIT, "not applicable"), 0)
        for result in self.items:
            if result.applies:
                counts[result.status] += 1
        return counts


def _score(results: tuple[ItemResult, ...]) -> float:
    counted = [result for result in results if result.counted]
    if not counted:
        return 100.0
    return round(100 * sum(_CREDIT.get(r.status, 0.0) for r in counted) / len(counted), 1)


def assess(card: CardBase, checklist: Checklist) -> Report:
    """Compute the report for a validated card."""
    kind = card.about.kind
    sections = tuple(
        SectionResult(
            section,
            tuple(ItemResult(section, item, card.answer(item.id), kind in item.kinds) for item in section.items),
        )
        for section in checklist.sections
    )
    return Report(card, checklist, sections)
