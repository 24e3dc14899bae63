"""Property-based tests (Hypothesis) of the YAML loader and of card validation.

- Any text, and any bytes in a file, either parse or raise EthicardError: nothing else escapes.
- Any data made of mappings, lists, text, true/false and nothing, dumped by PyYAML, reads back
  as exactly that data: text stays text (``no``, ``1.10``, ``2024-05-01``, ``~``, ``007``, ...).
- Any mapping given as a card validates or raises EthicardError whose every problem is located
  (line and column >= 1) in the card file with a path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ethicard import loader
from ethicard.errors import EthicardError
from ethicard.validate import load_card

FAST = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of YAML syntax, so that generated text is often almost-YAML rather than one plain scalar.
_SYNTAX = st.sampled_from(
    [
        ":",
        ": ",
        " ",
        "  ",
        "\n",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "&a ",
        "*a",
        "!!str ",
        "!x ",
        "!!binary ",
        "!!python/object:os.system ",
        "? ",
        "'",
        '"',
        "# ",
        "<<: ",
        "---\n",
        "...\n",
        "\t",
        "|\n",
        ">-\n",
        "key",
        "status",
        "1",
        "1.10",
        "~",
        "null",
        "true",
        "no",
        "%YAML 1.1\n",
        "%TAG ! tag:x,2000:\n",
        "\\",
        "\\e",
        "\\0",
        "\\u00e9",
        "\ufeff",
        "\x85",
        "\u2028",
        "\x00",
        "\x07",
        "\r\n",
        "é",
        "\u0430",
        "\U0001f600",
    ]
)
yamlish = st.lists(st.one_of(_SYNTAX, st.text(max_size=4)), max_size=40).map("".join)


@settings(FAST, max_examples=1000)
@given(st.one_of(st.text(), yamlish))
def test_any_text_parses_or_raises_ethicard_error(text: str) -> None:
    try:
        document = loader.parse(text, "fuzz.yaml")
    except EthicardError as exc:
        assert exc.problems
        assert all(p.file == "fuzz.yaml" and p.message for p in exc.problems)
    else:
        assert document.file == "fuzz.yaml"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "card.yaml"


@settings(FAST, max_examples=500, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300), yamlish.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_any_bytes_in_a_file_load_or_raise_ethicard_error(scratch: Path, content: bytes) -> None:
    scratch.write_bytes(content)
    try:
        loader.load(scratch, max_bytes=200)
    except EthicardError as exc:
        assert exc.problems
        assert all(p.file == str(scratch) for p in exc.problems)


# Any text but NEXT LINE and the LINE and PARAGRAPH SEPARATORS, which PyYAML writes out literally
# and ethicard refuses because YAML 1.1 reads them as line breaks that editors do not show (tested
# on their own below). Other control characters are written as escapes and come back as text.
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Zl", "Zp"), exclude_characters="\x85"))
_TRAPS = [
    "no",
    "yes",
    "on",
    "off",
    "1.10",
    "2024-05-01",
    "~",
    "null",
    "Null",
    "",
    "007",
    "0x1F",
    "1e3",
    ".inf",
    "-.nan",
    "<<",
    "=",
    "true",
    "False",
    "12:30",
    "1_000",
    "@handle",
    "*star",
    "&amp",
    "!bang",
    "# hash",
    "- dash",
    "key: value",
    " padded ",
    "multi\nline\n",
    "\ttab",
    "é",
    "\u0430",
    "😀",
]
_SCALARS = st.one_of(st.none(), st.booleans(), _TEXT, st.sampled_from(_TRAPS))
_DATA = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.one_of(_TEXT, st.sampled_from(_TRAPS)), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(FAST, max_examples=600)
@given(_DATA, st.booleans(), st.sampled_from([None, False, True]))
@example({trap: [trap] for trap in _TRAPS}, False, None)
@example({"version": "1.10", "date": "2024-05-01", "answer": "no", "n": "007", "nothing": "~"}, True, True)
def test_dumped_data_reads_back_exactly(data: Any, unicode: bool, flow: bool | None) -> None:
    text = yaml.safe_dump(data, allow_unicode=unicode, default_flow_style=flow, sort_keys=False)
    assert loader.parse(text, "round-trip.yaml").data == data


_KEYS = st.sampled_from(
    [
        "checklist",
        "about",
        "evaluation",
        "answers",
        "id",
        "version",
        "kind",
        "name",
        "task",
        "modality",
        "uses",
        "intended_uses",
        "release",
        "links",
        "training_data",
        "access",
        "url",
        "contact",
        "authors",
        "distribution_metrics",
        "downstream",
        "memorisation",
        "reader_studies",
        "metric",
        "value",
        "n_medical",
        "readers",
        "test_set_real",
        "design",
        "result",
        "technical_standards",
        "synthetic_image_labelling",
        "oversight",
        "status",
        "answer",
        "evidence",
        "misyn",
        "st\u0430tus",
    ]
)
_VALUES = st.sampled_from(
    [
        "misyn",
        "misyn@1.0.0",
        "1.0.0",
        "2.0.0",
        "other@1.0.0",
        "dataset",
        "model",
        "addressed",
        "partial",
        "not applicable",
        "on request",
        "public",
        "12.4",
        "-inf",
        "nan",
        "0",
        "3",
        "https://example.org",
        "ftp://x",
        "data augmentation",
        "train on synthetic, test on real",
    ]
)
_CARDS = st.dictionaries(
    st.one_of(_KEYS, _TEXT),
    st.recursive(
        st.one_of(st.none(), st.booleans(), _VALUES, _TEXT),
        lambda children: st.lists(children, max_size=3) | st.dictionaries(_KEYS, children, max_size=5),
        max_leaves=30,
    ),
    max_size=6,
)


@settings(FAST, max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_CARDS)
@example({"checklist": "misyn@1.0.0", "about": {"kind": "model", "name": "x"}})
@example({"checklist": {"id": "misyn", "version": "9.0.0"}, "about": None, "answers": []})
def test_any_mapping_validates_or_every_problem_is_located(scratch: Path, card: dict[str, Any]) -> None:
    scratch.write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    try:
        load_card(scratch)
    except EthicardError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == str(scratch)
            assert problem.line >= 1 and problem.col >= 1, problem
            assert isinstance(problem.path, tuple), problem
            assert problem.message, problem


def test_hidden_line_breaks_are_refused_written_out_but_kept_as_escapes() -> None:
    for char in ("\u2028", "\u2029", "\x85"):
        with pytest.raises(EthicardError, match="which YAML reads as a line break"):
            loader.parse(yaml.safe_dump([f"a{char}b"], allow_unicode=True))
    assert loader.parse('- "a\\Lb\\Pc"\n').data == ["a\u2028b\u2029c"]


def test_escaped_control_characters_are_kept_as_text() -> None:
    """Written as escapes they are deliberate: nothing is lost; each output format escapes them."""
    assert loader.parse('a: "\\0 \\e[31m \\x02 \\t"\n').data == {"a": "\x00 \x1b[31m \x02 \t"}
