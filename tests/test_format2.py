"""Card format 2 through the public surface: validation of the structured facts, waivers and the
gate, located gap reasons and findings in every output, advisory notes, format-1 cards."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from cards import full_card, full_card_2, with_block, write
from conftest import DATA, EXAMPLE, Ethicard, _ethicard_command

WAIVED = DATA / "fidelity" / "cards" / "brain-mri-complete-waived.yaml"
CASE_1 = DATA / "fidelity" / "cards" / "case-study-1-synthetic-data.yaml"


def test_strict_accepts_a_waived_finding_and_no_waivers_refuses_it(ethicard: Ethicard, tmp_path: Path) -> None:
    shutil.copy(WAIVED, tmp_path / "card.yaml")
    accepted = ethicard("check", "--strict", "card.yaml")
    assert accepted.code == 0, accepted.out
    assert "[paired_metric_parameters, standards]" in accepted.out
    assert "(waived: SSIM is computed on z-scored intensities" in accepted.out
    refused = ethicard("check", "--strict", "--no-waivers", "card.yaml")
    assert refused.code == 1
    assert "gate: failed (1 other finding (1 waived; waivers are refused))" in refused.out


def test_gaps_cannot_be_waived_and_unknown_ids_are_located(ethicard: Ethicard, tmp_path: Path) -> None:
    waivers = [
        {"rule": "model_space_only_undeclared", "reason": "We think it does not matter."},
        {"rule": "paired_metric_parameter", "reason": "A typo."},
    ]
    write(tmp_path, with_block(full_card_2(), waivers=waivers))
    result = ethicard("check", "card.yaml")
    assert result.code == 1
    lines = result.out.splitlines()
    assert re.fullmatch(
        r"card\.yaml:\d+:\d+: waivers\[0\]\.rule: rule 'model_space_only_undeclared' puts a gap \(model_space_only\) "
        r"on the card; gaps cannot be waived \(answer it in the card's facts instead\)",
        lines[0],
    )
    assert (
        "waivers[1].rule: no rule or note 'paired_metric_parameter' (did you mean 'paired_metric_parameters'?)"
        in (lines[1])
    )


def test_every_gap_reason_and_finding_is_located_in_text_and_json(ethicard: Ethicard, tmp_path: Path) -> None:
    shutil.copy(CASE_1, tmp_path / "card.yaml")
    source = (tmp_path / "card.yaml").read_text(encoding="utf-8").splitlines()
    text = ethicard("check", "card.yaml").out
    reasons = [line.strip() for line in text.splitlines() if line.startswith("      ")]
    assert reasons and all(re.match(r"card\.yaml:\d+:\d+: [a-z_]+[\w.\[\]]*: ", line) for line in reasons)
    entry = json.loads(ethicard("check", "card.yaml", "--format", "json").out)["files"][0]
    located = [e for gap in entry["gaps"] for e in gap["entries"]] + entry["findings"]
    assert located and all(e["path"] and e["line"] > 0 and e["column"] > 0 for e in located)
    by_rule = {f["rule"]: f for f in entry["findings"]}
    labelling = by_rule["labelling_needs_marks"]
    assert labelling["path"] == "labelling.methods"
    assert source[labelling["line"] - 1].strip().startswith("methods: [none]")
    ethics = by_rule["reader_study_needs_ethics_statement"]
    assert ethics["path"] == "evaluation.reader_studies[0]" and "User study" in source[ethics["line"] - 1]


def test_advisory_notes_point_at_the_words_and_never_make_a_gap(ethicard: Ethicard, tmp_path: Path) -> None:
    shutil.copy(CASE_1, tmp_path / "card.yaml")
    source = (tmp_path / "card.yaml").read_text(encoding="utf-8").splitlines()
    entry = json.loads(ethicard("check", "card.yaml", "--format", "json").out)["files"][0]
    (note,) = [a for a in entry["advice"] if a["id"] == "significance_wording"]
    line = source[note["line"] - 1]
    assert line[note["column"] - 1 :].startswith("significantly")
    assert note["id"] not in {f["rule"] for f in entry["findings"]}


@pytest.mark.parametrize("fmt", ["md", "html", "tex"])
def test_rendered_cards_show_the_facts_locations_and_waivers(ethicard: Ethicard, tmp_path: Path, fmt: str) -> None:
    shutil.copy(WAIVED, tmp_path / "card.yaml")
    out = _plain(ethicard("render", "card.yaml", "-f", fmt).out)
    assert "Facts stated in the card" in out
    assert re.search(r"paired_metric_parameters.{0,80}evaluation.{0,12}paired.{0,3}metrics\[0\]", out)
    assert "SSIM is computed on z-scored intensities" in out  # the waiver, beside what it waives
    shutil.copy(CASE_1, tmp_path / "gaps.yaml")
    gaps = _plain(ethicard("render", "gaps.yaml", "-f", fmt).out)
    assert re.search(r"labelling.{0,3}methods.{0,80}15:12", gaps)


def _plain(text: str) -> str:
    """LaTeX's escapes of card text undone, so one pattern reads every format."""
    return text.replace("\\_\\allowbreak{}", "_").replace("{[}", "[").replace("{]}", "]").replace("\\_", "_")


