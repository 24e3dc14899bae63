"""`ethicard diff OLD NEW`: what changed between two cards, in text, JSON and Markdown, also across
checklist versions through the declared changes."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from cards import full_card, write
from conftest import DATA, Ethicard, Golden

from ethicard import assess, load_card, load_checklist
from ethicard.changes import History
from ethicard.compare import compare


def _pair(tmp_path: Path) -> None:
    write(tmp_path, full_card(), "old.yaml")
    new = full_card()
    new["answers"]["technical_standards"]["synthetic_image_labelling"] = {
        "status": "not addressed",
        "answer": "We do not label | them yet.",
    }
    new["answers"]["evaluation"]["ethics_approval"]["evidence"].append("Supplement S9")
    write(tmp_path, new, "new.yaml")


def test_identical_cards_show_no_change(ethicard: Ethicard, tmp_path: Path) -> None:
    done = ethicard("diff", DATA / "minimal.yaml", DATA / "minimal.yaml")
    assert done.code == 0
    assert done.out.endswith("  no change in answers, gaps or findings\n")
    assert json.loads(ethicard("diff", DATA / "minimal.yaml", DATA / "minimal.yaml", "--format", "json").out)["same"]


def test_changes_in_status_answer_evidence_gaps_and_findings(ethicard: Ethicard, tmp_path: Path) -> None:
    _pair(tmp_path)
    data = json.loads(ethicard("diff", "old.yaml", "new.yaml", "--format", "json").out)
    items = {entry["item"]: entry for entry in data["items"]}
    assert set(items) == {"synthetic_image_labelling", "ethics_approval"}
    labelling = items["synthetic_image_labelling"]
    assert labelling["status"] == {"old": "addressed", "new": "not addressed"}
    assert labelling["answer"]["changed"] and labelling["evidence"]["removed"] == ["Paper, Section 2"]
    assert items["ethics_approval"]["evidence"] == {"added": ["Supplement S9"], "removed": []}
    assert items["ethics_approval"]["status"] == {"old": "addressed", "new": "addressed"}
    assert data["gaps"] == {"opened": ["No labelling of synthetic images"], "closed": []}
    assert data["old"]["score"] > data["new"]["score"]
    reverse = json.loads(ethicard("diff", "new.yaml", "old.yaml", "--format", "json").out)
    assert reverse["gaps"] == {"opened": [], "closed": ["No labelling of synthetic images"]}
    text = ethicard("diff", "old.yaml", "new.yaml").out
    assert "  synthetic_image_labelling: status addressed -> not addressed; answer changed;" in text
    assert "  gap opened: No labelling of synthetic images\n" in text


def test_markdown_is_a_pull_request_comment_whose_table_cannot_be_broken(ethicard: Ethicard, tmp_path: Path) -> None:
    _pair(tmp_path)
    done = ethicard("diff", "old.yaml", "new.yaml", "--format", "md", "-o", "comment.md")
    assert done.code == 0, done.err
    text = (tmp_path / "comment.md").read_text(encoding="utf-8")
    assert "| `synthetic_image_labelling` | addressed → not addressed | changed | -1 |" in text
    assert "| `ethics_approval` | addressed |  | +1 |" in text
    assert "**Gaps opened**\n\n- No labelling of synthetic images" in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert all(line.count(" | ") == 3 for line in rows)
    assert ethicard("diff", "old.yaml", "new.yaml", "-o", "new.yaml").code == 2  # an input is never overwritten
    assert yaml.safe_load((tmp_path / "new.yaml").read_text(encoding="utf-8"))["answers"]


def _venue(version: str, item: str) -> str:
    return f"""\
extends: misyn
id: venue_x
version: {version}
sections:
  - id: oversight
    items:
      - {{id: {item}, question: When will the code be released?, guidance: Give a date.,
         level: required, kinds: [model, dataset, method], source: derived}}
"""


def test_across_versions_a_renamed_item_is_followed_not_removed_and_added(tmp_path: Path) -> None:
    history = History.model_validate(
        {
            "checklist": "venue_x",
            "releases": [
                {"version": "1.0.0", "date": "2026-01-01", "summary": "first"},
                {
                    "version": "1.1.0",
                    "date": "2026-02-01",
                    "summary": "renamed",
                    "changes": [
                        {
                            "change": "renamed",
                            "items": ["code_date"],
                            "into": ["code_release"],
                            "note": "n",
                            "source": "s",
                        }
                    ],
                },
            ],
        }
    )
    reports = []
    for version, item, status in (("1.0.0", "code_date", "addressed"), ("1.1.0", "code_release", "partial")):
        (tmp_path / f"v{version}.yaml").write_text(_venue(version, item), encoding="utf-8")
        checklist = load_checklist(str(tmp_path / f"v{version}.yaml"))
        card = full_card()
        card["checklist"] = {"id": "venue_x", "version": version}
        card["answers"]["oversight"][item] = {"status": status, "answer": "In June.", "evidence": ["README"]}
        path = write(tmp_path, card)
        reports.append(assess(*load_card(path, checklist)))
    diff = compare(reports[0], reports[1], history)
    assert [(c.item, c.was, c.old_status, c.new_status) for c in diff.items] == [
        ("code_release", ("code_date",), "addressed", "partial")
    ]
    assert diff.retired == ()
    without_history = compare(reports[0], reports[1])  # venue_x declares no changes: shown as asked anew
    assert [(c.item, c.old_status) for c in without_history.items] == [("code_release", "not asked")]
    assert without_history.retired == ("code_date",)


def test_diff_outputs_match_their_goldens(ethicard: Ethicard, golden: Golden, tmp_path: Path) -> None:
    _pair(tmp_path)
    for fmt, suffix in (("text", "txt"), ("json", "json"), ("md", "md")):
        done = ethicard("diff", "old.yaml", "new.yaml", "--format", fmt)
        assert done.code == 0, done.err
        golden(done.out, DATA / "diff" / f"labelling-dropped.{suffix}")
