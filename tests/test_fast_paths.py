"""Shortcuts give what the long way gives: answers in plain paragraphs skip Python-Markdown in the
HTML card (the HTML made for them directly is the HTML that Python-Markdown and nh3 make of them),
and the text heuristics read an ASCII text without searching in any case."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ethicard import escape, heuristics

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cxr-ldm" / "card.yaml"

# Words of prose, and the characters and line shapes that Markdown or nh3 read specially.
PIECES = (
    "the",
    "Model",
    "data,",
    "x-ray",
    "e.g.",
    "2024",
    "(a)",
    "it's",
    '"quoted"',
    "Élan",
    "straße",
    "ǅ",
    "日本",
    "a:b",
    "http://example.org/x",
    "1.",
    "2)",
    "-",
    "+",
    "*",
    "_",
    "#",
    "=",
    ">",
    "<b>",
    "&amp;",
    "&",
    "!",
    "[x]",
    "`c`",
    "\\",
    "~",
    "|",
    "\u00a0",
    "\u2028",
    "\u200b",
    "\x85",
    "\t",
    "  ",
    " ",
    "\n",
    "\n\n",
    "\n \n",
    "\n\n\n",
    "    ",
)
PROSE = st.lists(st.sampled_from(PIECES), max_size=16).map(" ".join)
RAW = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)
PLAIN = st.lists(
    st.lists(st.sampled_from(("The", "model", "was", "trained", "on", "Élan", "data,", "e.g.", "2024")), min_size=1),
    min_size=1,
    max_size=4,
).map(lambda lines: "\n".join(" ".join(line) for line in lines))


def _full(source: str) -> str:
    return escape.sanitise_html(escape._converter().reset().convert(source))


@settings(max_examples=400, deadline=None, database=None)
@given(st.one_of(PROSE, RAW, PLAIN, PLAIN.map(lambda text: text + "\n\n" + text + "\n"), st.text(max_size=40)))
@example("A line\nand another\n\nA paragraph")
@example("Ends with a space \nnext")
@example("Two  spaces inside")
@example(" \n\u00a0\n")
def test_plain_paragraphs_give_python_markdowns_html(text: str) -> None:
    assert escape._paragraphs_html(text) == _full(text)


def _answers() -> list[str]:
    card = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return [
        answer["answer"]
        for block in card["answers"].values()
        for answer in block.values()
        if isinstance(answer, dict) and answer.get("answer")
    ]


def test_the_example_cards_answers_render_the_same_without_the_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = _answers()
    plain = [text for text in answers if escape._PLAIN_PARAGRAPHS.fullmatch(text.strip("\n"))]
    assert len(plain) >= len(answers) // 3  # the shortcut is taken for many real answers
    with escape.markdown_budget():
        quick = [str(escape.html_markdown(text)) for text in answers]
    monkeypatch.setattr(escape, "_paragraphs_html", _full)
    with escape.markdown_budget():
        full = [str(escape.html_markdown(text)) for text in answers]
    assert quick == full


ASCII_PIECES = (
    "Future",
    "WORK",
    "we",
    "Will",
    "be",
    "fixed",
    "not",
    "can't",
    "no",
    "Significantly",
    "statistically",
    "clinical",
    "privacy",
    "Anonymised",
    "anonymous",
    "p",
    "<",
    "0.05",
    ".",
    ";",
    "(",
    "K",
    "s",
    "data",
)
ASCII_TEXT = st.lists(st.sampled_from(ASCII_PIECES), max_size=30).map(" ".join)
PHRASES = (heuristics.SIGNIFICANCE, heuristics.REMOVABLE, heuristics.PRIVACY)


@settings(max_examples=400, deadline=None, database=None)
@given(ASCII_TEXT)
@example("We will not be FIXED. future Work")
def test_ascii_texts_give_the_phrases_any_text_gives(text: str) -> None:
    # A last word outside ASCII that no phrase holds takes the general path and changes nothing before it.
    other = text + " \u00e9t\u00e9"
    for phrases in PHRASES:
        for negation in (True, False):
            found = heuristics.find(text, phrases, negation=negation)
            assert found == heuristics.find(other, phrases, negation=negation)
