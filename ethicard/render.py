"""Renders a report into each output format through one template per format."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2

from . import escape, pdf, resources, view
from .assess import Report


@dataclass(frozen=True)
class Format:
    """An output format: its template and the escaping filters its template uses."""

    name: str
    template: str
    extensions: tuple[str, ...]
    filters: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    autoescape: bool = False
    convert: Callable[[str], bytes] | None = None  # turns the rendered text into a binary document


HTML_FILTERS: dict[str, Callable[[Any], str]] = {
    "md": escape.html_markdown,
    "linkify": escape.html_linkify,
    "link": escape.html_link,
}

FORMATS: dict[str, Format] = {
    "md": Format(
        "md",
        "card.md.j2",
        (".md", ".markdown"),
        {"md_inline": escape.md_inline, "md_block": escape.md_block, "md_link": escape.md_link},
    ),
    "html": Format("html", "card.html.j2", (".html", ".htm"), HTML_FILTERS, autoescape=True),
    "pdf": Format("pdf", "card.html.j2", (".pdf",), HTML_FILTERS, autoescape=True, convert=pdf.html_to_pdf),
}


def format_for(filename: str) -> Format | None:
    """The format an output file name asks for, by its extension."""
    lowered = filename.lower()
    for fmt in FORMATS.values():
        if lowered.endswith(fmt.extensions):
            return fmt
    return None


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates, in its private per-user folder.

    Compiling the templates takes longer than rendering a card; Jinja keys each entry by the
    template's source checksum and the Python version, so an edited or upgraded template is
    compiled afresh.  ``ETHICARD_NO_CACHE=1`` turns it off; an unusable folder just means no cache.
    """
    if os.environ.get("ETHICARD_NO_CACHE") == "1":
        return None
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # jinja2 refuses a cache folder another user could write to
        return None


def _environment(fmt: Format) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(resources.template_text),
        bytecode_cache=_bytecode_cache(),
        autoescape=fmt.autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(fmt.filters)
    return env


def render(report: Report, fmt: str | Format = "md") -> str:
    """The card in one format; same report, byte-identical text, ending with one newline.
    For a binary format (PDF) this is the text it is made from (HTML); see :func:`render_bytes`."""
    chosen = FORMATS[fmt] if isinstance(fmt, str) else fmt
    text = _environment(chosen).get_template(chosen.template).render(card=view.build(report))
    return text.rstrip("\n") + "\n"


def render_bytes(report: Report, fmt: str | Format = "md") -> bytes:
    """The card as the bytes of an output file: UTF-8 text, or a binary document such as a PDF."""
    chosen = FORMATS[fmt] if isinstance(fmt, str) else fmt
    text = render(report, chosen)
    return chosen.convert(text) if chosen.convert is not None else text.encode("utf-8")
