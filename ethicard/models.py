"""The data model: the checklist (what is asked) and the card (what a researcher answers).

Both are strict pydantic models: unknown keys are refused, choices are closed, and text is
never silently turned into something else.  The card's ``answers`` block is built per
checklist by :func:`card_model`, so each checklist item is a known, documented key.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StringConstraints,
    Tag,
    create_model,
    field_validator,
    model_validator,
)

CARD_FORMAT_VERSION = 1

Kind = Literal["model", "dataset", "method"]
KINDS: tuple[str, ...] = ("model", "dataset", "method")
Level = Literal["required", "recommended"]
Source = Literal["paper", "companion", "derived"]
RuleSource = Literal["paper", "companion", "derived", "standards"]
Status = Literal["addressed", "partial", "not addressed", "not applicable"]
STATUSES: tuple[str, ...] = ("addressed", "partial", "not addressed", "not applicable")
GapKind = Literal["labelling", "refusal", "problem_formulation", "reporting", "model_space_only", "limits"]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
SemVer = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]


def _not_a_pydantic_name(value: str) -> str:
    """Section and item ids become the field names of each card's model (see card_model), so
    none may be a name pydantic's models already have (``model_config``, ``json``, ``copy``...)."""
    if value.startswith("model_") or hasattr(BaseModel, value):
        raise ValueError(f"'{value}' cannot be a section or item id: the card's model uses that name itself")
    return value


