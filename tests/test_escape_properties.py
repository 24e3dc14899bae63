"""Property tests of the LaTeX and Markdown escapers: any text stays text.

The LaTeX property runs hundreds of generated texts through the escaper, then compiles a sample
of them in one pdflatex run and reads them back from the PDF.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from latex import compile_pdf, flat

from ethicard.escape import md_block, md_inline, tex, tex_inline, tex_source_lines, tex_text
from ethicard.latexmd import tex_markdown

SPECIALS = "\\{}$&#^_%~<>|\"`'[]*-,!?@=+/.:;()\t\n\r \u00a0\u2028"
TRICKY = st.text(alphabet=st.sampled_from(list(SPECIALS) + list("abcXYZ019")), max_size=60)
# Pieces of Markdown and LaTeX syntax, so that generated texts often hold whole constructs.
FRAGMENTS = (
    "[a](http://x)",
    "![i](x.png)",
    "[r]: http://y",
    "<http://z>",
    "<b>",
    "</div>",
    "<!--",
    "-->",
    "<!-- ethicard:end -->",
    "# ",
    "## ",
    "---",
    "===",
    "***",
    "___",
    "| a | b |",
    "|---|",
    "```",
    "~~~",
    "1. ",
    "- ",
    "+ ",
    "* ",
    "> ",
    "    ",
    "&amp;",
    "&#60;",
    "\\",
    "\\input{x}",
    "\\write18{y}",
    "^^5c",
    "$",
    "%",
    "{",
    "}",
    "~",
    "#",
    "_",
    "`",
    "'",
    ",",
    "--",
    "\n",
    "\n\n",
    " ",
    "a",
    "Z",
    "7",
)
STRUCTURED = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join)
ANY = st.one_of(TRICKY, STRUCTURED, st.text(max_size=60))
# Characters whose printed form pdftotext gives back unchanged: ASCII and some Latin letters.
LITERAL = st.text(
    alphabet=st.sampled_from(list(string.printable.replace("\x0b", "").replace("\x0c", "")) + list("éüłßÆø")),
    max_size=50,
)
# What the escaper may write: text commands ending in {}, escaped specials, math symbols in \ensuremath.
TEX_TOKEN = re.compile(r"\\ensuremath\{(?:\\[A-Za-z]+)+\}|\\[A-Za-z]+\{\}|\\[{}$&#_%,\-]|\{[\[\]*]\}|\{\}")
MATH = {
    "leq geq neq approx sim equiv ll gg mp propto infty surd in sum partial nabla times prime leftrightarrow "
    "Rightarrow Leftrightarrow vartheta phi epsilon varepsilon varphi varsigma alpha beta gamma delta zeta eta "
    "theta iota kappa lambda mu nu xi pi rho sigma tau upsilon chi psi omega Gamma Delta Theta Lambda Xi Pi "
    "Sigma Upsilon Phi Psi Omega"
}
MATH = set(" ".join(MATH).split())
NAMED = {"pounds", "S", "P", "guillemotleft", "guillemotright", "guilsinglleft", "guilsinglright"}
NAMED |= {"quotesinglbase", "quotedblbase", "allowbreak"}
DANGEROUS = {"input", "include", "write", "immediate", "openout", "catcode", "def", "csname", "end", "special"}
EXAMPLES = {"tex": 0}


def _check_tex(text: str, escaped: str) -> None:
    escaped = escaped.replace("{}%\n", "{}")  # a source line that ends after an empty group (long text)
    for token in TEX_TOKEN.findall(escaped):
        for name in re.findall(r"\\([A-Za-z]+)", token):
            assert name.startswith("text") or name in NAMED or name == "ensuremath" or name in MATH, name
            assert name not in DANGEROUS
    residue = TEX_TOKEN.sub("", escaped)
    assert not set(residue) & set("\\{}$&#^_%"), residue
    assert residue.count("~") == text.count("\u00a0")
    assert not re.search(r"--|''|,,", escaped)  # ligatures broken: printed as typed
    for char in residue:
        assert char == "\n" or " " <= char <= "~" or 0xC0 <= ord(char) < 0x250, repr(char)


def test_tex_escaper_keeps_any_text_as_text_and_a_sample_compiles_literally(tmp_path: Path) -> None:
    literal: list[str] = []
    arbitrary: list[str] = []

    @settings(max_examples=500, deadline=None, database=None)
    @given(ANY, LITERAL)
    @example("\x1b" * 19 + "\U00010000", "")  # long enough to be spread over two source lines
    def check(text: str, plain: str) -> None:
        EXAMPLES["tex"] += 1
        for sample in (text, plain):
            block, inline = tex(sample), tex_inline(sample)
            _check_tex(sample, block)
            _check_tex(sample, inline)
            assert "\n\n" not in inline and "\n" not in tex_inline(sample[:10])
            assert "\n\n\n" not in block and block == block.strip()
        for char in text:
            if 0x1F000 <= ord(char) < 0x20000:
                assert f"{{[}}U+{ord(char):04X}{{]}}" in tex(text)
        literal.append(plain)
        arbitrary.append(text)

    check()
    assert EXAMPLES["tex"] >= 500
    chosen = sorted(set(literal), key=lambda t: (-len(t), t))[:40]
    others = [*sorted(set(arbitrary), key=lambda t: (-len(t), t))[:20], "emoji \U0001f600 and \u202e"]
    body = [f"ZZSAMPLE{i}BEGINZZ {tex(text)} ZZSAMPLE{i}ENDZZ\n\n" for i, text in enumerate(chosen)]
    body += [f"{tex_inline(text)}\n\n{tex(text)}\n\n" for text in others]
    (tmp_path / "sample.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n\\pagestyle{empty}\n"
        "\\hyphenpenalty=10000 \\exhyphenpenalty=10000 \\sloppy\n\\begin{document}\n"
        + "".join(body)
        + "\\end{document}\n",
        encoding="utf-8",
    )
    shown = flat(compile_pdf(tmp_path, "sample.tex"))
    for i, text in enumerate(chosen):
        found = re.search(rf"ZZSAMPLE{i}BEGINZZ(.*?)ZZSAMPLE{i}ENDZZ", shown, re.S)
        assert found, i
        assert found.group(1) == flat(text), (text, found.group(1))
    assert "[U+1F600]" in shown and "[U+202E]" in shown


MARKER = re.compile(r"^\s*<!--\s*ethicard:(begin|end)\s*-->\s*$", re.M)


def _tags(html: str) -> list[str]:
    return re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html)


@settings(max_examples=500, deadline=None, database=None)
@given(ANY)
def test_md_inline_stays_inside_its_list_item_cell_or_heading(text: str) -> None:
    escaped = md_inline(text)
    assert "\n" not in escaped
    html = markdown.markdown(f"Intro\n\n- {escaped}\n- next\n", extensions=["tables"])
    assert sorted(_tags(html)) == ["li", "li", "p", "ul"], html
    table = markdown.markdown(f"| | |\n|---|---|\n| Kind | {escaped} |\n", extensions=["tables"])
    assert sorted(set(_tags(table))) == ["table", "tbody", "td", "th", "thead", "tr"], table
    assert _tags(table).count("td") == 2, table
    heading = markdown.markdown(f"# Card: {escaped}\n\nAfter", extensions=["tables"])
    assert _tags(heading) == ["h1", "p"], heading
    assert "<!--" not in html + table + heading


@settings(max_examples=500, deadline=None, database=None)
@given(st.one_of(ANY, st.lists(ANY, max_size=6).map("\n".join)))
@example("1. - - - ")  # a rule inside a list item, found by this test
@example("- * * *")
def test_md_block_cannot_change_the_card_structure(text: str) -> None:
    escaped = md_block(text)
    html = markdown.markdown(f"{escaped}\n\n## After\n", extensions=["tables", "fenced_code"])
    tags = _tags(html)
    assert set(tags) <= {"p", "ul", "ol", "li", "em", "strong", "code", "pre", "br", "h2"}, html
    assert tags.count("h2") == 1 and html.endswith("<h2>After</h2>"), html
    assert "<!--" not in html
    assert not MARKER.search(escaped)
    assert "---" not in [line.strip() for line in escaped.splitlines()]


# Markdown in LaTeX answers: the structure an answer may make, and nothing else.
MD_FRAGMENTS = (
    *FRAGMENTS,
    "*",
    "**",
    "_",
    "__",
    "[x](https://example.org/a_b%20#c)",
    "<https://example.org/~x>",
    "](https://e.org)",
    "  - ",
    "    - ",
    "      1. ",
    ">> ",
    "> - ",
    "`code`",
    "\\*",
)
MD_TEXT = st.one_of(ANY, st.lists(st.sampled_from(MD_FRAGMENTS), max_size=16).map("".join))
MD_STRUCTURE = re.compile(
    r"\\begin\{(?:itemize|enumerate|quote)\}|\\end\{(?:itemize|enumerate|quote)\}|\\item\b|"
    r"\\(?:emph|textbf|texttt)\{|\\href\{(?:https?://|mailto:)(?:[A-Za-z0-9\-._~:/?@!'*+,;=]|\\[%#&])+\}\{"
)
MD_TOKENS = re.compile(f"{MD_STRUCTURE.pattern}|{TEX_TOKEN.pattern}|\\}}|%\n|.", re.S)
MD_SAMPLES: list[str] = []


def _check_markdown_tex(text: str, latex: str) -> None:
    """Only list, quote, emphasis, code and link commands besides escaped text; braces balanced;
    environments properly nested, no deeper than three; every source line short."""
    environments: list[str] = []
    for command in re.finditer(r"\\(begin|end)\{(\w+)\}", latex):
        if command.group(1) == "begin":
            environments.append(command.group(2))
            assert len(environments) <= 3, latex
        else:
            assert environments and environments.pop() == command.group(2), latex
    assert environments == [], latex
    residue: list[str] = []
    opened = 0
    for token in MD_TOKENS.finditer(latex):
        piece = token.group(0)
        if MD_STRUCTURE.fullmatch(piece):
            opened += piece.endswith("{")
            residue.append("{}")  # a command's brace ends a ligature, as an empty group does
        elif piece == "}":  # escaped text has no bare brace: this one closes a command of the list
            assert opened > 0, latex
            opened -= 1
            residue.append("{}")
        elif piece != "%\n":  # a source line ended without a space
            residue.append(piece)
    assert opened == 0, latex
    _check_tex(text, "".join(residue))
    assert max(map(len, latex.split("\n"))) < 3000


@settings(max_examples=400, deadline=None, database=None)
@given(MD_TEXT)
@example("- a\n  - b\n    - c\n      - d\n        - e\n          - f")  # deeper than LaTeX allows
@example("**a *b** c*")
@example("*-*-")  # '-' and '-' on either side of a brace: no ligature
def test_tex_markdown_makes_only_answer_structure_and_escaped_text(text: str) -> None:
    latex = tex_markdown(text)
    _check_markdown_tex(text, latex)
    MD_SAMPLES.append(text)


def test_tex_markdown_samples_compile_and_keep_the_words(tmp_path: Path) -> None:
    texts = sorted(set(MD_SAMPLES), key=lambda t: (-len(t), t))[:60] or ["- a\n  - b"]
    words = ["ZZWORDONE *ZZEM* **ZZSTRONG** `ZZCODE` [ZZLINK](https://example.org/a_b%20#c)\n\n- ZZITEM\n\n> ZZQUOTE"]
    body = "".join(f"\\begin{{itemize}}\\item x\n{tex_markdown(t)}\n\\end{{itemize}}\n\n" for t in texts + words)
    (tmp_path / "md.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n\\usepackage{hyperref}\n"
        "\\begin{document}\n" + body + "\\end{document}\n",
        encoding="utf-8",
    )
    shown = flat(compile_pdf(tmp_path, "md.tex"))
    for word in ("ZZWORDONE", "ZZEM", "ZZSTRONG", "ZZCODE", "ZZLINK", "ZZITEM", "ZZQUOTE"):
        assert word in shown
    assert "*" not in shown.split("ZZWORDONE")[1].split("ZZQUOTE")[0]


# Inputs on which Markdown parsers are known to be superlinear, or to recurse once per level.
SLOW_FOR_PARSERS = {
    "brackets": "[",
    "backslashes": "\\",
    "bracket words": "[x",
    "emphasis": "*a",
    "mixed emphasis": "*_",
    "link starts": "](",
    "unclosed links": "[a](",
    "autolink starts": "<http://",
    "backtick runs": "`a``",
    "nested lists": "- ",
    "quotes": ">",
}


def _seconds(text: str) -> float:
    import time

    best = float("inf")
    for _ in range(2):  # the better of two runs: the machine may be busy
        start = time.perf_counter()
        tex_markdown(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("name", list(SLOW_FOR_PARSERS))
def test_tex_markdown_time_grows_linearly(name: str) -> None:
    """Four times the input takes about four times as long (a quadratic path would take 16)."""
    unit = SLOW_FOR_PARSERS[name]
    repeats = 12_000 // len(unit)
    while (small := _seconds(unit * repeats)) < 0.03 and repeats < 200_000:  # long enough to measure
        repeats *= 2
    ratio = _seconds(unit * repeats * 4) / small
    assert ratio < 8, f"{name}: {ratio:.1f} times longer for 4 times the input"


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(ANY, min_size=1, max_size=40).map(" ".join), st.integers(min_value=8, max_value=120))
def test_tex_source_lines_are_short_and_typeset_as_one_line(text: str, width: int) -> None:
    """Breaking generated LaTeX into source lines changes nothing TeX prints: a space becomes a line
    break, or '%' ends a line after an empty group, and then the next line does not start with a
    space (TeX would drop it)."""
    one_line = tex_text(text.replace("\n", " "))
    wrapped = tex_source_lines(one_line, width)
    lines = wrapped.split("\n")
    ends = [line.endswith("{}%") for line in lines[:-1]]  # a comment, not an escaped '\\%'
    joined = "".join(line[:-1] if end else line + " " for line, end in zip(lines[:-1], ends, strict=True))
    assert joined + lines[-1] == one_line
    assert not [line for end, line in zip(ends, lines[1:], strict=True) if end and line.startswith(" ")]
    pieces = re.split(r" |(?<=\{\})", one_line)  # the places a line may end
    assert max(map(len, lines)) <= width + max(map(len, pieces)) + 1
