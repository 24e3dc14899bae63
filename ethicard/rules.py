"""The rule language: a checklist's cross-field checks, declared as data and never run as code.

A rule fires when its ``when`` condition holds (always, when absent) and its ``require``
condition does not.  Conditions are a tiny closed language:

    {all: [...]}  {any: [...]}  {not: ...}
    {field: about.uses, contains_any: [...]}   tests on a card field (present, equals, in,
                                                contains_any, some, each_has)
    {item: ethics_approval, status_in: [...]}  tests on one answer (status_in, mentions,
                                                has_evidence, repeats)
    {mentions: [...]}                          words anywhere in the card's text

This module holds the language: the card fields a rule may name, the condition and rule models,
and the check that a checklist's rules name items it has (:func:`unknown_items`).  Evaluating rules
on a card is :mod:`ethicard.findings`, which needs no pydantic.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Discriminator, Field, StrictBool, Tag, model_validator

from . import loader
from .errors import Path_, Problem
from .findings import DERIVED, FIELD_TESTS, tests
from .models import (
    About,
    CardBase,
    Ethics,
    Evaluation,
    Identifier,
    Labelling,
    NonEmpty,
    ProblemFormulation,
    _Strict,
)
from .records import AllOfForm, AnyOfForm, FieldConditionForm, ItemConditionForm, NotOfForm, RuleForm, TextConditionForm
from .vocabulary import KINDS, RULE_SOURCES, AnswerState, GapKind, Kind, RuleSource, either

# --- the card fields a rule can name ------------------------------------------------------

_TOP_LISTS = ("data_sources", "claims", "waivers")  # format-2 lists named as fields on their own
_BLOCKS = ("about", "evaluation", "labelling", "problem", "ethics")


def _block_model(block: str) -> Any:
    return {
        "about": About,
        "evaluation": Evaluation,
        "labelling": Labelling,
        "problem": ProblemFormulation,
        "ethics": Ethics,
    }.get(block)


def card_field_type(path: str) -> Any:
    """The annotation of a card field named ``about.<key>``, ``evaluation.<key>``, a format-2
    block's key (``labelling.methods``) or list (``data_sources``), or None."""
    if path in DERIVED:
        return DERIVED[path][0]
    if path in _TOP_LISTS:
        return CardBase.model_fields[path].annotation
    block, _, key = path.partition(".")
    model: Any = _block_model(block)
    if model is None or key not in model.model_fields:
        return None
    return model.model_fields[key].annotation


def card_fields() -> list[str]:
    fields = [f"{block}.{key}" for block in _BLOCKS for key in _block_model(block).model_fields]
    return [*fields, *_TOP_LISTS, *DERIVED]


def list_element_model(path: str) -> type[BaseModel] | None:
    """For a card field that holds a list of records (e.g. evaluation.downstream), the record's model."""
    annotation = card_field_type(path)
    args = getattr(annotation, "__args__", ())
    if getattr(annotation, "__origin__", None) is list and args and isinstance(args[0], type):
        element = args[0]
        return element if issubclass(element, BaseModel) else None
    return None


