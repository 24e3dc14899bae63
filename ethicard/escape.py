"""Escapers that keep card text as text in each output format."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

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
        import markdown
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
    import nh3

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


def html_markdown(text: object) -> Markup:
    """An answer's Markdown as safe HTML: rendered, then sanitised; raw HTML in the answer shows as text."""
    source = _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    return Markup(sanitise_html(_converter().reset().convert(source)))


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
