"""Renders a report into each output format: through one template per format, or, for data
formats, through a Python function that reads the same report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2

from . import escape, pdf, resources, view
from .assess import Report


@dataclass(frozen=True)
class Format:
    """An output format: its template and the escaping filters its template uses, or the
    function that renders it (``renderer``) when it is data rather than a document."""

    name: str
    template: str
    extensions: tuple[str, ...]
    filters: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    autoescape: bool = False
    convert: Callable[[str], bytes] | None = None  # turns the rendered text into a binary document
    syntax: dict[str, str] = field(default_factory=dict)  # Jinja delimiters, where {{ }} and {% %} are text
    renderer: Callable[[Report], str] | None = None


# In LaTeX braces and percent signs are everywhere: ((* block *)), ((( variable ))), ((= comment =)).
_LATEX_SYNTAX = {
    "block_start_string": "((*",
    "block_end_string": "*))",
    "variable_start_string": "(((",
    "variable_end_string": ")))",
    "comment_start_string": "((=",
    "comment_end_string": "=))",
}


def _json(report: Report) -> str:
    from . import cardjson

    return cardjson.dumps(report)


def _hf(report: Report) -> str:
    from . import readme

    return readme.merge("", render(report, "md"), readme.metadata(report))


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
    "tex": Format(
        "tex", "card.tex.j2", (".tex",), {"tex": escape.tex, "tex_inline": escape.tex_inline}, syntax=_LATEX_SYNTAX
    ),
    "json": Format("json", "", (".json",), renderer=_json),
    "hf": Format("hf", "", (), renderer=_hf),
}


def format_for(filename: str) -> Format | None:
    """The format an output file name asks for, by its extension."""
    lowered = filename.lower()
    for fmt in FORMATS.values():
        if lowered.endswith(fmt.extensions):
            return fmt
    return None


def _environment(fmt: Format) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(resources.template_text),
        autoescape=fmt.autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        **fmt.syntax,  # type: ignore[arg-type]
    )
    env.filters.update(fmt.filters)
    return env


def render(report: Report, fmt: str | Format = "md", *, standalone: bool = False) -> str:
    """The card in one format; same report, byte-identical text, ending with one newline.

    For a binary format (PDF) this is the text it is made from (HTML); see :func:`render_bytes`.
    ``standalone``: for LaTeX, a complete document instead of a fragment to ``\\input``."""
    chosen = FORMATS[fmt] if isinstance(fmt, str) else fmt
    if chosen.renderer is not None:
        text = chosen.renderer(report)
    else:
        template = _environment(chosen).get_template(chosen.template)
        text = template.render(card=view.build(report), standalone=standalone)
    return text.rstrip("\n") + "\n"


def render_bytes(report: Report, fmt: str | Format = "md") -> bytes:
    """The card as the bytes of an output file: UTF-8 text, or a binary document such as a PDF."""
    chosen = FORMATS[fmt] if isinstance(fmt, str) else fmt
    text = render(report, chosen)
    return chosen.convert(text) if chosen.convert is not None else text.encode("utf-8")