def _known_field(path: str) -> str:
    if card_field_type(path) is None:
        close = difflib.get_close_matches(path, card_fields(), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(card_fields())
        raise ValueError(f"unknown card field '{path}'; {hint}")
    return path


FieldPath = Annotated[str, AfterValidator(_known_field)]


# --- conditions --------------------------------------------------------------------------

Scalar = StrictBool | str  # the loader yields text or true/false; text compares with numbers as a number
TextPlace = Literal["about", "answers", "evaluation"]


class AllOf(AllOfForm, _Strict):
    """Holds when every condition in the list holds."""

    all_: Annotated[list[Condition], Field(min_length=1, alias="all")]


class AnyOf(AnyOfForm, _Strict):
    """Holds when at least one condition in the list holds."""

    any_: Annotated[list[Condition], Field(min_length=1, alias="any")]


class NotOf(NotOfForm, _Strict):
    """Holds when the condition does not."""

    not_: Condition = Field(alias="not")


class FieldCondition(FieldConditionForm, _Strict):
    """A test on one card field; give exactly one test."""

    field: FieldPath
    present: StrictBool | None = Field(None, description="the field is given (a list: not empty)")
    equals: Scalar | None = None
    in_: list[Scalar] | None = Field(None, alias="in", description="the field is one of these values")
    contains_any: list[Scalar] | None = Field(None, description="a list field holds one of these values")
    some: dict[Identifier, Scalar] | None = Field(None, description="a list of records has one with these values")
    each_has: list[Identifier] | None = Field(None, description="every record of a list gives these keys")

    @model_validator(mode="after")
    def _one_known_test(self) -> FieldCondition:
        given = [name for name in FIELD_TESTS if name in self.model_fields_set]  # the tests, defined below
        if len(given) != 1:
            raise ValueError("give exactly one test for a field: present, equals, in, contains_any, some or each_has")
        if given[0] in ("some", "each_has"):
            record = list_element_model(self.field)
            if record is None:
                raise ValueError(f"'{given[0]}' needs a field that holds a list of records; '{self.field}' does not")
            keys = list(self.some or {}) + list(self.each_has or [])
            unknown = [key for key in keys if key not in record.model_fields]
            if unknown:
                raise ValueError(
                    f"'{self.field}' records have no key '{unknown[0]}'; known: " + ", ".join(record.model_fields)
                )
        return self


_ITEM_TESTS = ("status_in", "mentions", "has_evidence", "repeats")


class ItemCondition(ItemConditionForm, _Strict):
    """A test on the answer to one checklist item; every test given must hold."""

    item: Identifier
    status_in: list[AnswerState] | None = None
    mentions: list[NonEmpty] | None = Field(None, description="the answer text contains one of these (any case)")
    has_evidence: StrictBool | None = None
    repeats: Identifier | None = Field(None, description="the answer repeats the answer to this other item")

    @model_validator(mode="after")
    def _some_test(self) -> ItemCondition:
        if not any(name in self.model_fields_set for name in _ITEM_TESTS):
            raise ValueError("give at least one test for an item: status_in, mentions, has_evidence or repeats")
        return self


class TextCondition(TextConditionForm, _Strict):
    """Holds when the card's text contains one of the words (any case)."""

    mentions: Annotated[list[NonEmpty], Field(min_length=1)]
    within: Annotated[list[TextPlace], Field(min_length=1)] = Field(["about", "answers", "evaluation"])
    except_items: list[Identifier] = Field([], description="answers not searched")


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return _TAGS.get(type(value))
    if isinstance(value, dict):
        for key in ("all", "any", "not", "field", "item", "mentions"):
            if key in value:
                return f"condition[{key}]"
    return None


# Each form's tag stands in pydantic's error locations; translate drops it (CONDITION_TAGS).
Condition = Annotated[
    Annotated[AllOf, Tag("condition[all]")]
    | Annotated[AnyOf, Tag("condition[any]")]
    | Annotated[NotOf, Tag("condition[not]")]
    | Annotated[FieldCondition, Tag("condition[field]")]
    | Annotated[ItemCondition, Tag("condition[item]")]
    | Annotated[TextCondition, Tag("condition[mentions]")],
    Discriminator(
        _condition_tag,
        custom_error_type="condition_form",
        custom_error_message="a condition is a mapping with one of the keys all, any, not, field, item or mentions",
    ),
]
_TAGS: dict[type, str] = {
    AllOf: "condition[all]",
    AnyOf: "condition[any]",
    NotOf: "condition[not]",
    FieldCondition: "condition[field]",
    ItemCondition: "condition[item]",
    TextCondition: "condition[mentions]",
}
CONDITION_TAGS = frozenset(_TAGS.values())


# --- rules ---------------------------------------------------------------------------------

# Checks of format-2 facts that the condition language cannot express (coverage of sources by
# approvals, declared against shown phases, claims pointing to rows); implemented in facts.py.
BuiltinCheck = Literal[
    "labelling_marks",
    "labelling_status_agrees",
    "release_labelled",
    "clinical_need_stated",
    "no_human_error_motivation",
    "base_model_adapted",
    "ethics_covers_private_sources",
    "ethics_covers_reader_studies",
    "memorisation_for_private_training",
    "privacy_evidence",
    "scope_declared",
    "scope_matches_evidence",
    "claims_backed",
    "significance_tested",
    "clinical_benefit_real_world",
]
BUILTIN_CHECKS: tuple[str, ...] = typing.get_args(BuiltinCheck)


class Rule(RuleForm, _Strict):
    """A cross-field check: when ``when`` holds, ``require`` must hold too, or the card shows a finding."""

    id: Identifier
    gap: GapKind | None = Field(None, description="the paper's gap kind this finding belongs to, if any")
    source: RuleSource = Field(description=f"{either(RULE_SOURCES)} (standards: brief/standards.md)")
    message: NonEmpty = Field(description="what is wrong and what to do, for a reader without a technical background")
    kinds: Annotated[list[Kind], Field(min_length=1)] = Field(list(KINDS))
    when: Condition | None = Field(None, description="when the rule applies to 'require' (always, when absent)")
    require: Condition | None = Field(None, description="what must hold; the only test for format-1 cards")
    check: BuiltinCheck | None = Field(
        None, description="a built-in check of format-2 facts, used instead of 'require' on format-2 cards"
    )

    @model_validator(mode="after")
    def _tested(self) -> Rule:
        if self.require is None and self.check is None:
            raise ValueError("a rule needs 'require' (a condition), 'check' (a built-in check), or both")
        return self


for _model in (AllOf, AnyOf, NotOf, Rule):
    _model.model_rebuild()


# --- rules name items that exist -----------------------------------------------------------


def unknown_items(document: loader.Document, rules: list[Rule], known: set[str], checklist: str) -> list[Problem]:
    """Rules that name an item the checklist does not have, each located at the name."""
    problems = []
    for i, rule in enumerate(rules):
        for part, condition in (("when", rule.when), ("require", rule.require)):
            for path, ident in _item_names(condition, ("rules", i, part)):
                if ident not in known:
                    close = difflib.get_close_matches(ident, sorted(known), n=1, cutoff=0.6)
                    problems.append(
                        document.problem(
                            path,
                            f"rule '{rule.id}' names item '{ident}', which checklist '{checklist}' does not have",
                            f"did you mean '{close[0]}'?" if close else "",
                        )
                    )
    return problems


def _item_names(condition: Condition | None, path: Path_) -> Iterator[tuple[Path_, str]]:
    """Every item a condition names, with where it stands in the file."""
    for where, test in tests(condition, path):
        if isinstance(test, ItemCondition):
            yield (*where, "item"), test.item
            if test.repeats is not None:
                yield (*where, "repeats"), test.repeats
        elif isinstance(test, TextCondition):
            for k, ident in enumerate(test.except_items):
                yield (*where, "except_items", k), ident