FieldId = Annotated[Identifier, AfterValidator(_not_a_pydantic_name)]
CrossRef = Annotated[str, StringConstraints(pattern=r"^(claim2024|mi-claim-gen|neurips|hf-modelcard):[A-Za-z0-9_.-]+$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=False)]
_URL = re.compile(r"^(https?://[^\s<>\"]+|mailto:[^\s<>\"]+)$")


def _one_or_many(value: Any) -> Any:
    """Let a single text stand for a list of one: ``evidence: Section 3`` reads naturally."""
    return [value] if isinstance(value, str) else value


TextList = Annotated[list[NonEmpty], BeforeValidator(_one_or_many)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # JSON has no NaN or Infinity


class LocatedError(ValueError):
    """A check across a whole model that knows where in the data the fault is (``path``)."""

    def __init__(self, message: str, path: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.path = path


# --- the checklist ------------------------------------------------------------------------


class Item(_Strict):
    """One question of the checklist."""

    id: FieldId
    question: NonEmpty
    guidance: NonEmpty
    level: Level
    kinds: Annotated[list[Kind], Field(min_length=1)]
    source: Source
    gaps: list[GapKind] = []
    crosswalk: list[CrossRef] = []
    topic: str = Field(
        "",
        description="what the item asks, as the end of 'The card does not say ...', for plain-language gap reasons",
    )


class Section(_Strict):
    id: FieldId
    title: NonEmpty
    intro: str = ""
    items: Annotated[list[Item], Field(min_length=1)]


class IntrinsicLimit(_Strict):
    """One of the paper's three limits that no technical progress removes."""

    id: Identifier
    title: NonEmpty
    statement: NonEmpty
    item: Identifier


# --- rules: cross-field checks declared as data ------------------------------------------
#
# A rule fires when its ``when`` condition holds (always, when absent) and its ``require``
# condition does not.  Conditions are a tiny closed language, never evaluated as code:
#   {all: [...]}  {any: [...]}  {not: ...}
#   {field: about.uses, contains_any: [...]}   tests on a card field (present, equals, in,
#                                               contains_any, some, each_has)
#   {item: ethics_approval, status_in: [...]}  tests on one answer (status_in, mentions,
#                                               has_evidence, repeats)
#   {mentions: [...]}                          words anywhere in the card's text

Scalar = StrictBool | str  # the loader yields text or true/false; text compares with numbers as a number
AnswerState = Literal["addressed", "partial", "not addressed", "not applicable", "unanswered"]
TextPlace = Literal["about", "answers", "evaluation"]
DERIVED_FIELDS = ("evaluation.phases",)


def card_field_type(path: str) -> Any:
    """The annotation of a card field named ``about.<key>`` or ``evaluation.<key>``, or None."""
    if path == "evaluation.phases":
        return list[int]
    block, _, key = path.partition(".")
    model: Any = {"about": About, "evaluation": Evaluation}.get(block)
    if model is None or key not in model.model_fields:
        return None
    return model.model_fields[key].annotation


def card_fields() -> list[str]:
    return [f"about.{key}" for key in About.model_fields] + [
        *(f"evaluation.{key}" for key in Evaluation.model_fields),
        *DERIVED_FIELDS,
    ]


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


class AllOf(_Strict):
    """Holds when every condition in the list holds."""

    all_: Annotated[list[Condition], Field(min_length=1, alias="all")]


class AnyOf(_Strict):
    """Holds when at least one condition in the list holds."""

    any_: Annotated[list[Condition], Field(min_length=1, alias="any")]


class NotOf(_Strict):
    """Holds when the condition does not."""

    not_: Condition = Field(alias="not")


_FIELD_TESTS = ("present", "equals", "in_", "contains_any", "some", "each_has")


class FieldCondition(_Strict):
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
        given = [name for name in _FIELD_TESTS if name in self.model_fields_set]
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


class ItemCondition(_Strict):
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


class TextCondition(_Strict):
    """Holds when the card's text contains one of the words (any case)."""

    mentions: Annotated[list[NonEmpty], Field(min_length=1)]
    within: Annotated[list[TextPlace], Field(min_length=1)] = ["about", "answers", "evaluation"]
    except_items: list[Identifier] = Field([], description="answers not searched")


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return _TAGS.get(type(value))
    if isinstance(value, dict):
        for key in ("all", "any", "not", "field", "item", "mentions"):
            if key in value:
                return f"condition[{key}]"
    return None


# Tags contain '[' so that validate.py drops them from error locations.
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


class Rule(_Strict):
    """A cross-field check: when ``when`` holds, ``require`` must hold too, or the card shows a finding."""

    id: Identifier
    gap: GapKind | None = Field(None, description="the paper's gap kind this finding belongs to, if any")
    source: RuleSource = Field(description="paper, companion, derived, or standards (brief/standards.md)")
    message: NonEmpty = Field(description="what is wrong and what to do, for a reader without a technical background")
    kinds: Annotated[list[Kind], Field(min_length=1)] = ["model", "dataset", "method"]
    when: Condition | None = None
    require: Condition


for _model in (AllOf, AnyOf, NotOf, Rule):
    _model.model_rebuild()


class Checklist(_Strict):
    """A versioned questionnaire: sections of items, each traced to its source, and its rules."""

    id: Identifier
    version: SemVer
    title: NonEmpty
    description: str = ""
    reference: str = ""
    extends: ChecklistRef | None = Field(None, description="set by ethicard when this checklist extends another")
    intrinsic_limits: list[IntrinsicLimit] = []
    sections: Annotated[list[Section], Field(min_length=1)]
    rules: list[Rule] = []

    @model_validator(mode="after")
    def _ids_unique_and_linked(self) -> Checklist:
        seen: set[str] = set()
        for s, section in enumerate(self.sections):
            places: list[tuple[str, tuple[str | int, ...]]] = [(section.id, ("sections", s, "id"))]
            places += [(item.id, ("sections", s, "items", i, "id")) for i, item in enumerate(section.items)]
            for ident, path in places:
                if ident in seen:
                    raise LocatedError(f"id '{ident}' is used twice; ids must be unique", path)
                seen.add(ident)
        for n, limit in enumerate(self.intrinsic_limits):
            if limit.item not in seen:
                raise LocatedError(
                    f"intrinsic limit '{limit.id}' names item '{limit.item}', which does not exist",
                    ("intrinsic_limits", n, "item"),
                )
        first_rule: dict[str, int] = {}
        for n, rule in enumerate(self.rules):
            if rule.id in first_rule:
                raise LocatedError(f"rule id '{rule.id}' is used twice; rule ids must be unique", ("rules", n, "id"))
            first_rule[rule.id] = n
        return self

    def items(self) -> list[tuple[Section, Item]]:
        return [(section, item) for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item:
        for _, item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)


class SectionExtension(_Strict):
    """New items for a section of the base checklist, or a new section (which needs a title)."""

    id: FieldId
    title: NonEmpty | None = None
    intro: str | None = None
    items: Annotated[list[Item], Field(min_length=1)]


class ChecklistExtension(_Strict):
    """A checklist that adds to a bundled one: its own id and version, more items, more rules."""

    extends: Identifier = Field(description="the bundled checklist this one adds to, e.g. misyn")
    id: Identifier
    version: SemVer
    title: NonEmpty | None = None
    description: str = ""
    reference: str = ""
    sections: list[SectionExtension] = []
    rules: list[Rule] = []


# --- the card -----------------------------------------------------------------------------


def _url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError("must be an http://, https:// or mailto: address")
    return value


Url = Annotated[str, BeforeValidator(lambda v: _url(v) if isinstance(v, str) else v)]


class ChecklistRef(_Strict):
    """Which checklist, and which version of it, the card answers."""

    id: Identifier
    version: SemVer


class DataSource(_Strict):
    """Medical images the MISyn was trained or evaluated on."""

    name: NonEmpty
    access: Literal["public", "restricted", "private"]
    url: Url | None = None
    description: str = ""


class About(_Strict):
    """What the card describes."""

    kind: Kind = Field(description="model, dataset or method")
    name: NonEmpty
    version: str | None = None
    task: str = Field("", description="e.g. unconditional generation, image-to-image translation, super-resolution")
    modality: str = Field("", description="e.g. chest X-ray, brain MRI (T1-weighted), dermoscopy")
    intended_uses: TextList = []
    out_of_scope_uses: TextList = []
    uses: list[
        Literal[
            "data augmentation",
            "downstream model training",
            "privacy-preserving data sharing",
            "simulation",
            "education",
            "research",
            "other",
        ]
    ] = Field([], description="what the synthetic images are for, as closed categories")
    release: Literal["public", "on request", "internal", "none"] | None = None
    license: str | None = None
    base_model: str | None = None
    training_data: list[DataSource] = []
    authors: TextList = []
    contact: str | None = None
    links: dict[str, Url] = {}


class Answer(_Strict):
    """A researcher's answer to one checklist item."""

    status: Status | None = Field(None, description="addressed, partial, not addressed or not applicable")
    answer: str = Field("", description="Markdown text")
    evidence: TextList = Field([], description="where in the paper or repository, or URLs")


Count = Annotated[int, Field(ge=1)]
PValueBound = Annotated[str, StringConstraints(pattern=r"^(<|<=|≤)\s*(0?\.\d+|\d(\.\d+)?e-\d+)$")]


class DistributionMetric(_Strict):
    """A metric comparing the distributions of synthetic images and medical images (FID, KID, ...)."""

    metric: NonEmpty
    value: float | None = None
    feature_extractor: str | None = Field(None, description="network and weights, e.g. Inception-v3 (ImageNet)")
    n_medical: Count | None = Field(None, description="number of medical images compared")
    n_synthetic: Count | None = Field(None, description="number of synthetic images compared")
    uncertainty: str | None = Field(None, description="spread over repeats or confidence interval, e.g. ± 0.4 (SD)")
    resolution: str | None = None
    dimensionality: Literal["2D", "3D"] | None = None
    repeats: Count | None = None


class PairedMetric(_Strict):
    """A metric comparing each synthetic image with its reference medical image (PSNR, SSIM, ...)."""

    metric: NonEmpty
    value: float | None = None
    intensity_normalisation: str | None = None
    data_range: str | None = None
    background: str | None = Field(None, description="how background voxels were handled")


class DownstreamEvaluation(_Strict):
    """Utility of synthetic images for a downstream task, measured on medical images."""

    task: NonEmpty
    design: Literal["train on synthetic, test on medical", "augmentation", "other"]
    test_set: NonEmpty = Field(description="the held-out test set of medical images")
    test_set_medical: StrictBool = Field(description="true when the test set holds only medical images")
    external: StrictBool | None = None
    result: NonEmpty
    uncertainty: str | None = Field(None, description="confidence interval of the result, e.g. 95% CI 0.004 to 0.018")
    baseline: str | None = None


class MemorisationCheck(_Strict):
    """How copies of training medical images among the synthetic images were looked for."""

    method: Literal[
        "nearest neighbour", "copy detection", "re-identification", "membership inference", "differential privacy"
    ]
    embedding: str | None = None
    threshold: float | None = None
    fraction_flagged: Annotated[float, Field(ge=0, le=1)] | None = None
    epsilon: float | None = None
    result: str = ""


class ReaderStudy(_Strict):
    """Experts judging synthetic images (visual Turing test or clinical correctness)."""

    readers: Count
    experience: str = ""
    blinded: StrictBool | None = None
    prevalence: str | None = Field(None, description="share of synthetic images shown")
    accuracy: float | None = None
    agreement: float | None = Field(None, description="inter-reader agreement, e.g. Cohen's kappa")
    result: str = ""


class SubgroupResult(_Strict):
    attribute: NonEmpty = Field(description="e.g. sex, age band, site, scanner, disease severity")
    result: NonEmpty


class StatisticalTest(_Strict):
    claim: NonEmpty
    test: NonEmpty
    p_value: Annotated[float, Field(ge=0, le=1)] | PValueBound | None = Field(
        None, description="a number, or a bound such as '< 0.001'"
    )
    correction: str | None = None


class Evaluation(_Strict):
    """Structured evaluation results: the parameters that make each number meaningful."""

    distribution_metrics: list[DistributionMetric] = []
    paired_metrics: list[PairedMetric] = []
    downstream: list[DownstreamEvaluation] = []
    reader_studies: list[ReaderStudy] = []
    prospective_studies: TextList = Field([], description="phase 4: prospective or clinical-workflow studies")
    monitoring: TextList = Field([], description="phase 5: post-deployment monitoring")
    memorisation: list[MemorisationCheck] = []
    subgroups: list[SubgroupResult] = []
    statistical_tests: list[StatisticalTest] = []

    def phases(self) -> list[int]:
        """Evaluation phases with results (ethicard's reading of the paper's five phases)."""
        present = {
            1: bool(self.distribution_metrics or self.paired_metrics),
            2: any(d.test_set_medical for d in self.downstream),
            3: bool(self.reader_studies),
            4: bool(self.prospective_studies),
            5: bool(self.monitoring),
        }
        return [phase for phase, found in present.items() if found]


class CardBase(_Strict):
    """Fields every card has; :func:`card_model` adds the checklist's ``answers``."""

    checklist: ChecklistRef
    about: About
    evaluation: Evaluation = Evaluation()

    @field_validator("checklist", mode="before")
    @classmethod
    def _checklist_ref_as_text(cls, value: Any) -> Any:
        """Accept ``checklist: misyn@1.0.0`` as well as the mapping form."""
        if isinstance(value, str) and "@" in value:
            ident, _, version = value.partition("@")
            return {"id": ident, "version": version}
        return value

    def answer(self, item_id: str) -> Answer | None:
        answers: BaseModel = getattr(self, "answers")  # noqa: B009 - added per checklist by card_model
        # Field values live in each model's __dict__; looking there avoids pydantic's slow path
        # for attributes a section does not have (43 items x 6 sections per assessed card).
        for section in vars(answers).values():
            found: Answer | None = vars(section).get(item_id)
            if found is not None:
                return found
        return None


_MODELS: dict[int, tuple[Checklist, type[CardBase]]] = {}
_MODELS_KEPT = 8


def card_model(checklist: Checklist) -> type[CardBase]:
    """The card model for one checklist: ``answers.<section>.<item>`` for each item.

    Built once per checklist object (building takes milliseconds; validating a card, microseconds).
    The cache holds the checklist itself, so its ``id`` cannot be reused by another checklist while
    cached, and keeps only the last few, so memory does not grow with the checklists seen.
    """
    cached = _MODELS.get(id(checklist))
    if cached is not None and cached[0] is checklist:
        return cached[1]
    section_fields: dict[str, Any] = {}
    for section in checklist.sections:
        item_fields: dict[str, Any] = {
            item.id: (Answer | None, Field(None, title=item.question, description=item.guidance))
            for item in section.items
        }
        section_model = create_model(f"Answers_{section.id}", __base__=_Strict, __doc__=section.title, **item_fields)
        section_fields[section.id] = (section_model, Field(default_factory=section_model, title=section.title))
    answers_model = create_model(
        "Answers", __base__=_Strict, __doc__="Answers by checklist section and item.", **section_fields
    )
    model: type[CardBase] = create_model(
        "Card",
        __base__=CardBase,
        __doc__=f"A disclosure card answering {checklist.id} {checklist.version}.",
        answers=(answers_model, Field(default_factory=answers_model)),
    )
    if len(_MODELS) >= _MODELS_KEPT:
        del _MODELS[next(iter(_MODELS))]
    _MODELS[id(checklist)] = (checklist, model)
    return model


Checklist.model_rebuild()
