"""`render --anonymous`: a card full of distinctive names leaks none of them, in any output format."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cards import answer, full_card, with_about, write
from conftest import Ethicard

NAMES = ("Zephyrine", "Quockmaster", "Brackwater", "zq.lab", "quockmaster-lab", "Oskarsdottir")
_PROSE = (
    "Zephyrine Quockmaster's group at the Brackwater Institute of Radiomics built this; see "
    "github.com/quockmaster-lab/synthrad or [the paper](https://quockmaster-lab.github.io/paper), "
    "or mail zq.lab@brackwater-radiomics.example. Thanks to Oskarsdottir for the images."
)


def _card(kind: str) -> dict[str, Any]:
    card = with_about(
        full_card(kind),
        name="SynthRad",
        authors=["Zephyrine Quockmaster", "Ingrid Oskarsdottir", "Brackwater Institute of Radiomics"],
        contact="zq.lab@brackwater-radiomics.example",
        links={
            "paper": "https://quockmaster-lab.github.io/paper",
            "code": "https://github.com/quockmaster-lab/synthrad",
            "brackwater_site": "https://brackwater-radiomics.example/people/zephyrine",
        },
        training_data=[
            {
                "name": "Brackwater Institute chest archive",
                "access": "private",
                "url": "https://data.brackwater-radiomics.example/xr",
                "description": "Collected by Quockmaster at Brackwater.",
            }
        ],
        **({"base_model": "https://huggingface.co/quockmaster-lab/cxr-base"} if kind == "model" else {}),
    )
    card = answer(card, "training_data_provenance", answer=_PROSE)
    card = answer(card, "contact_for_concerns", answer="Write to Zephyrine Quockmaster (zq.lab).")
    return answer(
        card,
        "release_and_reproducibility",
        evidence=["https://github.com/quockmaster-lab/synthrad#readme", "Quockmaster et al. 2025, Section 2"],
    )


def _leaks(text: str) -> list[str]:
    return [name for name in NAMES if re.search(re.escape(name), text, re.I)]


@pytest.fixture
def model_card(tmp_path: Path) -> Path:
    return write(tmp_path, _card("model"))


def test_the_card_does_hold_the_names_without_anonymous(ethicard: Ethicard, model_card: Path) -> None:
    result = ethicard("render", model_card, "-f", "json")
    assert result.code == 0 and _leaks(result.out) == list(NAMES)  # the check below can fail


def test_no_name_appears_in_markdown_and_the_caveat_is_printed(ethicard: Ethicard, model_card: Path) -> None:
    result = ethicard("render", model_card, "--anonymous")
    assert result.code == 0, result.err
    assert _leaks(result.out) == []
    assert "Anonymous authors (double-blind review)" in result.out
    assert "withheld for double-blind review" in result.out  # the contact
    assert "cannot recognise names it was not given" in result.err
    assert re.search(r"anonymised: 5 personal fields and \d+ places in free text replaced", result.err)


@pytest.mark.parametrize("fmt", ["md", "html", "tex", "json", "hf"])
def test_no_name_appears_in_any_text_format(model_card: Path, fmt: str) -> None:
    """The same one transformation the command line applies, rendered by every text format."""
    from ethicard import load_card
    from ethicard.anonymise import anonymise
    from ethicard.assessment import assess
    from ethicard.rendering import render

    card, checklist = load_card(model_card)
    made = anonymise(card)
    assert made.fields == 5 and made.in_text >= 10
    text = render(assess(made.card, checklist), fmt)
    assert _leaks(text) == []
    assert "Anonymous authors (double-blind review)" in text and "SynthRad" in text


def test_json_keeps_the_card_valid_and_its_assessment(ethicard: Ethicard, model_card: Path, tmp_path: Path) -> None:
    plain = json.loads(ethicard("render", model_card, "-f", "json").out)
    anonymous = json.loads(ethicard("render", model_card, "-f", "json", "--anonymous").out)
    assert anonymous["assessment"]["score"] == plain["assessment"]["score"]
    assert anonymous["card"]["about"]["links"] == {
        "paper": "https://anonymous.invalid/paper",
        "code": "https://anonymous.invalid/code",
        "link_3": "https://anonymous.invalid/link_3",
    }
    assert anonymous["card"]["about"]["name"] == "SynthRad"  # the work under review keeps its name
    (tmp_path / "again.yaml").write_text(json.dumps(anonymous["card"]), encoding="utf-8")
    assert ethicard("check", "again.yaml").code in (0, 1)  # still a card ethicard reads (no exit 2 or 3)


def test_no_name_appears_in_the_pdf(ethicard: Ethicard, model_card: Path, tmp_path: Path) -> None:
    result = ethicard("render", model_card, "-o", "card.pdf", "--anonymous")
    assert result.code == 0, result.err
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "card.pdf"), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "SynthRad" in text and "Anonymous authors" in text
    assert _leaks(text) == []


def test_no_name_appears_in_the_readme_or_its_metadata(ethicard: Ethicard, model_card: Path, tmp_path: Path) -> None:
    from huggingface_hub import ModelCard

    result = ethicard("render", model_card, "--into", "README.md", "--anonymous")
    assert result.code == 0, result.err
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert _leaks(text) == []
    assert ModelCard.load(tmp_path / "README.md").data.base_model is None  # withheld, not a Hub id


def test_no_name_appears_in_croissant(ethicard: Ethicard, tmp_path: Path) -> None:
    import mlcroissant

    card = write(tmp_path, _card("dataset"))
    result = ethicard("render", card, "-o", "card.croissant.json", "--anonymous")
    assert result.code == 0, result.err
    assert _leaks((tmp_path / "card.croissant.json").read_text(encoding="utf-8")) == []
    metadata = mlcroissant.Dataset(jsonld=tmp_path / "card.croissant.json").metadata
    assert [creator.name for creator in metadata.creators] == ["Anonymous authors (double-blind review)"]
