"""Text after ' #' in a plain value is a YAML comment: `check` warns, located, instead of letting
the words vanish; quoted values, keys, block scalars, whole-line comments and comments set off by
two or more spaces (as the skeleton writes them) are left alone."""

from __future__ import annotations

from pathlib import Path

from conftest import DATA, Ethicard

from ethicard import loader

HEAD = (DATA / "minimal.yaml").read_text(encoding="utf-8").split("about:")[0]


def test_a_comment_cutting_a_plain_value_is_warned_at_the_hash(ethicard: Ethicard, tmp_path: Path) -> None:
    card = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    card = card.replace("  modality: dermoscopy\n", "  modality: dermoscopy # and CT\n")
    card = card.replace("  task: unconditional generation\n", "  task: 'quoted # kept'  # a real comment\n")
    (tmp_path / "card.yaml").write_text(card, encoding="utf-8")
    line = card.splitlines().index("  modality: dermoscopy # and CT") + 1
    result = ethicard("check", "card.yaml")
    assert result.code == 0
    assert result.out.splitlines()[0] == (
        f"card.yaml:{line}:24: about.modality: warning: the text after ' #' is a YAML comment, not part of the "
        "value 'dermoscopy' (put the whole value in quotes to keep it)"
    )
    assert result.out.count("warning:") == 1


def test_a_skeleton_filled_in_after_its_comments_gets_no_warning(ethicard: Ethicard, tmp_path: Path) -> None:
    assert ethicard("init", "--kind", "dataset", "-o", "card.yaml").code == 0
    card = tmp_path / "card.yaml"
    text = card.read_text(encoding="utf-8")
    assert text.count(': ""  #') >= 3 and "  kind: dataset  # model | dataset | method\n" in text
    card.write_text(text.replace(': ""  #', ": My data  #"), encoding="utf-8")  # plain values, the comments kept
    result = ethicard("check", "card.yaml")
    assert result.out.startswith("card.yaml: valid"), result.out
    assert "warning" not in result.out
    card.write_text(text.replace(': ""  #', ": My data #"), encoding="utf-8")  # one space: words lost?
    assert ethicard("check", "card.yaml").out.count("warning: the text after ' #'") == text.count(': ""  #')


def test_only_plain_values_followed_by_a_comment_are_found() -> None:
    text = (
        "a: plain # cut\n"
        "b: 'quoted' # fine\n"
        'c: "double" # fine\n'
        "d: |\n  block # kept as text\n"
        "# whole line\n"
        "e: no#comment\n"
        "f: [x # cut in a list\n  , y]\n"
        "g:\n  - item\t# cut\n"
        "h: multi\n  line # cut\n"
        "i: value  # set off by two spaces: meant as a comment\n"
    )
    found = [(p.line, p.col, p.path) for p in loader.trailing_comments(text, "t.yaml")]
    assert found == [(1, 10, ("a",)), (8, 7, ("f", 0)), (11, 10, ("g", 0)), (13, 8, ("h",))]
