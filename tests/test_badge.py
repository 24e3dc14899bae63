"""`ethicard badge`: a deterministic SVG with completeness, gaps and checklist version."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from cards import drop, full_card, write
from conftest import DATA, EXAMPLE, Ethicard
from hypothesis import given
from hypothesis import strategies as st

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def _fill(svg: str) -> str:
    root = ET.fromstring(svg)
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("x")]
    return rects[0].get("fill", "")


def test_badge_of_the_example_card(ethicard: Ethicard, tmp_path: Path) -> None:
    from ethicard import load_checklist

    version = load_checklist("misyn").version
    result = ethicard("badge", EXAMPLE, "-o", "badge.svg")
    assert result.code == 0, result.err
    svg = (tmp_path / "badge.svg").read_text(encoding="utf-8")
    assert _texts(svg) == ["MISyn card", f"87.5% · misyn {version}"]
    assert _fill(svg) == "#97ca00"
    assert [p.name for p in tmp_path.iterdir()] == ["badge.svg"]  # no temporary file left behind


def test_badge_is_byte_identical_across_runs_and_matches_stdout(ethicard: Ethicard, tmp_path: Path) -> None:
    assert ethicard("badge", EXAMPLE, "-o", "a.svg").code == 0
    assert ethicard("badge", EXAMPLE, "-o", "b.svg").code == 0
    first = (tmp_path / "a.svg").read_bytes()
    assert first == (tmp_path / "b.svg").read_bytes()
    assert ethicard("badge", EXAMPLE).out.encode("utf-8") == first


def test_badge_says_how_many_gaps_are_shown_and_is_red_when_little_is_answered(ethicard: Ethicard) -> None:
    svg = ethicard("badge", DATA / "minimal.yaml").out
    assert re.fullmatch(r"3\.4% · 6 gaps · misyn \d+\.\d+\.\d+", _texts(svg)[1])
    assert _fill(svg) == "#e05d44"


def test_badge_never_green_while_a_gap_is_shown(ethicard: Ethicard, tmp_path: Path) -> None:
    write(tmp_path, full_card(), "complete.yaml")
    write(tmp_path, drop(full_card(), "harms_assessment"), "gap.yaml")
    complete, gap = ethicard("badge", "complete.yaml").out, ethicard("badge", "gap.yaml").out
    assert _texts(complete)[1].startswith("100% · misyn ")
    assert _fill(complete) == "#4c1"
    assert re.match(r"9\d(\.\d)?% · 1 gap · misyn ", _texts(gap)[1])
    assert _fill(gap) == "#dfb317"


def test_badge_refuses_to_overwrite_the_card(ethicard: Ethicard, tmp_path: Path) -> None:
    card = write(tmp_path, full_card())
    before = card.read_bytes()
    result = ethicard("badge", "card.yaml", "-o", "card.yaml")
    assert result.code == 2
    assert card.read_bytes() == before


def test_badge_of_an_invalid_card_is_a_located_problem(ethicard: Ethicard) -> None:
    result = ethicard("badge", DATA / "invalid" / "typo_key.yaml")
    assert result.code == 1
    assert "typo_key.yaml:14:5:" in result.err


_XML_CHARS = st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r").filter(
    lambda c: c in "\t\n" or ord(c) >= 0x20
)


@given(st.text(_XML_CHARS, max_size=40))
def test_badge_text_escaping_keeps_any_text_as_text(text: str) -> None:
    from ethicard.badge import xml_text

    escaped = xml_text(text)
    root = ET.fromstring(f"<t a=\"{escaped}\" b='{escaped}'>{escaped}</t>")
    assert (root.text or "") == text
    assert root.get("a") == root.get("b") == text.replace("\t", " ").replace("\n", " ")  # XML normalises these
