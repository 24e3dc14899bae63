"""`ethicard check`: located, exact messages for broken cards; exit codes; strings stay strings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import DATA, Ethicard, Golden

INVALID = sorted((DATA / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("card", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_card_gives_exact_located_messages(
    ethicard: Ethicard, golden: Golden, tmp_path: Path, card: Path
) -> None:
    shutil.copy(card, tmp_path / card.name)
    result = ethicard("check", card.name)
    assert result.code == 1
    golden(result.out + result.err, card.with_suffix(".expected"))
    assert "Traceback" not in result.err


def test_valid_card_exits_zero_and_reports_completeness(ethicard: Ethicard) -> None:
    from ethicard import load_checklist

    result = ethicard("check", DATA / "minimal.yaml")
    assert result.code == 0, result.err
    assert f"valid (misyn {load_checklist('misyn').version})" in result.out
    assert "1 addressed, 1 partial" in result.out


def test_one_bad_card_among_good_ones_fails_the_run_but_reports_all(ethicard: Ethicard) -> None:
    result = ethicard("check", DATA / "minimal.yaml", DATA / "invalid" / "typo_key.yaml", "--format", "json")
    assert result.code == 1
    files = json.loads(result.out)["files"]
    assert [f["valid"] for f in files] == [True, False]
    problem = files[1]["problems"][0]
    assert (problem["line"], problem["column"], problem["path"]) == (
        14,
        5,
        "answers.technical_standards.synthetic_image_labeling",
    )
    assert problem["hint"] == "did you mean 'synthetic_image_labelling'?"


def test_usage_errors_exit_two(ethicard: Ethicard) -> None:
    assert ethicard("check").code == 2
    assert ethicard("check", "--format", "xml", DATA / "minimal.yaml").code == 2
    assert ethicard("frobnicate").code == 2


def test_missing_file_is_a_located_problem_not_a_traceback(ethicard: Ethicard) -> None:
    result = ethicard("check", "nowhere.yaml")
    assert (result.code, result.out.splitlines()[0]) == (1, "nowhere.yaml: no such file")


def test_yaml_11_traps_stay_text(ethicard: Ethicard) -> None:
    """`no`, dates and 1.10 are kept as the researcher wrote them."""
    result = ethicard("render", DATA / "minimal.yaml", "-f", "md")
    assert result.code == 0, result.err
    assert "# MISyn disclosure card: Tiny synthetic dermoscopy set 1.10\n" in result.out
    assert "\nno\n" in result.out
    assert "Released on 2024-05-01;" in result.out


def test_python_api_raises_with_every_problem() -> None:
    from ethicard import EthicardError, load_card

    with pytest.raises(EthicardError) as caught:
        load_card(DATA / "invalid" / "wrong_status.yaml")
    assert [(p.line, p.col) for p in caught.value.problems] == [(15, 15), (18, 15)]
