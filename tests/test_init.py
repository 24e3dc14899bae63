"""`ethicard init` and the round trip init -> fill -> check -> render."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import Ethicard


def test_init_writes_questions_as_comments(ethicard: Ethicard, tmp_path: Path) -> None:
    from ethicard import load_checklist

    assert ethicard("init", "--kind", "dataset", "-o", "card.yaml").code == 0
    text = (tmp_path / "card.yaml").read_text(encoding="utf-8")
    for _, item in load_checklist("misyn").items():
        if "dataset" in item.kinds:
            assert f"    {item.id}:\n" in text
            assert f"# {item.question.split()[0]}" in text


def test_init_refuses_to_overwrite_without_force(ethicard: Ethicard, tmp_path: Path) -> None:
    target = tmp_path / "card.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = ethicard("init", "-o", "card.yaml")
    assert result.code == 2
    assert "already exists" in result.err
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert ethicard("init", "-o", "card.yaml", "--force").code == 0
    assert target.read_text(encoding="utf-8") != "mine\n"


def test_fresh_skeleton_asks_for_a_name(ethicard: Ethicard) -> None:
    assert ethicard("init", "-o", "card.yaml").code == 0
    result = ethicard("check", "card.yaml")
    assert result.code == 1
    assert re.search(r"card\.yaml:\d+:\d+: about\.name: must not be empty", result.out)


def test_round_trip_init_fill_check_render(ethicard: Ethicard, tmp_path: Path) -> None:
    assert ethicard("init", "--kind", "method", "-o", "card.yaml").code == 0
    card = tmp_path / "card.yaml"
    text = card.read_text(encoding="utf-8").replace('  name: ""', "  name: Round-trip method", 1)
    text = text.replace("      status:\n", "      status: addressed\n")
    text = text.replace('      answer: ""\n', "      answer: See the paper.\n")
    text = text.replace("      evidence: []\n", "      evidence: [Paper, Section 2]\n")
    card.write_text(text, encoding="utf-8")
    checked = ethicard("check", "card.yaml")
    assert checked.code == 0, checked.out
    assert "completeness 100.0%" in checked.out
    rendered = ethicard("render", "card.yaml", "-o", "card.md")
    assert rendered.code == 0, rendered.err
    out = (tmp_path / "card.md").read_text(encoding="utf-8")
    assert "**Unanswered**" not in out
    assert out.count("See the paper.") > 30
