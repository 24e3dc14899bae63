"""The paper's six gaps: for each, a card that shows it and one that does not; completeness rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cards import (
    answer,
    checklist_items,
    drop,
    full_card,
    gaps_shown,
    report,
    with_about,
    with_evaluation,
    write,
)
from conftest import DATA, EXAMPLE, Ethicard

SIX = ["labelling", "refusal", "problem_formulation", "reporting", "model_space_only", "limits"]
FID_ONLY = {
    "distribution_metrics": [
        {"metric": "FID", "value": 12.1, "feature_extractor": "Inception-v3", "n_medical": 500, "n_synthetic": 500}
    ]
}


def _phase_1_only(card: dict) -> dict:  # type: ignore[type-arg]
    card = with_evaluation(card, **FID_ONLY)
    for item in (
        "phase_2_downstream_utility",
        "phase_3_reader_study",
        "phase_4_clinical_workflow",
        "phase_5_post_deployment_monitoring",
    ):
        card = answer(card, item, status="not addressed", answer="Not done.")
    return card


def test_the_report_has_exactly_the_papers_six_gap_kinds_and_a_complete_card_shows_none(tmp_path: Path) -> None:
    result = report(tmp_path, full_card())
    assert [gap.kind for gap in result.gaps] == SIX
    assert [gap for gap in result.gaps if gap.found] == []
    assert result.findings == ()
    assert result.score == 100.0


@pytest.mark.parametrize("kind", ["model", "dataset", "method"])
def test_the_example_and_complete_cards_of_every_kind_show_no_gap(tmp_path: Path, kind: str) -> None:
    assert gaps_shown(tmp_path, full_card(kind)) == {}


def test_the_example_card_shows_no_gap_and_no_finding() -> None:
    from ethicard import load_card
    from ethicard.assessment import assess

    result = assess(*load_card(EXAMPLE))
    assert [gap.kind for gap in result.gaps if gap.found] == []
    assert result.findings == ()


# --- 1. labelling -----------------------------------------------------------------------


def test_gap_labelling_shown_when_labelling_is_left_unanswered(tmp_path: Path) -> None:
    shown = gaps_shown(tmp_path, drop(full_card(), "synthetic_image_labelling"))
    assert list(shown) == ["labelling"]
    assert shown["labelling"] == (
        "The card does not say how synthetic images are labelled as synthetic (synthetic_image_labelling: unanswered)",
    )


def test_gap_labelling_shown_when_released_synthetic_images_are_not_labelled(tmp_path: Path) -> None:
    card = answer(with_about(full_card(), release="public"), "synthetic_image_labelling", status="not addressed")
    shown = gaps_shown(tmp_path, card)
    assert list(shown) == ["labelling"]
    (reason,) = shown["labelling"]  # the rule speaks for the item: said once
    assert reason.startswith("Synthetic images from this work reach other people")
    assert reason.endswith("(synthetic_image_labelling: not addressed).")


def test_gap_labelling_not_shown_when_labelling_is_partial(tmp_path: Path) -> None:
    card = answer(full_card(), "synthetic_image_labelling", status="partial", answer="PNG outputs only.")
    assert "labelling" not in gaps_shown(tmp_path, with_about(card, release="public"))


# --- 2. refusal -------------------------------------------------------------------------


def test_gap_refusal_shown_when_there_is_no_way_to_question_or_refuse(tmp_path: Path) -> None:
    card = answer(full_card(), "stakeholder_questioning_refusal", status="not addressed", answer="")
    shown = gaps_shown(tmp_path, card)
    assert list(shown) == ["refusal"]
    assert "question or refuse the MISyn once it is released" in shown["refusal"][0]


def test_gap_refusal_shown_when_nobody_can_be_contacted(tmp_path: Path) -> None:
    shown = gaps_shown(tmp_path, drop(full_card(), "contact_for_concerns"))
    assert list(shown) == ["refusal"]
    assert shown["refusal"][0].startswith("The card gives no way to reach its authors with a concern.")


def test_gap_refusal_not_shown_when_routes_exist(tmp_path: Path) -> None:
    card = with_about(full_card(), release="public", contact="misyn@example.org")
    assert "refusal" not in gaps_shown(tmp_path, drop(card, "contact_for_concerns"))


# --- 3. problem formulation -------------------------------------------------------------


def test_gap_problem_formulation_shown_without_a_clinical_need(tmp_path: Path) -> None:
    shown = gaps_shown(tmp_path, answer(full_card(), "clinical_need", status="not addressed"))
    assert list(shown) == ["problem_formulation"]
    assert "which clinical need the work serves" in shown["problem_formulation"][0]


def test_gap_problem_formulation_shown_when_a_general_model_is_assumed_to_transfer(tmp_path: Path) -> None:
    card = with_about(full_card(), base_model="a natural-image diffusion model")
    card = answer(card, "clinical_adaptation", status="not applicable", answer="We used it as is.")
    shown = gaps_shown(tmp_path, card)
    assert list(shown) == ["problem_formulation"]
    assert "(clinical_adaptation: not applicable)" in shown["problem_formulation"][0]


def test_gap_problem_formulation_not_shown_when_adaptation_is_described(tmp_path: Path) -> None:
    card = with_about(full_card(), base_model="a natural-image diffusion model")
    assert "problem_formulation" not in gaps_shown(tmp_path, card)


# --- 4. reporting -----------------------------------------------------------------------


def test_significance_in_prose_without_a_test_is_an_advisory_note_not_a_gap(tmp_path: Path) -> None:
    """A word alone decides no gap: "significantly" in prose is a located note (format 2 claims decide)."""
    card = answer(full_card(), "claims_backed_by_results", answer="Segmentation improved significantly (Table 2).")
    result = report(tmp_path, card)
    assert [gap.kind for gap in result.gaps if gap.found] == []
    (note,) = [a for a in result.advice if a.id == "significance_wording"]
    assert note.path == "answers.evaluation.claims_backed_by_results.answer" and note.word == "significantly"
    assert result.locate(note.path, note.word).line > 0


def test_gap_reporting_shown_for_private_data_without_ethics_approval(tmp_path: Path) -> None:
    card = with_about(full_card(), training_data=[{"name": "Hospital X archive", "access": "private"}])
    shown = gaps_shown(tmp_path, drop(card, "ethics_approval"))
    assert list(shown) == ["reporting"]
    (reason,) = shown["reporting"]
    assert reason.startswith("The work uses private medical images") and "(ethics_approval: unanswered)" in reason


def test_gap_reporting_shown_for_one_sided_reporting(tmp_path: Path) -> None:
    shown = gaps_shown(tmp_path, answer(full_card(), "balanced_reporting", status="not addressed"))
    assert list(shown) == ["reporting"]


def test_gap_reporting_not_shown_when_claims_are_tested_and_approved(tmp_path: Path) -> None:
    card = answer(full_card(), "claims_backed_by_results", answer="Segmentation improved significantly (Table 2).")
    card = with_evaluation(card, statistical_tests=[{"claim": "Dice improves", "test": "Wilcoxon", "p_value": 0.01}])
    card = with_about(card, training_data=[{"name": "Hospital X archive", "access": "private"}])
    assert "reporting" not in gaps_shown(tmp_path, card)


# --- 5. model space only, undeclared -----------------------------------------------------


def test_gap_model_space_only_shown_when_phase_1_only_is_not_declared(tmp_path: Path) -> None:
    card = answer(_phase_1_only(full_card()), "evaluation_scope_declaration", status="not addressed")
    shown = gaps_shown(tmp_path, card)
    assert list(shown) == ["model_space_only"]
    (reason,) = shown["model_space_only"]
    assert reason.startswith("The card shows no evaluation beyond the model space")
    assert "(evaluation_scope_declaration: not addressed)" in reason


def test_gap_model_space_only_not_shown_when_declared(tmp_path: Path) -> None:
    card = answer(
        _phase_1_only(full_card()),
        "evaluation_scope_declaration",
        answer="Evaluated in the model space only (phase 1); we claim no clinical benefit.",
    )
    assert gaps_shown(tmp_path, card) == {}


def test_gap_model_space_only_not_shown_when_the_evaluation_reaches_medical_images(tmp_path: Path) -> None:
    card = drop(_phase_1_only(full_card()), "evaluation_scope_declaration")
    card = with_evaluation(
        card,
        downstream=[
            {
                "task": "segmentation",
                "design": "augmentation",
                "test_set": "held-out",
                "test_set_medical": True,
                "result": "+0.02 Dice",
                "evaluates": "clinical problem",
            }
        ],
    )
    assert "model_space_only" not in gaps_shown(tmp_path, card)


def test_a_downstream_metric_on_a_benchmark_and_a_realism_rating_stay_in_the_model_space(tmp_path: Path) -> None:
    """The December correction: the real-world problem space is where the clinical problem is evaluated."""
    card = drop(_phase_1_only(full_card()), "evaluation_scope_declaration")
    benchmark = {"task": "segmentation", "design": "augmentation", "test_set": "public benchmark"}
    card = with_evaluation(
        card,
        downstream=[{**benchmark, "test_set_medical": True, "result": "+0.02 Dice", "evaluates": "benchmark"}],
        reader_studies=[{"readers": 3, "task": "realism", "accuracy": 0.55}],
    )
    assert list(gaps_shown(tmp_path, card)) == ["model_space_only"]


# --- 6. limits ----------------------------------------------------------------------------


def test_an_intrinsic_limit_answered_with_design_limitations_is_an_advisory_note(tmp_path: Path) -> None:
    design = "Only 2D slices at 256x256 pixels from one site; a single downstream architecture."
    result = report(tmp_path, answer(full_card(), "intrinsic_limit_grounding", answer=design))
    assert [gap.kind for gap in result.gaps if gap.found] == []
    assert [a.id for a in result.advice] == ["newer_format", "intrinsic_limit_repeats_design_limitations"]


def test_gap_limits_shown_when_side_effects_are_not_assessed(tmp_path: Path) -> None:
    shown = gaps_shown(tmp_path, drop(full_card(), "harms_assessment"))
    assert list(shown) == ["limits"]
    assert "which harms (side effects) the work could cause" in shown["limits"][0]


def test_gap_limits_not_shown_when_only_design_limitations_are_missing(tmp_path: Path) -> None:
    """The paper's gap is intrinsic limits and side effects left out, not design limitations."""
    result = report(tmp_path, drop(full_card(), "design_limitations"))
    assert [gap.kind for gap in result.gaps if gap.found] == []
    assert result.score < 100


