"""Rules evaluated on a card: the findings, each explained by the answers or fields behind it.

A rule fires when its ``when`` condition holds (always, when absent) and its ``require``
condition does not; the language itself, and the check of a checklist's rules, is
:mod:`ethicard.rules`.  This module needs no pydantic: it reads a card and a checklist in either of
their shapes (:mod:`ethicard.records`), telling the condition forms apart by their mixins.  Each
condition explains its outcome in a few words (``ethics_approval: unanswered``), and those words
become the details of the finding, so a reader sees which answer or field is at fault.
"""

from __future__ import annotations

import collections
import functools
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from . import facts
from .errors import Path_
from .frozen import frozen
from .records import (
    AllOfForm,
    AnyOfForm,
    FieldConditionForm,
    ItemConditionForm,
    NotOfForm,
    RuleForm,
    Structured,
    TextConditionForm,
    dump,
)
from .vocabulary import UNANSWERED

if TYPE_CHECKING:
    from .models import CardBase
    from .records import Condition

Note = tuple[str | None, str]  # (the item it is about, if any; the words)
_MIN_REPEAT_WORDS = 5
_SIMILAR = 0.85
_SIMILAR_PAIRS = 0.6
_WORD_CHARS = re.compile(r"\w*")

# Fields the card does not state but ethicard works out: their type, and how to read them.
DERIVED: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "evaluation.phases": (list[int], lambda card: card.evaluation.phases()),
}


Test: TypeAlias = "FieldConditionForm | ItemConditionForm | TextConditionForm"  # not made of others


def tests(condition: Condition | None, path: Path_ = ()) -> Iterator[tuple[Path_, Test]]:
    """The tests a condition is made of, with where each stands in the file (below ``path``)."""
    if isinstance(condition, AllOfForm):
        for k, part in enumerate(condition.all_):
            yield from tests(part, (*path, "all", k))
    elif isinstance(condition, AnyOfForm):
        for k, part in enumerate(condition.any_):
            yield from tests(part, (*path, "any", k))
    elif isinstance(condition, NotOfForm):
        yield from tests(condition.not_, (*path, "not"))
    elif condition is not None:
        yield path, condition




def field_value(card: CardBase, path: str) -> Any:
    """The value of a card field named as in rules: ``about.uses``, ``evaluation.phases`` ..."""
    if path in DERIVED:
        return DERIVED[path][1](card)
    block, _, key = path.partition(".")
    value = getattr(card, block)
    return getattr(value, key) if key and value is not None else value  # a format-2 block may be absent




def fields_named(condition: Condition | None) -> Iterator[str]:
    """The card fields a condition tests, in the order it names them."""
    for _, test in tests(condition):
        if isinstance(test, FieldConditionForm):
            yield test.field


# --- evaluation -------------------------------------------------------------------------------


@frozen
class Finding:
    """A rule that the card does not meet, with the answers or fields that make it fire."""

    rule: str
    gap: str | None
    source: str
    message: str
    items: tuple[str, ...]  # the checklist items whose answers make the rule fire
    details: tuple[str, ...]
    path: str = ""  # the dotted card path the finding concerns (an answer is resolved by the assessment)
    advisory: bool = False  # the rule rests on text (mentions, repeats): an advisory note, never a finding
    waiver: str = ""  # the reason the card gives in a waiver of this rule, if any

    @property
    def severity(self) -> str:
        """``gap`` when the finding belongs to one of the paper's six gap kinds, else ``warning``."""
        return "gap" if self.gap else "warning"

    @property
    def text(self) -> str:
        """The message with its details, as one plain sentence."""
        if not self.details:
            return self.message
        base = self.message.rstrip()
        stop = "." if base.endswith(".") else ""
        return f"{base.removesuffix('.')} ({'; '.join(self.details)}){stop}"


@frozen
class _Context:
    card: CardBase
    statuses: Mapping[str, str]


def evaluate(rules: Sequence[RuleForm], card: CardBase, statuses: Mapping[str, str]) -> tuple[Finding, ...]:
    """The findings of every rule that applies to the card's kind and is not met.

    ``statuses`` maps each checklist item id to its status, ``unanswered`` included.  On a
    format-2 card a rule with a built-in ``check`` runs it in place of ``require``; a rule with
    only a ``check`` does not apply to format-1 cards.  A rule whose test reads text (``mentions``,
    ``repeats``) gives an advisory finding: no finding may rest on words alone.
    """
    context = _Context(card, statuses)
    found = (_finding(rule, context) for rule in rules if card.about.kind in rule.kinds)
    return tuple(finding for finding in found if finding is not None)


