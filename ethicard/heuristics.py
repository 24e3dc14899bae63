"""Text heuristics: advisory notes about what a card's prose seems to say, never a gap by themselves.

Gaps and rule findings rest on structured fields (see :mod:`ethicard.facts`).  Prose still says
things worth a second look: "significant" with no test named, an intrinsic limit described as
something future work removes, a privacy promise the structured fields do not make, facts given
only in an answer's text.  Each becomes an :class:`Advice` with an id (so a card can answer it
with a waiver) and the dotted path of the text, and the word found, so it is located at
``file:line:col``.

Every heuristic here runs in time linear in the text: a text is tokenised once by one regular
expression without nested repetition, and phrases are matched by looking up each token in a
table of phrase starts.  A match preceded by a negation within the same clause ("no future work
will change this", "cannot be fixed") does not count, except where the negation does not change
what is claimed ("no significant difference" is still a claim of statistical significance).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .findings import repeats
from .frozen import frozen

if TYPE_CHECKING:
    from .models import CardBase

NOTE_IDS = (
    "newer_format",
    "significance_wording",
    "intrinsic_limit_called_removable",
    "intrinsic_limit_repeats_design_limitations",
    "privacy_in_prose",
    "labelling_in_prose",
    "problem_in_prose",
    "ethics_in_prose",
    "scope_in_prose",
    "claims_in_prose",
)
LIMIT_ITEMS = ("intrinsic_limit_grounding", "intrinsic_limit_representation", "intrinsic_limit_distribution_shift")
_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)?|[.;:!?()]")
_CLAUSE_END = frozenset(".;:!?()")
_NEGATORS = frozenset(("no", "not", "never", "nothing", "none", "nobody", "neither", "nor", "cannot", "without"))
_LOOK_BACK = 6  # tokens before a match searched for a negation ("no claim of external benefit, privacy")
_P_VALUE = re.compile(r"\bp\s?(?:<|<=|≤|=)\s?0?\.\d+", re.IGNORECASE)


@frozen
class Advice:
    """An advisory note: what the text seems to say, where (dotted path, word found), its id."""

    id: str
    message: str
    path: str = ""  # the dotted card path of the text ("" for the card as a whole)
    word: str = ""  # the words found, as written, to locate them inside the text
    occurrence: int = 0  # which occurrence of ``word`` in the text (0: the first), any case
    waiver: str = ""  # the reason of the card's waiver for this note, if any


class Phrases:
    """Phrases as token sequences; a final ``*`` on a token matches any word starting with it.
    What is derived from them is made on first use and kept."""

    def __init__(self, words: tuple[tuple[str, ...], ...]) -> None:
        self.words = words

    @functools.cached_property
    def exact(self) -> dict[str, list[tuple[str, ...]]]:
        """Phrases by their first word, for phrases whose first word is a whole word."""
        starts: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self.words:
            if not phrase[0].endswith("*"):
                starts.setdefault(phrase[0], []).append(phrase)
        return starts

    @functools.cached_property
    def prefixed(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(prefix, phrase) for phrases whose first word is a prefix (``anonymi*``)."""
        return tuple((phrase[0][:-1], phrase) for phrase in self.words if phrase[0].endswith("*"))

    @functools.cached_property
    def quick(self) -> re.Pattern[str]:
        """Any phrase's first word, anywhere and in any case: a text without a match holds no phrase,
        and one search of the text (no tokens made) decides most texts."""
        return re.compile("|".join(sorted({re.escape(p[0].rstrip("*")) for p in self.words})), re.IGNORECASE)

    @functools.cached_property
    def quick_ascii(self) -> re.Pattern[str]:
        """:attr:`quick` for a text in ASCII, once made lower case: the same answer several times
        faster than a search in any case (the phrases are ASCII, and an ASCII text matches them in
        any case just when its lower case matches them lower case)."""
        assert all(word.isascii() for phrase in self.words for word in phrase)
        return re.compile("|".join(sorted({re.escape(p[0].rstrip("*").lower()) for p in self.words})))

    def found_in(self, text: str) -> bool:
        """Whether any phrase's first word occurs in ``text``, in any case."""
        if text.isascii():
            return self.quick_ascii.search(text.lower()) is not None
        return self.quick.search(text) is not None

    def starting(self, token: str) -> list[tuple[str, ...]]:
        """The phrases ``token`` may start: a constant number of look-ups per token."""
        found = self.exact.get(token, [])
        if self.prefixed:
            found = found + [phrase for prefix, phrase in self.prefixed if token.startswith(prefix)]
        return found


