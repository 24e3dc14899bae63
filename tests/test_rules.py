"""Rules: every built-in rule with a card that breaks it and one that meets it; rules declared in
a lab's or venue's own checklist; extensions of misyn; located errors in broken checklists."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cards import answer, drop, fired, full_card, full_card_2, report, with_about, with_block, with_evaluation
from conftest import DATA, EXAMPLE, ROOT, Ethicard, Golden

Card = dict[str, Any]
PRIVATE = [{"name": "Hospital X archive", "access": "private"}]
FID = {"metric": "FID", "value": 12.0, "feature_extractor": "Inception-v3", "n_medical": 500, "n_synthetic": 500}
SSIM = {"metric": "SSIM", "value": 0.81, "intensity_normalisation": "z-score per volume", "data_range": "[-1, 1]"}
READERS = {"readers": 2, "experience": "radiologists", "accuracy": 0.6}
DOWNSTREAM = {"task": "segmentation", "design": "augmentation", "test_set": "held-out", "result": "+0.02 Dice"}
NEAREST = {"method": "nearest neighbour", "embedding": "DINOv2", "threshold": 0.95, "fraction_flagged": 0.001}
DESIGN = "Only 2D slices at 256x256 pixels from one site; a single downstream architecture."


def _phase_1_only(card: Card, declaration: str) -> Card:
    card = with_evaluation(card, distribution_metrics=[FID])
    for item in (
        "phase_2_downstream_utility",
        "phase_3_reader_study",
        "phase_4_clinical_workflow",
        "phase_5_post_deployment_monitoring",
    ):
        card = drop(card, item)
    return answer(card, "evaluation_scope_declaration", answer=declaration)


# rule id -> (a card that breaks it, a card that meets it); both start from a card with no finding
CASES: dict[str, tuple[Callable[[Card], Card], Callable[[Card], Card]]] = {
    "release_needs_labelling": (
        lambda c: answer(with_about(c, release="on request"), "synthetic_image_labelling", status="not addressed"),
        lambda c: with_about(c, release="on request"),
    ),
    "needs_contact": (
        lambda c: drop(c, "contact_for_concerns"),
        lambda c: with_about(drop(c, "contact_for_concerns"), contact="https://example.org/issues"),
    ),
    "base_model_needs_adaptation": (
        lambda c: answer(with_about(c, base_model="SD 2.1"), "clinical_adaptation", status="not applicable"),
        lambda c: with_about(c, base_model="SD 2.1"),
    ),
    "augmentation_needs_medical_test_set": (
        lambda c: with_evaluation(
            with_about(c, uses=["downstream model training"]),
            downstream=[{**DOWNSTREAM, "test_set_medical": False}],
        ),
        lambda c: with_evaluation(
            with_about(c, uses=["downstream model training"]),
            downstream=[{**DOWNSTREAM, "test_set_medical": False}, {**DOWNSTREAM, "test_set_medical": True}],
        ),
    ),
    "privacy_claim_needs_memorisation_check": (
        lambda c: with_about(c, uses=["privacy-preserving data sharing"]),
        lambda c: with_evaluation(with_about(c, uses=["privacy-preserving data sharing"]), memorisation=[NEAREST]),
    ),
    "private_data_needs_ethics_statement": (
        lambda c: answer(with_about(c, training_data=PRIVATE), "ethics_approval", status="not addressed"),
        lambda c: with_about(c, training_data=PRIVATE),
    ),
    "reader_study_needs_ethics_statement": (
        lambda c: drop(with_evaluation(c, reader_studies=[READERS]), "ethics_approval"),
        lambda c: with_evaluation(c, reader_studies=[READERS]),
    ),
    "model_space_only_undeclared": (
        lambda c: answer(_phase_1_only(c, "We evaluated the realism."), "evaluation_scope_declaration", status=None),
        lambda c: _phase_1_only(c, "Algorithm metrics only: no downstream task, reader study or clinical test."),
    ),
    "intrinsic_limits_always_apply": (
        lambda c: answer(c, "intrinsic_limit_representation", status="not applicable", answer="Our model is big."),
        lambda c: answer(c, "intrinsic_limit_representation", status="partial", answer="Rare lesions suffer."),
    ),
    "distribution_metric_parameters": (
        lambda c: with_evaluation(c, distribution_metrics=[FID, {**FID, "n_synthetic": None}]),
        lambda c: with_evaluation(c, distribution_metrics=[FID]),
    ),
    "paired_metric_parameters": (
        lambda c: with_evaluation(c, paired_metrics=[{"metric": "PSNR", "value": 30.1}]),
        lambda c: with_evaluation(c, paired_metrics=[SSIM]),
    ),
    "prompt_alignment_parameters": (
        lambda c: with_evaluation(c, prompt_alignment=[{"metric": "CLIP score", "value": 0.31}]),
        lambda c: with_evaluation(c, prompt_alignment=[{"metric": "CLIP score", "model": "CLIP", "n_prompts": 50}]),
    ),
    "private_data_release_needs_memorisation_check": (
        lambda c: with_about(c, training_data=PRIVATE, release="public"),
        lambda c: with_evaluation(with_about(c, training_data=PRIVATE, release="public"), memorisation=[NEAREST]),
    ),
}


CLINICAL = {**DOWNSTREAM, "test_set_medical": True, "evaluates": "clinical problem"}
PRIVATE_2 = {"name": "Hospital X archive", "access": "private", "roles": ["train"]}
APPROVAL: dict[str, Any] = {"approvals": [{"board": "Hospital X REB", "id": "REB-1", "covers": ["Hospital X archive"]}]}
VTT = {"name": "Turing test", "task": "realism", "readers": 3}


def _labels(card: Card, **labelling: Any) -> Card:
    return with_block(card, labelling={**card["labelling"], **labelling})


def _motivation(card: Card, *kinds: str) -> Card:
    return with_block(card, problem={**card["problem"], "motivation": list(kinds)})


def _claim(card: Card, **claim: Any) -> Card:
    return with_block(card, claims=[{"claim": "Better segmentation", **claim}])


def _private(card: Card, release: str = "none", roles: tuple[str, ...] = ("train",), **ethics: Any) -> Card:
    card = with_about(card, release=release)
    card = with_block(card, data_sources=[*card["data_sources"], {**PRIVATE_2, "roles": list(roles)}])
    return with_block(card, ethics=ethics or None)


# The same for format-2 cards, whose rules read structured facts: every rule of the checklist
CASES_2: dict[str, tuple[Callable[[Card], Card], Callable[[Card], Card]]] = {
    **{
        rule: CASES[rule]
        for rule in (
            "needs_contact",
            "base_model_needs_adaptation",
            "intrinsic_limits_always_apply",
            "distribution_metric_parameters",
            "paired_metric_parameters",
        )
    },
    "labelling_needs_marks": (
        lambda c: answer(_labels(c, methods=["none"], coverage="none"), "synthetic_image_labelling", status=None),
        lambda c: _labels(c, methods=["c2pa", "file_metadata"]),
    ),
    "labelling_status_agrees_with_facts": (
        lambda c: _labels(c, coverage="some"),
        lambda c: answer(_labels(c, coverage="some"), "synthetic_image_labelling", status="partial", missing="DICOM"),
    ),
    "release_needs_labelling": (
        lambda c: answer(
            _labels(with_about(c, release="public"), coverage="some"), "synthetic_image_labelling", status="partial"
        ),
        lambda c: with_about(c, release="public"),
    ),
    "problem_needs_clinical_need": (
        lambda c: _motivation(c, "technical need"),
        lambda c: _motivation(c, "technical need", "clinical need"),
    ),
    "problem_not_overcoming_human_error": (
        lambda c: _motivation(c, "clinical need", "overcoming human error"),
        lambda c: _motivation(c, "clinical need", "technical novelty"),
    ),
    "augmentation_needs_medical_test_set": (
        lambda c: with_evaluation(
            with_about(c, uses=["data augmentation"]),
            downstream=[{**DOWNSTREAM, "test_set_medical": False, "evaluates": "benchmark"}],
        ),
        lambda c: with_evaluation(
            with_about(c, uses=["data augmentation"]),
            downstream=[{**DOWNSTREAM, "test_set_medical": True, "evaluates": "benchmark"}],
        ),
    ),
    "privacy_claim_needs_memorisation_check": (
        lambda c: _claim(c, kind="privacy", result="evaluation.distribution_metrics[0]"),
        lambda c: with_evaluation(
            _claim(c, kind="privacy", result="evaluation.memorisation[0]"), memorisation=[NEAREST]
        ),
    ),
    "claims_need_results": (
        lambda c: _claim(c),
        lambda c: _claim(c, result="evaluation.distribution_metrics[0]"),
    ),
    "significance_needs_test": (
        lambda c: _claim(c, result="evaluation.distribution_metrics[0]", significant=True),
        lambda c: with_evaluation(
            _claim(
                c, result="evaluation.distribution_metrics[0]", significant=True, test="evaluation.statistical_tests[0]"
            ),
            statistical_tests=[{"claim": "FID lower", "test": "permutation test", "p_value": 0.01}],
        ),
    ),
    "clinical_benefit_needs_real_world_result": (
        lambda c: _claim(c, kind="clinical benefit", result="evaluation.distribution_metrics[0]"),
        lambda c: with_evaluation(
            _claim(c, kind="clinical benefit", result="evaluation.downstream[0]"), downstream=[CLINICAL]
        ),
    ),
    "private_data_needs_ethics_statement": (
        lambda c: _private(c),
        lambda c: _private(c, **APPROVAL),
    ),
    "reader_study_needs_ethics_statement": (
        lambda c: with_evaluation(c, reader_studies=[VTT]),
        lambda c: with_block(
            with_evaluation(c, reader_studies=[VTT]),
            ethics={"exemptions": [{"reason": "Staff readers, no patients", "covers": ["Turing test"]}]},
        ),
    ),
    "model_space_only_undeclared": (
        lambda c: with_evaluation(c, scope=None),
        lambda c: c,
    ),
    "scope_declaration_exceeds_evidence": (
        lambda c: with_evaluation(c, scope={**c["evaluation"]["scope"], "phase": 3}),
        lambda c: with_evaluation(c, scope={**c["evaluation"]["scope"], "phase": 2}, downstream=[CLINICAL]),
    ),
    "prompt_alignment_parameters": (
        lambda c: with_evaluation(c, prompt_alignment=[{"metric": "CLIP score", "value": 0.31}]),
        lambda c: with_evaluation(
            c, prompt_alignment=[{"metric": "CLIP score", "value": 0.31, "model": "CLIP ViT-L/14", "n_prompts": 500}]
        ),
    ),
    "private_data_release_needs_memorisation_check": (
        lambda c: _private(c, "on request", **APPROVAL),
        lambda c: _private(c, "on request", ("evaluate",), **APPROVAL),  # a private test set the generator never saw
    ),
}


def _strip_nones(card: Card) -> Card:
    """Drop keys set to None in evaluation records (a way to leave a parameter out)."""
    evaluation = card.get("evaluation", {})
    for key in [k for k, v in evaluation.items() if v is None]:
        del evaluation[key]
    for block in evaluation.values():
        for record in block if isinstance(block, list) else []:
            for key in [k for k, v in record.items() if v is None]:
                del record[key]
    return card


def test_every_built_in_rule_has_cases() -> None:
    from ethicard import load_checklist

    rules = load_checklist("misyn").rules
    assert sorted(rule.id for rule in rules if rule.require is not None) == sorted(CASES)
    assert sorted(rule.id for rule in rules) == sorted(CASES_2)


@pytest.mark.parametrize("rule", sorted(CASES_2))
def test_rule_fires_on_a_format_2_card_that_breaks_it(tmp_path: Path, rule: str) -> None:
    assert fired(tmp_path, _strip_nones(CASES_2[rule][0](full_card_2()))) == {rule}


@pytest.mark.parametrize("rule", sorted(CASES_2))
def test_rule_is_silent_on_a_format_2_card_that_meets_it(tmp_path: Path, rule: str) -> None:
    assert fired(tmp_path, _strip_nones(CASES_2[rule][1](full_card_2()))) == set()


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_a_card_that_breaks_it(tmp_path: Path, rule: str) -> None:
    assert fired(tmp_path, _strip_nones(CASES[rule][0](full_card()))) == {rule}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_is_silent_on_a_card_that_meets_it(tmp_path: Path, rule: str) -> None:
    assert fired(tmp_path, _strip_nones(CASES[rule][1](full_card()))) == set()


def test_every_rule_has_a_plain_message_and_a_known_source() -> None:
    from ethicard import load_checklist

    for rule in load_checklist("misyn").rules:
        assert rule.source in ("paper", "companion", "derived", "standards")
        assert rule.message[0].isupper() and rule.message.rstrip().endswith("."), rule.id
        assert "synthetic data" not in rule.message and "real image" not in rule.message, rule.id


def test_findings_name_the_entries_at_fault(tmp_path: Path) -> None:
    card = _strip_nones(CASES["distribution_metric_parameters"][0](full_card()))
    (finding,) = report(tmp_path, card).findings
    assert finding.details == ("evaluation.distribution_metrics[1] (FID) lacks n_synthetic",)
    assert finding.severity == "warning" and finding.gap is None


def test_rule_not_applied_to_other_kinds(tmp_path: Path) -> None:
    """The bundled rules apply to every kind; a kind-limited rule skips other kinds."""
    checklist = tmp_path / "kinds.yaml"
    checklist.write_text(
        "extends: misyn\nid: kinds\nversion: 1.0.0\nrules:\n"
        "  - {id: models_need_licence, source: derived, message: Give a licence., kinds: [model],\n"
        "     require: {field: about.license, present: true}}\n",
        encoding="utf-8",
    )
    model = report(tmp_path, full_card("model"), str(checklist))
    dataset = report(tmp_path, full_card("dataset"), str(checklist))
    assert [f.rule for f in model.findings] == ["models_need_licence"]
    assert dataset.findings == ()


# --- a lab's own checklist, with a rule declared as data --------------------------------

LAB = """\
id: lab
version: 2.0.0
title: Lab checklist
sections:
  - id: basics
    title: Basics
    items:
      - id: data_use_agreement
        question: Which data-use agreement covers the private medical images?
        guidance: Name it.
        level: required
        kinds: [model, dataset, method]
        source: derived
