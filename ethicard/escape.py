"""Escapers that keep card text as text in each output format."""

from __future__ import annotations

import re

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~#!])")
_MD_BLOCK_CHARS = re.compile(r"([\\\[\]|])")
_MD_RULE_OR_UNDERLINE = re.compile(r"^\s{0,3}([-=*_+]\s*)+$")


def md_inline(text: object) -> str:
    """Text shown literally inside one Markdown line (names, titles, table cells)."""
    flat = " ".join(str(text).split())
    return _MD_INLINE.sub(r"\\\1", flat.replace("&", "&amp;"))


def md_block(text: object) -> str:
    """An answer's Markdown, kept for emphasis, code and lists, but unable to change the card's
    structure: no headings, rules, tables, links, images, raw HTML, fences or front matter."""
    lines = []
    for raw in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _MD_BLOCK_CHARS.sub(r"\\\1", raw.rstrip())
        line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if _MD_RULE_OR_UNDERLINE.match(line) or line.lstrip().startswith(("#", "```", "~~~")):
            line = "\\" + line.lstrip()
        lines.append(line)
    return "\n".join(lines).strip("\n")