# --- completeness -------------------------------------------------------------------------


def test_completeness_counts_only_items_that_apply_to_the_kind(tmp_path: Path) -> None:
    method = report(tmp_path, full_card("method"))
    assert method.score == 100.0
    assert sum(method.counts().values()) == len(checklist_items("method")) < len(checklist_items("model"))


def test_not_applicable_needs_a_justification(tmp_path: Path) -> None:
    justified = answer(full_card(), "synthesis_necessity", status="not applicable", answer="Data cannot exist.")
    unjustified = answer(full_card(), "synthesis_necessity", status="not applicable", answer="")
    assert report(tmp_path, justified).score == 100.0
    result = report(tmp_path, unjustified)
    assert result.score < 100.0
    assert gaps_shown(tmp_path, unjustified)["problem_formulation"] == (
        "The card does not say whether synthesis is needed at all: synthesis_necessity is marked not "
        "applicable without a reason",
    )


def test_addressed_without_evidence_is_flagged(ethicard: Ethicard, tmp_path: Path) -> None:
    card = answer(full_card(), "clinical_need", evidence=None)
    write(tmp_path, card)
    result = ethicard("check", "card.yaml")
    assert result.code == 0
    assert "  notes (advisory, never a gap):\n      card.yaml:" in result.out
    assert ": answers.problem_formulation.clinical_need: marked addressed without evidence\n" in result.out


