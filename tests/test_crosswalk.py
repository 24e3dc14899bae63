"""`ethicard crosswalk`: which items of CLAIM 2024, MI-CLAIM-GEN, NeurIPS or a Hugging Face model
card a card's answers cover; golden files for the example card."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from cards import drop, full_card, write
from conftest import DATA, EXAMPLE, ROOT, Ethicard, Golden

SCHEMES = ["claim2024", "mi-claim-gen", "neurips", "hf-modelcard"]
GOLDEN = DATA / "crosswalk"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_example_card_crosswalk_matches_golden(ethicard: Ethicard, golden: Golden, tmp_path: Path, scheme: str) -> None:
    shutil.copy(EXAMPLE, tmp_path / "card.yaml")
    result = ethicard("crosswalk", "card.yaml", "--to", scheme)
    assert result.code == 0, result.err
    golden(result.out, GOLDEN / f"cxr-ldm.{scheme}.txt")


def test_minimal_card_crosswalk_json_matches_golden(ethicard: Ethicard, golden: Golden, tmp_path: Path) -> None:
    shutil.copy(DATA / "minimal.yaml", tmp_path / "card.yaml")
    result = ethicard("crosswalk", "card.yaml", "--to", "claim2024", "--format", "json")
    assert result.code == 0, result.err
    golden(result.out, GOLDEN / "minimal.claim2024.json")
    data = json.loads(result.out)
    assert data["counts"] == {"covered": 0, "partly covered": 0, "remaining": 13}  # minimal answers no CLAIM item
    assert {item["state"] for item in data["items"]} == {"remaining"}


def test_every_crosswalk_reference_of_misyn_is_listed_in_its_scheme() -> None:
    from ethicard import load_checklist

    listed = {}
    for scheme in SCHEMES:
        data = yaml.safe_load((ROOT / "checklists" / "crosswalks" / f"{scheme}.yaml").read_text(encoding="utf-8"))
        assert data["scheme"] == scheme
        listed[scheme] = {str(item["id"]) for item in data["items"]}
    for _, item in load_checklist("misyn").items():
        for ref in item.crosswalk:
            scheme, _, ident = ref.partition(":")
            assert ident in listed[scheme], f"{item.id}: {ref}"


def test_command_line_offers_exactly_the_bundled_schemes(ethicard: Ethicard) -> None:
    from ethicard import vocabulary

    files = sorted(p.stem for p in (ROOT / "checklists" / "crosswalks").glob("*.yaml"))
    assert sorted(vocabulary.SCHEMES) == files
    result = ethicard("crosswalk", EXAMPLE, "--to", "tripod")
    assert result.code == 2
    offered = result.err.partition("choose from")[2]
    assert sorted(scheme for scheme in files if f"'{scheme}'" in offered) == files, result.err


def _row(ethicard: Ethicard, tmp_path: Path, card: dict, ident: str) -> dict:  # type: ignore[type-arg]
    write(tmp_path, card)
    result = ethicard("crosswalk", "card.yaml", "--to", "claim2024", "--format", "json")
    assert result.code == 0, result.err
    return next(item for item in json.loads(result.out)["items"] if item["id"] == ident)


def test_scheme_item_covered_only_when_every_mapped_answer_covers_it(ethicard: Ethicard, tmp_path: Path) -> None:
    assert _row(ethicard, tmp_path, full_card(), "36")["state"] == "covered"
    partly = _row(ethicard, tmp_path, drop(full_card(), "subgroup_analysis"), "36")
    assert partly["state"] == "partly covered"
    assert partly["by"] == [
        {"item": "training_data_representativeness", "status": "addressed"},
        {"item": "subgroup_analysis", "status": "unanswered"},
    ]
    both = drop(drop(full_card(), "subgroup_analysis"), "training_data_representativeness")
    assert _row(ethicard, tmp_path, both, "36")["state"] == "remaining"


def test_scheme_item_no_checklist_item_asks_for_stays_remaining(ethicard: Ethicard, tmp_path: Path) -> None:
    row = _row(ethicard, tmp_path, full_card(), "9")
    assert (row["state"], row["by"], row["note"]) == ("remaining", [], "no misyn item asks for it")


def test_a_partial_answer_makes_a_scheme_item_partly_covered_never_covered(ethicard: Ethicard, tmp_path: Path) -> None:
    card = full_card()
    card["answers"]["evaluation"]["subgroup_analysis"]["status"] = "partial"
    row = _row(ethicard, tmp_path, card, "36")
    assert row["state"] == "partly covered"
    assert {"item": "subgroup_analysis", "status": "partial"} in row["by"]
    for section in card["answers"].values():
        for answer in section.values():
            answer["status"] = "partial"
    write(tmp_path, card)
    result = ethicard("crosswalk", "card.yaml", "--to", "claim2024", "--format", "json")
    counts = json.loads(result.out)["counts"]
    assert counts["covered"] == 0 and counts["partly covered"] > 0, counts


def test_markdown_crosswalk_carries_the_answers_and_evidence(
    ethicard: Ethicard, golden: Golden, tmp_path: Path
) -> None:
    shutil.copy(EXAMPLE, tmp_path / "card.yaml")
    result = ethicard("crosswalk", "card.yaml", "--to", "neurips", "--format", "md", "-o", "neurips.md")
    assert result.code == 0, result.err
    text = (tmp_path / "neurips.md").read_text(encoding="utf-8")
    golden(text, GOLDEN / "cxr-ldm.neurips.md")
    card = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    ethics = card["answers"]["evaluation"]["ethics_approval"]
    assert "## 15: " in text and "(ethics_approval: addressed)" in text
    assert " ".join(ethics["answer"].split()[:6]) in " ".join(text.split())
    assert ethicard("crosswalk", "card.yaml", "--to", "neurips", "--format", "md", "-o", "card.yaml").code == 2


def test_markdown_crosswalk_cannot_be_restructured_by_an_answer(ethicard: Ethicard, tmp_path: Path) -> None:
    card = full_card()
    card["answers"]["evaluation"]["ethics_approval"]["answer"] = "# Heading\n<script>x</script>\n---\n[a](javascript:x)"
    write(tmp_path, card)
    result = ethicard("crosswalk", "card.yaml", "--to", "neurips", "--format", "md")
    assert result.code == 0, result.err
    assert "\n# Heading" not in result.out and "<script>" not in result.out and "\n---" not in result.out
    assert "\\[a\\](javascript:x)" in result.out  # shown as text, never a link
