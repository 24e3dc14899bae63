"""Escapers that keep card text as text in each output format."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~#!])")
_MD_BLOCK_CHARS = re.compile(r"([\\\[\]|`])")  # backticks too: only whole code spans on one line are kept
_MD_RULE_OR_UNDERLINE = re.compile(r"^\s{0,3}([-=*_+]\s*)+$")
# List markers a line may open with ('- ', '1. ', '- 2) ' ...): what follows them starts a block too.
_MD_LIST_MARKERS = re.compile(r"^\s*(?:(?:[-*+]|\d{1,9}[.)])(?:\s+|$))*")
_MD_ONE_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])\s+")
_MD_LEADING_SIGN = re.compile(r"^([-+=])(?=[-+=\s]|$)")
_MD_LEADING_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_MD_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s<>\"`\\]+$")


def md_inline(text: object) -> str:
    """Text shown literally inside one Markdown line (names, titles, table cells)."""
    flat = " ".join(str(text).split())
    escaped = _MD_INLINE.sub(r"\\\1", flat.replace("&", "&amp;"))
    # after a template's '- ', a leading '---', '+ ' or '1. ' would open a rule or a nested list
    return _MD_LEADING_NUMBER.sub(r"\1\\\2", _MD_LEADING_SIGN.sub(r"\\\1", escaped))


def _md_plain(segment: str) -> str:
    segment = _MD_BLOCK_CHARS.sub(r"\\\1", segment)
    return segment.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_line(raw: str) -> str:
    """Escape one answer line outside its code spans; a code span shows its text as typed anyway,
    unless it holds an HTML comment marker, which a README's marker parser would see."""
    parts: list[str] = []
    position = 0
    for span in _MD_CODE_SPAN.finditer(raw):
        code = span.group(0)
        if "<!--" in code or "-->" in code:  # shown as plain text, its backticks included
            code = _md_plain(code)
        parts += [_md_plain(raw[position : span.start()]), code]
        position = span.end()
    parts.append(_md_plain(raw[position:]))
    return "".join(parts)


def _rule_after_markers(raw: str) -> int | None:
    """Where a thematic break starts after one or more list markers, if the rest of the line is one."""
    # The rule, if any, is within the line's tail of rule characters and spaces: found once, so
    # that a line of many markers ('- - - ... x') takes linear time.
    tail = len(raw)
    while tail and (raw[tail - 1] in "-=*_+" or raw[tail - 1].isspace()):
        tail -= 1
    position = len(raw) - len(raw.lstrip())
    while marker := _MD_ONE_LIST_MARKER.match(raw, position):
        position = marker.end()
        if tail <= position < len(raw):
            return position
    return None


def md_block(text: object) -> str:
    """An answer's Markdown, kept for emphasis, code and lists, but unable to change the card's
    structure: no headings, rules, tables, links, images, raw HTML, fences or front matter."""
    lines = []
    for raw in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        raw = raw.rstrip()
        if not raw:
            lines.append("")
            continue
        markers = _MD_LIST_MARKERS.match(raw)
        rest = raw[markers.end() :] if markers else raw
        rule_at = _rule_after_markers(raw) if len(rest) < len(raw.lstrip()) else None  # after a marker
        if _MD_RULE_OR_UNDERLINE.match(raw):
            line = "\\" + raw.lstrip()
        elif rule_at is not None:  # '1. - - -' is a rule inside a list item, not three empty items
            line = raw[:rule_at] + "\\" + raw[rule_at:]
        elif rest.startswith(("#", "```", "~~~")) or _MD_RULE_OR_UNDERLINE.match(rest):
            # a heading, rule or fence, also inside a list item: all of it text, code spans included
            plain = _md_plain(rest)
            line = raw[: len(raw) - len(rest)] + ("" if plain.startswith("\\") else "\\") + plain
        else:
            line = _md_line(raw)
        lines.append(line)
    return "\n".join(lines).strip("\n")


def md_link(text: object) -> str:
    """A web address as a clickable autolink; anything else as literal text."""
    value = str(text)
    # '|' would end a table cell even inside an autolink (GitHub splits the row first): written
    # as %7C, which names the same address.
    return f"<{value.replace('|', '%7C')}>" if _SAFE_URL.match(value) else md_inline(value)


