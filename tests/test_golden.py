"""Every text format against its committed golden file, and byte-identical across runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE, Ethicard, Golden

MINIMAL_GOLDEN = {
    "md": "minimal.md",
    "html": "minimal.html",
    "tex": "minimal.tex",
    "json": "minimal.json",
    "hf": "minimal.hf.md",
}


@pytest.mark.parametrize("extension", ["md", "html", "tex", "json"])
def test_example_card_matches_its_committed_rendering(
    ethicard: Ethicard, golden: Golden, tmp_path: Path, extension: str
) -> None:
    result = ethicard("render", EXAMPLE, "-o", f"card.{extension}")
    assert result.code == 0, result.err
    rendered = (tmp_path / f"card.{extension}").read_text(encoding="utf-8")
    golden(rendered, EXAMPLE.with_name(f"card.{extension}"))


@pytest.mark.parametrize("fmt", sorted(MINIMAL_GOLDEN))
def test_minimal_card_matches_golden(ethicard: Ethicard, golden: Golden, fmt: str) -> None:
    result = ethicard("render", DATA / "minimal.yaml", "-f", fmt)
    assert result.code == 0, result.err
    golden(result.out, DATA / MINIMAL_GOLDEN[fmt])


@pytest.mark.parametrize(
    ("first", "second", "options"),
    [
        ("a.md", "b.markdown", ()),
        ("a.html", "b.htm", ()),
        ("a.tex", "b.tex", ("--standalone",)),
        ("a.json", "b.json", ()),
    ],
)
def test_rendering_is_byte_identical_across_runs(
    ethicard: Ethicard, tmp_path: Path, first: str, second: str, options: tuple[str, ...]
) -> None:
    assert ethicard("render", EXAMPLE, "-o", first, *options).code == 0
    assert ethicard("render", EXAMPLE, "-o", second, *options).code == 0
    assert (tmp_path / first).read_bytes() == (tmp_path / second).read_bytes()
