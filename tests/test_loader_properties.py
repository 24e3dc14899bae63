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
from ethicard.cards import load_card
from ethicard.errors import EthicardError

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


# --- the fast path and the full builder agree ---------------------------------------------------
#
# loader.parse reads most documents with _plain, which keeps no positions, and falls back to
# _Builder (positions and located refusals) only when _plain refuses.  The two must accept the same
# documents with the same data, and refuse the same ones: a document _plain accepts but the builder
# refuses would slip past a refusal, and one only the builder accepts costs a second parse.

# What may stand before a node: nothing, the tags ethicard accepts ('!', '!!str', '!!map', '!!seq'),
# tags it refuses, an anchor, or an alias in its place.
_PREFIXES = [""] * 24 + ["! ", "!!str "] * 2 + ["!!map ", "!!seq ", "!!int ", "!!bool ", "!!null ", "!x ", "&a "]
# Scalars as YAML 1.1 would read them: booleans, nulls, numbers, dates, the merge key, quoted forms.
_WORDS = [
    "x",
    "a",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "true",
    "True",
    "FALSE",
    "~",
    "null",
    "NULL",
    "''",
    '""',
    "'true'",
    '"null"',
    "<<",
    "'<<'",
    "1",
    "007",
    "0x1F",
    "1_000",
    "1e3",
    ".inf",
    "-.NaN",
    "2024-05-01",
    "12:30:00",
    "é",
    "some text",
    "'quoted: text'",
    "*a",
]
_KEYS_SMALL = [
    *("a", "b", "c", "d", "status", "answer", "true", "no", "~", "''", "'<<'", '"a"', "!!str a", "!!str <<", "! b"),
    *("<<", "&k a", "*a", "? a"),
]


def _prefix(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(_PREFIXES))


@st.composite
def _node(draw: st.DrawFn, depth: int = 0) -> tuple[Any, ...]:
    """A node as a tree: ('scalar', text) or ('map' | 'list', prefix, children)."""
    kinds = ["map", "map", "list"] if depth == 0 else ["scalar", "scalar", "map", "list"] if depth < 3 else ["scalar"]
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return ("scalar", _prefix(draw) + draw(st.sampled_from(_WORDS)))
    size = draw(st.integers(1 if depth == 0 else 0, 3))
    children = [draw(_node(depth + 1)) for _ in range(size)]
    if kind == "map":
        return ("map", _prefix(draw), [(draw(st.sampled_from(_KEYS_SMALL)), child) for child in children])
    return ("list", _prefix(draw), children)


def _flow(node: tuple[Any, ...]) -> str:
    if node[0] == "scalar":
        return str(node[1])
    prefix: str = node[1]
    children: list[Any] = node[2]
    if node[0] == "map":
        return prefix + "{" + ", ".join(f"{key}: {_flow(child)}" for key, child in children) + "}"
    return prefix + "[" + ", ".join(_flow(child) for child in children) + "]"


def _block(node: tuple[Any, ...], indent: str, flow: list[bool]) -> list[str]:
    """A collection's lines in block style (its children in flow style where ``flow`` says so)."""
    _, _, children = node
    lines = []
    for n, entry in enumerate(children):
        key, child = entry if node[0] == "map" else ("", entry)
        lead = f"{indent}{key}:" if node[0] == "map" else f"{indent}-"
        if child[0] == "scalar" or not child[2] or flow[n % len(flow)]:
            lines.append(f"{lead} {_flow(child)}")
        else:
            lines.append(f"{lead} {child[1]}".rstrip())
            lines += _block(child, indent + "  ", flow[1:] or [True])
    return lines


@st.composite
def _documents(draw: st.DrawFn) -> str:
    root = draw(_node())
    flow = draw(st.lists(st.booleans(), min_size=1, max_size=4))
    if root[0] == "scalar" or not root[2] or flow[0]:
        body = _flow(root)
    else:
        body = "\n".join(([root[1].strip()] if root[1] else []) + _block(root, "", flow))
    start = draw(st.sampled_from(["", "", "---\n", "--- ", "%YAML 1.1\n---\n"]))
    end = draw(st.sampled_from(["\n"] * 6 + ["\n...\n", "\n---\nsecond\n", "\n# comment\n", ""]))
    return start + body + end


def _fast(text: str) -> Any:
    parser = loader._NoImplicitTypes(text)
    try:
        return ("data", loader._plain(parser))
    except (loader._Refused, yaml.YAMLError):
        return "refused"
    finally:
        parser.dispose()


def _full(text: str) -> Any:
    builder = loader._Builder("t.yaml")
    parser = loader._NoImplicitTypes(text)
    try:
        builder.consume(parser)
    except yaml.YAMLError:
        return "refused"
    finally:
        parser.dispose()
    return "refused" if builder.problems or not builder.documents else ("data", builder.root)


@settings(FAST, max_examples=1000)
@given(st.one_of(_documents(), yamlish))
@example("a: !!str yes\nb: ! no\nc: !!str\n")
@example("!!map {a: !!seq [x, ! ~], !!str <<: 1, '<<': 2}")
@example("<<: {a: 1}\n")
@example("a: 1\nb: 2\na: 3\n")
@example("a: &x 1\nb: *x\n")
@example("!!int 1\n")
@example("!!seq {a: 1}\n")
@example("? [a]\n: b\n")
@example("[" * 60 + "]" * 60)
@example("---\na\n---\nb\n")
@example("yes: no\non: off\n~: null\n")
def test_the_fast_path_and_the_builder_read_every_document_alike(text: str) -> None:
    fast = _fast(text)
    assert fast == _full(text), text
    if fast != "refused":  # and where each value and key stands, as the builder records it
        builder = loader._Builder("t.yaml")
        parser = loader._NoImplicitTypes(text)
        try:
            builder.consume(parser)
        finally:
            parser.dispose()
        document = loader.Document("t.yaml", fast[1], text=text)
        assert (document.values, document.keys) == (builder.values, builder.keys), text