def _finding(rule: RuleForm, context: _Context) -> Finding | None:
    """The rule's finding on the card, or None when the card meets it."""
    if rule.check is not None and context.card.format_version >= 2:
        return _check_finding(rule, rule.check, context)
    if rule.require is None or (rule.when is not None and not _holds(rule.when, context)[0]):
        return None
    met, notes = _holds(rule.require, context)
    if met:
        return None
    items = tuple(dict.fromkeys(item for item, _ in notes if item))
    details = tuple(dict.fromkeys(text for _, text in notes))
    path = "" if items else _path_of(details)
    advisory = _reads_text(rule.require) or _reads_text(rule.when)
    return Finding(rule.id, rule.gap, rule.source, rule.message.strip(), items, details, path, advisory)


def _check_finding(rule: RuleForm, check: str, context: _Context) -> Finding | None:
    """The finding of a rule's built-in check of format-2 facts (see :mod:`ethicard.facts`)."""
    violations = facts.run(check, context.card, context.statuses)
    if not violations:
        return None
    items = tuple(dict.fromkeys(v.item for v in violations if v.item))
    details = tuple(dict.fromkeys(v.detail for v in violations))
    return Finding(rule.id, rule.gap, rule.source, rule.message.strip(), items, details, violations[0].path)


_PATH = re.compile(r"^[a-z_]+(?:\.[a-z_]+|\[\d+\])*")


def _path_of(details: tuple[str, ...]) -> str:
    """The card path a field test's note starts with (``evaluation.distribution_metrics[1] ... lacks``)."""
    for detail in details:
        match = _PATH.match(detail)
        if match and "." in match.group(0):
            return match.group(0)
    return ""


def _reads_text(condition: Condition | None) -> bool:
    """Whether a condition tests words in free text anywhere (a keyword or similarity test)."""
    return any(
        isinstance(test, TextConditionForm)
        or (isinstance(test, ItemConditionForm) and (test.mentions is not None or test.repeats is not None))
        for _, test in tests(condition)
    )


def given(value: Any) -> bool:
    """Whether a field is filled in: not missing, not empty text, not an empty list or mapping."""
    return value is not None and value != "" and value != [] and value != {}


def _holds(condition: Condition, context: _Context) -> tuple[bool, list[Note]]:
    """Whether the condition holds, and notes that explain the outcome."""
    if isinstance(condition, AllOfForm):
        return _all(condition, context)
    if isinstance(condition, AnyOfForm):
        return _any(condition, context)
    if isinstance(condition, NotOfForm):
        met, notes = _holds(condition.not_, context)
        return not met, notes
    if isinstance(condition, FieldConditionForm):
        return _field(condition, field_value(context.card, condition.field))
    if isinstance(condition, ItemConditionForm):
        return _item(condition, context)
    return _text(condition, context)


def _all(condition: AllOfForm, context: _Context) -> tuple[bool, list[Note]]:
    results = [_holds(part, context) for part in condition.all_]
    met = all(ok for ok, _ in results)  # explained by all parts when met, else by the failing ones
    return met, [note for ok, notes in results for note in notes if met or not ok]


def _any(condition: AnyOfForm, context: _Context) -> tuple[bool, list[Note]]:
    results = [_holds(part, context) for part in condition.any_]
    met = any(ok for ok, _ in results)  # explained by the parts that hold, else by all
    return met, [note for ok, notes in results for note in notes if ok or not met]


# --- field tests -------------------------------------------------------------------------


def _same(value: Any, expected: bool | str) -> bool:
    """Equality as a person reads YAML: booleans are booleans, a number equals the same number
    written as text (``3`` and ``3.0``), and other text compares ignoring case."""
    if isinstance(expected, bool) or isinstance(value, bool):
        return value is expected
    if isinstance(value, int | float):
        try:
            return float(expected) == float(value)
        except ValueError:
            return False
    return value is not None and str(value).casefold() == expected.casefold()


