"""Shortcuts give what the long way gives: a one-card command ends its process without the
interpreter's teardown but with all its output, answers in plain paragraphs skip Python-Markdown in the
HTML card (the HTML made for them directly is the HTML that Python-Markdown and nh3 make of them),
the text heuristics read an ASCII text without searching in any case, and a card with no ' #'
after a value is not parsed a second time for comment warnings."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ethicard import escape, heuristics, loader

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cxr-ldm" / "card.yaml"
SCRIPT = Path(sys.executable).parent / "ethicard"

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
@example("A\x03")  # Python-Markdown's own marker characters are dropped from its output
@example("A\x02b\x7f")
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


def test_a_reader_that_stops_early_ends_a_one_card_command_quietly(tmp_path: Path) -> None:
    """A one-card command ends its own process after flushing: a closed pipe is no traceback."""
    process = subprocess.Popen(
        [str(SCRIPT), "render", str(EXAMPLE), "-f", "html"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # a reader gone before the card is written, like `| head -c 0`
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=120) == 1
    assert err == b""


def test_a_process_that_ends_itself_prints_what_a_returning_main_prints(tmp_path: Path) -> None:
    """``main()`` run as the command ends the process itself; ``main(argv)`` returns: same output."""
    returning = "import sys\nfrom ethicard.cli import main\nsys.exit(main(sys.argv[1:]))"
    for args in (["render", str(EXAMPLE), "-f", "md"], ["check", str(EXAMPLE), "--format", "json"]):
        ending = subprocess.run([str(SCRIPT), *args], cwd=tmp_path, capture_output=True, timeout=120, check=False)
        done = subprocess.run(
            [sys.executable, "-c", returning, *args], cwd=tmp_path, capture_output=True, timeout=120, check=False
        )
        assert (ending.returncode, ending.stdout, ending.stderr) == (done.returncode, done.stdout, done.stderr)
        assert len(ending.stdout) > 1000


YAML_PIECES = ("a: ", "b: ", "- ", "  ", "\t", "x", "2D", "'q'", '"d"', "#", " #", "  #", "\n", "\r\n", "\u00a0", "|")
YAML_TEXT = st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, database=None)
@given(YAML_TEXT)
@example("about:\n  name: a 2D model # and 3D\n")
@example("about:\n  # a whole-line comment\n  name: x  # set off\n")
def test_comment_warnings_are_the_same_without_the_shortcut(text: str) -> None:
    quick = loader.trailing_comments(text, "c.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "_comment_candidate", lambda text: True)  # every text parsed
        assert quick == loader.trailing_comments(text, "c.yaml")
    assert loader._comment_candidate(text) == bool(re.search(r"[^ \t\r\n][ \t]#", text))


def test_the_example_card_is_not_parsed_again_for_comment_warnings() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert not loader._comment_candidate(text)  # its comments are whole lines
    assert loader.trailing_comments(text.replace("kind: model", "kind: model # or not", 1), "c.yaml")


def test_the_ascii_shortcut_refuses_exactly_the_refused_characters_within_ascii() -> None:
    within = bytes(code for code in range(128) if loader._REFUSED_CHARACTER.match(chr(code)))
    assert within == loader._REFUSED_ASCII
    for code in range(128):
        text = f"a: b{chr(code)}c\n"
        assert bool(loader._refused_characters(text, "t.yaml")) == bool(loader._REFUSED_CHARACTER.search(text))
