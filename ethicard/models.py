"""The data model: the checklist (what is asked) and the card (what a researcher answers).

Both are strict pydantic models: unknown keys are refused, choices are closed, and text is
never silently turned into something else.  The card's ``answers`` block is built per
checklist by :func:`card_model`, so each checklist item is a known, documented key.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    create_model,
    field_validator,
    model_validator,
)

CARD_FORMAT_VERSION = 1

Kind = Literal["model", "dataset", "method"]
KINDS: tuple[str, ...] = ("model", "dataset", "method")
Level = Literal["required", "recommended"]
Source = Literal["paper", "companion", "derived"]
Status = Literal["addressed", "partial", "not addressed", "not applicable"]
STATUSES: tuple[str, ...] = ("addressed", "partial", "not addressed", "not applicable")
GapKind = Literal["labelling", "refusal", "problem_formulation", "reporting", "model_space_only", "limits"]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
SemVer = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
CrossRef = Annotated[str, StringConstraints(pattern=r"^(claim2024|mi-claim-gen|neurips|hf-modelcard):[A-Za-z0-9_.-]+$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=False)]
_URL = re.compile(r"^(https?://[^\s<>\"]+|mailto:[^\s<>\"]+)$")


def _one_or_many(value: Any) -> Any:
    """Let a single text stand for a list of one: ``evidence: Section 3`` reads naturally."""
    return [value] if isinstance(value, str) else value


TextList = Annotated[list[NonEmpty], BeforeValidator(_one_or_many)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # JSON has no NaN or Infinity


# --- the checklist ------------------------------------------------------------------------


class Item(_Strict):
    """One question of the checklist."""

    id: Identifier
    question: NonEmpty
    guidance: NonEmpty
    level: Level
    kinds: Annotated[list[Kind], Field(min_length=1)]
    source: Source
    gaps: list[GapKind] = []
    crosswalk: list[CrossRef] = []


class Section(_Strict):
    id: Identifier
    title: NonEmpty
    intro: str = ""
    items: Annotated[list[Item], Field(min_length=1)]


class IntrinsicLimit(_Strict):
    """One of the paper's three limits that no technical progress removes."""

    id: Identifier
    title: NonEmpty
    statement: NonEmpty
    item: Identifier


class Checklist(_Strict):
    """A versioned questionnaire: sections of items, each traced to its source."""

    id: Identifier
    version: SemVer
    title: NonEmpty
    description: str = ""
    reference: str = ""
    intrinsic_limits: list[IntrinsicLimit] = []
    sections: Annotated[list[Section], Field(min_length=1)]

    @model_validator(mode="after")
    def _ids_unique_and_linked(self) -> Checklist:
        seen: set[str] = set()
        for section in self.sections:
            for ident in (section.id, *(item.id for item in section.items)):
                if ident in seen:
                    raise ValueError(f"id '{ident}' is used twice; ids must be unique")
                seen.add(ident)
        for limit in self.intrinsic_limits:
            if limit.item not in seen:
                raise ValueError(f"intrinsic limit '{limit.id}' names item '{limit.item}', which does not exist")
        return self

    def items(self) -> list[tuple[Section, Item]]:
        return [(section, item) for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item:
        for _, item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)


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
        for section in type(answers).model_fields:
            found: Answer | None = getattr(getattr(answers, section), item_id, None)
            if found is not None:
                return found
        return None


_MODELS: dict[tuple[str, str, int], type[CardBase]] = {}


def card_model(checklist: Checklist) -> type[CardBase]:
    """The card model for one checklist: ``answers.<section>.<item>`` for each item."""
    cache_key = (checklist.id, checklist.version, id(checklist))
    if cache_key in _MODELS:
        return _MODELS[cache_key]
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
    _MODELS[cache_key] = model
    return model