def _show(value: Any) -> str:
    if not given(value):
        return "not given"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_show(part) for part in value)
    if isinstance(value, Structured):
        return _label(value) or "an entry"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _label(record: Any) -> str:
    for key in ("metric", "method", "task", "attribute", "name", "claim"):
        value = getattr(record, key, None)
        if isinstance(value, str) and value:
            return value if len(value) <= 40 else value[:37] + "..."
    return ""


def _field(test: FieldConditionForm, value: Any) -> tuple[bool, list[Note]]:
    met, notes = _field_test(test, value)
    return met, [(None, note) for note in notes]


def _field_test(test: FieldConditionForm, value: Any) -> tuple[bool, list[str]]:
    """The one test a field condition gives (its model checks there is exactly one), on the value."""
    name = next(name for name in FIELD_TESTS if name in test.model_fields_set)
    return FIELD_TESTS[name](test, value)


def _present(test: FieldConditionForm, value: Any) -> tuple[bool, list[str]]:
    return given(value) == test.present, [f"{test.field}: {'given' if given(value) else 'not given'}"]


def _equals(test: FieldConditionForm, value: Any) -> tuple[bool, list[str]]:
    return test.equals is not None and _same(value, test.equals), [f"{test.field}: {_show(value)}"]


def _one_of(test: FieldConditionForm, value: Any) -> tuple[bool, list[str]]:
    return any(_same(value, choice) for choice in test.in_ or []), [f"{test.field}: {_show(value)}"]


def _contains_any(test: FieldConditionForm, value: Any) -> tuple[bool, list[str]]:
    wanted = test.contains_any or []
    if isinstance(value, str):
        met = any(isinstance(w, str) and w.casefold() in value.casefold() for w in wanted)
    else:
        met = any(_same(part, w) for part in value or [] for w in wanted)
    return met, [f"{test.field}: {_show(value)}"]


def _some(test: FieldConditionForm, value: Any) -> tuple[bool, list[str]]:
    wanted = test.some or {}
    matching = [
        i for i, record in enumerate(value or []) if all(_same(getattr(record, k), v) for k, v in wanted.items())
    ]
    wanted_text = ", ".join(f"{k}: {_show(v)}" for k, v in wanted.items())
    if matching:
        return True, [f"{test.field}[{matching[0]}] has {wanted_text}"]
    return False, [f"{test.field}: no entry with {wanted_text}"]


def _each_has(test: FieldConditionForm, value: Any) -> tuple[bool, list[str]]:
    keys = test.each_has or []
    notes = []
    for i, record in enumerate(value or []):
        missing = [key for key in keys if not given(getattr(record, key))]
        if missing:
            label = _label(record)
            notes.append(f"{test.field}[{i}]{f' ({label})' if label else ''} lacks {', '.join(missing)}")
    if notes:
        return False, notes
    return True, [f"{test.field}: every entry gives {', '.join(keys)}"]


# The tests a field condition can give, by their name in the model (``in_`` is ``in`` in a file).
FIELD_TESTS: dict[str, Callable[[FieldConditionForm, Any], tuple[bool, list[str]]]] = {
    "present": _present,
    "equals": _equals,
    "in_": _one_of,
    "contains_any": _contains_any,
    "some": _some,
    "each_has": _each_has,
}


# --- item and text tests ------------------------------------------------------------------


def _answer_text(context: _Context, item_id: str) -> str:
    answer = context.card.answer(item_id)
    return answer.answer if answer is not None else ""


def _find(text: str, words: Sequence[str]) -> str | None:
    """The first of ``words`` found in ``text`` (any case), widened to the whole word as written.

    The word is found by a literal search and widened by walking over the word characters on
    each side: linear time, where a ``\\w*word\\w*`` search is quadratic on long runs of letters."""
    if not _any_of(tuple(words)).search(text):  # one search decides most texts at once
        return None
    for word in words:
        match = _any_of((word,)).search(text)
        if match:
            before = _WORD_CHARS.match(text[: match.start()][::-1])  # the word characters just before
            after = _WORD_CHARS.match(text, match.end())
            assert before is not None and after is not None  # \w* matches the empty string
            return text[match.start() - before.end() : after.end()]
    return None


