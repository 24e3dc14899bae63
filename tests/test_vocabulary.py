"""Each closed vocabulary is spelled once (ethicard/vocabulary.py): the command line's choices, the
JSON Schema's enums, the CSV columns and the init skeleton all show exactly its values."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, ROOT, Result

from ethicard import vocabulary
from ethicard.models import About, Answer, CardBase, Evaluation

PACKAGE = ROOT / "ethicard"


def _offered(result: Result) -> list[str]:
    """The choices argparse lists when it refuses a value."""
    assert result.code == 2, result.err
    return re.findall(r"'([^']+)'", result.err.partition("choose from")[2])


@pytest.mark.parametrize(
    ("args", "vocabulary_values"),
    [
        (("init", "--kind", "robot"), vocabulary.KINDS),
        (("crosswalk", str(EXAMPLE), "--to", "tripod"), vocabulary.SCHEMES),
        (("crosswalk", str(EXAMPLE), "--to", "neurips", "--format", "xml"), vocabulary.REPORT_FORMATS),
        (("diff", str(EXAMPLE), str(EXAMPLE), "--format", "xml"), vocabulary.REPORT_FORMATS),
        (("stamp", str(EXAMPLE), "x.png", "--source", "drawn"), vocabulary.STAMP_SOURCES),
    ],
)
def test_command_line_choices_are_the_vocabulary(
    ethicard: Any, args: tuple[str, ...], vocabulary_values: tuple[str, ...]
) -> None:
    assert _offered(ethicard(*args)) == list(vocabulary_values)


def _enum(schema: dict[str, Any], definition: str, key: str) -> list[str]:
    prop = schema["$defs"][definition]["properties"][key]
    found = [entry for entry in [prop, *prop.get("anyOf", [])] if "enum" in entry]
    assert len(found) == 1, prop
    return list(found[0]["enum"])


def test_schema_enums_are_the_vocabulary(ethicard: Any) -> None:
    schema = json.loads(ethicard("schema").out)
    assert _enum(schema, "Answer", "status") == list(vocabulary.STATUSES)
    assert _enum(schema, "About", "kind") == list(vocabulary.KINDS)


def test_checklist_crosswalk_references_follow_the_scheme_names(ethicard: Any, tmp_path: Path) -> None:
    from ethicard import load_checklist

    references = {ref.partition(":")[0] for _, item in load_checklist("misyn").items() for ref in item.crosswalk}
    assert references == set(vocabulary.SCHEMES)
    pattern = re.compile(vocabulary.CROSS_REF_PATTERN)
    assert pattern.match("neurips:1") and not pattern.match("tripod:1")


def test_csv_columns_are_the_answer_states(ethicard: Any) -> None:
    out = ethicard("check", EXAMPLE, "--format", "csv").out
    header = next(csv.reader(io.StringIO(out)))
    states = [column for column in header if column in vocabulary.ANSWER_STATES]
    assert states == list(vocabulary.ANSWER_STATES)


def test_stamp_sources_are_the_markers() -> None:
    from ethicard.images.marker import SOURCE_TYPES

    assert tuple(SOURCE_TYPES) == vocabulary.STAMP_SOURCES


def test_every_status_has_a_label_and_marks() -> None:
    for marks in (vocabulary.STATUS_LABELS, *vocabulary.STATUS_MARKS.values()):
        assert tuple(marks) == vocabulary.ANSWER_STATES and all(marks.values())
    assert tuple(vocabulary.GAP_KINDS) == vocabulary.GAP_IDS


def _spelled(path: Path) -> list[str]:
    """The answer states and scheme names written out as text in one module, with their lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and node.value in vocabulary.ANSWER_STATES + vocabulary.SCHEMES
        # "partial" is also a marker's reading of an image file (images/reading), another vocabulary
        and not (node.value == vocabulary.PARTIAL and path.parent.name == "images")
    ]


def _generated(path: Path) -> bool:
    """A module written by ``python -m ethicard.precompile``: the models' choices copied as data."""
    return path.parent.name == "compiled" and path.name != "__init__.py"


def test_statuses_and_schemes_are_spelled_only_in_the_vocabulary() -> None:
    modules = [path for path in sorted(PACKAGE.rglob("*.py")) if path.name != "vocabulary.py" and not _generated(path)]
    assert any(path.name == "records.py" for path in modules)
    assert [line for path in modules for line in _spelled(path)] == []


@pytest.mark.parametrize("kind", vocabulary.KINDS)
def test_skeleton_has_every_card_field_and_checks_once_named(ethicard: Any, tmp_path: Path, kind: str) -> None:
    assert ethicard("init", "--kind", kind, "-o", "card.yaml").code == 0
    card = tmp_path / "card.yaml"
    text = card.read_text(encoding="utf-8")
    top = {"format", "checklist", "about", "evaluation", "answers"} | set(CardBase.model_fields) - {"retired"}
    assert top <= set(re.findall(r"^(\w+):", text, re.MULTILINE))
    about = text.partition("\nabout:\n")[2].partition("\n# ")[0]
    assert set(re.findall(r"^  (\w+):", about, re.MULTILINE)) == set(About.model_fields) - {"training_data"}
    evaluation = text.partition("\nevaluation:")[2].partition("\nclaims:")[0]
    assert set(re.findall(r"^  (\w+):", evaluation, re.MULTILINE)) == set(Evaluation.model_fields)
    answer = text.partition("\nanswers:\n")[2]
    assert set(re.findall(r"^      (\w+):", answer, re.MULTILINE)) == set(Answer.model_fields) - {"review"}
    for choice in (*vocabulary.KINDS, *vocabulary.STATUSES, "on request", "clinical task", "differential privacy"):
        assert choice in text
    card.write_text(text.replace('  name: ""', "  name: Skeleton", 1), encoding="utf-8")
    checked = ethicard("check", "card.yaml")
    assert checked.code == 0, checked.out
