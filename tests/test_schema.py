"""`ethicard schema`: a JSON Schema of the card YAML that a third-party validator,
check-jsonschema (which reads YAML 1.2 with ruamel), applies with the same verdicts as
`ethicard check`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE, Ethicard, _ethicard_command

# Cases whose problem is in the data, so a schema can express it: both tools refuse them, at the
# same places. An empty file belongs here too: ruamel reads it as null, which the schema refuses
# at the root, where ethicard reports "the file is empty".
SCHEMA_CASES = ("about_errors", "no_as_answer", "not_a_mapping", "typo_key", "wrong_status", "wrong_type", "empty")
# Cases whose problem is in the YAML itself: check-jsonschema stops while parsing (ruamel refuses
# duplicate keys and the unclosed quote), before any schema applies. Both tools exit 1, for
# reasons the schema has no part in.
YAML_CASES = ("duplicate_key", "syntax_error")


def _validator() -> str:
    """check-jsonschema from the test extra: beside this Python (a virtual environment's bin/,
    which need not be on PATH), else on PATH."""
    beside = Path(sys.executable).parent / "check-jsonschema"
    found = str(beside) if beside.exists() else shutil.which("check-jsonschema")
    assert found, "check-jsonschema is in the test extra; pip install '.[test]'"
    return found


def _schema(ethicard: Ethicard, folder: Path) -> Path:
    result = ethicard("schema")
    assert result.code == 0, result.err
    (folder / "schema.json").write_text(result.out, encoding="utf-8")
    return folder / "schema.json"


def _check_jsonschema(schema: Path, card: Path) -> tuple[int, dict[str, object]]:
    done = subprocess.run(
        [_validator(), "--schemafile", str(schema), "-o", "json", str(card)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, json.loads(done.stdout)


@pytest.fixture(scope="module")
def corpus_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """check-jsonschema's JSON report over the example, the minimal card and the invalid corpus,
    from one run (it takes about a second to start)."""
    folder = tmp_path_factory.mktemp("schema")
    schema = folder / "schema.json"
    schema.write_text(
        subprocess.run([*_ethicard_command(), "schema"], capture_output=True, text=True, check=True).stdout,
        encoding="utf-8",
    )
    cards = [EXAMPLE, DATA / "minimal.yaml", *(DATA / "invalid" / f"{n}.yaml" for n in SCHEMA_CASES + YAML_CASES)]
    done = subprocess.run(
        [_validator(), "--schemafile", str(schema), "-o", "json", *map(str, cards)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    report: dict[str, object] = json.loads(done.stdout)
    return report


def _for(report: dict[str, object], card: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The schema errors and the parse errors check-jsonschema reported for one card."""
    errors = [e for e in report["errors"] if e["filename"] == str(card)]  # type: ignore[attr-defined]
    parse = [e for e in report["parse_errors"] if e["filename"] == str(card)]  # type: ignore[attr-defined]
    return errors, parse


def _schema_paths(report: dict[str, object]) -> set[str]:
    """Where check-jsonschema found each error, written as ethicard writes paths."""
    paths = set()
    for error in report["errors"]:  # type: ignore[attr-defined]
        path = (error.get("best_deep_match") or error)["path"]
        extra = re.search(r"\('([^']+)' was unexpected\)", error["message"])
        if extra:
            path += "." + extra.group(1)
        paths.add(path.removeprefix("$.").removeprefix("$") or "<document>")
    return paths


def _ethicard_paths(ethicard: Ethicard, card: Path) -> tuple[int, set[str]]:
    result = ethicard("check", card, "--format", "json")
    problems = json.loads(result.out)["files"][0]["problems"]
    return result.code, {problem["path"] for problem in problems}


