"""A venue checklist's own text cannot reach beyond a comment of the ``init`` skeleton, and its
ids cannot clash with the names pydantic's models already use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Ethicard
from hypothesis import given, settings
from hypothesis import strategies as st

from ethicard import loader
from ethicard.checklist import load_checklist
from ethicard.errors import EthicardError
from ethicard.skeleton import skeleton

EXTENSION = """extends: misyn
id: venue
version: 1.0.0
sections:
  - id: venue_questions
    title: {title}
    items:
      - id: funding
        question: {question}
        guidance: {guidance}
        level: required
        kinds: [model, dataset, method]
        source: derived
"""
BREAKS = "\n\r\x85\u2028\u2029\x0b\x0c\x1c\x1d\x1e\t"
HOSTILE = st.text(alphabet=BREAKS + "ab #:-'\"[]{}|>!&*\x1b\u202e\u200b", min_size=1, max_size=40)


def _checklist(tmp_path: Path, title: str, question: str, guidance: str) -> Path:
    path = tmp_path / "venue.yaml"
    path.write_text(
        EXTENSION.format(title=json.dumps(title), question=json.dumps(question), guidance=json.dumps(guidance)),
        encoding="utf-8",
    )
    return path


def _plain_data(tmp_path: Path) -> object:
    checklist = load_checklist(str(_checklist(tmp_path, "Venue", "Who funded it?", "Name them.")))
    return loader.parse(skeleton(checklist, "model")).data


@settings(max_examples=40, deadline=None)
@given(title=HOSTILE, question=HOSTILE, guidance=HOSTILE)
def test_skeleton_comments_are_inert_whatever_the_checklist_says(
    tmp_path_factory: pytest.TempPathFactory, title: str, question: str, guidance: str
) -> None:
    folder = tmp_path_factory.mktemp("venue")
    try:
        checklist = load_checklist(str(_checklist(folder, title, question, guidance)))
    except EthicardError:
        return  # the checklist itself is refused (e.g. a text of spaces only): no skeleton at all
    text = skeleton(checklist, "model")
    document = loader.parse(text)  # ethicard reads its own skeleton: no hidden line breaks
    assert document.data == _plain_data(folder)  # and nothing in it came from the checklist's text
    for char in BREAKS.replace("\n", "") + "\x1b":
        assert char not in text


def test_a_title_with_a_line_break_cannot_prefill_an_answer(ethicard: Ethicard, tmp_path: Path) -> None:
    injected = "Venue\n  venue_questions:\n    funding:\n      status: addressed\n      answer: done"
    _checklist(tmp_path, injected, "Who?\u2028status: addressed", "Name\u0085them.")
    result = ethicard("init", "--checklist", "venue.yaml", "-o", "card.yaml")
    assert result.code == 0, result.err
    text = (tmp_path / "card.yaml").read_text(encoding="utf-8")
    assert "  # ---- Venue venue_questions: funding: status: addressed answer: done ----\n" in text
    answer = loader.parse(text).data["answers"]["venue_questions"]["funding"]
    assert answer["status"] is None
    assert {key: value for key, value in answer.items() if value not in (None, "", [])} == {}  # nothing pre-filled


@pytest.mark.parametrize("name", ["model_config", "model_dump", "model_fields_set", "json", "copy", "schema", "dict"])
@pytest.mark.parametrize("where", ["item", "section"])
def test_ids_pydantic_uses_itself_are_refused_located(
    ethicard: Ethicard, tmp_path: Path, name: str, where: str
) -> None:
    text = EXTENSION.format(title="Venue", question="Who?", guidance="Name them.")
    text = (
        text.replace("- id: funding", f"- id: {name}")
        if where == "item"
        else text.replace("- id: venue_questions", f"- id: {name}")
    )
    (tmp_path / "venue.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "card.yaml").write_text((Path(__file__).parent / "data" / "minimal.yaml").read_text(), encoding="utf-8")
    result = ethicard("check", "card.yaml", "--checklist", "venue.yaml")
    line = 8 if where == "item" else 5
    expected = f"venue.yaml:{line}:"
    assert result.code == 1, result.err
    assert result.err.startswith(expected), result.err
    assert f"'{name}' cannot be a section or item id: the card's model uses that name itself" in result.err
    assert "Warning" not in result.err and "Traceback" not in result.err
    assert len(result.err.splitlines()) == 1