def test_format_1_cards_keep_validating_with_a_note(ethicard: Ethicard, tmp_path: Path) -> None:
    result = ethicard("check", DATA / "minimal.yaml")
    assert result.code == 0
    assert "[newer_format] This card is in format 1." in result.out
    write(tmp_path, with_block(full_card(), labelling={"methods": ["c2pa"], "coverage": "all"}))
    refused = ethicard("check", "card.yaml")
    assert refused.code == 1
    assert re.search(r"card\.yaml:\d+:\d+: labelling: 'labelling' is a format-2 block; add 'format: 2'", refused.out)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"labelling": {"methods": ["none", "c2pa"], "coverage": "none"}}, "labelling.methods: 'none' cannot be"),
        ({"labelling": {"methods": ["c2pa"], "coverage": "none"}}, "labelling.coverage: coverage must be 'none'"),
        ({"claims": [{"claim": "Better", "result": "evaluation.downstream[3]"}]}, "claims[0].result: 'evaluation"),
        ({"ethics": {"approvals": [{"board": "B", "id": "1", "covers": ["Public archve"]}]}}, "did you mean"),
        ({"about": {"kind": "model", "name": "X", "training_data": [{"name": "A", "access": "public"}]}}, "roles"),
    ],
)
def test_format_2_facts_are_validated_with_located_messages(
    ethicard: Ethicard, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    write(tmp_path, with_block(full_card_2(), **change))
    result = ethicard("check", "card.yaml")
    assert result.code == 1 and "Traceback" not in result.err
    assert re.match(r"card\.yaml:\d+:\d+: ", result.out) and message in result.out


def test_the_example_passes_strict_and_the_schema_covers_format_2(tmp_path: Path) -> None:
    command = _ethicard_command()
    assert subprocess.run([*command, "check", "--strict", str(EXAMPLE)], capture_output=True).returncode == 0
    schema = json.loads(subprocess.run([*command, "schema"], capture_output=True, text=True, check=True).stdout)
    properties = schema["properties"]
    for block in ("format", "labelling", "problem", "data_sources", "ethics", "claims", "waivers"):
        assert block in properties, block
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    cards = [str(p) for p in (DATA / "fidelity" / "cards").glob("*.yaml") if not p.name.endswith(".expected.yaml")]
    validator = Path(_ethicard_command()[0]).parent / "check-jsonschema"
    done = subprocess.run([str(validator), "--schemafile", str(tmp_path / "schema.json"), *cards], capture_output=True)
    assert done.returncode == 0, done.stdout


def test_text_heuristics_run_in_linear_time() -> None:
    from ethicard.heuristics import REMOVABLE, SIGNIFICANCE, find, shares_passage

    def seconds(size: int) -> float:
        text = "we cannot not no never be fixed, future " * size
        start = time.perf_counter()
        find(text, REMOVABLE)
        find(text, SIGNIFICANCE, negation=False)
        shares_passage(text, text[::-1])
        return time.perf_counter() - start

    small, large = seconds(500), seconds(4_000)  # 8x the text: 20 KB and 160 KB
    assert large < 2.0
    assert large < small * 8 * 3  # linear, with room for a busy machine


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("No future work will change this.", ""),
        ("It cannot be fixed by a better model.", ""),
        ("Closing it is the goal of the next version.", "Closing it"),
        ("We plan to remove it; it can be fixed.", "We plan"),
        ("Future work. No, really.", "Future work"),  # a negation after the phrase does not count
    ],
)
def test_removable_wording_handles_negation(text: str, found: str) -> None:
    from ethicard.heuristics import REMOVABLE, find

    assert find(text, REMOVABLE)[0] == found
