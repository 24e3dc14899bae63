"""Hostile card text in the LaTeX and Markdown outputs: printed as typed, never run, never able to
change the document's structure."""

from __future__ import annotations

import collections
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from conftest import DATA, Ethicard
from latex import compile_pdf, shows

HOSTILE = DATA / "hostile" / "outputs"
CARDS = sorted(HOSTILE.glob("*.yaml"))
LATEX_ATTACKS = (
    "\\input{/etc/passwd} \\end{document}",
    "\\write18{touch pwned} and \\immediate\\write18{touch pwned}",
    "$x^2$ and ^^5cinput{/etc/passwd} and ^^5c^^5c",
    "\\include{/etc/passwd}",
    "\\catcode`\\\\=12 \\catcode`\\{=12 then \\def\\x{oops}\\x",
    "\\csname input\\endcsname{/etc/passwd}",
    "\\immediate\\openout1=pwned-open.tex \\immediate\\write1{x}\\immediate\\closeout1",
    "50% of cases % the rest of this line must survive",
    "a & b # c _ d ~ e",
    "[optional] *star* <angle> |bar| \"quotes\" -- dashes --- ,, '' `back`",
    "https://example.org/a_b#c~d$e&f%g^h{i}j\\k",
    "100% sure % comment that could swallow the rest",
    "}}} unbalanced {{{",
    "Text after the end.",
    "\\section{Injected} \\item \\\\ \\newpage \\vspace{10cm} \\hline & & \\\\",
    "Bonferroni & \\end{tabularx}",
    "\\\\[2pt] \\\\* after a line break",
)
# An answer is Markdown, which reads '\\' as an escaped backslash: one is printed, as in the HTML card.
AS_MARKDOWN = {LATEX_ATTACKS[14]: LATEX_ATTACKS[14].replace("\\\\", "\\")}
HOST = """\\documentclass[twocolumn]{article}
\\usepackage[T1]{fontenc}
\\usepackage{lmodern}
\\usepackage{hyperref}
\\begin{document}
Text before the card.
\\input{card}
Text after the card.
\\end{document}
"""


def _outputs(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def test_hostile_latex_compiles_standalone_and_prints_every_attack_as_text(ethicard: Ethicard, tmp_path: Path) -> None:
    assert ethicard("render", HOSTILE / "latex.yaml", "-o", "card.tex", "--standalone").code == 0
    text = compile_pdf(tmp_path, "card.tex")
    for attack in LATEX_ATTACKS:
        assert shows(text, AS_MARKDOWN.get(attack, attack)), attack
    # no pwned, no pwned-open.tex (card.out is hyperref's)
    assert _outputs(tmp_path) == {"card.tex", "card.pdf", "card.log", "card.aux", "card.out"}
    assert "Greek" in text and "[U+1F600]" in text and "[U+202E]" in text


def test_hostile_latex_fragment_inputs_into_a_two_column_hyperref_paper(ethicard: Ethicard, tmp_path: Path) -> None:
    assert ethicard("render", HOSTILE / "latex.yaml", "-o", "card.tex").code == 0
    (tmp_path / "paper.tex").write_text(HOST, encoding="utf-8")
    text = compile_pdf(tmp_path, "paper.tex")
    assert shows(text, "Text before the card.")
    assert shows(text, "Text after the card.")  # the card swallowed nothing after it
    for attack in LATEX_ATTACKS:
        assert shows(text, AS_MARKDOWN.get(attack, attack)), attack
    assert _outputs(tmp_path) <= {"card.tex", "paper.tex", "paper.pdf", "paper.log", "paper.aux", "paper.out"}


def test_hostile_markdown_card_is_listed() -> None:
    assert [card.name for card in CARDS] == ["latex.yaml", "markdown.yaml"]


_KEEP = {"checklist", "kind", "status", "access", "release", "uses", "design", "method", "dimensionality", "url"}


def _benign(value: Any, key: str = "") -> Any:
    """The same card with every piece of free text replaced by plain words: same structure."""
    if key in _KEEP:
        return value
    if key == "links":  # web addresses stay (they are validated), their names become plain
        return {f"link{i}": url for i, url in enumerate(value.values())}
    if key == "p_value":
        return value
    if isinstance(value, dict):
        return {k: _benign(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_benign(v, key) for v in value]
    if isinstance(value, str):
        return "\n".join("plain words" for _ in value.split("\n"))
    return value


def _structure(text: str) -> collections.Counter[str]:
    """Every HTML element the Markdown makes, but the inline formatting an answer may use."""
    html = markdown.markdown(text, extensions=["tables", "fenced_code"])
    tags = collections.Counter(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html))
    for inline in ("code", "em", "strong", "br"):
        del tags[inline]
    tags["<!--"] = html.count("<!--")
    return tags


@pytest.mark.parametrize("card", CARDS, ids=[c.stem for c in CARDS])
def test_hostile_markdown_has_the_structure_of_a_benign_card(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    data = yaml.safe_load(card.read_text(encoding="utf-8"))
    benign = _benign(data)
    (tmp_path / "benign.yaml").write_text(yaml.safe_dump(benign, allow_unicode=True), encoding="utf-8")
    hostile_md = ethicard("render", card, "-f", "md")
    benign_md = ethicard("render", "benign.yaml", "-f", "md")
    assert hostile_md.code == 0 and benign_md.code == 0, hostile_md.err + benign_md.err
    hostile, plain = _structure(hostile_md.out), _structure(benign_md.out)
    assert hostile == plain
    assert plain["h3"] > 40 and plain["table"] >= 2  # the card's own structure is there
    marker = re.compile(r"^\s*<!--\s*ethicard:(begin|end)\s*-->\s*$", re.M)
    assert not marker.search(hostile_md.out)
    assert not re.search(r"^(---|```|~~~)", hostile_md.out.replace("\n---\n\nCard generated", ""), re.M)
