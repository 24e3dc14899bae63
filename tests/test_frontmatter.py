"""README front matter edited as text (`render --into`): the README's own bytes survive, bounds are
found as Hugging Face finds them, hostile front matter is refused located, and huggingface_hub's
own reader (metadata_load) reads the README's values exactly as before plus ethicard's keys."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE, Ethicard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BEGIN, END = "<!-- ethicard:begin -->", "<!-- ethicard:end -->"
ADDED = ("license_name", "license_link", "base_model", "model-index", "license")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def _hub(path: Path) -> dict[str, Any]:
    from huggingface_hub import metadata_load

    return metadata_load(path) or {}  # None: no front matter, or one with only comments


YAML_11 = (
    "---\n"
    "# the author's comment\n"
    "language: no        # Norwegian, read by YAML 1.1 as false\n"
    "version: 1.10\n"
    "code: 012\n"
    "when: 2024-01-01\n"
    "description: |\n"
    "  Some text\n"
    "  ---\n"
    "  still text: an indented '---' does not end the front matter\n"
    "extra:\n"
    "  nested: {a: 1, b: [x, y]}\n"
    "---\n"
    "Body.\n"
)


def test_the_readmes_own_values_survive_byte_for_byte(ethicard: Ethicard, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(YAML_11, encoding="utf-8")
    before = _hub(readme)
    result = ethicard("render", EXAMPLE, "--into", "README.md")
    assert result.code == 0, result.err
    text = readme.read_text(encoding="utf-8")
    original_yaml = YAML_11[: YAML_11.index("---\nBody")]
    assert text.startswith(original_yaml + "license: other\n")  # every line kept, keys added after them
    assert text.count("\n---\nBody.\n") == 1
    after = _hub(readme)
    assert {key: after[key] for key in before} == before  # the Hub reads the README's values as before
    assert after["language"] is False and after["version"] == 1.1  # as the Hub always read them
    assert "still text" in after["description"]
    assert set(after) - set(before) == {*ADDED, "tags"}


def test_cr_only_readme_is_edited_in_place_not_given_a_second_front_matter(ethicard: Ethicard, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_bytes(b"---\rlicense: mit\rtags: [medical]\r---\r# Title\r\rText.\r")
    result = ethicard("render", EXAMPLE, "--into", "README.md")
    assert result.code == 0, result.err
    raw = readme.read_bytes()
    assert raw.startswith(b"---\rlicense: mit\rtags: [medical, synthetic-data, medical-imaging, ethicard]\r")
    assert raw.count(b"\r---\r# Title\r") == 1 and b"\n" not in raw
    assert b"\r## MISyn disclosure card" in raw  # the README's '# Title' stays the only H1
    assert "lines end in CR only" in result.err
    again = ethicard("render", EXAMPLE, "--into", "README.md")
    assert again.code == 0 and "up to date" in again.err
    assert readme.read_bytes() == raw


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("tags:\n  - a  # mine\n  - b\nother: 1\n", "tags:\n  - a  # mine\n  - b\n  - synthetic-data\n"),
        ("tags: [a, 'b']\n", "tags: [a, 'b', synthetic-data, medical-imaging, ethicard]\n"),
        ("tags: []\n", "tags: [synthetic-data, medical-imaging, ethicard]\n"),
        ("tags:\n- ethicard\n", "tags:\n- ethicard\n- synthetic-data\n- medical-imaging\n"),
    ],
    ids=["indented-block", "flow", "empty-flow", "block"],
)
def test_tags_are_appended_in_the_lists_own_style(tmp_path: Path, front: str, expected: str) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"---\n{front}---\n", encoding="utf-8")
    assert _update(readme)[0] == "updated"
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("---\n" + expected), text[:200]
    tags = _hub(readme)["tags"]
    assert {"synthetic-data", "medical-imaging", "ethicard"} <= set(tags)


def test_tags_that_are_not_a_list_are_left_alone_with_a_note(ethicard: Ethicard, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("---\nlicense: mit\ntags: medical\n---\n", encoding="utf-8")
    result = ethicard("render", EXAMPLE, "--into", "README.md")
    assert result.code == 0, result.err
    assert "note: README.md:3: 'tags' is not a list ethicard can extend" in result.err
    assert readme.read_text(encoding="utf-8").startswith("---\nlicense: mit\ntags: medical\nbase_model: ")


def _nested(depth: int) -> str:
    return "deep: " + "[" * depth + "]" * depth + "\n"


HOSTILE = {
    "duplicate-top": ("license: mit\ntags: [a]\nlicense: apache-2.0\n", 4, 1, "duplicate key 'license'"),
    "duplicate-nested": ("a:\n  b: 1\n  c: 2\n  b: 3\n", 5, 3, "duplicate key 'b'"),
    # libyaml may refuse deep flow nesting (at 1,000 levels) before ethicard's own limit fires: both are fine
    "deep-nesting": (_nested(100_000), 2, 0, "nested more than 50 levels deep|exceeded maximum nesting depth"),
    "deep-block-nesting": ("".join(f"{'  ' * i}k{i}:\n" for i in range(60)) + "  " * 60 + "v\n", 52, 101, "nested"),
    "long-number": ("n: " + "9" * 5000 + "\n", 2, 4, "a number with 5,000 digits"),
    "flow-mapping": ("{a: 1}\n", 2, 1, "one '{...}' mapping"),
    "not-a-mapping": ("- a\n", 2, 1, "must be a mapping"),
    "bad-yaml": ("a: [b\n", 3, 1, "not valid YAML"),
    "second-document": ("a: 1\n--- b: 2\n", 3, 1, "more than one YAML document"),
}


@pytest.mark.parametrize("name", HOSTILE, ids=list(HOSTILE))
def test_hostile_front_matter_is_refused_located_and_left_untouched(tmp_path: Path, name: str) -> None:
    from ethicard.errors import EthicardError

    front, line, col, message = HOSTILE[name]
    content = f"---\n{front}---\nText\n".encode()
    readme = tmp_path / "README.md"
    readme.write_bytes(content)
    started = time.monotonic()
    with pytest.raises(EthicardError) as refused:
        _update(readme)
    assert time.monotonic() - started < 5
    (problem,) = refused.value.problems
    assert str(problem).startswith(f"{readme}:{line}:"), problem
    assert problem.col == col or not col
    assert re.search(message, problem.message)
    assert readme.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_hostile_front_matter_through_the_command_line(ethicard: Ethicard, tmp_path: Path) -> None:
    content = b"---\nn: " + b"9" * 5000 + b"\nlicense: mit\nlicense: mit\n---\n"
    (tmp_path / "README.md").write_bytes(content)
    result = ethicard("render", EXAMPLE, "--into", "README.md")
    assert result.code == 1
    assert result.err.startswith("README.md:2:4: a number with 5,000 digits"), result.err
    assert (tmp_path / "README.md").read_bytes() == content


def test_a_readme_over_the_size_limit_is_refused_unread(ethicard: Ethicard, tmp_path: Path) -> None:
    limit = EXAMPLE.stat().st_size + 1000  # the card is within the limit, the README is not
    content = b"---\nlicense: mit\n---\n" + b"x" * limit
    (tmp_path / "README.md").write_bytes(content)
    result = ethicard("render", EXAMPLE, "--into", "README.md", "--max-bytes", str(limit))
    assert result.code == 1
    assert result.err.startswith(f"README.md: is larger than the limit of {limit:,} bytes"), result.err
    assert (tmp_path / "README.md").read_bytes() == content


def _update(path: Path) -> tuple[str, list[str], list[str]]:
    from ethicard import hub, readme
    from ethicard.assessment import assess
    from ethicard.cards import load_card

    return readme.update(path, "# card\n", hub.metadata(assess(*load_card(EXAMPLE))))


def test_many_keys_are_read_in_linear_time(tmp_path: Path) -> None:
    """50,000 keys (800 KB of front matter): edited, not refused, and quickly."""
    front = "".join(f"k{i}: v{i}\n" for i in range(50_000))
    readme = tmp_path / "README.md"
    readme.write_text(f"---\n{front}---\n", encoding="utf-8")
    started = time.monotonic()
    assert _update(readme)[0] == "updated"
    assert time.monotonic() - started < 15
    assert readme.read_text(encoding="utf-8").startswith(f"---\n{front}license: other\n")


# --- property: any front matter the Hub reads survives, byte for byte, but for ethicard's keys ----

_text = st.text(alphabet="abcnoyes01.-_ :#'\"", min_size=0, max_size=12)
_scalar = st.one_of(_text, st.integers(-1000, 10**30), st.floats(allow_nan=False), st.booleans(), st.none())


def _nest(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(inner, max_size=4) | st.dictionaries(st.text("abxyz_", min_size=1, max_size=6), inner, max_size=4)


# Two levels of nesting, built out explicitly: st.recursive warns, on some draws, that its extend
# function ignores its argument, and warnings fail the suite.
_value = _scalar | _nest(_scalar | _nest(_scalar))
_key = st.sampled_from(["license", "tags", "language", "version", "datasets", "library_name", "x", "y-z", "a b"])


@st.composite
def _front_matter(draw: st.DrawFn) -> str:
    data = draw(st.dictionaries(_key, _value, max_size=6))
    if "tags" in data:
        data["tags"] = draw(st.lists(st.sampled_from(["ethicard", "medical", "x-ray", "a b"]), max_size=3))
    text = yaml.safe_dump(
        data, default_flow_style=draw(st.sampled_from([False, None])), sort_keys=draw(st.booleans()), width=40
    )
    if text.strip() == "{}":
        text = ""
    elif text.startswith("{"):  # one flow mapping is refused on purpose (see the '{...}' test); nested ones are kept
        text = yaml.safe_dump(data, default_flow_style=False, sort_keys=False, width=40)
    lines = text.splitlines(keepends=True)
    comment_at = draw(st.integers(0, len(lines)))
    lines.insert(comment_at, "# a comment the author wrote\n")
    return "".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=_front_matter(), newline=st.sampled_from(["\n", "\r\n"]))
def test_any_front_matter_the_hub_reads_survives_the_round_trip(tmp_path: Path, front: str, newline: str) -> None:
    from ethicard import hub, readme
    from ethicard.assessment import assess
    from ethicard.cards import load_card

    report = assess(*load_card(EXAMPLE))
    source = tmp_path / "README.md"
    original = ("---\n" + front + "---\n# Title\n").replace("\n", newline)
    source.write_bytes(original.encode())
    before = _hub(source) or {}
    text = readme.edit(original, "# card\n", hub.metadata(report)).text
    source.write_bytes(text.encode())
    after = _hub(source)
    for key, value in before.items():
        assert after[key] == value or (key == "tags" and after[key][: len(value)] == value)
    assert set(after) - set(before) <= {*ADDED, "tags"}
    # byte for byte: the original lines are all there, in order, unchanged; only whole lines were added
    # (or, in a flow list of tags, text before its ']')
    new_lines = text.splitlines(keepends=True)
    position = 0
    for line in original.splitlines(keepends=True):
        while position < len(new_lines) and new_lines[position] != line:
            if "tags: [" in line and new_lines[position].startswith(line.split("]")[0]):
                break
            position += 1
        assert position < len(new_lines), f"line lost or changed: {line!r}"
        position += 1
    assert readme.edit(text, "# card\n", hub.metadata(report))[0] == text  # a second run changes nothing


EDGES = {
    "byte-order-mark": ("\ufeff---\nlicense: mit\n---\nT\n", "\ufeff---\nlicense: mit\nbase_model: "),
    "blank-lines-first": ("\n\n---\na: 1\n---\nT\n", "\n\n---\na: 1\nlicense: other\n"),
    "empty": ("---\n---\nT\n", "---\nlicense: other\n"),
    "keep-chomping-block-scalar": ("---\na: |+\n  text\n\n---\nT\n", "---\na: |+\n  text\n\nlicense: other\n"),
    "indented-keys": ("---\n  a: 1\n---\nT\n", "---\n  a: 1\n  license: other\n  license_name: "),
    "document-end-marker": ("---\na: 1\n...\n---\nT\n", "---\na: 1\nlicense: other\n"),
    "tags-and-end-marker": ("---\ntags:\n- a\n...\n---\n", "---\ntags:\n- a\n- synthetic-data\n"),
    "closing-line-last": ("---\na: 1\n---", "---\na: 1\nlicense: other\n"),
    "closing-line-with-spaces": ("---\na: 1\n---  \nT\n", "---\na: 1\nlicense: other\n"),
    "tags-then-comments": ("---\ntags:\n- a\n# c\n\nb: 1\n---\n", "---\ntags:\n- a\n- synthetic-data\n"),
    "tags-flow-over-lines": ("---\ntags: [a,\n  b,\n]\n---\n", "---\ntags: [a,\n  b, synthetic-data, "),
    "tags-block-scalar-item": ("---\ntags:\n- |\n  a\n---\n", "---\ntags:\n- |\n  a\n- synthetic-data\n"),
    "tags-with-an-alias": ("---\na: &x 1\ntags: [*x]\n---\n", "---\na: &x 1\ntags: [*x]\nlicense: other\n"),
}


@pytest.mark.parametrize("name", EDGES, ids=list(EDGES))
def test_edge_cases_keep_the_readme_and_read_back_on_the_hub(tmp_path: Path, name: str) -> None:
    from ethicard import hub, readme
    from ethicard.assessment import assess
    from ethicard.cards import load_card

    original, starts = EDGES[name]
    offered = hub.metadata(assess(*load_card(EXAMPLE)))
    text = readme.edit(original, "# card\n", offered).text
    assert text.startswith(starts), text[:300]
    (tmp_path / "README.md").write_text(text, encoding="utf-8", newline="")
    data = _hub(tmp_path / "README.md")
    assert data["license"] in ("mit", "other")
    assert "synthetic-data" in data["tags"] or name == "tags-with-an-alias"  # an alias in tags: left alone
    assert data["base_model"] == "stabilityai/stable-diffusion-2-1-base"
    assert readme.edit(text, "# card\n", offered)[0] == text