def test_placeholders_left_by_init_count_as_unanswered(ethicard: Ethicard, tmp_path: Path) -> None:
    assert ethicard("init", "--kind", "dataset", "-o", "card.yaml").code == 0
    card = tmp_path / "card.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace('  name: ""', "  name: Fresh", 1), encoding="utf-8")
    files = json.loads(ethicard("check", "card.yaml", "--format", "json").out)["files"]
    assert files[0]["score"] == 0.0
    assert files[0]["counts"]["unanswered"] == len(checklist_items("dataset"))
    assert [gap["id"] for gap in files[0]["gaps"] if gap["found"]] == SIX


def test_section_scores_in_json(ethicard: Ethicard, tmp_path: Path) -> None:
    write(tmp_path, drop(drop(full_card(), "clinical_need"), "intended_uses"))
    entry = json.loads(ethicard("check", "card.yaml", "--format", "json").out)["files"][0]
    scores = {section["id"]: section["score"] for section in entry["sections"]}
    assert scores["problem_formulation"] == round(100 * 5 / 7, 1)
    assert scores["design"] == 100.0


# --- check output and the gate -----------------------------------------------------------


def test_check_text_groups_gaps_by_kind_then_other_findings(ethicard: Ethicard, tmp_path: Path) -> None:
    card = answer(full_card(), "balanced_reporting", status="not addressed")
    card = with_evaluation(card, distribution_metrics=[{"metric": "FID", "value": 9.9}])
    write(tmp_path, drop(card, "synthetic_image_labelling"))
    out = ethicard("check", "card.yaml").out
    assert "  gaps found in published MISyn work that this card shows (2 of 6):\n" in out
    assert out.index("  - No labelling of synthetic images\n") < out.index("  - Weak reporting\n")
    assert ": answers.evaluation.balanced_reporting: The card does not say whether poor results" in out
    assert "  other findings:\n      card.yaml:" in out
    assert ": evaluation.distribution_metrics[0]: [distribution_metric_parameters, standards] A distribution" in out
    assert "(evaluation.distribution_metrics[0] (FID) lacks feature_extractor, n_medical, n_synthetic)" in out


