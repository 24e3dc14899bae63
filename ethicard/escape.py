"""Escapers that keep card text as text in each output format."""

from __future__ import annotations

import re
import unicodedata

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~#!])")
_MD_BLOCK_CHARS = re.compile(r"([\\\[\]|`])")  # backticks too: only whole code spans on one line are kept
_MD_RULE_OR_UNDERLINE = re.compile(r"^\s{0,3}([-=*_+]\s*)+$")
# List markers a line may open with ('- ', '1. ', '- 2) ' ...): what follows them starts a block too.
_MD_LIST_MARKERS = re.compile(r"^\s*(?:(?:[-*+]|\d{1,9}[.)])(?:\s+|$))*")
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


def md_block(text: object) -> str:
    """An answer's Markdown, kept for emphasis, code and lists, but unable to change the card's
    structure: no headings, rules, tables, links, images, raw HTML, fences or front matter."""
    lines = []
    for raw in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        raw = raw.rstrip()
        markers = _MD_LIST_MARKERS.match(raw)
        rest = raw[markers.end() :] if markers else raw
        if _MD_RULE_OR_UNDERLINE.match(raw):
            line = "\\" + raw.lstrip()
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
    return f"<{value}>" if _SAFE_URL.match(value) else md_inline(value)


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
    "_": r"\_",
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


def _tex_char(char: str) -> str:
    if " " <= char <= "~":
        return _TEX_ASCII.get(char, char)
    found = _TEX_SYMBOLS.get(char)
    if found is not None:
        return found
    if char in _TEX_LETTERS:
        return char
    return f"{{[}}U+{ord(char):04X}{{]}}"


def _tex_line(line: str) -> str:
    """One line of text, escaped; spaces and tabs collapse to one space, as TeX would anyway."""
    text = _TEX_SPACES.sub(" ", unicodedata.normalize("NFC", line)).strip(" ")
    # keep -- ,, '' as typed instead of a dash or a quote ligature
    return _TEX_LIGATURE.sub(r"\1{}", "".join(map(_tex_char, text)))


def tex(text: object) -> str:
    """Card text as LaTeX text: every character printed as typed, never read as a command;
    each line break becomes a paragraph break (blank lines collapse)."""
    lines = (_tex_line(line) for line in _TEX_BREAKS.split(str(text)))
    return "\n\n".join(line for line in lines if line)


def tex_inline(text: object) -> str:
    """Card text as LaTeX text on one line (titles, table cells, list entries): line breaks
    become spaces, so the result can stand inside any command argument."""
    return _tex_line(" ".join(_TEX_BREAKS.split(str(text))))
