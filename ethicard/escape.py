"""Escapers that keep card text as text in each output format."""

from __future__ import annotations

import re

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~#!])")
_MD_BLOCK_CHARS = re.compile(r"([\\\[\]|])")
_MD_RULE_OR_UNDERLINE = re.compile(r"^\s{0,3}([-=*_+]\s*)+$")
_MD_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s<>\"`\\]+$")


def md_inline(text: object) -> str:
    """Text shown literally inside one Markdown line (names, titles, table cells)."""
    flat = " ".join(str(text).split())
    return _MD_INLINE.sub(r"\\\1", flat.replace("&", "&amp;"))


def _md_plain(segment: str) -> str:
    segment = _MD_BLOCK_CHARS.sub(r"\\\1", segment)
    return segment.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_line(raw: str) -> str:
    """Escape one answer line outside its code spans; a code span shows its text as typed anyway,
    unless it holds an HTML comment marker, which a README's marker parser would see."""
    parts: list[str] = []
    position = 0
    for span in _MD_CODE_SPAN.finditer(raw):
        if "<!--" in span.group(0) or "-->" in span.group(0):
            continue
        parts += [_md_plain(raw[position : span.start()]), span.group(0)]
        position = span.end()
    parts.append(_md_plain(raw[position:]))
    return "".join(parts)


def md_block(text: object) -> str:
    """An answer's Markdown, kept for emphasis, code and lists, but unable to change the card's
    structure: no headings, rules, tables, links, images, raw HTML, fences or front matter."""
    lines = []
    for raw in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _md_line(raw.rstrip())
        if _MD_RULE_OR_UNDERLINE.match(line) or line.lstrip().startswith(("#", "```", "~~~")):
            line = "\\" + line.lstrip()
        lines.append(line)
    return "\n".join(lines).strip("\n")


def md_link(text: object) -> str:
    """A web address as a clickable autolink; anything else as literal text."""
    value = str(text)
    return f"<{value}>" if _SAFE_URL.match(value) else md_inline(value)
