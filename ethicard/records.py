"""What a card and a checklist do, defined once for both of the shapes they come in, without pydantic.

A card answering a bundled checklist is validated by pydantic-core's compiled validator alone
(:mod:`ethicard.compiled`), whose schema is generated from the pydantic models of
:mod:`ethicard.models` (:mod:`ethicard.precompile`) and makes instances of the plain classes made
here by :func:`record_class`; every other card, and every card with a problem, goes through the
pydantic models themselves.  So that the two shapes cannot drift apart, everything beyond storage
is defined here and shared: the checks a model makes beyond types (the validators, which the
generated schema calls too), the properties and methods readers use (``Evaluation.phases``,
``Labelling.marked`` ...) as mixins that the models inherit, the mixins by which the condition forms
of rules are told apart, the card-format facts the validators read, and :func:`dump`, the JSON view
of either shape.  Nothing here imports pydantic, so a command that meets only valid cards never does.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

# What card format 2 adds, as dotted card paths: a format-1 card that gives one is refused, the
# questionnaire page writes ``format: 2`` once one is filled.  And what format 2 replaces.
FORMAT_2_FIELDS = ("labelling", "problem", "data_sources", "ethics", "claims", "evaluation.scope")
FORMAT_1_FIELDS = ("about.training_data",)
CARD_FORMATS = (1, 2)
LATEST_FORMAT = 2
GENERATOR_ROLES = ("train", "tune", "condition")  # data source roles in which the generator saw the images
_URL = re.compile(r"^(https?://[^\s<>\"]+|mailto:[^\s<>\"]+)$")


class LocatedError(ValueError):
    """A check across a whole record that knows where in the data the fault is (``path``)."""

    def __init__(self, message: str, path: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.path = path


# --- the validators: checks beyond types, called by the models and by the generated schema ---


def one_or_many(value: Any) -> Any:
    """Let a single text stand for a list of one: ``evidence: Section 3`` reads naturally."""
    return [value] if isinstance(value, str) else value


def url(value: Any) -> Any:
    """An http://, https:// or mailto: address (anything but text is left to the type check)."""
    if isinstance(value, str) and not _URL.match(value):
        raise ValueError("must be an http://, https:// or mailto: address")
    return value


def split_reference(text: str) -> tuple[str, str]:
    """The id and version a card's ``checklist: misyn@1.0.0`` names (the version "" without an '@')."""
    ident, _, version = text.partition("@")
    return ident, version


def checklist_reference(value: Any) -> Any:
    """Accept ``checklist: misyn@1.0.0`` as well as the mapping form."""
    if isinstance(value, str) and "@" in value:
        ident, version = split_reference(value)
        return {"id": ident, "version": version}
    return value


def labelling_consistent(labelling: Any) -> Any:
    """``none`` stands alone among the methods, and exactly when the coverage is none."""
    if "none" in labelling.methods and len(labelling.methods) > 1:
        raise LocatedError("'none' cannot be listed with other methods", ("methods",))
    if (labelling.methods == ["none"]) != (labelling.coverage == "none"):
        raise LocatedError("coverage must be 'none' exactly when methods is [none]", ("coverage",))
    return labelling


def card_facts_consistent(card: Any) -> Any:
    """Format-2 blocks need ``format: 2``; and what they point to must exist."""
    if card.format_version < 2:
        _no_format_2_fields(card)
    else:
        _format_2_complete(card)
        _ethics_name_sources(card)
        _claims_name_rows(card)
    return card


def _no_format_2_fields(card: Any) -> None:
    for dotted in FORMAT_2_FIELDS:
        *parents, key = dotted.split(".")
        owner: Any = card
        for parent in parents:
            owner = getattr(owner, parent)
        if getattr(owner, key):  # given and not empty (JSON output writes every key, as null or [])
            what = "block" if not parents else "field"
            message = f"'{key}' is a format-2 {what}; add 'format: 2' at the top of the card"
            raise LocatedError(message, (*parents, key))


def _format_2_complete(card: Any) -> None:
    """No format-1 field, and the keys format 1 leaves out given."""
    if card.about.training_data:
        raise LocatedError(
            "format 2 names medical image sources in data_sources, with roles (train, tune, condition, evaluate)",
            ("about", "training_data"),
        )
    for n, study in enumerate(card.evaluation.reader_studies):
        if study.task is None:
            raise LocatedError(
                "missing 'task': realism, visual turing test or clinical task", ("evaluation", "reader_studies", n)
            )
    for n, row in enumerate(card.evaluation.downstream):
        if row.evaluates is None:
            raise LocatedError("missing 'evaluates': benchmark or clinical problem", ("evaluation", "downstream", n))


