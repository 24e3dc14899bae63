"""The assessment: what a card answers, what it leaves open, computed once for every output.

Every renderer reads the same :class:`Report`, so the Markdown, HTML, LaTeX and JSON forms of
a card can never disagree about what is answered.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import heuristics, locations
from .findings import Finding, evaluate
from .frozen import frozen, replace
from .heuristics import Advice
from .vocabulary import ADDRESSED, ANSWERED, GAP_KINDS, NOT_ADDRESSED, NOT_APPLICABLE, PARTIAL, UNANSWERED, AnswerState

if TYPE_CHECKING:  # the types; a card and a checklist come as pydantic models or records (records.py)
    from .checklist import Checklist
    from .models import Answer, CardBase, Item, Section

MIN_REASON_WORDS = 3  # "No patient data." is a reason; ".", "N/A" and "see above" are not
_REAL_WORD = re.compile(r"[^\W\d_]{2,}")  # two or more letters
_CREDIT = {ADDRESSED: 1.0, PARTIAL: 0.5, NOT_ADDRESSED: 0.0, UNANSWERED: 0.0}


@frozen
class ItemResult:
    """One checklist item as the card answers it."""

    section: Section
    item: Item
    answer: Answer | None
    applies: bool  # the item asks about this card's kind
    partial_says_missing: bool = False  # format 2: a partial answer must say what is missing
    always_applies: bool = False  # an intrinsic limit: "not applicable" never takes it out of the count

    @property
    def path(self) -> str:
        """The dotted card path of this item's answer."""
        return f"answers.{self.section.id}.{self.item.id}"

    @property
    def status(self) -> AnswerState:
        """The answer's status, or ``unanswered`` when it is missing or left as a placeholder."""
        if self.answer is None or self.answer.status is None:
            return UNANSWERED
        if self.answer.review and self.answer.status == ADDRESSED:
            return PARTIAL  # the question changed since it was answered: partial until a person checks
        return self.answer.status

    @property
    def counted(self) -> bool:
        """Whether the item counts towards completeness: it applies, and is not justly excluded."""
        return self.applies and not (self.status == NOT_APPLICABLE and self.justified and not self.always_applies)

    @property
    def justified(self) -> bool:
        """The answer gives a reason: at least :data:`MIN_REASON_WORDS` words of letters, so that
        ".", "n/a" or "-" cannot take an item out of the count (see README, Completeness)."""
        return self.answer is not None and len(_REAL_WORD.findall(self.answer.answer)) >= MIN_REASON_WORDS

    @property
    def notes(self) -> tuple[str, ...]:
        """Plain-language warnings about how this item is answered."""
        answer = self.answer
        if answer is None or not self.applies:
            return ()
        notes: list[str] = []
        if answer.review:
            notes.append("the question changed since this answer was written: check it, then delete 'review: required'")
        if answer.status is None and (answer.answer.strip() or answer.evidence):
            notes.append("has an answer but an empty status, so it counts as unanswered (set its status)")
        return (*notes, *self._status_notes(answer))

    def _status_notes(self, answer: Answer) -> list[str]:
        """Warnings about a status the answer does not bear out; each test runs only when its
        status is the item's, so a card pays for the reason-word count only where it matters."""
        status, notes = self.status, []
        if status == NOT_APPLICABLE and not self.justified:
            notes.append(f"marked not applicable without a reason (at least {MIN_REASON_WORDS} words)")
        if status == ADDRESSED and not answer.evidence:
            notes.append("marked addressed without evidence")
        if status in ANSWERED and not answer.answer.strip():
            notes.append(f"marked {status} with no answer text")
        if self.partial_says_missing and status == PARTIAL and not answer.missing.strip():
            notes.append("marked partial without saying what is missing (missing:)")
        return notes

    @property
    def gap_reason(self) -> str | None:
        """Why this item leaves its gap kinds open, in plain words; None when it does not.

        Partial answers close a gap (the card says something); unanswered, not addressed, an
        unexplained "not applicable" and a status with no answer text leave it open.
        """
        if not self.applies:
            return None
        ident, status = self.item.id, self.status
        what = f"say {self.item.topic.strip()}" if self.item.topic.strip() else f'answer "{self.item.question.strip()}"'
        if status in (UNANSWERED, NOT_ADDRESSED):
            return f"The card does not {what} ({ident}: {status})"
        if status == NOT_APPLICABLE and not self.justified:
            return f"The card does not {what}: {ident} is marked not applicable without a reason"
        if status in ANSWERED and not (self.answer and self.answer.answer.strip()):
            return f"The card does not {what}: {ident} is marked {status} with no answer text"
        return None