def test_schema_is_draft_2020_12_with_id_and_title(ethicard: Ethicard, tmp_path: Path) -> None:
    from ethicard import load_checklist

    schema = _schema(ethicard, tmp_path)
    data = json.loads(schema.read_text(encoding="utf-8"))
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    version = load_checklist("misyn").version
    assert data["$id"] == f"urn:ethicard:card-schema:misyn:{version}"
    assert data["title"] == f"MISyn disclosure card answering misyn {version}"
    done = subprocess.run([_validator(), "--check-metaschema", str(schema)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_answer_carries_its_question_and_guidance(ethicard: Ethicard, tmp_path: Path) -> None:
    from ethicard import load_checklist

    data = json.loads(_schema(ethicard, tmp_path).read_text(encoding="utf-8"))
    answers = data["$defs"]["Answers"]["properties"]
    for section in load_checklist("misyn").sections:
        assert answers[section.id]["title"] == section.title
        items = data["$defs"][f"Answers_{section.id}"]["properties"]
        assert list(items) == [item.id for item in section.items]
        for item in section.items:
            assert (items[item.id]["title"], items[item.id]["description"]) == (item.question, item.guidance)


def test_valid_cards_are_valid_for_both(ethicard: Ethicard, corpus_report: dict[str, object]) -> None:
    for card in (EXAMPLE, DATA / "minimal.yaml"):
        assert _for(corpus_report, card) == ([], [])
        assert ethicard("check", card).code == 0


def test_yaml_12_readings_agree_with_ethicards(ethicard: Ethicard, tmp_path: Path) -> None:
    """`no`, 1.10 and dates are text to ethicard; a YAML 1.2 reader makes 1.10 a number, so text
    fields take numbers; quoted numbers, a single text for a list and misyn@1.0.0 are accepted."""
    card = tmp_path / "readings.yaml"
    card.write_text(
        "checklist: misyn@1.0.0\n"
        "about: {kind: model, name: 2024, version: 1.10, intended_uses: teaching, authors: 2025-01-31}\n"
        "evaluation:\n"
        "  distribution_metrics:\n"
        "    - {metric: FID, value: '12.4', n_medical: 5000, n_synthetic: '5000', repeats: 3}\n"
        "answers:\n"
        "  technical_standards:\n"
        "    synthetic_image_labelling: {status: partial, answer: no, evidence: 3}\n",
        encoding="utf-8",
    )
    schema = _schema(ethicard, tmp_path)
    assert ethicard("check", card).code == 0
    code, report = _check_jsonschema(schema, card)
    assert (code, report["status"]) == (0, "ok"), report
    wrong = (
        card.read_text(encoding="utf-8").replace("repeats: 3", "repeats: many").replace("status: partial", "status: no")
    )
    card.write_text(wrong, encoding="utf-8")
    code, report = _check_jsonschema(schema, card)
    assert code == 1
    assert (
        _schema_paths(report)
        == _ethicard_paths(ethicard, card)[1]
        == {
            "evaluation.distribution_metrics[0].repeats",
            "answers.technical_standards.synthetic_image_labelling.status",
        }
    )


@pytest.mark.parametrize("name", SCHEMA_CASES)
def test_invalid_cards_are_invalid_for_both_at_the_same_places(
    ethicard: Ethicard, corpus_report: dict[str, object], name: str
) -> None:
    card = DATA / "invalid" / f"{name}.yaml"
    errors, parse_errors = _for(corpus_report, card)
    assert errors and not parse_errors
    ethicard_code, ethicard_paths = _ethicard_paths(ethicard, card)
    assert ethicard_code == 1
    assert _schema_paths({"errors": errors}) == ethicard_paths


@pytest.mark.parametrize("name", YAML_CASES)
def test_yaml_level_errors_stop_check_jsonschema_before_the_schema(
    ethicard: Ethicard, corpus_report: dict[str, object], name: str
) -> None:
    card = DATA / "invalid" / f"{name}.yaml"
    errors, parse_errors = _for(corpus_report, card)
    assert parse_errors and not errors
    assert ethicard("check", card).code == 1


def test_init_skeleton_names_the_schema_and_validates_once_named(ethicard: Ethicard, tmp_path: Path) -> None:
    assert ethicard("init", "-o", "card.yaml").code == 0
    card = tmp_path / "card.yaml"
    text = card.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./ethicard-card.schema.json"
    (tmp_path / "ethicard-card.schema.json").write_text(ethicard("schema").out, encoding="utf-8")
    card.write_text(text.replace('  name: ""', "  name: Skeleton model", 1), encoding="utf-8")
    code, report = _check_jsonschema(tmp_path / "ethicard-card.schema.json", card)
    assert (code, report["status"]) == (0, "ok"), report
    assert ethicard("check", "card.yaml").code == 0


def test_schema_for_a_checklist_file(ethicard: Ethicard, tmp_path: Path) -> None:
    from ethicard import resources

    (tmp_path / "mine.yaml").write_text(resources.checklist_text("misyn"), encoding="utf-8")
    result = ethicard("schema", "--checklist", "mine.yaml")
    assert result.code == 0, result.err
    assert result.out == ethicard("schema").out
    missing = ethicard("schema", "--checklist", "nosuch")
    assert missing.code == 1 and "no such bundled checklist" in missing.err
