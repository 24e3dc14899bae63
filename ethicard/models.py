"""The data model: the items a checklist asks (what is asked) and the card (what a researcher answers).

All are strict pydantic models: unknown keys are refused, choices are closed, and text is
never silently turned into something else.  The checklist as a whole, with its rules, is
:class:`ethicard.checklist.Checklist`; the rules' language is :mod:`ethicard.rules`; the card's
``answers`` block is built per checklist by :func:`ethicard.cards.card_model`, so each checklist
item is a known, documented key.
"""

from __future__ import annotations

import difflib
import re
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
    field_validator,
    model_validator,
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

CARD_FORMAT_VERSION = 1  # the JSON view's card_format key (see cardjson); not the card's own format
CARD_FORMATS = (1, 2)
# What card format 2 adds, as dotted card paths: a format-1 card that gives one is refused, the
# questionnaire page writes ``format: 2`` once one is filled.  And what format 2 replaces.
FORMAT_2_FIELDS = ("labelling", "problem", "data_sources", "ethics", "claims", "evaluation.scope")
FORMAT_1_FIELDS = ("about.training_data",)
LATEST_FORMAT = 2

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


def _url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError("must be an http://, https:// or mailto: address")
    return value


Url = Annotated[str, BeforeValidator(lambda v: _url(v) if isinstance(v, str) else v)]


class ChecklistRef(_Strict):
    """Which checklist, and which version of it, the card answers."""

    id: Identifier
    version: SemVer
    file: NonEmpty | None = Field(None, description="a checklist file, relative to the card (a venue's own checklist)")


def split_reference(text: str) -> tuple[str, str]:
    """The id and version a card's ``checklist: misyn@1.0.0`` names (the version "" without an '@')."""
    ident, _, version = text.partition("@")
    return ident, version


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
    evaluates: Literal["benchmark", "clinical problem"] | None = Field(
        None,
        description="benchmark: a downstream metric on a benchmark test set (still the model space); clinical "
        "problem: the clinical task itself, on medical images from the setting the need arises in "
        "(format 1: not given, read as benchmark)",
    )

    @property
    def clinical(self) -> bool:
        """Whether this result evaluates the clinical problem itself, on medical images."""
        return self.evaluates == "clinical problem" and self.test_set_medical


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


class ReaderStudy(_Strict):
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

    @property
    def clinical(self) -> bool:
        """Whether readers performed a clinical task (a realism rating is not the clinical problem)."""
        return self.task == "clinical task"


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


class Evaluation(_Strict):
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

    def phases(self) -> list[int]:
        """Evaluation phases with results (ethicard's reading of the paper's five phases).

        The model space (phase 1) holds every algorithm metric: distribution, paired and
        prompt-alignment metrics, memorisation checks, downstream metrics on benchmarks, and
        realism ratings by readers.  Phases 2 to 5 are the real-world problem space, where the
        clinical problem itself is evaluated (the December correction of the paper's reading).
        """
        present = {
            1: bool(
                self.distribution_metrics
                or self.paired_metrics
                or self.prompt_alignment
                or self.memorisation
                or any(not d.clinical for d in self.downstream)
                or any(not r.clinical for r in self.reader_studies)
            ),
            2: any(d.clinical for d in self.downstream),
            3: any(r.clinical for r in self.reader_studies),
            4: bool(self.prospective_studies),
            5: bool(self.monitoring),
        }
        return [phase for phase, found in present.items() if found]

    def furthest_phase(self) -> int:
        """The furthest phase with results (0: none)."""
        return max(self.phases(), default=0)


# --- format 2: the facts that decide gaps and rules, as structured fields -------------------

LabellingMethod = Literal[
    "file_metadata", "c2pa", "dicom_attributes", "nifti_header", "visible_mark", "file_naming", "sidecar", "none"
]
LABELLING_METHODS: tuple[str, ...] = typing.get_args(LabellingMethod)


class Labelling(_Strict):
    """How released synthetic images are marked as synthetic (shared with ``ethicard inspect``)."""

    methods: Annotated[list[LabellingMethod], Field(min_length=1)] = Field(
        description="file_metadata (PNG text, XMP with the IPTC digital source type), c2pa, dicom_attributes, "
        "nifti_header, visible_mark, file_naming, sidecar; or [none]"
    )
    coverage: Literal["all", "some", "none"] = Field(description="which released synthetic images carry the marks")
    carriers: str = Field("", description="what carries the marks, e.g. PNG iTXt + XMP; DICOM Conversion Type SYN")

    @model_validator(mode="after")
    def _none_alone(self) -> Labelling:
        if "none" in self.methods and len(self.methods) > 1:
            raise LocatedError("'none' cannot be listed with other methods", ("methods",))
        if (self.methods == ["none"]) != (self.coverage == "none"):
            raise LocatedError("coverage must be 'none' exactly when methods is [none]", ("coverage",))
        return self

    @property
    def marked(self) -> bool:
        return self.methods != ["none"] and self.coverage != "none"


Motivation = Literal["clinical need", "technical need", "technical novelty", "overcoming human error"]


class ClinicalNeed(_Strict):
    """The clinical need in named parts, so that a missing part is visible."""

    who: str = Field("", description="who has the need, e.g. emergency radiologists reading adult chest X-rays")
    task: str = Field("", description="the clinical task, e.g. detecting small pneumothorax")
    why_synthesis: str = Field("", description="why synthetic images serve the need where medical images do not")

    def missing(self) -> list[str]:
        return [key for key in ("who", "task", "why_synthesis") if not getattr(self, key).strip()]