@functools.lru_cache(maxsize=512)
def _words(text: str) -> tuple[str, ...]:
    """The text's tokens, case folded.  Kept for the few texts of the card being assessed: each is
    searched for several sets of phrases, and a search finds no phrase in most."""
    if text.isascii():  # casefold is lower for ASCII, and keeps every position
        return tuple(_TOKEN.findall(text.lower()))
    return tuple(token.casefold().replace("\u2019", "'") for token in _TOKEN.findall(text))


def _spans(text: str) -> list[tuple[int, int]]:
    """Where each of :func:`_words` stands in the text, worked out only for a phrase found."""
    return [match.span() for match in _TOKEN.finditer(text.lower() if text.isascii() else text)]


def _same(token: str, word: str) -> bool:
    return token.startswith(word[:-1]) if word.endswith("*") else token == word


def _negated(tokens: tuple[str, ...], at: int) -> bool:
    for back in range(at - 1, max(at - _LOOK_BACK, 0) - 1, -1):
        word = tokens[back]
        if word in _CLAUSE_END:
            return False
        if word in _NEGATORS or word.endswith("n't"):
            return True
    return False


def find(
    text: str, phrases: Phrases, *, negation: bool = True, unless_after: frozenset[str] = frozenset()
) -> tuple[str, int]:
    """The first phrase found in ``text`` as written there ("" when none), skipping negated ones
    and ones right after a word in ``unless_after`` ("clinical significance"); and which
    occurrence of those words it is, so that it can be located."""
    if not phrases.found_in(text):
        return "", 0
    tokens = _words(text)
    for i, token in enumerate(tokens):
        for phrase in phrases.starting(token):
            end = i + len(phrase)
            if end > len(tokens) or not all(_same(tokens[i + k], w) for k, w in enumerate(phrase)):
                continue
            if i and tokens[i - 1] in unless_after:
                continue
            if negation and _negated(tokens, i):
                continue
            spans = _spans(text)
            start = spans[i][0]
            words = text[start : spans[end - 1][1]]
            return words, _occurrence(text, words, start)
    return "", 0


def _occurrence(text: str, words: str, start: int) -> int:
    """How many times ``words`` (any case, spaces as any white space) occur before ``start``."""
    pattern = r"\s+".join(re.escape(word) for word in words.split())
    return sum(1 for _ in re.finditer(pattern, text[:start], re.IGNORECASE))


_PASSAGE = 5  # words in a row that two answers share before one is read as copying the other


def shares_passage(text: str, other: str, words: int = _PASSAGE) -> bool:
    """Whether ``text`` contains a run of ``words`` words that also occurs in ``other`` (any case):
    an intrinsic limit that copies a clause of the design limitations ("future work will use
    diffusion models").  Linear: the word runs of ``other`` go into a set once."""
    mine = [t for t in _words(text) if t not in _CLAUSE_END]
    theirs = [t for t in _words(other) if t not in _CLAUSE_END]
    runs = {tuple(theirs[i : i + words]) for i in range(len(theirs) - words + 1)}
    return any(tuple(mine[i : i + words]) in runs for i in range(len(mine) - words + 1))


def _phrases(*texts: str) -> Phrases:
    return Phrases(tuple(tuple(text.split()) for text in texts))


SIGNIFICANCE = _phrases("significant", "significantly", "significance", "statistically")
REMOVABLE = _phrases(
    "future work",
    "future versions",
    "future version",
    "next version",
    "later version",
    "we plan",
    "we will",
    "will close",
    "closing it",
    "more data will",
    "better models will",
    "larger models will",
    *(f"be {verb}" for verb in ("solved", "fixed", "overcome", "removed", "resolved", "eliminated", "closed")),
)
PRIVACY = _phrases("privacy", "anonymi*", "anonymous")
_PRIVACY_ITEMS = ("memorisation_privacy_check", "deidentification_consent")


def _answers(card: CardBase) -> Iterator[tuple[str, str, str]]:
    """(item id, dotted path, text) of every answer the card gives."""
    answers = getattr(card, "answers")  # noqa: B009 - added per checklist by card_model
    for section, block in vars(answers).items():
        for item, answer in vars(block).items():
            if answer is not None and answer.answer.strip():
                yield item, f"answers.{section}.{item}.answer", answer.answer


def _texts(card: CardBase) -> Iterator[tuple[str, str, str]]:
    """(item id or "", dotted path, text) of the prose a reader takes claims from."""
    yield from _answers(card)
    for n, use in enumerate(card.about.intended_uses):
        yield "", f"about.intended_uses[{n}]", use
    for n, row in enumerate(card.evaluation.downstream):
        yield "", f"evaluation.downstream[{n}].result", row.result
    for n, study in enumerate(card.evaluation.reader_studies):
        yield "", f"evaluation.reader_studies[{n}].result", study.result