rules:
  - id: private_data_needs_agreement
    gap: reporting
    source: derived
    message: Private medical images need a data-use agreement.
    when: {field: about.training_data, some: {access: private}}
    require: {item: data_use_agreement, status_in: [addressed, partial]}
"""


def _lab_card(access: str) -> str:
    return (
        "checklist: lab@2.0.0\n"
        "about:\n  kind: model\n  name: Lab model\n"
        f"  training_data: [{{name: Ward scans, access: {access}}}]\n"
    )


def test_lab_checklist_rule_declared_in_data(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "lab.yaml").write_text(LAB, encoding="utf-8")
    (tmp_path / "private.yaml").write_text(_lab_card("private"), encoding="utf-8")
    (tmp_path / "public.yaml").write_text(_lab_card("public"), encoding="utf-8")
    result = ethicard("check", "--checklist", "lab.yaml", "private.yaml", "public.yaml", "--strict")
    assert result.code == 1
    first, second = result.out.split("public.yaml: valid")
    assert "[private_data_needs_agreement, derived] Private medical images need a data-use agreement" in first
    assert "(data_use_agreement: unanswered)" in first
    assert "private_data_needs_agreement" not in second
    assert "  - Weak reporting\n" in first


# --- extensions of misyn ------------------------------------------------------------------

VENUE = """\
extends: misyn
id: venue
version: 1.0.0
title: Venue X additions to misyn
sections:
  - id: oversight
    items:
      - id: code_release_date
        question: When will the code be released?
        guidance: Give a date, or say that it is released.
        level: required
        kinds: [model, method]
        source: derived
  - id: venue
    title: Venue questions
    items:
      - id: conflicts_of_interest
        question: Which conflicts of interest do the authors have?
        guidance: Declare each one.
        level: required
        kinds: [model, dataset, method]
        source: derived
        gaps: [reporting]
