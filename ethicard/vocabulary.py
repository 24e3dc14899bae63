"""ethicard's closed vocabularies, each spelled once: the models' choices, the command line's
choices, the JSON Schema's enums and patterns, the skeleton and the views all read them here.

Each vocabulary is a ``Literal`` type (for pydantic and mypy) and the tuple of its values in
their order (``typing.get_args``), so the two cannot drift apart.  Only the standard library is
imported: the command line reads this module before it parses its arguments.
"""

from __future__ import annotations

import typing
from typing import Literal

# --- answers ------------------------------------------------------------------------------

# What an answer's ``status:`` says: the question is answered fully, partly, not, or does not apply.
Status = Literal["addressed", "partial", "not addressed", "not applicable"]
STATUSES: tuple[Status, ...] = typing.get_args(Status)
ADDRESSED, PARTIAL, NOT_ADDRESSED, NOT_APPLICABLE = STATUSES
# A status, or "unanswered": no answer, or an answer whose status is left empty.
AnswerState = Literal[Status, "unanswered"]
ANSWER_STATES: tuple[AnswerState, ...] = typing.get_args(AnswerState)
UNANSWERED = ANSWER_STATES[-1]
# The statuses that say the card answers the item (and so need answer text).
ANSWERED: tuple[Status, ...] = (ADDRESSED, PARTIAL)
# How each answer state reads to a person, in every output.
STATUS_LABELS: dict[str, str] = {state: state.capitalize() for state in ANSWER_STATES}
# The mark shown beside each answer state, by output format (text formats show the label only).
STATUS_MARKS: dict[str, dict[str, str]] = {
    "md": dict(zip(ANSWER_STATES, ("✅", "🟡", "❌", "➖", "⚠️"), strict=True)),  # noqa: RUF001
    "html": dict(zip(ANSWER_STATES, ("✔", "◐", "✘", "⊘", "⚠"), strict=True)),
}


def either(values: tuple[str, ...]) -> str:
    """Choices as a person reads them in a description: 'a, b or c'."""
    return " or ".join(filter(None, (", ".join(values[:-1]), values[-1])))


def status_class(state: str) -> str:
    """An answer state as a CSS class name part: 'not addressed' -> 'not-addressed'."""
    return state.replace(" ", "-")


# --- the checklist --------------------------------------------------------------------------

# What a card describes; an item asks about some of these.
Kind = Literal["model", "dataset", "method"]
KINDS: tuple[Kind, ...] = typing.get_args(Kind)
# How strongly the checklist asks an item.
Level = Literal["required", "recommended"]
LEVELS: tuple[Level, ...] = typing.get_args(Level)
# Where an item comes from: the paper, its companion material, or derived from them by ethicard.
Source = Literal["paper", "companion", "derived"]
SOURCES: tuple[Source, ...] = typing.get_args(Source)
# Where a rule comes from: as an item, or from the technical standards (brief/standards.md).
RuleSource = Literal[Source, "standards"]
RULE_SOURCES: tuple[RuleSource, ...] = typing.get_args(RuleSource)
# The paper's six kinds of gap found in published MISyn work: (title, explanation) of each.
GapKind = Literal["labelling", "refusal", "problem_formulation", "reporting", "model_space_only", "limits"]
GAP_IDS: tuple[GapKind, ...] = typing.get_args(GapKind)
GAP_KINDS: dict[str, tuple[str, str]] = dict(
    zip(
        GAP_IDS,
        (
            (
                "No labelling of synthetic images",
                "Synthetic images are not marked as synthetic, so they can pass for medical images.",
            ),
            (
                "No way to question or refuse the MISyn",
                "Stakeholders and the public are given no route to question the MISyn or to refuse it.",
            ),
            (
                "Problem formulated from technical need or novelty",
                "The work is motivated by a technical need or novelty rather than a clinical need, "
                "and assumes it transfers to the clinic.",
            ),
            (
                "Weak reporting",
                "Benefits without results, 'significant' without a test, one-sided results, "
                "or no ethics-approval statement.",
            ),
            (
                "Evaluation only in the model space, undeclared",
                "The card shows no evaluation beyond algorithm metrics (the model space), and does not say so.",
            ),
            (
                "Intrinsic limits and side effects not assessed",
                "The intrinsic limits of synthetic images or the side effects of the work are not assessed; "
                "design limitations alone are not enough.",
            ),
        ),
        strict=True,
    )
)

# --- image files -------------------------------------------------------------------------------

# What 'inspect' reads in an image file: a marker that agrees with its carriers, marked on some
# expected carriers only (or with no marker pointing to a card), marks that disagree, or no mark.
ImageState = Literal["marked", "partial", "inconsistent", "unmarked"]
IMAGE_STATES: tuple[ImageState, ...] = typing.get_args(ImageState)
# The states counted in inspect's outputs: those, and the files that could not be read.
IMAGE_OUTCOMES = (*IMAGE_STATES, "error")

# --- other schemes ----------------------------------------------------------------------------

# The reporting schemes a crosswalk maps to (checklists/crosswalks/<scheme>.yaml).
SchemeId = Literal["claim2024", "mi-claim-gen", "neurips", "hf-modelcard"]
SCHEMES: tuple[SchemeId, ...] = typing.get_args(SchemeId)
# An item's reference to a scheme item: '<scheme>:<id>'.
CROSS_REF_PATTERN = r"^(" + "|".join(SCHEMES) + r"):[A-Za-z0-9_.-]+$"

# --- outputs ------------------------------------------------------------------------------------

# The formats 'render' writes (rendering.FORMATS registers each; named here for a fast --help).
RENDER_FORMATS = ("md", "html", "pdf", "tex", "json", "hf", "croissant")
# The outputs of 'check' (reporters.REPORTERS registers each; named here so that other commands
# do not load the reporters).
CHECK_FORMATS = ("text", "json", "csv", "github", "sarif")
# The outputs of commands that report to a person, a program or a pull request (crosswalk, diff).
REPORT_FORMATS = ("text", "json", "md")
# What 'stamp' says made an image: the model generated it, or edited a medical image.
STAMP_SOURCES = ("generated", "edited")
