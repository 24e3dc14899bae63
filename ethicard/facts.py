"""Built-in checks of a format-2 card's structured facts, named by the checklist's rules (``check:``).

The condition language of :mod:`ethicard.rules` tests one field at a time; these checks relate
facts to each other (which sources an approval covers, which phase the rows reach against the
declared one, which row a claim points to).  None of them reads free text: a gap or a finding
here rests on what the card states in structured fields, and on item statuses only where the
status is checked against those fields.  Each violation names the dotted card path it concerns,
so every output can point at it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from .frozen import frozen
from .records import result_row

if TYPE_CHECKING:
    from .models import CardBase, Claim
from .vocabulary import ADDRESSED, ANSWERED, UNANSWERED


@frozen
class Violation:
    """One fact that breaks a check: where it is (dotted path), in a few words, and the item concerned."""

    path: str
    detail: str
    item: str | None = None


Check = Callable[["CardBase", Mapping[str, str]], list[Violation]]


def _labelling(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    facts = card.labelling
    if facts is None:
        return [Violation("labelling", "labelling: not given")]
    if facts.methods == ["none"]:
        return [Violation("labelling.methods", "labelling.methods: none")]
    return []


def _labelling_status(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    facts, status = card.labelling, statuses.get("synthetic_image_labelling", UNANSWERED)
    item = "synthetic_image_labelling"
    if facts is None or status not in ANSWERED:
        return []
    if not facts.marked:
        return [Violation("labelling.methods", f"{item}: {status}, but labelling.methods: none", item)]
    if status == ADDRESSED and facts.coverage != "all":
        return [Violation("labelling.coverage", f"{item}: addressed, but labelling.coverage: {facts.coverage}", item)]
    return []


def _release_labelled(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    if card.about.release not in ("public", "on request"):
        return []
    facts = card.labelling
    if facts is None:
        return [Violation("labelling", f"about.release: {card.about.release}; labelling: not given")]
    if facts.coverage != "all":
        detail = f"about.release: {card.about.release}; labelling.coverage: {facts.coverage}"
        return [Violation("labelling.coverage", detail)]
    return []


def _clinical_need(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    problem = card.problem
    status = statuses.get("clinical_need", UNANSWERED)
    said = f" (clinical_need: {status})" if status in ANSWERED else ""
    if problem is None:
        return [Violation("problem", "problem: not given" + said)]
    found = []
    if "clinical need" not in problem.motivation:
        found.append(Violation("problem.motivation", "problem.motivation: " + ", ".join(problem.motivation) + said))
    for part in problem.clinical_need.missing():
        found.append(Violation(f"problem.clinical_need.{part}", f"problem.clinical_need.{part}: not given"))
    return found


def _human_error(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    if card.problem is not None and "overcoming human error" in card.problem.motivation:
        return [Violation("problem.motivation", "problem.motivation: overcoming human error")]
    return []


def _base_model(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    status = statuses.get("clinical_adaptation", UNANSWERED)
    if card.about.base_model and status not in ANSWERED:
        return [Violation("about.base_model", f"clinical_adaptation: {status}", "clinical_adaptation")]
    return []


def _covered(card: CardBase) -> set[str]:
    return card.ethics.covered() if card.ethics is not None else set()


def _private_sources(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    covered = _covered(card)
    return [
        Violation(f"data_sources[{n}]", f"data_sources[{n}] ({source.name}): private, not in ethics covers")
        for n, source in enumerate(card.data_sources)
        if source.access == "private" and source.name not in covered
    ]


def _reader_studies(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    covered = _covered(card)
    found = []
    for n, study in enumerate(card.evaluation.reader_studies):
        if not study.name:
            found.append(Violation(f"evaluation.reader_studies[{n}]", f"evaluation.reader_studies[{n}]: no name"))
        elif study.name not in covered:
            path = f"evaluation.reader_studies[{n}]"
            found.append(Violation(path, f"{path} ({study.name}): not in ethics covers"))
    return found


def _memorisation(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    if card.about.release not in ("public", "on request") or card.evaluation.memorisation:
        return []
    return [
        Violation(f"data_sources[{n}]", f"data_sources[{n}] ({source.name}): private, {'/'.join(source.roles)}")
        for n, source in enumerate(card.data_sources)
        if source.access == "private" and source.seen_by_generator
    ][:1]


def _privacy(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    found = []
    claimed = [n for n, claim in enumerate(card.claims) if claim.kind == "privacy"]
    if "privacy-preserving data sharing" in card.about.uses and not card.evaluation.memorisation:
        detail = "about.uses: privacy-preserving data sharing; evaluation.memorisation: none"
        found.append(Violation("about.uses", detail))
    for n in claimed:
        result = card.claims[n].result or ""
        if not result.startswith("evaluation.memorisation["):
            found.append(Violation(f"claims[{n}].result", f"claims[{n}] (privacy): result {result or 'not given'}"))
    return found


def _scope_declared(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    furthest = card.evaluation.furthest_phase()
    if furthest <= 1 and card.evaluation.scope is None:
        status = statuses.get("evaluation_scope_declaration", UNANSWERED)
        return [
            Violation(
                "evaluation.scope",
                f"furthest phase with results: {furthest or 'none'}; evaluation.scope: not given"
                + (f" (evaluation_scope_declaration: {status})" if status in ANSWERED else ""),
            )
        ]
    return []


def _scope_matches(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    scope, furthest = card.evaluation.scope, card.evaluation.furthest_phase()
    if scope is not None and scope.phase > furthest:
        return [
            Violation(
                "evaluation.scope.phase",
                f"evaluation.scope.phase: {scope.phase}; furthest phase with results: {furthest or 'none'}",
            )
        ]
    return []


def _claims_backed(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    return [
        Violation(f"claims[{n}].result", f"claims[{n}] ({_short(claim)}): no result")
        for n, claim in enumerate(card.claims)
        if claim.result is None
    ]


def _significance(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    return [
        Violation(f"claims[{n}].test", f"claims[{n}] ({_short(claim)}): significant, no test")
        for n, claim in enumerate(card.claims)
        if claim.significant and claim.test is None
    ]


def _real_world(card: CardBase, path: str) -> bool:
    """Whether the row a claim points to evaluates the clinical problem (phases 2 to 5)."""
    key = path.partition(".")[2].partition("[")[0]
    if key in ("prospective_studies", "monitoring"):
        return True
    row = result_row(card, path)
    return bool(getattr(row, "clinical", False))


def _clinical_benefit(card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    return [
        Violation(f"claims[{n}].result", f"claims[{n}] ({_short(claim)}): result {claim.result} is in the model space")
        for n, claim in enumerate(card.claims)
        if claim.kind == "clinical benefit" and claim.result is not None and not _real_world(card, claim.result)
    ]


def _short(claim: Claim) -> str:
    text = claim.claim.strip()
    return text if len(text) <= 40 else text[:37] + "..."


CHECKS: dict[str, Check] = {
    "labelling_marks": _labelling,
    "labelling_status_agrees": _labelling_status,
    "release_labelled": _release_labelled,
    "clinical_need_stated": _clinical_need,
    "no_human_error_motivation": _human_error,
    "base_model_adapted": _base_model,
    "ethics_covers_private_sources": _private_sources,
    "ethics_covers_reader_studies": _reader_studies,
    "memorisation_for_private_training": _memorisation,
    "privacy_evidence": _privacy,
    "scope_declared": _scope_declared,
    "scope_matches_evidence": _scope_matches,
    "claims_backed": _claims_backed,
    "significance_tested": _significance,
    "clinical_benefit_real_world": _clinical_benefit,
}


def run(name: str, card: CardBase, statuses: Mapping[str, str]) -> list[Violation]:
    """The violations of one built-in check on a format-2 card (empty: the card meets it)."""
    return CHECKS[name](card, statuses)
