"""`ethicard render -o card.json`: the validated card and its assessment, for other programs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import DATA, EXAMPLE, Ethicard


def test_document_shape_and_versions(ethicard: Ethicard) -> None:
    import ethicard as package
    from ethicard import load_checklist

    document = json.loads(ethicard("render", DATA / "minimal.yaml", "-f", "json").out)
    assert list(document) == ["format", "format_version", "ethicard_version", "checklist", "card", "assessment"]
    assert (document["format"], document["format_version"]) == ("ethicard-card", 1)
    assert document["ethicard_version"] == package.__version__
    assert document["checklist"] == {"id": "misyn", "version": load_checklist("misyn").version}
    assessment = document["assessment"]
    assert list(assessment) == ["score", "counts", "sections", "gaps", "findings", "advice", "waivers"]
    assert [gap["id"] for gap in assessment["gaps"]] == [
        "labelling",
        "refusal",
        "problem_formulation",
        "reporting",
        "model_space_only",
        "limits",
    ]
    assert assessment["findings"], "the minimal card gives no contact: a rule finds it"
    for finding in assessment["findings"]:
        assert {"rule", "source", "message"} <= set(finding)
    for section in assessment["sections"]:
        assert list(section) == ["id", "title", "score", "items"]
        for item in section["items"]:
            assert list(item) == ["id", "status", "level", "source", "notes"]
    # YAML 1.1 traps stay as written: text, not False or 1.1
    assert document["card"]["about"]["version"] == "1.10"
    assert document["card"]["answers"]["technical_standards"]["synthetic_image_labelling"]["answer"] == "no"


def test_json_agrees_with_check_and_with_the_markdown_card(ethicard: Ethicard) -> None:
    for card in (DATA / "minimal.yaml", EXAMPLE):
        document = json.loads(ethicard("render", card, "-f", "json").out)
        checked = json.loads(ethicard("check", card, "--format", "json").out)["files"][0]
        assert document["assessment"]["score"] == checked["score"]
        assert document["assessment"]["counts"] == checked["counts"]
        assert document["assessment"]["gaps"] == checked["gaps"]
        assert document["assessment"]["findings"] == checked["findings"]
        md = ethicard("render", card, "-f", "md").out
        shown = dict(re.findall(r"^`([a-z0-9_]+)` · \*\*([A-Za-z ]+)\*\*", md, re.M))
        statuses = {i["id"]: i["status"] for s in document["assessment"]["sections"] for i in s["items"]}
        assert statuses.keys() == shown.keys()
        for item_id, status in statuses.items():
            assert shown[item_id].lower() == status, item_id


def test_card_part_validates_again_as_a_card(ethicard: Ethicard, tmp_path: Path) -> None:
    """The card data in the JSON is a card: JSON is YAML, so ethicard checks it as it is."""
    document = json.loads(ethicard("render", EXAMPLE, "-f", "json").out)
    (tmp_path / "again.yaml").write_text(json.dumps(document["card"], indent=1), encoding="utf-8")
    again = json.loads(ethicard("render", "again.yaml", "-f", "json").out)
    assert again["card"] == document["card"]
    assert _unlocated(again["assessment"]) == _unlocated(document["assessment"])


def _unlocated(value: object) -> object:
    """The assessment without lines and columns, which point into each file as it is written."""
    if isinstance(value, dict):
        return {k: _unlocated(v) for k, v in value.items() if k not in ("line", "column")}
    if isinstance(value, list):
        return [_unlocated(v) for v in value]
    return value


def test_numbers_json_cannot_carry_are_refused(ethicard: Ethicard, tmp_path: Path) -> None:
    card = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    card += "evaluation:\n  distribution_metrics:\n    - {metric: FID, value: nan}\n"
    (tmp_path / "nan.yaml").write_text(card, encoding="utf-8")
    result = ethicard("render", "nan.yaml", "-f", "json")
    assert result.code == 1
    assert "nan.yaml:23:28:" in result.err and "evaluation.distribution_metrics[0].value" in result.err