def _ethics_name_sources(card: Any) -> None:
    """Every name an approval or exemption covers is a data source or a reader study."""
    if card.ethics is None:
        return
    names = {source.name for source in card.data_sources} | {
        study.name for study in card.evaluation.reader_studies if study.name
    }
    for group in ("approvals", "exemptions"):
        for n, entry in enumerate(getattr(card.ethics, group)):
            unknown = [(m, name) for m, name in enumerate(entry.covers) if name not in names]
            if unknown:
                m, name = unknown[0]
                close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "name a data source or a reader study"
                raise LocatedError(
                    f"'{name}' is neither a data source nor a reader study ({hint})", ("ethics", group, n, "covers", m)
                )


def _claims_name_rows(card: Any) -> None:
    for n, claim in enumerate(card.claims):
        for key in ("result", "test"):
            target = getattr(claim, key)
            if target is not None and result_row(card, target) is None:
                raise LocatedError(f"'{target}' is not a row of this card", ("claims", n, key))


def result_row(card: Any, path: str) -> Any:
    """The evaluation row a claim points to (``evaluation.downstream[0]``), or None."""
    _, _, rest = path.partition(".")
    key, _, index = rest.partition("[")
    rows = getattr(card.evaluation, key, [])
    n = int(index.rstrip("]"))
    return rows[n] if n < len(rows) else None


# --- behaviour both shapes have: mixins the models inherit, and the records too ----------------
# Each declares, for the type checker only, the fields its methods read; the models declare them
# for real (as pydantic fields), the records receive them from the validator.


class DownstreamEvaluationBehaviour:
    __slots__ = ()
    if TYPE_CHECKING:
        evaluates: str | None
        test_set_medical: bool

    @property
    def clinical(self) -> bool:
        """Whether this result evaluates the clinical problem itself, on medical images."""
        return self.evaluates == "clinical problem" and self.test_set_medical


class ReaderStudyBehaviour:
    __slots__ = ()
    if TYPE_CHECKING:
        task: str | None

    @property
    def clinical(self) -> bool:
        """Whether readers performed a clinical task (a realism rating is not the clinical problem)."""
        return self.task == "clinical task"


class EvaluationBehaviour:
    __slots__ = ()
    if TYPE_CHECKING:
        distribution_metrics: Sequence[Any]
        paired_metrics: Sequence[Any]
        prompt_alignment: Sequence[Any]
        memorisation: Sequence[Any]
        downstream: Sequence[DownstreamEvaluationBehaviour]
        reader_studies: Sequence[ReaderStudyBehaviour]
        prospective_studies: Sequence[str]
        monitoring: Sequence[str]

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


class LabellingBehaviour:
    __slots__ = ()
    if TYPE_CHECKING:
        methods: Sequence[str]
        coverage: str

    @property
    def marked(self) -> bool:
        return self.methods != ["none"] and self.coverage != "none"


class ClinicalNeedBehaviour:
    __slots__ = ()

    def missing(self) -> list[str]:
        return [key for key in ("who", "task", "why_synthesis") if not getattr(self, key).strip()]


class DataSourceEntryBehaviour:
    __slots__ = ()
    if TYPE_CHECKING:
        roles: Sequence[str]

    @property
    def seen_by_generator(self) -> bool:
        return any(role in GENERATOR_ROLES for role in self.roles)


class EthicsBehaviour:
    __slots__ = ()
    if TYPE_CHECKING:
        approvals: Sequence[Any]
        exemptions: Sequence[Any]

    def covered(self) -> set[str]:
        return {name for entry in [*self.approvals, *self.exemptions] for name in entry.covers}


class CardBehaviour:
    __slots__ = ()
    if TYPE_CHECKING:
        format: int | None

    @property
    def format_version(self) -> int:
        return self.format or 1

    def answer(self, item_id: str) -> Any:
        """The answer to one item, or None."""
        answers = getattr(self, "answers")  # noqa: B009 - added per checklist by card_model
        # Field values live in each record's __dict__; looking there avoids pydantic's slow path
        # for attributes a section does not have (43 items x 6 sections per assessed card).
        for section in vars(answers).values():
            found = vars(section).get(item_id)
            if found is not None:
                return found
        return None


class ChecklistBehaviour:
    __slots__ = ()
    if TYPE_CHECKING:
        sections: Sequence[Any]

    def items(self) -> list[tuple[Any, Any]]:
        return [(section, item) for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Any:
        for _, item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)