def test_check_says_when_no_gap_is_shown(ethicard: Ethicard) -> None:
    result = ethicard("check", EXAMPLE)
    assert "  gaps: none of the 6 gaps found in published MISyn work is shown\n" in result.out


def test_gate_exit_codes(ethicard: Ethicard, tmp_path: Path) -> None:
    assert ethicard("check", "--strict", EXAMPLE).code == 0
    assert ethicard("check", "--min-score", "80", EXAMPLE).code == 0
    strict = ethicard("check", "--strict", DATA / "minimal.yaml")
    assert strict.code == 1
    assert "  gate: failed (6 of the 6 gaps shown)\n" in strict.out
    low = ethicard("check", "--min-score", "50", DATA / "minimal.yaml")
    assert low.code == 1
    assert "gate: failed (completeness 3.4% is below the minimum of 50%)" in low.out
    assert ethicard("check", "--min-score", "3", DATA / "minimal.yaml").code == 0
    assert ethicard("check", DATA / "minimal.yaml").code == 0  # no gate asked for: gaps are reported only


def test_gate_fails_on_a_finding_outside_the_six_gaps(ethicard: Ethicard, tmp_path: Path) -> None:
    write(tmp_path, with_evaluation(full_card(), paired_metrics=[{"metric": "SSIM", "value": 0.8}]))
    result = ethicard("check", "--strict", "card.yaml")
    assert result.code == 1
    assert "  gate: failed (1 other finding)\n" in result.out


def test_gate_usage_errors_exit_two(ethicard: Ethicard) -> None:
    for bad in ("150", "-1", "many"):
        assert ethicard("check", "--min-score", bad, EXAMPLE).code == 2


def test_gate_in_json(ethicard: Ethicard) -> None:
    out = ethicard("check", "--format", "json", "--min-score", "90", "--strict", EXAMPLE, DATA / "minimal.yaml")
    assert out.code == 1
    gates = [entry["gate"] for entry in json.loads(out.out)["files"]]
    assert [g["passed"] for g in gates] == [False, False]
    assert gates[0]["failures"] == ["completeness 87.5% is below the minimum of 90%"]
    assert gates[0]["strict"] is True and gates[0]["min_score"] == 90.0


def test_render_shows_the_gaps_and_findings_of_the_report(ethicard: Ethicard, tmp_path: Path) -> None:
    card = with_about(full_card(), training_data=[{"name": "Hospital X archive", "access": "private"}])
    card = answer(card, "ethics_approval", status="not addressed")
    write(tmp_path, with_evaluation(card, paired_metrics=[{"metric": "PSNR", "value": 31.0}]))
    out = ethicard("render", "card.yaml", "-f", "md").out
    section = out[out.index("## Disclosure completeness") :]
    assert "| Weak reporting | ⚠️ shown |" in section
    assert "*(rule `private_data_needs_ethics_statement`, source: paper)*" in section
    assert "### Other findings" in section and "rule `paired_metric_parameters`" in section