rules:
  - id: public_release_needs_code_date
    gap: reporting
    source: derived
    message: A public release must say when the code follows.
    when: {field: about.release, equals: public}
    require: {item: code_release_date, status_in: [addressed, partial]}
"""


def test_extension_adds_items_sections_and_rules_to_misyn(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "venue.yaml").write_text(VENUE, encoding="utf-8")
    result = ethicard("check", "--checklist", "venue.yaml", EXAMPLE)
    assert result.code == 0, result.out + result.err
    assert "valid (venue 1.0.0)" in result.out  # the example names misyn 1.0.0, which venue extends
    assert ", Venue questions 0.0%" in result.out
    assert "[public_release_needs_code_date, derived] A public release must say when the code follows" in result.out
    assert 'The card does not answer "Which conflicts of interest do the authors have?"' in result.out


def test_extension_skeleton_and_card_round_trip(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "venue.yaml").write_text(VENUE, encoding="utf-8")
    assert ethicard("init", "--checklist", "venue.yaml", "-o", "card.yaml").code == 0
    text = (tmp_path / "card.yaml").read_text(encoding="utf-8")
    assert "  id: venue\n" in text and "    code_release_date:\n" in text and "  venue:\n" in text
    (tmp_path / "card.yaml").write_text(text.replace('  name: ""', "  name: Venue model", 1), encoding="utf-8")
    result = ethicard("check", "--checklist", "venue.yaml", "card.yaml")
    assert result.code == 0, result.out
    assert ethicard("check", "card.yaml").code == 1  # 'venue' is not bundled: the card needs --checklist


# --- broken checklists: every problem located ----------------------------------------------

BROKEN = sorted((DATA / "checklists").glob("*.yaml"))


@pytest.mark.parametrize("checklist", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_checklist_gives_exact_located_messages(
    ethicard: Ethicard, golden: Golden, tmp_path: Path, checklist: Path
) -> None:
    shutil.copy(checklist, tmp_path / checklist.name)
    shutil.copy(DATA / "minimal.yaml", tmp_path / "card.yaml")
    result = ethicard("check", "--checklist", checklist.name, "card.yaml")
    assert result.code == 1
    golden(result.out + result.err, checklist.with_suffix(".expected"))


def test_readme_extension_example_is_a_valid_checklist(ethicard: Ethicard, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(extends:.*?)```", readme, re.S)
    assert example is not None, "README lost its checklist extension example"
    (tmp_path / "venue.yaml").write_text(example.group(1), encoding="utf-8")
    result = ethicard("check", "--checklist", "venue.yaml", EXAMPLE)
    assert result.code == 0, result.out + result.err
    assert "[public_release_needs_code_date, derived]" in result.out


# --- the condition language, one test at a time --------------------------------------------

EVALUATED = with_evaluation(
    with_about(full_card(), release="on request", uses=["education"], modality="Brain MRI (T1)"),
    reader_studies=[{**READERS, "readers": 3, "task": "clinical task"}],
)


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        ("{field: about.release, equals: On Request}", True),  # text ignores case
        ("{field: about.release, in: [public, none]}", False),
        ("{field: about.modality, contains_any: [mri]}", True),  # text field: a part of it
        ("{field: about.uses, contains_any: [simulation, research]}", False),
        ("{field: about.license, present: false}", True),
        ("{field: evaluation.reader_studies, some: {readers: 3.0}}", True),  # a number is a number
        ("{field: evaluation.reader_studies, some: {readers: 2}}", False),
        ("{field: evaluation.reader_studies, each_has: [experience, blinded]}", False),
        ("{field: evaluation.phases, contains_any: [3]}", True),
        ("{item: clinical_need, has_evidence: true}", True),
        ("{item: clinical_need, status_in: [partial], mentions: [clinical need]}", False),
        ("{item: clinical_need, mentions: [CLINICAL NEED]}", True),
        ("{not: {mentions: [clinical need], within: [about, evaluation]}}", True),
        ("{any: [{field: about.contact, present: true}, {mentions: [brain mri]}]}", True),
        ("{all: [{field: about.contact, present: true}, {mentions: [brain mri]}]}", False),
    ],
)
def test_condition_language(tmp_path: Path, condition: str, holds: bool) -> None:
    checklist = tmp_path / "one_rule.yaml"
    checklist.write_text(
        "extends: misyn\nid: one_rule\nversion: 1.0.0\nrules:\n"
        f"  - {{id: probe, source: derived, message: The probe fired., require: {condition}}}\n",
        encoding="utf-8",
    )
    result = report(tmp_path, EVALUATED, str(checklist))
    fired = [f.rule for f in result.findings] + [a.id for a in result.advice]
    assert [rule for rule in fired if rule == "probe"] == ([] if holds else ["probe"])
    if "mentions" in condition:  # a rule that reads words gives an advisory note, never a finding
        assert "probe" not in [f.rule for f in result.findings]