@frozen
class SectionResult:
    section: Section
    items: tuple[ItemResult, ...]

    @property
    def applicable(self) -> tuple[ItemResult, ...]:
        return tuple(result for result in self.items if result.applies)

    @property
    def score(self) -> float:
        return _score(self.items)




@frozen
class Reason:
    """One reason a card shows a gap: an item left open, or a rule's finding."""

    text: str
    items: tuple[str, ...] = ()
    finding: Finding | None = None
    path: str = ""  # the dotted card path the reason concerns


@frozen
class Gap:
    """One of the paper's six kinds of gap, and the reasons this card shows it (none: not shown)."""

    kind: str
    entries: tuple[Reason, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(entry.text for entry in self.entries)

    @property
    def items(self) -> tuple[str, ...]:
        """The items whose answers leave the gap open."""
        return tuple(dict.fromkeys(item for entry in self.entries for item in entry.items))

    @property
    def findings(self) -> tuple[str, ...]:
        """The ids of the rules that put the gap here."""
        return tuple(entry.finding.rule for entry in self.entries if entry.finding)

    @property
    def found(self) -> bool:
        return bool(self.entries)

    @property
    def title(self) -> str:
        return GAP_KINDS[self.kind][0]

    @property
    def explanation(self) -> str:
        return GAP_KINDS[self.kind][1]


@frozen
class Report:
    """Everything the outputs show about one card, computed once."""

    card: CardBase
    checklist: Checklist
    sections: tuple[SectionResult, ...]
    findings: tuple[Finding, ...] = ()  # the checklist's rules that the card does not meet
    gaps: tuple[Gap, ...] = ()  # the six gap kinds, each with its reasons (see _gaps)
    advice: tuple[Advice, ...] = ()  # advisory notes from text heuristics and text-based rules

    def locate(self, path: str, words: str = "", occurrence: int = 0) -> locations.Location:
        """Where a dotted card path (and words inside its text) stands in the card's file."""
        return locations.locate(getattr(self.card, "_source", None), path, words, occurrence)

    def waiver(self, rule: str) -> str:
        """The reason of the card's waiver for a rule or note id ("" when none)."""
        return next((w.reason.strip() for w in self.card.waivers if w.rule == rule), "")

    @property
    def unused_waivers(self) -> tuple[str, ...]:
        """Waivers that answer nothing this card shows (the rule is met, or it names a gap)."""
        used = {f.rule for f in self.findings if f.waiver} | {a.id for a in self.advice if a.waiver}
        return tuple(w.rule for w in self.card.waivers if w.rule not in used)

    @property
    def items(self) -> tuple[ItemResult, ...]:
        return tuple(result for section in self.sections for result in section.items)

    @property
    def score(self) -> float:
        """Completeness from 0 to 100 over the items that apply to the card's kind."""
        return _score(self.items)

    @property
    def gaps_found(self) -> tuple[Gap, ...]:
        return tuple(gap for gap in self.gaps if gap.found)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys((*_CREDIT, NOT_APPLICABLE), 0)
        for result in self.items:
            if result.applies:
                counts[result.status] += 1
        return counts


def _gaps(items: tuple[ItemResult, ...], findings: tuple[Finding, ...]) -> tuple[Gap, ...]:
    """The six gap kinds, each with the reasons this card shows it, in plain words.

    Reasons come from items tagged with a gap kind that the card leaves open, and from
    findings of rules attributed to a gap kind.  When a finding already speaks about an
    item (e.g. private data without an ethics statement, ``ethics_approval: unanswered``),
    the item's own reason is left out so that nothing is said twice.
    """
    spoken = {(f.gap, item) for f in findings if f.gap for item in f.items}
    entries: dict[str, list[Reason]] = {kind: [] for kind in GAP_KINDS}
    for result in items:
        reason = result.gap_reason
        if reason is None:
            continue
        for kind in result.item.gaps:
            if (kind, result.item.id) not in spoken:
                entries[kind].append(Reason(reason, (result.item.id,), path=result.path))
    for finding in findings:
        if finding.gap:
            entries[finding.gap].append(Reason(finding.text, finding.items, finding, finding.path))
    return tuple(Gap(kind, tuple(entries[kind])) for kind in GAP_KINDS)


def _score(results: tuple[ItemResult, ...]) -> float:
    counted = [result for result in results if result.counted]
    if not counted:
        return 100.0
    return round(100 * sum(_CREDIT.get(r.status, 0.0) for r in counted) / len(counted), 1)


def _answers(card: CardBase) -> dict[str, Answer]:
    """The card's answers by item id, gathered once (:meth:`CardBase.answer` looks through every section)."""
    answers = getattr(card, "answers")  # noqa: B009 - added per checklist by card_model
    return {
        item: answer
        for section in vars(answers).values()
        for item, answer in vars(section).items()
        if answer is not None
    }


def assess(card: CardBase, checklist: Checklist) -> Report:
    """Compute the report for a validated card.

    Findings that rest on text (rules testing words) become advisory notes, beside the text
    heuristics; waivers answer findings outside the six gaps and notes, never a gap.
    """
    sections = _section_results(card, checklist)
    items = tuple(result for section in sections for result in section.items)
    statuses = {result.item.id: result.status for result in items}
    found, advice = _findings_and_advice(card, checklist, items, statuses)
    return Report(card, checklist, sections, found, _gaps(items, found), advice)


def _section_results(card: CardBase, checklist: Checklist) -> tuple[SectionResult, ...]:
    """Every item of the checklist with the card's answer to it, section by section."""
    kind, format_2 = card.about.kind, card.format_version >= 2
    intrinsic = {limit.item for limit in checklist.intrinsic_limits}
    answers = _answers(card)
    return tuple(
        SectionResult(
            section,
            tuple(
                ItemResult(
                    section,
                    item,
                    answers.get(item.id),
                    kind in item.kinds,
                    partial_says_missing=format_2,
                    always_applies=item.id in intrinsic,
                )
                for item in section.items
            ),
        )
        for section in checklist.sections
    )


def _findings_and_advice(
    card: CardBase, checklist: Checklist, items: tuple[ItemResult, ...], statuses: dict[str, AnswerState]
) -> tuple[tuple[Finding, ...], tuple[Advice, ...]]:
    """The rules' findings (located, waived where a waiver may answer them), and the advisory
    notes: findings that rest on text, then the text heuristics."""
    paths = {result.item.id: result.path for result in items}
    waivers = {w.rule: w.reason.strip() for w in reversed(card.waivers)}
    findings, advice = [], []
    for finding in evaluate(checklist.rules, card, statuses):
        path = finding.path or next((paths[i] for i in finding.items if i in paths), "")
        if finding.advisory:
            words = finding.details[0].partition(" says '")[2].rstrip("'") if finding.details else ""
            advice.append(Advice(finding.rule, finding.text, path, words, waiver=waivers.get(finding.rule, "")))
        else:
            waiver = "" if finding.gap else waivers.get(finding.rule, "")
            findings.append(replace(finding, path=path, waiver=waiver))
    advice += [replace(note, waiver=waivers.get(note.id, "")) for note in heuristics.advise(card)]
    return tuple(findings), tuple(advice)