class ProblemFormulation(_Strict):
    """What motivates the work: a clinical need, or a technical need, novelty, or beating clinicians."""

    motivation: Annotated[list[Motivation], Field(min_length=1)] = Field(
        description="clinical need | technical need (e.g. data scarcity, a large dataset) | technical novelty | "
        "overcoming human error (outperforming clinicians)"
    )
    clinical_need: ClinicalNeed = ClinicalNeed()


DataRole = Literal["train", "tune", "condition", "evaluate"]
GENERATOR_ROLES = ("train", "tune", "condition")


class DataSourceEntry(_Strict):
    """A source of medical images and the roles it played, so rules know what the generator saw."""

    name: NonEmpty
    access: Literal["public", "restricted", "private"]
    roles: Annotated[list[DataRole], Field(min_length=1)] = Field(
        description="train, tune, condition (the generator saw it) and/or evaluate (held out for testing)"
    )
    url: Url | None = Field(None, json_schema_extra=PERSONAL)
    description: str = ""

    @property
    def seen_by_generator(self) -> bool:
        return any(role in GENERATOR_ROLES for role in self.roles)


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


class Ethics(_Strict):
    approvals: list[EthicsApproval] = []
    exemptions: list[EthicsExemption] = []

    def covered(self) -> set[str]:
        entries: list[EthicsApproval | EthicsExemption] = [*self.approvals, *self.exemptions]
        return {name for entry in entries for name in entry.covers}


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


def result_row(card: CardBase, path: str) -> Any:
    """The evaluation row a claim points to (``evaluation.downstream[0]``), or None."""
    _, _, rest = path.partition(".")
    key, _, index = rest.partition("[")
    rows = getattr(card.evaluation, key, [])
    n = int(index.rstrip("]"))
    return rows[n] if n < len(rows) else None


class CardBase(_Strict):
    """Fields every card has; :func:`ethicard.cards.card_model` adds the checklist's ``answers``."""

    format: Annotated[int, Field(ge=1, le=2)] | None = Field(
        None, description="the card format: 2 (structured facts); leave out for format 1"
    )
    checklist: ChecklistRef
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

    @property
    def format_version(self) -> int:
        return self.format or 1

    @model_validator(mode="after")
    def _format_facts(self) -> CardBase:
        """Format-2 blocks need ``format: 2``; and what they point to must exist."""
        if self.format_version < 2:
            self._no_format_2_fields()
        else:
            self._format_2_complete()
            self._ethics_name_sources()
            self._claims_name_rows()
        return self

    def _no_format_2_fields(self) -> None:
        for dotted in FORMAT_2_FIELDS:
            *parents, key = dotted.split(".")
            owner: Any = self
            for parent in parents:
                owner = getattr(owner, parent)
            if getattr(owner, key):  # given and not empty (JSON output writes every key, as null or [])
                what = "block" if not parents else "field"
                message = f"'{key}' is a format-2 {what}; add 'format: 2' at the top of the card"
                raise LocatedError(message, (*parents, key))

    def _format_2_complete(self) -> None:
        """No format-1 field, and the keys format 1 leaves out given."""
        if self.about.training_data:
            raise LocatedError(
                "format 2 names medical image sources in data_sources, with roles (train, tune, condition, evaluate)",
                ("about", "training_data"),
            )
        for n, study in enumerate(self.evaluation.reader_studies):
            if study.task is None:
                raise LocatedError(
                    "missing 'task': realism, visual turing test or clinical task", ("evaluation", "reader_studies", n)
                )
        for n, row in enumerate(self.evaluation.downstream):
            if row.evaluates is None:
                raise LocatedError(
                    "missing 'evaluates': benchmark or clinical problem", ("evaluation", "downstream", n)
                )

    def _ethics_name_sources(self) -> None:
        """Every name an approval or exemption covers is a data source or a reader study."""
        if self.ethics is None:
            return
        names = {source.name for source in self.data_sources} | {
            study.name for study in self.evaluation.reader_studies if study.name
        }
        for group in ("approvals", "exemptions"):
            for n, entry in enumerate(getattr(self.ethics, group)):
                unknown = [(m, name) for m, name in enumerate(entry.covers) if name not in names]
                if unknown:
                    m, name = unknown[0]
                    close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
                    hint = f"did you mean '{close[0]}'?" if close else "name a data source or a reader study"
                    raise LocatedError(
                        f"'{name}' is neither a data source nor a reader study ({hint})",
                        ("ethics", group, n, "covers", m),
                    )

    def _claims_name_rows(self) -> None:
        for n, claim in enumerate(self.claims):
            for key in ("result", "test"):
                target = getattr(claim, key)
                if target is not None and result_row(self, target) is None:
                    raise LocatedError(f"'{target}' is not a row of this card", ("claims", n, key))

    @field_validator("checklist", mode="before")
    @classmethod
    def _checklist_ref_as_text(cls, value: Any) -> Any:
        """Accept ``checklist: misyn@1.0.0`` as well as the mapping form."""
        if isinstance(value, str) and "@" in value:
            ident, version = split_reference(value)
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
