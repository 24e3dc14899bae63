"""`check --format github|sarif` and the job summary: what CI shows, located at the answers concerned.

GitHub annotations are parsed back the way the runner parses workflow commands; SARIF is validated
with check-jsonschema against the official SARIF 2.1.0 schema (tests/data/sarif, no network).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, EXAMPLE, Ethicard
from hypothesis import given, settings
from hypothesis import strategies as st

from ethicard.reporters import escape_data, escape_property

SARIF_SCHEMA = DATA / "sarif" / "sarif-schema-2.1.0.json"
_COMMAND = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")

# A card whose labelling gap comes from an item it answers "not addressed" (so the item's key is in
# the file), and whose other item is addressed without evidence (a note).
CARD = (DATA / "minimal.yaml").read_text(encoding="utf-8") + (
    "    synthetic_image_usage_declaration:\n"
    "      status: not addressed\n"
    "  design:\n"
    "    stakeholder_refusal_in_design:\n"
    "      status: addressed\n"
    "      answer: Patients were asked; see the consent form.\n"
)


def _unescape(text: str, *, property_: bool = False) -> str:
    """GitHub's runner's unescaping (actions/runner ActionCommand): the inverse of the escapers."""
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if property_ else [])
    for escaped, char in pairs:
        text = text.replace(escaped, char)
    return text.replace("%25", "%")


def _annotations(out: str) -> list[dict[str, str]]:
    found = []
    for line in out.splitlines():
        match = _COMMAND.match(line)
        if match:
            props = dict(part.split("=", 1) for part in match["props"].split(","))
            entry = {key: _unescape(value, property_=True) for key, value in props.items()}
            found.append({"level": match[1], "message": _unescape(match["message"]), **entry})
    return found


def _key_line(text: str, key: str) -> tuple[int, int]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(f"{key}:"):
            return number, len(line) - len(line.lstrip()) + 1
    raise AssertionError(f"{key} is not in the card")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab%:,\r\n\t=;0AD25 é")))
def test_escaping_round_trips_and_leaves_no_separator(text: str) -> None:
    assert _unescape(escape_data(text)) == text
    assert _unescape(escape_property(text), property_=True) == text
    assert not set("\r\n") & set(escape_data(text))
    assert not set("\r\n:,") & set(escape_property(text))


def test_github_annotations_point_at_the_answers_concerned(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "card.yaml").write_text(CARD, encoding="utf-8")
    result = ethicard("check", "--format", "github", "card.yaml")
    assert result.code == 0, result.err
    found = _annotations(result.out)
    assert {a["file"] for a in found} == {"card.yaml"}
    labelling = [a for a in found if a["title"] == "ethicard: No labelling of synthetic images"]
    assert [a["level"] for a in labelling] == ["error"]
    assert "synthetic_image_usage_declaration: not addressed" in labelling[0]["message"]
    assert (int(labelling[0]["line"]), int(labelling[0]["col"])) == _key_line(CARD, "synthetic_image_usage_declaration")
    notes = [a for a in found if a["title"] == "ethicard: Note on stakeholder_refusal_in_design"]
    assert [(n["level"], n["message"]) for n in notes] == [("warning", "marked addressed without evidence")]
    assert (int(notes[0]["line"]), int(notes[0]["col"])) == _key_line(CARD, "stakeholder_refusal_in_design")
    # an unanswered item points at its section, or at answers: when the card lacks the section too;
    # reasons at one place under one heading are one annotation, one reason a line
    limits = [a for a in found if a["title"] == "ethicard: Intrinsic limits and side effects not assessed"]
    assert len(limits) == 1 and int(limits[0]["line"]) == _key_line(CARD, "answers")[0]
    assert len(limits[0]["message"].split("\n")) == 5 and "intrinsic_limit_grounding" in limits[0]["message"]
    assert len({(a["line"], a["title"]) for a in found}) == len(found)
    assert result.out.endswith("ethicard: 1 card: 1 valid, 0 invalid\n")


def test_github_escapes_file_names_and_locates_validation_problems(ethicard: Ethicard, tmp_path: Path) -> None:
    name = "a,b:100%.yaml"
    (tmp_path / name).write_text((DATA / "invalid" / "about_errors.yaml").read_text(encoding="utf-8"))
    result = ethicard("check", "--format", "github", "--strict", name)
    assert result.code == 1
    assert "file=a%2Cb%3A100%25.yaml,line=5,col=9,title=ethicard%3A invalid card::about.kind:" in result.out
    found = _annotations(result.out)
    assert [(a["file"], a["line"], a["col"], a["level"]) for a in found] == [
        (name, "5", "9", "error"),
        (name, "9", "3", "error"),
    ]
    assert found[1]["message"] == "about.modalty: unknown key 'modalty' (did you mean 'modality'?)"


def test_no_file_name_can_start_a_workflow_command(ethicard: Ethicard, tmp_path: Path) -> None:
    names = ["::error::forged.yaml", "x\n::warning file=y::forged.yaml"]
    for name in names:
        (tmp_path / name).write_text(CARD, encoding="utf-8")
    result = ethicard("check", "--format", "github", *names)
    commands = [line for line in result.out.splitlines() if line.startswith("::")]
    assert commands and all(_COMMAND.match(line) for line in commands)
    assert {a["file"] for a in _annotations(result.out)} == set(names)
    assert "ethicard: x\\n::warning file=y::forged.yaml: valid (misyn" in result.out


def test_github_gate_failure_is_an_error_on_the_card(ethicard: Ethicard, tmp_path: Path) -> None:
    result = ethicard("check", "--format", "github", "--min-score", "99", EXAMPLE)
    assert result.code == 1
    gate = [a for a in _annotations(result.out) if a["title"] == "ethicard: gate"]
    assert len(gate) == 1 and "below the minimum of 99%" in gate[0]["message"] and "line" not in gate[0]


def _validate_sarif(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(SARIF_SCHEMA), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_sarif_is_valid_sarif_2_1_0_with_located_results(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "card.yaml").write_text(CARD, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text((DATA / "invalid" / "about_errors.yaml").read_text(encoding="utf-8"))
    result = ethicard("check", "--format", "sarif", "--strict", "card.yaml", "broken.yaml", EXAMPLE)
    assert result.code == 1
    log = tmp_path / "out.sarif"
    log.write_text(result.out, encoding="utf-8")
    checked = _validate_sarif(log)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    sarif = json.loads(result.out)
    (run,) = sarif["runs"]
    assert run["invocations"] == [{"executionSuccessful": True}]  # invalid cards are findings, not failures
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids[:6] == [
        f"gap/{kind}"
        for kind in ("labelling", "refusal", "problem_formulation", "reporting", "model_space_only", "limits")
    ]
    assert len(set(ids)) == len(ids)
    for entry in run["results"]:
        assert ids[entry["ruleIndex"]] == entry["ruleId"]
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for entry in run["results"]:
        by_rule.setdefault(entry["ruleId"], []).append(entry)
    labelling = by_rule["gap/labelling"][0]
    region = labelling["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == _key_line(CARD, "synthetic_image_usage_declaration")
    assert labelling["level"] == "error"
    assert labelling["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "answers.technical_standards.synthetic_image_usage_declaration"
    )
    assert [e["level"] for e in by_rule["note"]] == ["note"]
    invalid = by_rule["invalid-card"]
    assert [
        (
            e["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            e["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for e in invalid
    ] == [("broken.yaml", 5), ("broken.yaml", 9)]
    gate_uris = {e["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for e in by_rule["gate"]}
    assert gate_uris == {"card.yaml"}  # the example card passes --strict; the broken one is not gated
    assert EXAMPLE.resolve().as_uri() not in {
        e["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for e in run["results"]
    }


def test_the_schema_check_rejects_a_broken_sarif_log(ethicard: Ethicard, tmp_path: Path) -> None:
    """The validation above can fail: a region at line 0 is not SARIF."""
    (tmp_path / "card.yaml").write_text(CARD, encoding="utf-8")
    sarif = json.loads(ethicard("check", "--format", "sarif", "card.yaml").out)
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    log = tmp_path / "broken.sarif"
    log.write_text(json.dumps(sarif), encoding="utf-8")
    assert _validate_sarif(log).returncode == 1


def test_sarif_of_no_findings_is_valid(ethicard: Ethicard, tmp_path: Path) -> None:
    result = ethicard("check", "--format", "sarif", EXAMPLE, EXAMPLE)
    assert result.code == 0
    sarif = json.loads(result.out)
    assert sarif["runs"][0]["results"] == []  # a file named twice is checked once
    (tmp_path / "ok.sarif").write_text(result.out, encoding="utf-8")
    assert _validate_sarif(tmp_path / "ok.sarif").returncode == 0


@pytest.mark.parametrize("fmt", ["github", "sarif"])
def test_located_output_is_the_same_in_one_process_or_several(ethicard: Ethicard, tmp_path: Path, fmt: str) -> None:
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (tmp_path / name).write_text(CARD, encoding="utf-8")
    (tmp_path / "d.yaml").write_text((DATA / "invalid" / "about_errors.yaml").read_text(encoding="utf-8"))
    one = ethicard("check", "--format", fmt, "--strict", ".")
    several = ethicard("check", "--format", fmt, "--strict", "--jobs", "2", ".")
    assert one.code == several.code == 1
    assert (
        one.out == several.out
        and one.out.count(
            "answers.design.stakeholder_refusal_in_design"
            if fmt == "sarif"
            else "Note on stakeholder_refusal_in_design"
        )
        == 3
    )


def test_step_summary_is_appended_with_escaped_cells(ethicard: Ethicard, tmp_path: Path) -> None:
    odd = "odd|name\nhere.yaml"
    (tmp_path / odd).write_text(CARD, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text((DATA / "invalid" / "about_errors.yaml").read_text(encoding="utf-8"))
    summary = tmp_path / "summary.md"
    summary.write_text("## Earlier step\n\nkept\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    first = ethicard("check", "--min-score", "50", odd, "broken.yaml", env=env)
    assert first.code == 1
    ethicard("check", "--format", "sarif", "broken.yaml", env=env)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Earlier step\n\nkept\n### ethicard check\n")
    assert text.count("### ethicard check") == 2
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Card | Valid | Completeness | Gate | Gaps shown |"
    row = rows[1]
    assert row.startswith("| odd\\|name here.yaml | yes | ")
    assert row.count(" | ") == 4  # five cells: the file name's | is escaped
    assert "| failed | No labelling of synthetic images, " in row
    assert rows[2] == "| broken.yaml | no (2 problems) | - | failed | - |"
    assert rows[4] == "| broken.yaml | no (2 problems) | - | - |"


def test_step_summary_never_writes_into_a_card(ethicard: Ethicard, tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(CARD, encoding="utf-8")
    result = ethicard("check", "card.yaml", env={"GITHUB_STEP_SUMMARY": str(card)})
    assert result.code == 2
    assert "refusing to write the output over the input card.yaml" in result.err
    assert card.read_text(encoding="utf-8") == CARD


def test_locate_resolves_dotted_paths_to_the_line_a_reader_fixes_or_the_nearest_ancestor() -> None:
    from ethicard.loader import parse
    from ethicard.locations import locate

    document = parse("a:\n  b:\n    - x: 1\n    - y: 2\nc: 3\n", "t.yaml")

    def at(dotted: str) -> tuple[int, int]:
        where = locate(document, dotted)
        return where.line, where.col

    assert at("a.b[1].y") == (4, 10)  # a value on its key's line: the value
    assert at("a.b[1].z") == (4, 7)  # the list entry that holds the missing key
    assert at("a.b") == (2, 3)  # a block below its key: the key
    assert at("c") == (5, 4)
    assert at("nowhere.at.all") == (1, 1)
    assert at("") == (1, 1)


def test_a_finding_about_a_field_points_at_that_field(ethicard: Ethicard) -> None:
    """Rules on structured fields (no item) are located at the row of the field the rule tests."""
    card = DATA / "hostile" / "html.yaml"
    result = ethicard("check", "--format", "sarif", card)
    entries = [
        e for e in json.loads(result.out)["runs"][0]["results"] if e["ruleId"] == "distribution_metric_parameters"
    ]
    assert len(entries) == 1
    location = entries[0]["locations"][0]
    lines = card.read_text(encoding="utf-8").splitlines()
    line, col = (
        location["physicalLocation"]["region"]["startLine"],
        location["physicalLocation"]["region"]["startColumn"],
    )
    assert lines[line - 2].strip() == "distribution_metrics:"  # the row itself, the first under that key
    assert lines[line - 1][col - 1 :].startswith("metric:")
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "evaluation.distribution_metrics[0]"


def test_step_summary_lists_at_most_max_rows_cards_and_counts_the_rest(tmp_path: Path) -> None:
    from ethicard.batch import CardResult
    from ethicard.step_summary import MAX_ROWS, StepSummary

    summary = StepSummary(str(tmp_path / "summary.md"), gated=False)
    for number in range(MAX_ROWS + 5):
        summary.add(CardResult(file=f"card{number}.yaml", valid=True, score=50.0, gaps=("labelling",)))
    summary.write()
    text = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert text.count("| card") == MAX_ROWS
    assert f"{MAX_ROWS + 5} cards: {MAX_ROWS + 5} valid, 0 invalid" in text
    assert f"... and 5 more cards (the first {MAX_ROWS} are listed)." in text
    assert "| card0.yaml | yes | 50.0% | No labelling of synthetic images |" in text