# The forms a rule's condition takes, told apart by these mixins in either shape; each declares,
# for the type checker only, the fields evaluation (findings.py) reads.  rules.py has the models.
class AllOfForm:
    __slots__ = ()
    if TYPE_CHECKING:
        all_: Sequence[Condition]


class AnyOfForm:
    __slots__ = ()
    if TYPE_CHECKING:
        any_: Sequence[Condition]


class NotOfForm:
    __slots__ = ()
    if TYPE_CHECKING:
        not_: Condition


class FieldConditionForm:
    __slots__ = ()
    if TYPE_CHECKING:
        field: str
        present: bool | None
        equals: bool | str | None
        in_: Sequence[bool | str] | None
        contains_any: Sequence[bool | str] | None
        some: Mapping[str, bool | str] | None
        each_has: Sequence[str] | None

        @property
        def model_fields_set(self) -> set[str]: ...


class ItemConditionForm:
    __slots__ = ()
    if TYPE_CHECKING:
        item: str
        status_in: Sequence[str] | None
        mentions: Sequence[str] | None
        has_evidence: bool | None
        repeats: str | None


class TextConditionForm:
    __slots__ = ()
    if TYPE_CHECKING:
        mentions: Sequence[str]
        within: Sequence[str]
        except_items: Sequence[str]


class RuleForm:
    """A rule, in either shape (the model is rules.Rule)."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        gap: str | None
        source: str
        message: str
        kinds: Sequence[str]
        when: Condition | None
        require: Condition | None
        check: str | None


if TYPE_CHECKING:
    Condition = AllOfForm | AnyOfForm | NotOfForm | FieldConditionForm | ItemConditionForm | TextConditionForm


# --- the plain records ------------------------------------------------------------------------


class Structured:
    """Either shape of a record: a pydantic model of :mod:`ethicard.models`, or a plain :class:`Record`."""

    __slots__ = ()


class Record(Structured):
    """A validated record made by pydantic-core's compiled validator: its fields in ``__dict__``,
    the slots pydantic-core fills beside them, and nothing else."""

    __slots__ = ("__dict__", "__pydantic_extra__", "__pydantic_fields_set__", "__pydantic_private__")
    if TYPE_CHECKING:
        __pydantic_fields_set__: set[str]

    @property
    def model_fields_set(self) -> set[str]:
        """The fields the data gave (not filled by a default), as on a pydantic model."""
        return self.__pydantic_fields_set__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


_BEHAVIOUR: dict[str, type] = {
    "DownstreamEvaluation": DownstreamEvaluationBehaviour,
    "ReaderStudy": ReaderStudyBehaviour,
    "Evaluation": EvaluationBehaviour,
    "Labelling": LabellingBehaviour,
    "ClinicalNeed": ClinicalNeedBehaviour,
    "DataSourceEntry": DataSourceEntryBehaviour,
    "Ethics": EthicsBehaviour,
    "Card": CardBehaviour,
    "Checklist": ChecklistBehaviour,
    "AllOf": AllOfForm,
    "AnyOf": AnyOfForm,
    "NotOf": NotOfForm,
    "FieldCondition": FieldConditionForm,
    "ItemCondition": ItemConditionForm,
    "TextCondition": TextConditionForm,
    "Rule": RuleForm,
}


@functools.cache
def record_class(name: str) -> type[Record]:
    """The plain record class standing for the model called ``name``, with its behaviour, if any.
    A card also keeps the document it was read from (``_source``), for locating what is found."""
    behaviour = _BEHAVIOUR.get(name)
    bases: tuple[type, ...] = (behaviour, Record) if behaviour is not None else (Record,)
    return type(name, bases, {"__slots__": ("_source",) if name == "Card" else (), "__module__": __name__})


def record(name: str, fields: Mapping[str, Any], given: Sequence[str] = ()) -> Record:
    """A record of class ``name`` holding ``fields``; ``given`` are the fields its data gave."""
    made = object.__new__(record_class(name))
    object.__setattr__(made, "__dict__", dict(fields))
    object.__setattr__(made, "__pydantic_fields_set__", set(given))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def dump(value: Any) -> Any:
    """A model or record as JSON data (a pydantic model's ``model_dump(mode="json")``): mappings
    in field order, lists, and the plain values the fields hold."""
    if isinstance(value, Record):
        return {key: dump(part) for key, part in vars(value).items()}
    dumper = getattr(value, "model_dump", None)
    if dumper is not None:
        return dumper(mode="json")
    if isinstance(value, list | tuple):
        return [dump(part) for part in value]
    if isinstance(value, dict):
        return {key: dump(part) for key, part in value.items()}
    return value
