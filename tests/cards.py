"""Cards built in code for the assessment tests: a complete card that shows none of the paper's
six gaps, and small changes that make one gap or one rule appear."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

# Answers that read like real ones where a rule looks at the words.
_TEXTS = {
    "evaluation_scope_declaration": "We evaluated with distribution metrics, a downstream task and a reader study.",
    "design_limitations": "Only 2D slices at 256x256 pixels from one site; a single downstream architecture.",
    "intrinsic_limit_grounding": "A synthetic image records no patient's anatomy, so it is no evidence of disease.",
    "intrinsic_limit_representation": "Rare presentations such as small lesions are lost or distorted by the model.",
    "intrinsic_limit_distribution_shift": "Synthetic images shift texture and lesion sizes away from medical images.",
}


def checklist_items(kind: str = "model") -> list[tuple[str, str]]:
    """(section id, item id) of every misyn item asked of ``kind``."""
    from ethicard import load_checklist

    return [(section.id, item.id) for section, item in load_checklist("misyn").items() if kind in item.kinds]


def full_card(kind: str = "model") -> dict[str, Any]:
    """A card that answers every item, with evidence, and shows none of the six gaps."""
    from ethicard import load_checklist

    answers: dict[str, dict[str, Any]] = {}
    for section, item in checklist_items(kind):
        answers.setdefault(section, {})[item] = {
            "status": "addressed",
            "answer": _TEXTS.get(item, f"Our answer about {item.replace('_', ' ')}."),
            "evidence": ["Paper, Section 2"],
        }
    return {
        "checklist": {"id": "misyn", "version": load_checklist("misyn").version},
        "about": {"kind": kind, "name": "Test MISyn", "uses": ["research"], "release": "none"},
        "answers": answers,
    }


FID_ROW = {"metric": "FID", "value": 12.0, "feature_extractor": "Inception-v3", "n_medical": 500, "n_synthetic": 500}


def full_card_2(kind: str = "model") -> dict[str, Any]:
    """A format-2 card that states every fact and answers every item, and shows none of the six gaps."""
    card = full_card(kind)
    card = {"format": 2, **card, "checklist": {"id": "misyn", "version": "1.2.0"}}
    card["labelling"] = {"methods": ["file_metadata"], "coverage": "all", "carriers": "PNG iTXt chunk"}
    card["problem"] = {
        "motivation": ["clinical need"],
        "clinical_need": {
            "who": "Emergency radiologists reading adult chest X-rays",
            "task": "Detecting small pneumothorax",
            "why_synthesis": "Small pneumothorax is rare in the archive and cannot be collected at scale.",
        },
    }
    card["data_sources"] = [{"name": "Public archive", "access": "public", "roles": ["train", "evaluate"]}]
    card["evaluation"] = {
        "scope": {"phase": 1, "statement": "Evaluated in the model space only.", "where": "Abstract"},
        "distribution_metrics": [dict(FID_ROW)],
    }
    return card


def with_block(card: dict[str, Any], **blocks: Any) -> dict[str, Any]:
    """A copy of ``card`` with top-level blocks replaced (None removes one)."""
    changed = copy.deepcopy(card)
    for key, value in blocks.items():
        if value is None:
            changed.pop(key, None)
        else:
            changed[key] = value
    return changed


def answer(card: dict[str, Any], item: str, **fields: Any) -> dict[str, Any]:
    """A copy of ``card`` whose answer to ``item`` has ``fields`` changed (None removes a field)."""
    changed = copy.deepcopy(card)
    for section in changed["answers"].values():
        if item in section:
            for key, value in fields.items():
                if value is None:
                    section[item].pop(key, None)
                else:
                    section[item][key] = value
            return changed
    raise KeyError(item)


def drop(card: dict[str, Any], item: str) -> dict[str, Any]:
    """A copy of ``card`` without an answer to ``item``."""
    changed = copy.deepcopy(card)
    for section in changed["answers"].values():
        section.pop(item, None)
    return changed


def with_about(card: dict[str, Any], **fields: Any) -> dict[str, Any]:
    changed = copy.deepcopy(card)
    changed["about"].update(fields)
    return changed


def with_evaluation(card: dict[str, Any], **blocks: Any) -> dict[str, Any]:
    changed = copy.deepcopy(card)
    changed.setdefault("evaluation", {}).update(blocks)
    return changed


def write(folder: Path, card: dict[str, Any], name: str = "card.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(card, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def report(folder: Path, card: dict[str, Any], checklist: str | None = None):  # type: ignore[no-untyped-def]
    """The assessment of ``card`` through the public Python API."""
    from ethicard import load_card, load_checklist
    from ethicard.assessment import assess  # 'from ethicard import assess' can yield the module: see the report

    loaded, used = load_card(write(folder, card), load_checklist(checklist) if checklist else None)
    return assess(loaded, used)


def gaps_shown(folder: Path, card: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Gap kind -> reasons, for the gaps the card shows."""
    return {gap.kind: gap.reasons for gap in report(folder, card).gaps if gap.found}


def fired(folder: Path, card: dict[str, Any]) -> set[str]:
    """Ids of the rules the card does not meet."""
    return {finding.rule for finding in report(folder, card).findings}