# --- HTML ---------------------------------------------------------------------------------
# Names, titles and table cells go through Jinja's autoescape; the functions below are for the
# few places where the HTML card shows markup made from card text: answers (Markdown) and links.
# ``markdown`` and ``nh3`` are imported on first use, so that ``check`` never loads them.

HTML_TAGS = frozenset({"p", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "br", "a"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
_SAFE_HREF = re.compile(r"^(https?://|mailto:)[^\s\"'<>`]+$", re.IGNORECASE)
_WEB_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}'\""
_LIST_ITEM = re.compile(r"^ {0,3}([-*+]|\d{1,9}\.)[ \t]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_markdown_converter: Any = None


def _list_after_paragraph(lines: list[str]) -> list[str]:
    """A blank line before a list that follows a paragraph line, which CommonMark (GitHub, the
    Markdown card) reads as a list and Python-Markdown would otherwise run into the paragraph."""
    result: list[str] = []
    in_list = False
    for line in lines:
        starts_list = bool(_LIST_ITEM.match(line))
        if starts_list and not in_list and result and result[-1].strip():
            result.append("")
        in_list = (in_list or starts_list) and bool(line.strip())
        result.append(line)
    return result


def _converter() -> Any:
    """Python-Markdown without raw HTML, headings, rules or images: answers keep emphasis, code,
    lists, quotes and links, but cannot change the card's structure."""
    global _markdown_converter
    if _markdown_converter is None:
        import markdown  # heavy: loaded only when an answer has Markdown to convert
        from markdown.preprocessors import Preprocessor

        class ListAfterParagraph(Preprocessor):
            def run(self, lines: list[str]) -> list[str]:
                return _list_after_paragraph(lines)

        converter = markdown.Markdown(output_format="html")
        converter.preprocessors.register(ListAfterParagraph(converter), "list_after_paragraph", 25)
        converter.preprocessors.deregister("html_block")
        for pattern in ("html", "image_link", "image_reference", "short_image_ref"):
            converter.inlinePatterns.deregister(pattern)
        for block in ("hashheader", "setextheader", "hr"):
            converter.parser.blockprocessors.deregister(block)
        _markdown_converter = converter
    return _markdown_converter


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if _SAFE_HREF.match(value.strip()) else None
    return value


def sanitise_html(fragment: str) -> str:
    """Only :data:`HTML_TAGS`, links only to http, https or mailto addresses, with a safe ``rel``;
    scripts, styles, event handlers and comments are removed."""
    import nh3  # loaded only when HTML is sanitised; keeps Markdown output lean

    return nh3.clean(
        fragment,
        tags=set(HTML_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href", "title"}},
        attribute_filter=_keep_attribute,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(LINK_SCHEMES),
    )


# Python-Markdown is slow on some inputs: each inline match rebuilds its paragraph's text, a '['
# scans ahead for its ']', every block and list item costs tens of microseconds, and each list or
# quote level is a recursion.  So the answers of one card get a budget of estimated work (about a
# microsecond per unit, two seconds in all); a block (lines between blank lines) that would
# overrun it, or is nested deeper than MAX_MARKDOWN_NESTING, is shown as plain text instead,
# which costs time linear in its length.  Real answers are far inside the budget.
MARKDOWN_BUDGET = 1_500_000
MAX_MARKDOWN_NESTING = 16
_PLACEHOLDER_COST = 100
_JOINED_COST = 50
_JOINED_BLOCK = re.compile(r"[ \t]*>|    |\t|[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_INLINE_MARKUP_CHARS = "\\`*_<>&![]"
_DEEP_CANDIDATE = re.compile(r"^(?:[ \t]|[-*+][ \t]|\d{1,9}[.)][ \t]|>){17,}", re.MULTILINE)
_BRACKET = re.compile(r"[\[\]]")
_LINE_NESTING = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]*)*")
_LINE_MARKERS = re.compile(r"[-*+][ \t]|\d{1,9}[.)][ \t]|>")
_budget: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("markdown_budget", default=None)


@contextlib.contextmanager
def markdown_budget(units: int = MARKDOWN_BUDGET) -> Iterator[None]:
    """Every :func:`html_markdown` call inside shares one budget (one card's answers)."""
    token = _budget.set([units])
    try:
        yield
    finally:
        _budget.reset(token)


def _markdown_cost(block: str, limit: int) -> int | None:
    """Python-Markdown's work on one block, in rough microseconds (more than ``limit`` once it is
    known to be more); None when it is nested too deeply."""
    for candidate in _DEEP_CANDIDATE.finditer(block):  # only lines that may be nested too deeply
        head = _LINE_NESTING.match(block, candidate.start())
        assert head is not None  # the pattern matches the empty string
        prefix = head.group()
        indent = len(prefix.expandtabs(4)) - len(prefix.lstrip().expandtabs(4))
        if indent // 2 + len(_LINE_MARKERS.findall(prefix)) > MAX_MARKDOWN_NESTING:
            return None
    markup = sum(block.count(char) for char in _INLINE_MARKUP_CHARS)
    cost = len(block) + 100 * block.count("\n") + 300 + markup * len(block) // 1000
    if cost > limit or "[" not in block:
        return cost
    scan, opened = 0, []  # how far each '[' looks for its ']'
    for bracket in _BRACKET.finditer(block):
        if bracket.group() == "[":
            opened.append(bracket.start())
        elif opened:
            scan += bracket.start() - opened.pop()
    return cost + (scan + sum(len(block) - start for start in opened)) // 5


def _plain_html(blocks: str) -> str:
    """Blocks as escaped text: a paragraph each, their line breaks kept."""
    escaped = str(Markup.escape(blocks)).replace("\n\n", "</p>\n<p>").replace("\n", "<br>\n")
    return "<p>" + escaped.replace("</p><br>\n<p>", "</p>\n<p>") + "</p>"


# An answer in plain paragraphs, without a character that Markdown (as :func:`_converter` sets it
# up) or nh3 would treat specially, becomes the same HTML without Python-Markdown, which costs
# milliseconds to import and to run: each line starts with a letter (no list, quote, code block or
# reference), has none of Markdown's inline characters, no tab, no space but single ones between
# words (no hard line break), and no other white space.
# Control characters are not plain: Python-Markdown uses STX and ETX (\x02, \x03) as its own markers.
_PLAIN_LINE = r"[^\W\d_][^\\`*_<>&\[\]!\s\x00-\x1f\x7f]*(?: [^\\`*_<>&\[\]!\s\x00-\x1f\x7f]+)*"
_PLAIN_PARAGRAPHS = re.compile(rf"{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*(?:\n\n{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*)*")


def _paragraphs_html(source: str) -> str:
    """Markdown as sanitised HTML: Python-Markdown and nh3, or the same result made directly for
    plain paragraphs (``tests/test_escape_properties.py`` compares the two)."""
    if not source.strip():
        return ""  # as Python-Markdown gives it
    stripped = source.strip("\n")
    if _PLAIN_PARAGRAPHS.fullmatch(stripped):
        return "<p>" + stripped.replace("\n\n", "</p>\n<p>") + "</p>"
    return sanitise_html(_converter().reset().convert(source))


def html_markdown(text: object) -> Markup:
    """An answer's Markdown as safe HTML: rendered, then sanitised; raw HTML in the answer shows as
    text.  Blocks beyond the work budget (see :data:`MARKDOWN_BUDGET`) are shown as plain text:
    each run of them stands in the Markdown as one placeholder paragraph, filled in after nh3
    (itself slow on long runs of entities), with text that :class:`Markup` escaped."""
    source = _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    budget = _budget.get() or [MARKDOWN_BUDGET]
    salt = 0
    while f"ethicardplain{salt}x" in source:
        salt += 1
    blocks: list[str] = []
    plain: list[list[str]] = []  # the runs of plain blocks, each behind one placeholder
    joined = 0  # blocks in a row that Python-Markdown joins into one quote, code block or list
    for block in _BLANK_LINES.split(source):
        cost = None
        if budget[0] > _PLACEHOLDER_COST:  # else spent: the rest is plain text
            joined = joined + 1 if _JOINED_BLOCK.match(block) else 0
            cost = _markdown_cost(block, budget[0])
        if cost is not None:
            cost += _JOINED_COST * joined  # each joined block re-reads the ones before it
        if cost is not None and cost + _PLACEHOLDER_COST <= budget[0]:
            budget[0] -= cost
            blocks.append(block)
        elif blocks and plain and blocks[-1] == f"ethicardplain{salt}x{len(plain) - 1}y":
            plain[-1].append(block)
        else:
            budget[0] -= _PLACEHOLDER_COST
            blocks.append(f"ethicardplain{salt}x{len(plain)}y")
            plain.append([block])
    html = _paragraphs_html("\n\n".join(blocks))
    if plain:
        shown = [_plain_html("\n\n".join(run)) for run in plain]
        placeholder = re.compile(rf"(?:<p>)?ethicardplain{salt}x(\d+)y(?:</p>)?")
        html = placeholder.sub(lambda found: shown[int(found.group(1))], html)
    return Markup(html)


def _link(url: str, label: str | None = None) -> Markup:
    return Markup('<a href="{0}" rel="{1}">{2}</a>').format(url, LINK_REL, url if label is None else label)


def html_link(url: object, label: object = None) -> Markup:
    """A link when ``url`` is an http, https or mailto address; otherwise the text, escaped."""
    text = str(url).strip()
    shown = text if label is None else str(label)
    return _link(text, shown) if _SAFE_HREF.match(text) else Markup.escape(shown)


def html_linkify(text: object) -> Markup:
    """Text shown literally, with the http and https addresses in it made into links."""
    source = str(text)
    parts: list[Markup] = []
    position = 0
    for match in _WEB_URL.finditer(source):
        url = match.group(0).rstrip(_URL_TRAILING)
        if url.endswith("//"):
            continue
        parts.append(Markup.escape(source[position : match.start()]))
        parts.append(_link(url))
        position = match.start() + len(url)
    parts.append(Markup.escape(source[position:]))
    return Markup("").join(parts)


def css_string(text: object) -> Markup:
    """Card text as a quoted CSS string (the PDF's running head is CSS ``content``): every
    character but ASCII letters and digits as a six-digit escape, so nothing in it can end the
    string, the rule or the ``<style>`` element, and HTML escaping has nothing left to change."""
    body = "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in str(text))
    return Markup(f'"{body}"')


# --- LaTeX ---------------------------------------------------------------------------------
# Every character of card text becomes text: the ten specials and the characters T1 or babel may
# read as something else are written as commands, ligatures that would change what is printed
# (-- ,, '') are broken, and Unicode pdflatex cannot typeset becomes a visible [U+XXXX].

_TEX_ASCII = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_\allowbreak{}",  # long identifiers such as item ids may break after an underscore
    "/": r"/\allowbreak{}",  # and paths and web addresses after a slash
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    "`": r"\textasciigrave{}",
    # an optional argument or a star after \item or \\ in the template must never come from card text
    "[": "{[}",
    "]": "{]}",
    "*": "{*}",
}
_TEX_SYMBOLS = {
    "\u00a0": "~",
    "\u00ad": r"\-",
    "\u2009": r"\,",
    "\u202f": r"\,",
    "\u00a1": r"\textexclamdown{}",
    "\u00bf": r"\textquestiondown{}",
    "\u00a2": r"\textcent{}",
    "\u00a3": r"\pounds{}",
    "\u00a5": r"\textyen{}",
    "\u20ac": r"\texteuro{}",
    "\u00a7": r"\S{}",
    "\u00b6": r"\P{}",
    "\u00a9": r"\textcopyright{}",
    "\u00ae": r"\textregistered{}",
    "\u2122": r"\texttrademark{}",
    "\u00b0": r"\textdegree{}",
    "\u2103": r"\textcelsius{}",
    "\u00b1": r"\textpm{}",
    "\u00d7": r"\texttimes{}",
    "\u00f7": r"\textdiv{}",
    "\u00b7": r"\textperiodcentered{}",
    "\u2022": r"\textbullet{}",
    "\u00b2": r"\texttwosuperior{}",
    "\u00b3": r"\textthreesuperior{}",
    "\u00b9": r"\textonesuperior{}",
    "\u00bc": r"\textonequarter{}",
    "\u00bd": r"\textonehalf{}",
    "\u00be": r"\textthreequarters{}",
    "\u00ab": r"\guillemotleft{}",
    "\u00bb": r"\guillemotright{}",
    "\u2039": r"\guilsinglleft{}",
    "\u203a": r"\guilsinglright{}",
    "\u2018": r"\textquoteleft{}",
    "\u2019": r"\textquoteright{}",
    "\u201a": r"\quotesinglbase{}",
    "\u201c": r"\textquotedblleft{}",
    "\u201d": r"\textquotedblright{}",
    "\u201e": r"\quotedblbase{}",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": r"\textendash{}",
    "\u2013": r"\textendash{}",
    "\u2014": r"\textemdash{}",
    "\u2015": r"\textemdash{}",
    "\u2212": r"\textminus{}",
    "\u2026": r"\textellipsis{}",
    "\u2020": r"\textdagger{}",
    "\u2021": r"\textdaggerdbl{}",
    "\u2030": r"\textperthousand{}",
    "\u2032": r"\ensuremath{\prime}",
    "\u2033": r"\ensuremath{\prime\prime}",
    "\u2190": r"\textleftarrow{}",
    "\u2191": r"\textuparrow{}",
    "\u2192": r"\textrightarrow{}",
    "\u2193": r"\textdownarrow{}",
    "\u2194": r"\ensuremath{\leftrightarrow}",
    "\u21d2": r"\ensuremath{\Rightarrow}",
    "\u21d4": r"\ensuremath{\Leftrightarrow}",
    "\u2264": r"\ensuremath{\leq}",
    "\u2265": r"\ensuremath{\geq}",
    "\u2260": r"\ensuremath{\neq}",
    "\u2248": r"\ensuremath{\approx}",
    "\u223c": r"\ensuremath{\sim}",
    "\u2261": r"\ensuremath{\equiv}",
    "\u226a": r"\ensuremath{\ll}",
    "\u226b": r"\ensuremath{\gg}",
    "\u2213": r"\ensuremath{\mp}",
    "\u221d": r"\ensuremath{\propto}",
    "\u221e": r"\ensuremath{\infty}",
    "\u221a": r"\ensuremath{\surd}",
    "\u2208": r"\ensuremath{\in}",
    "\u2211": r"\ensuremath{\sum}",
    "\u2202": r"\ensuremath{\partial}",
    "\u2207": r"\ensuremath{\nabla}",
    "\u00b5": r"\ensuremath{\mu}",
    "\u2713": r"\ensuremath{\surd}",
    "\u2714": r"\ensuremath{\surd}",
    "\u2717": r"\ensuremath{\times}",
    "\u2718": r"\ensuremath{\times}",
}
# Greek letters as math symbols, in code point order from U+0391 and from U+03B1; capitals that look
# like Latin letters are printed as those, and omicron as o.
_GREEK_CAPITALS = "A B Gamma Delta E Z H Theta I K Lambda M N Xi O Pi P - Sigma T Upsilon Phi X Psi Omega"
_GREEK_SMALL = (
    "alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi o pi rho varsigma sigma tau "
    "upsilon varphi chi psi omega"
)
for _first, _names in ((0x0391, _GREEK_CAPITALS), (0x03B1, _GREEK_SMALL)):
    for _offset, _name in enumerate(_names.split()):
        if _name != "-":
            _TEX_SYMBOLS[chr(_first + _offset)] = _name if len(_name) == 1 else rf"\ensuremath{{\{_name}}}"
_TEX_SYMBOLS.update(
    {"\u03d1": r"\ensuremath{\vartheta}", "\u03d5": r"\ensuremath{\phi}", "\u03f5": r"\ensuremath{\epsilon}"}
)
_TEX_SYMBOLS.update(dict.fromkeys("\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u200a\u205f\u3000", " "))
# Invisible format characters (zero-width spaces and joiners, byte order mark) print nothing.
_TEX_SYMBOLS.update(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", ""))
del _first, _names, _offset, _name

# Letters LaTeX's T1 encoding sets up for UTF-8 input (t1enc.dfu): written as they are.
_TEX_LETTERS = frozenset(
    chr(c)
    for c in (*range(0x00C0, 0x0180), *range(0x0218, 0x021C))
    if chr(c) not in "\u00d7\u00f7\u0126\u0127\u0138\u013f\u0140\u0149\u0166\u0167\u017f"
)
_TEX_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_TEX_SPACES = re.compile(r"[ \t]+")
_TEX_LIGATURE = re.compile(r"([-',])(?=\1)")
# A run of characters with no break point longer than any word: TeX would let it run past the
# margin, its end on no page. It gets a break point every _TEX_CHUNK characters.
_TEX_LONG_WORD = 25
_TEX_LONG_RUN = re.compile(rf"[^ \t\n/_\u2000-\u200a\u205f\u3000]{{{_TEX_LONG_WORD},}}")  # no-break spaces do not break
_TEX_CHUNK = 12
TEX_BREAK = r"\allowbreak{}"
# TeX reads its input a line at a time into a buffer of 200,000 characters (TeX Live's buf_size):
# generated lines are kept short, broken at a space or after an empty group ('%' ends such a line, so
# no space is added).
TEX_SOURCE_WIDTH = 500
_TEX_SOURCE_BREAK = re.compile(r" |\{\}(?! )")


_TEX_TABLE = {ord(char): latex for char, latex in (*_TEX_ASCII.items(), *_TEX_SYMBOLS.items())}
# What is left after the table: printable ASCII and the letters above, or a character to show by its code.
_TEX_OTHER = re.compile("[^ -~" + re.escape("".join(sorted(_TEX_LETTERS))) + "]")


def _code_point(char: re.Match[str]) -> str:
    # a run of such characters (a name in another script) may break between any two of them
    return f"{{[}}U+{ord(char.group(0)):04X}{{]}}{TEX_BREAK}"


def _tex_chars(text: str) -> str:
    return _TEX_OTHER.sub(_code_point, text.translate(_TEX_TABLE))


def _tex_word(word: str) -> str:
    if len(word) < _TEX_LONG_WORD:
        return _tex_chars(word)
    return TEX_BREAK.join(_tex_chars(word[i : i + _TEX_CHUNK]) for i in range(0, len(word), _TEX_CHUNK))


def _tex_chunks(run: str) -> str:
    """A long run: its hyphens are break points already (an empty group after each gives the
    source a place to end a line), and each part too long for a word gets break points."""
    return "-{}".join(map(_tex_word, run.split("-")))


@functools.lru_cache(maxsize=4096)
def _tex_short(text: str) -> str:
    return _TEX_LIGATURE.sub(r"\1{}", _tex_chars(unicodedata.normalize("NFC", text)))


def tex_text(text: str) -> str:
    """Text (no line breaks) as LaTeX text: every character printed as typed, break points in
    runs too long to be words; one source line, which :func:`tex_source_lines` then breaks."""
    if len(text) < _TEX_LONG_WORD:  # the many short pieces of a paragraph's Markdown, cached
        return _tex_short(text)
    text = unicodedata.normalize("NFC", text)
    parts: list[str] = []
    position = 0
    for run in _TEX_LONG_RUN.finditer(text):
        parts += [_tex_chars(text[position : run.start()]), _tex_chunks(run.group(0))]
        position = run.end()
    parts.append(_tex_chars(text[position:]))
    # keep -- ,, '' as typed instead of a dash or a quote ligature
    return _TEX_LIGATURE.sub(r"\1{}", "".join(parts))


def tex_source_lines(latex: str, width: int = TEX_SOURCE_WIDTH) -> str:
    """Generated LaTeX with its lines at most about ``width`` characters: a space becomes a line
    break, or a line ends after ``{}`` with ``%``. Both leave what TeX typesets unchanged. Escaped
    text has a break point at least every few hundred characters, so every line is short."""
    if len(latex) <= width:
        return latex
    parts: list[str] = []
    line_start = last = 0
    for candidate in _TEX_SOURCE_BREAK.finditer(latex):
        if candidate.end() - line_start > width and last > line_start:
            parts.append(latex[line_start:last])
            line_start = last
        last = candidate.end()
    if len(latex) - line_start > width and last > line_start:
        parts.append(latex[line_start:last])
        line_start = last
    parts.append(latex[line_start:])
    return "".join(part[:-1] + "\n" if part.endswith(" ") else part + "%\n" for part in parts[:-1]) + parts[-1]


def _tex_line(line: str) -> str:
    """One line of text, escaped; spaces and tabs collapse to one space, as TeX would anyway."""
    return tex_source_lines(tex_text(_TEX_SPACES.sub(" ", line).strip(" ")))


def tex(text: object) -> str:
    """Card text as LaTeX text: every character printed as typed, never read as a command;
    each line break becomes a paragraph break (blank lines collapse)."""
    lines = (_tex_line(line) for line in _TEX_BREAKS.split(str(text)))
    return "\n\n".join(line for line in lines if line)


def tex_inline(text: object) -> str:
    """Card text as LaTeX text in one paragraph (titles, table cells, list entries): line breaks
    become spaces, so the result can stand inside any command argument (long text is spread over
    source lines, never with a blank line)."""
    return _tex_line(" ".join(_TEX_BREAKS.split(str(text))))
