"""The data model: the items a checklist asks (what is asked) and the card (what a researcher answers).

All are strict pydantic models: unknown keys are refused, choices are closed, and text is
never silently turned into something else.  The checklist as a whole, with its rules, is
:class:`ethicard.checklist.Checklist`; the rules' language is :mod:`ethicard.rules`; the card's
``answers`` block is built per checklist by :func:`ethicard.cards.card_model`, so each checklist
item is a known, documented key.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StringConstraints,
    model_validator,
)

from .records import (
    CARD_FORMATS,
    FORMAT_1_FIELDS,
    FORMAT_2_FIELDS,
    LATEST_FORMAT,
    CardBehaviour,
    ClinicalNeedBehaviour,
    DataSourceEntryBehaviour,
    DownstreamEvaluationBehaviour,
    EthicsBehaviour,
    EvaluationBehaviour,
    LabellingBehaviour,
    LocatedError,
    ReaderStudyBehaviour,
    Structured,
    card_facts_consistent,
    checklist_reference,
    labelling_consistent,
    one_or_many,
    url,
)
from .vocabulary import (
    CROSS_REF_PATTERN,
    KINDS,
    STATUSES,
    GapKind,
    Kind,
    Level,
    Source,
    Status,
    either,
)

__all__ = ["CARD_FORMATS", "FORMAT_1_FIELDS", "FORMAT_2_FIELDS", "LATEST_FORMAT", "LocatedError"]

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
SemVer = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]


def _not_a_pydantic_name(value: str) -> str:
    """Section and item ids become the field names of each card's model (see card_model), so
    none may be a name pydantic's models already have (``model_config``, ``json``, ``copy``...)."""
    if value.startswith("model_") or hasattr(BaseModel, value):
        raise ValueError(f"'{value}' cannot be a section or item id: the card's model uses that name itself")
    return value


FieldId = Annotated[Identifier, AfterValidator(_not_a_pydantic_name)]
CrossRef = Annotated[str, StringConstraints(pattern=CROSS_REF_PATTERN)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=False)]
# Marks a card field that can tell who wrote the card: `render --anonymous` replaces it (anonymise.py).
PERSONAL: dict[str, Any] = {"personal": True}
TextList = Annotated[list[NonEmpty], BeforeValidator(one_or_many)]


