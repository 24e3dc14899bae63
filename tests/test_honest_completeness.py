"""A card never looks more complete than it is: "not applicable" needs a reason of real words, the
intrinsic limits always count, and a link cannot break the Markdown About table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import DATA, Ethicard

from ethicard import loader
from ethicard.checklist import load_checklist
from ethicard.skeleton import skeleton


def _all_not_applicable(tmp_path: Path, reason: str) -> Path:
    data = loader.parse(skeleton(load_checklist("misyn"), "model")).data
    data["about"].update(name="Every item n/a", version="1", task="t", modality="CT", intended_uses="x", release="none")
    for block in data["answers"].values():
        for answer in block.values():
            answer.update(status="not applicable", answer=reason)
    card = tmp_path / "card.yaml"
    card.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return card


@pytest.mark.parametrize("reason", [".", "n/a", "-", "N/A.", "see 1", "no no", "x y z"])
def test_not_applicable_without_a_real_reason_counts_as_open(ethicard: Ethicard, tmp_path: Path, reason: str) -> None:
    _all_not_applicable(tmp_path, reason)
    result = ethicard("check", "card.yaml", "--format", "json", "--min-score", "80")
    entry = json.loads(result.out)["files"][0]
    assert result.code == 1
    assert entry["score"] == 0.0
    assert ethicard("badge", "card.yaml").out.count("0%") >= 1


def test_intrinsic_limits_always_count_even_with_a_reason(ethicard: Ethicard, tmp_path: Path) -> None:
    _all_not_applicable(tmp_path, "No such images are released by this work.")
    entry = json.loads(ethicard("check", "card.yaml", "--format", "json").out)["files"][0]
    assert entry["score"] == 0.0  # only the three intrinsic limits are counted, and none is answered
    assert ethicard("check", "card.yaml", "--min-score", "80").code == 1


def test_a_link_with_a_pipe_stays_in_its_table_cell(ethicard: Ethicard, tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    card.write_text(
        text.replace("  release: on request\n", "  release: on request\n  links:\n    code: https://e.org/a|b|c\n"),
        encoding="utf-8",
    )
    result = ethicard("render", "card.yaml")
    assert result.code == 0, result.err
    row = next(line for line in result.out.splitlines() if line.startswith("| code |"))
    assert row == "| code | <https://e.org/a%7Cb%7Cc> |"


def test_an_answer_with_an_empty_status_is_not_silently_unanswered(ethicard: Ethicard, tmp_path: Path) -> None:
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    assert "      status: partial\n      answer: Released on" in text
    (tmp_path / "card.yaml").write_text(
        text.replace("status: partial\n      answer: Released", "status:\n      answer: Released"), encoding="utf-8"
    )
    result = ethicard("check", "card.yaml")
    assert result.code == 0, result.out
    assert (
        "      card.yaml:18:5: answers.technical_standards.terminology_synthetic_vs_medical: has an answer but an"
        " empty status, so it counts as unanswered (set its status)\n" in result.out
    )