def advise(card: CardBase) -> list[Advice]:
    """Every advisory note the card's text gives rise to, in a fixed order."""
    notes: list[Advice] = []
    if card.format_version < 2:
        notes.append(
            Advice(
                "newer_format",
                "This card is in format 1. Format 2 states the facts that decide gaps and rules (labelling, "
                "problem, data_sources, ethics, evaluation.scope, claims) as structured fields; "
                "'ethicard init' writes a format-2 skeleton.",
            )
        )
    texts = list(_texts(card))
    if not card.evaluation.statistical_tests:
        notes += _significance_wording(texts)
    by_item = {item: (path, text) for item, path, text in texts if item}
    notes += _limit_wording(by_item)
    notes += _privacy(card, texts)
    notes += _facts_in_prose(card, by_item)
    return notes


def _privacy(card: CardBase, texts: list[tuple[str, str, str]]) -> list[Advice]:
    claimed = "privacy-preserving data sharing" in card.about.uses or any(c.kind == "privacy" for c in card.claims)
    if claimed:
        return []
    for item, path, text in texts:
        found, nth = ("", 0) if item in _PRIVACY_ITEMS else find(text, PRIVACY)
        if found:
            return [
                Advice(
                    "privacy_in_prose",
                    f"The text speaks of '{found}', but no structured field claims privacy (about.uses, or a "
                    "claim of kind privacy), so no privacy rule can check it. State the claim with its "
                    "memorisation result, or reword.",
                    path,
                    found,
                    nth,
                )
            ]
    return []


_PROSE_FACTS = (
    ("labelling_in_prose", "labelling", "synthetic_image_labelling", "labelling (methods, coverage, carriers)"),
    ("problem_in_prose", "problem", "clinical_need", "problem (motivation, clinical_need)"),
    ("ethics_in_prose", "ethics", "ethics_approval", "ethics (approvals or exemptions and what they cover)"),
    ("scope_in_prose", "scope", "evaluation_scope_declaration", "evaluation.scope (phase, statement, where)"),
    ("claims_in_prose", "claims", "claims_backed_by_results", "claims (claim, kind, result, significant, test)"),
)


def _facts_in_prose(card: CardBase, by_item: dict[str, tuple[str, str]]) -> list[Advice]:
    """Format 2: an answer that states in prose what belongs in a structured block left out."""
    if card.format_version < 2:
        return []
    notes = []
    for note, block, item, fields in _PROSE_FACTS:
        given = card.evaluation.scope if block == "scope" else getattr(card, block)
        if not given and item in by_item:
            notes.append(
                Advice(
                    note,
                    f"{item} is answered in prose only; ethicard decides gaps and rules from {fields}, "
                    "so state the facts there.",
                    by_item[item][0],
                )
            )
    return notes


def _significance_wording(texts: list[tuple[str, str, str]]) -> Iterator[Advice]:
    """'Significant' or a p-value in the prose of a card that names no statistical test."""
    for item, path, text in texts:
        if item == "significance_tests":
            continue  # its answer is about tests; saying "significant" there is expected
        found, nth = find(text, SIGNIFICANCE, negation=False, unless_after=frozenset({"clinical", "clinically"}))
        p_value = _P_VALUE.search(text)
        if not found and p_value:
            found, nth = p_value.group(0), _occurrence(text, p_value.group(0), p_value.start())
        if found:
            yield Advice(
                "significance_wording",
                f"The text says '{found}', but the card names no statistical test "
                "(evaluation.statistical_tests). If a significant difference is claimed, add the test "
                "and a claim with 'significant: true'; otherwise reword.",
                path,
                found,
                nth,
            )


def _limit_wording(by_item: dict[str, tuple[str, str]]) -> Iterator[Advice]:
    """An intrinsic limit called removable by future work, or repeating the design limitations."""
    design = by_item.get("design_limitations", ("", ""))[1]
    for item in LIMIT_ITEMS:
        path, text = by_item.get(item, ("", ""))
        found, nth = find(text, REMOVABLE) if text else ("", 0)
        if found:
            yield Advice(
                "intrinsic_limit_called_removable",
                f"{item} says '{found}', as if future work could remove an intrinsic limit. No technical "
                "progress removes it; keep what future work may fix under design_limitations.",
                path,
                found,
                nth,
            )
        if text and design and (repeats(text, design) or shares_passage(text, design)):
            yield Advice(
                "intrinsic_limit_repeats_design_limitations",
                f"{item} repeats the design limitations. Intrinsic limits hold for every synthetic image; "
                "acknowledge each in its own words.",
                path,
            )