class _Strict(Structured, BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # JSON has no NaN or Infinity


# --- the checklist ------------------------------------------------------------------------


Audience = Literal["developers", "stakeholders", "reviewers", "regulators"]


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
    audience: list[Audience] = Field(
        [], description="who the item serves: developers (during development) or oversight (stakeholders, ...)"
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


# --- the card -----------------------------------------------------------------------------


Url = Annotated[str, BeforeValidator(url)]


class ChecklistRef(_Strict):
    """Which checklist, and which version of it, the card answers."""

    id: Identifier
    version: SemVer
    file: NonEmpty | None = Field(None, description="a checklist file, relative to the card (a venue's own checklist)")


class DataSource(_Strict):
    """Medical images the MISyn was trained or evaluated on."""

    name: NonEmpty
    access: Literal["public", "restricted", "private"]
    url: Url | None = Field(None, json_schema_extra=PERSONAL)
    description: str = ""


class About(_Strict):
    """What the card describes."""

    kind: Kind = Field(description=either(KINDS))
    name: NonEmpty = Field(description="the model's, dataset's or method's name")
    version: str | None = Field(None, description="e.g. 1.0.0")
    task: str = Field(
        "",
        description="e.g. unconditional generation, image-to-image translation, super-resolution, text-to-image",
    )
    modality: str = Field("", description="e.g. chest X-ray, brain MRI (T1-weighted), dermoscopy")
    intended_uses: TextList = Field([], description="what the synthetic images are for, one '- use' per line")
    out_of_scope_uses: TextList = Field([], description="uses you advise against")
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
    license: str | None = Field(None, description="e.g. CC-BY-NC-4.0")
    base_model: str | None = Field(
        None, description="the model this one was fine-tuned from, if any", json_schema_extra=PERSONAL
    )
    training_data: list[DataSource] = []
    authors: TextList = Field([], description="one '- name' per line", json_schema_extra=PERSONAL)
    contact: str | None = Field(
        None, description="where concerns and questions go (e-mail or URL)", json_schema_extra=PERSONAL
    )
    links: dict[str, Url] = Field(
        {}, description="e.g. {paper: https://..., code: https://...}", json_schema_extra=PERSONAL
    )


class Answer(_Strict):
    """A researcher's answer to one checklist item."""

    status: Status | None = Field(None, description=either(STATUSES))
    answer: str = Field("", description="Markdown text")
    evidence: TextList = Field([], description="where in the paper or repository, or URLs")
    missing: str = Field("", description="for a partial answer: what is still missing")
    review: Literal["required"] | None = Field(
        None,
        description="set by 'ethicard migrate' when the question changed: check the answer, then delete this line; "
        "until then the answer counts as partial",
    )


class RetiredAnswer(Answer):
    """An answer to an item a later checklist version removed, kept by ``ethicard migrate``."""

    retired_in: SemVer = Field(description="the checklist version that no longer asks the question")
    question: str = Field("", description="the question as it was asked")


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


class DownstreamEvaluation(DownstreamEvaluationBehaviour, _Strict):
    """Utility of synthetic images for a downstream task, measured on medical images."""

    task: NonEmpty
    design: Literal["train on synthetic, test on medical", "augmentation", "other"]
    test_set: NonEmpty = Field(description="the held-out test set of medical images")
    test_set_medical: StrictBool = Field(description="true when the test set holds only medical images")
    external: StrictBool | None = None
    result: NonEmpty
    uncertainty: str | None = Field(None, description="confidence interval of the result, e.g. 95% CI 0.004 to 0.018")
    baseline: str | None = None
    evaluates: Literal["benchmark", "clinical problem"] | None = Field(
        None,
        description="benchmark: a downstream metric on a benchmark test set (still the model space); clinical "
        "problem: the clinical task itself, on medical images from the setting the need arises in "
        "(format 1: not given, read as benchmark)",
    )


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


ReaderTask = Literal["realism", "visual turing test", "clinical task"]


class ReaderStudy(ReaderStudyBehaviour, _Strict):
    """Experts judging synthetic images: their realism (a visual Turing test) or a clinical task.

    Only a clinical task reaches the real-world problem space: anatomically wrong images can look
    real, so a realism rating says nothing about the clinical problem.
    """

    name: str = Field("", description="a short name, so that ethics.approvals[].covers can name the study")
    task: ReaderTask | None = Field(
        None, description="realism | visual turing test | clinical task (format 1: not given, read as realism)"
    )
    readers: Count
    experience: str = ""
    blinded: StrictBool | None = None
    prevalence: str | None = Field(None, description="share of synthetic images shown")
    accuracy: float | None = None
    agreement: float | None = Field(None, description="inter-reader agreement, e.g. Cohen's kappa")
    result: str = ""


class PromptAlignmentMetric(_Strict):
    """How well synthetic images match the text prompts they were made from (CLIP score, ...)."""

    metric: NonEmpty = Field(description="e.g. CLIP score, BLIP-2 image-text matching")
    value: float | None = None
    model: str | None = Field(None, description="the image-text model and its weights, e.g. CLIP ViT-L/14 (OpenAI)")
    n_prompts: Count | None = Field(None, description="number of prompts scored")
    n_synthetic: Count | None = Field(None, description="number of synthetic images scored")
    prompts: str | None = Field(None, description="where the prompts came from, e.g. held-out radiology reports")


Phase = Annotated[int, Field(ge=1, le=5)]


class EvaluationScope(_Strict):
    """The declared reach of the evaluation: the furthest phase, and where the paper says so."""

    phase: Phase = Field(description="the furthest phase reached: 1 model space only, 2 to 5 real-world problem space")
    statement: NonEmpty = Field(description="the scope sentence, e.g. 'evaluated in the model space only'")
    where: NonEmpty = Field(description="where the paper says so, e.g. Abstract; Section 5.2")


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


class Evaluation(EvaluationBehaviour, _Strict):
    """Structured evaluation results: the parameters that make each number meaningful."""

    scope: EvaluationScope | None = Field(None, description="format 2: the declared evaluation scope")
    distribution_metrics: list[DistributionMetric] = []
    paired_metrics: list[PairedMetric] = []
    prompt_alignment: list[PromptAlignmentMetric] = []
    downstream: list[DownstreamEvaluation] = []
    reader_studies: list[ReaderStudy] = []
    prospective_studies: TextList = Field([], description="phase 4: prospective or clinical-workflow studies")
    monitoring: TextList = Field([], description="phase 5: post-deployment monitoring")
    memorisation: list[MemorisationCheck] = []
    subgroups: list[SubgroupResult] = []
    statistical_tests: list[StatisticalTest] = []


# --- format 2: the facts that decide gaps and rules, as structured fields -------------------

LabellingMethod = Literal[
    "file_metadata", "c2pa", "dicom_attributes", "nifti_header", "visible_mark", "file_naming", "sidecar", "none"
]
LABELLING_METHODS: tuple[str, ...] = typing.get_args(LabellingMethod)


class Labelling(LabellingBehaviour, _Strict):
    """How released synthetic images are marked as synthetic (shared with ``ethicard inspect``)."""

    methods: Annotated[list[LabellingMethod], Field(min_length=1)] = Field(
        description="file_metadata (PNG text, XMP with the IPTC digital source type), c2pa, dicom_attributes, "
        "nifti_header, visible_mark, file_naming, sidecar; or [none]"
    )
    coverage: Literal["all", "some", "none"] = Field(description="which released synthetic images carry the marks")
    carriers: str = Field("", description="what carries the marks, e.g. PNG iTXt + XMP; DICOM Conversion Type SYN")

    _consistent = model_validator(mode="after")(labelling_consistent)


Motivation = Literal["clinical need", "technical need", "technical novelty", "overcoming human error"]


class ClinicalNeed(ClinicalNeedBehaviour, _Strict):
    """The clinical need in named parts, so that a missing part is visible."""

    who: str = Field("", description="who has the need, e.g. emergency radiologists reading adult chest X-rays")
    task: str = Field("", description="the clinical task, e.g. detecting small pneumothorax")
    why_synthesis: str = Field("", description="why synthetic images serve the need where medical images do not")


class ProblemFormulation(_Strict):
    """What motivates the work: a clinical need, or a technical need, novelty, or beating clinicians."""

    motivation: Annotated[list[Motivation], Field(min_length=1)] = Field(
        description="clinical need | technical need (e.g. data scarcity, a large dataset) | technical novelty | "
        "overcoming human error (outperforming clinicians)"
    )
    clinical_need: ClinicalNeed = ClinicalNeed()


DataRole = Literal["train", "tune", "condition", "evaluate"]


class DataSourceEntry(DataSourceEntryBehaviour, _Strict):
    """A source of medical images and the roles it played, so rules know what the generator saw."""

    name: NonEmpty
    access: Literal["public", "restricted", "private"]
    roles: Annotated[list[DataRole], Field(min_length=1)] = Field(
        description="train, tune, condition (the generator saw it) and/or evaluate (held out for testing)"
    )
    url: Url | None = Field(None, json_schema_extra=PERSONAL)
    description: str = ""


class EthicsApproval(_Strict):
    """One research ethics approval and what it covers."""

    board: NonEmpty = Field(json_schema_extra=PERSONAL)
    id: NonEmpty = Field(description="the approval or protocol number", json_schema_extra=PERSONAL)
    covers: Annotated[list[NonEmpty], Field(min_length=1)] = Field(
        description="names of the data_sources and evaluation.reader_studies it covers"
    )


class EthicsExemption(_Strict):
    """Why no approval was needed for the sources or studies named."""

    reason: NonEmpty
    covers: Annotated[list[NonEmpty], Field(min_length=1)]


class Ethics(EthicsBehaviour, _Strict):
    approvals: list[EthicsApproval] = []
    exemptions: list[EthicsExemption] = []


ResultPath = Annotated[
    str,
    StringConstraints(
        pattern=r"^evaluation\.(distribution_metrics|paired_metrics|prompt_alignment|downstream|reader_studies|"
        r"memorisation|subgroups|prospective_studies|monitoring)\[\d+\]$"
    ),
]
TestPath = Annotated[str, StringConstraints(pattern=r"^evaluation\.statistical_tests\[\d+\]$")]
REAL_WORLD_ROWS = ("prospective_studies", "monitoring")


class Claim(_Strict):
    """A benefit the work claims, and the result behind it."""

    claim: NonEmpty
    kind: Literal["benefit", "clinical benefit", "privacy"] = Field(
        "benefit",
        description="benefit | clinical benefit (needs a real-world result) | privacy (needs a memorisation check)",
    )
    result: ResultPath | None = Field(None, description="the row behind it, e.g. evaluation.downstream[0]")
    significant: StrictBool = Field(False, description="the claim speaks of a significant difference")
    test: TestPath | None = Field(
        None, description="the test behind a significance claim, evaluation.statistical_tests[0]"
    )


class Waiver(_Strict):
    """An answer to a rule finding or an advisory note: why it does not apply to this work."""

    rule: Identifier = Field(description="the id of the rule or note answered")
    reason: NonEmpty


class CardBase(CardBehaviour, _Strict):
    """Fields every card has; :func:`ethicard.cards.card_model` adds the checklist's ``answers``."""

    format: Annotated[int, Field(ge=1, le=2)] | None = Field(
        None, description="the card format: 2 (structured facts); leave out for format 1"
    )
    checklist: Annotated[ChecklistRef, BeforeValidator(checklist_reference)]
    about: About
    labelling: Labelling | None = Field(None, description="format 2: how synthetic images are marked")
    problem: ProblemFormulation | None = Field(None, description="format 2: what motivates the work")
    data_sources: list[DataSourceEntry] = Field([], description="format 2: medical image sources and their roles")
    ethics: Ethics | None = Field(None, description="format 2: ethics approvals and exemptions")
    evaluation: Evaluation = Evaluation()
    retired: dict[Identifier, RetiredAnswer] = Field(
        {}, description="answers to questions the checklist no longer asks (kept by 'ethicard migrate')"
    )
    claims: list[Claim] = Field([], description="format 2: claimed benefits and the results behind them")
    waivers: list[Waiver] = Field([], description="answers to rule findings or notes (not to gaps)")
    _source: Any = PrivateAttr(None)  # the loader.Document the card was read from, for locations

    _facts_consistent = model_validator(mode="after")(card_facts_consistent)