@functools.lru_cache(maxsize=256)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(word.strip()) for word in words) or "(?!)", re.IGNORECASE)


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def repeats(text: str, other: str) -> bool:
    """Whether ``text`` repeats ``other``: the same words, nearly the same, or a passage of it.

    "Nearly the same" is measured on word multisets and on word pairs (Dice's coefficient): at
    least 85% of the words shared, and most pairs of neighbouring words too, so the order counts.
    Both take linear time, where difflib's ratio is quadratic on long texts."""
    mine, theirs = _tokens(text), _tokens(other)
    if not mine or not theirs:
        return False
    if mine == theirs:
        return True
    if len(mine) >= _MIN_REPEAT_WORDS and f" {' '.join(mine)} " in f" {' '.join(theirs)} ":
        return True
    return _dice(mine, theirs) >= _SIMILAR and _dice(_pairs(mine), _pairs(theirs)) >= _SIMILAR_PAIRS


def _pairs(words: list[str]) -> list[str]:
    return [f"{first} {second}" for first, second in itertools.pairwise(words)]


def _dice(mine: list[str], theirs: list[str]) -> float:
    """Twice the shared items over all items, counting repeats (1.0: the same multiset)."""
    if not mine and not theirs:
        return 1.0
    shared = sum((collections.Counter(mine) & collections.Counter(theirs)).values())
    return 2 * shared / (len(mine) + len(theirs))


def _item(test: ItemConditionForm, context: _Context) -> tuple[bool, list[Note]]:
    """Every test given on the item's answer, each with its note."""
    item = test.item
    tested = (_status(test, context), _mentions(test, context), _evidence(test, context), _repeated(test, context))
    results = [result for result in tested if result is not None]
    met = all(ok for ok, _ in results)
    if not met and test.status_in is not None and not results[0][0]:
        return False, [(item, results[0][1])]  # an unanswered item fails every other test too; say it once
    return met, [(item, note) for ok, note in results if met or not ok]


def _status(test: ItemConditionForm, context: _Context) -> tuple[bool, str] | None:
    if test.status_in is None:
        return None
    status = context.statuses.get(test.item, UNANSWERED)
    return status in test.status_in, f"{test.item}: {status}"


def _mentions(test: ItemConditionForm, context: _Context) -> tuple[bool, str] | None:
    if test.mentions is None:
        return None
    found = _find(_answer_text(context, test.item), test.mentions)
    if found:
        return True, f"{test.item} says '{found}'"
    return False, f"{test.item} does not mention " + " or ".join(f"'{word}'" for word in test.mentions)


def _evidence(test: ItemConditionForm, context: _Context) -> tuple[bool, str] | None:
    if test.has_evidence is None:
        return None
    answer = context.card.answer(test.item)
    has = answer is not None and bool(answer.evidence)
    return has == test.has_evidence, f"{test.item}: {'evidence given' if has else 'no evidence'}"


def _repeated(test: ItemConditionForm, context: _Context) -> tuple[bool, str] | None:
    if test.repeats is None:
        return None
    same = repeats(_answer_text(context, test.item), _answer_text(context, test.repeats))
    return same, f"{test.item} {'repeats' if same else 'does not repeat'} {test.repeats}"


def _texts(test: TextConditionForm, context: _Context) -> Iterator[tuple[str, str]]:
    """(where, text) for each piece of free text the test searches."""
    card = context.card
    if "about" in test.within:
        yield from _strings(dump(card.about), "about")
    if "answers" in test.within:
        answers = getattr(card, "answers")  # noqa: B009 - added per checklist by card_model
        for block in vars(answers).values():
            for item_id, answer in vars(block).items():
                if answer is not None and item_id not in test.except_items:
                    yield item_id, answer.answer
    if "evaluation" in test.within:
        yield from _strings(dump(card.evaluation), "evaluation")


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, part in value.items():
            yield from _strings(part, f"{where}.{key}")
    elif isinstance(value, list):
        for i, part in enumerate(value):
            yield from _strings(part, f"{where}[{i}]")


def _text(test: TextConditionForm, context: _Context) -> tuple[bool, list[Note]]:
    texts = list(_texts(test, context))
    if not _any_of(tuple(test.mentions)).search("\n".join(text for _, text in texts)):
        texts = []  # none of the words anywhere: no need to look text by text
    for where, text in texts:
        found = _find(text, test.mentions)
        if found:
            return True, [(None, f"'{found}' in {where}")]
    return False, [(None, "the card never says " + " or ".join(f"'{word}'" for word in test.mentions))]
