"""Renders a report into each output format: through one template per format, or, for data
formats, through a Python function that reads the same report."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.exceptions
import jinja2.sandbox

from . import escape, files, resources, view
from .assessment import Report
from .errors import EthicardError, Problem, UsageError


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
    summary: str | Callable[[Report], str] | None = None  # the one-page summary's template or renderer


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
    from . import cardjson  # only this format needs it; the other formats do not load it

    return cardjson.dumps(report)


def _summary_json(report: Report) -> str:
    from . import cardjson  # only this format needs it; the other formats do not load it

    return cardjson.dumps_summary(report)


def _croissant(report: Report) -> str:
    from . import croissant  # only this format needs it; the other formats do not load it

    return croissant.dumps(report)


def _hf(report: Report) -> str:
    from . import hub, readme  # only this format needs it; the other formats do not load it

    return readme.merge("", render(report, "md"), hub.metadata(report))


def _pdf(html: str) -> bytes:
    from . import pdf  # only this format needs it (with shutil, tempfile, pathlib and signal)

    return pdf.html_to_pdf(html)


def _tex_markdown(value: Any) -> str:
    from . import latexmd  # only this format needs it; the other formats do not load it

    return latexmd.tex_markdown(value)


def _tex_link(value: Any) -> str:
    from . import latexmd  # only this format needs it; the other formats do not load it

    return latexmd.tex_link(value)


HTML_FILTERS: dict[str, Callable[[Any], str]] = {
    "md": escape.html_markdown,
    "linkify": escape.html_linkify,
    "link": escape.html_link,
    "css_string": escape.css_string,
    "label": view.label,
}

TEX_FILTERS: dict[str, Callable[[Any], str]] = {
    "tex": escape.tex,
    "tex_inline": escape.tex_inline,
    "tex_md": _tex_markdown,
    "tex_link": _tex_link,
}

_HTML_SUMMARY = "summary.html.j2"  # the PDF summary is printed from it

FORMATS: dict[str, Format] = {
    "md": Format(
        "md",
        "card.md.j2",
        (".md", ".markdown"),
        {"md_inline": escape.md_inline, "md_block": escape.md_block, "md_link": escape.md_link},
        summary="summary.md.j2",
    ),
    "html": Format("html", "card.html.j2", (".html", ".htm"), HTML_FILTERS, autoescape=True, summary="summary.html.j2"),
    "pdf": Format(
        "pdf",
        "card.html.j2",
        (".pdf",),
        HTML_FILTERS,
        autoescape=True,
        convert=_pdf,
        summary="summary.html.j2",
    ),
    "tex": Format("tex", "card.tex.j2", (".tex",), TEX_FILTERS, syntax=_LATEX_SYNTAX, summary="summary.tex.j2"),
    "json": Format("json", "", (".json",), renderer=_json, summary=_summary_json),
    "croissant": Format("croissant", "", (".croissant.json", ".jsonld"), renderer=_croissant),
    "hf": Format("hf", "", (), renderer=_hf),
}


def format_for(filename: str) -> Format | None:
    """The format an output file name asks for, by its longest matching extension
    (``card.croissant.json`` is Croissant, ``card.json`` is ethicard's JSON)."""
    lowered = filename.lower()
    found = [(len(ext), fmt) for fmt in FORMATS.values() for ext in fmt.extensions if lowered.endswith(ext)]
    return max(found, key=lambda pair: pair[0])[1] if found else None


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates, in its private per-user folder.

    Compiling the templates takes longer than rendering a card; Jinja keys each entry by the
    template's source checksum and the Python version, so an edited or upgraded template is
    compiled afresh.  ``ETHICARD_NO_CACHE=1`` turns it off; an unusable folder just means no cache.
    """
    if os.environ.get("ETHICARD_NO_CACHE") == "1":
        return None
    try:
        return _QuietCache()
    except (OSError, RuntimeError):  # jinja2 refuses a cache folder another user could write to
        return None


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """A cache that cannot be read or written (a full disk, a file-size limit) is no cache: the
    template is compiled afresh and the render goes on, never failed by a file it did not ask for."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _environment(fmt: Format) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(resources.template_text),
        bytecode_cache=_bytecode_cache(),
        autoescape=fmt.autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        **fmt.syntax,  # type: ignore[arg-type]
    )
    env.filters.update(fmt.filters)
    return env


def render(report: Report, fmt: str | Format = "md", *, standalone: bool = False, summary: bool = False) -> str:
    """The card in one format; same report, byte-identical text, ending with one newline.

    For a binary format (PDF) this is the text it is made from (HTML); see :func:`render_bytes`.
    ``standalone``: for LaTeX, a complete document instead of a fragment to ``\\input``.
    ``summary``: the one-page summary instead of the card (see :func:`ethicard.view.summary`)."""
    chosen = FORMATS[fmt] if isinstance(fmt, str) else fmt
    if summary:
        if chosen.summary is None:
            raise ValueError(f"the {chosen.name} format has no summary")
        if not isinstance(chosen.summary, str):
            return chosen.summary(report)
        template = _environment(chosen).get_template(chosen.summary)
        return template.render(summary=view.summary(report), standalone=standalone).rstrip("\n") + "\n"
    if chosen.renderer is not None:
        text = chosen.renderer(report)
    else:
        template = _environment(chosen).get_template(chosen.template)
        with escape.markdown_budget():  # one budget for the card's answers, see escape.MARKDOWN_BUDGET
            text = template.render(card=view.build(report), standalone=standalone)
    return text.rstrip("\n") + "\n"


def render_bytes(
    report: Report, fmt: str | Format = "md", *, template: str | os.PathLike[str] | None = None, summary: bool = False
) -> bytes:
    """The card (or its ``summary``) as the bytes of an output file: UTF-8 text, or a binary
    document such as a PDF; laid out by the bundled template, or by ``template`` (see
    :func:`render_template`)."""
    chosen = FORMATS[fmt] if isinstance(fmt, str) else fmt
    text = render(report, chosen, summary=summary) if template is None else render_template(report, chosen, template)
    return chosen.convert(text) if chosen.convert is not None else text.encode("utf-8")


def sandboxed_environment(fmt: Format) -> jinja2.Environment:
    """The environment for a researcher's own template: the format's settings and escaping
    filters, in Jinja's immutable sandbox (no ``_`` attributes, no Python internals, no changing
    the data), and a loader that serves only the bundled templates: never a file of its own."""
    base = _environment(fmt)
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=jinja2.FunctionLoader(lambda name: resources.template_text(name) if name in _BUNDLED() else None),
        autoescape=base.autoescape,
        undefined=jinja2.StrictUndefined,
        finalize=base.finalize,
        keep_trailing_newline=base.keep_trailing_newline,
        trim_blocks=base.trim_blocks,
        lstrip_blocks=base.lstrip_blocks,
    )
    env.filters.update(base.filters)
    for name, value in base.globals.items():
        env.globals.setdefault(name, value)  # keeps the sandbox's own safe range()
    return env


_BUNDLED = resources.bundled_templates


def render_template(
    report: Report, fmt: str | Format, template: str | os.PathLike[str], *, standalone: bool = False
) -> str:
    """The card laid out by the template file ``template`` (which reads ``card``, as the bundled
    ones do) in the sandbox; any fault in the template is an EthicardError at its line."""
    chosen = FORMATS[fmt] if isinstance(fmt, str) else fmt
    path = os.fspath(template)
    source = files.read_text(path, what="template")
    card = view.build(report)
    env = sandboxed_environment(chosen)
    try:
        code = env.compile(source, filename=path)
        compiled = env.template_class.from_code(env, code, env.make_globals(None))
        with escape.markdown_budget():
            text = compiled.render(card=card, standalone=standalone)
        if chosen.autoescape:  # HTML: it loads nothing, like the bundled card (see pdf.locked_down)
            from .pdf import locked_down  # only a custom HTML template needs it

            text = locked_down(text)
    except jinja2.TemplateSyntaxError as exc:
        problem = Problem(path, exc.lineno or 0, 0, (), f"template syntax error: {exc.message}")
        raise EthicardError([problem]) from None
    except Exception as exc:  # the template's own doing: it is the researcher's code
        raise EthicardError([_template_problem(path, exc)]) from None
    return text.rstrip("\n") + "\n"


def _template_problem(path: str, exc: Exception) -> Problem:
    line = _template_line(path, exc.__traceback__)
    if isinstance(exc, jinja2.exceptions.SecurityError):
        message, hint = (
            f"not allowed in the sandbox: {str(exc).rstrip('.')}",
            "a template may only read the card's data",
        )
    elif isinstance(exc, jinja2.UndefinedError):
        message, hint = f"undefined: {exc.message}", "the template reads 'card'; see the bundled templates for its keys"
    elif isinstance(exc, jinja2.TemplateNotFound):
        message = f"cannot include or extend '{exc.name}'"
        hint = "only the bundled templates can be: " + ", ".join(_BUNDLED())
    elif isinstance(exc, RecursionError):
        message, hint = "the template calls itself without end", "check recursive macros"
    else:
        message, hint = f"the template failed: {type(exc).__name__}: {exc}", ""
    return Problem(path, line, 0, (), message, hint)


def _template_line(path: str, trace: TracebackType | None) -> int:
    """The line of the template being run when it failed (Jinja puts template lines into the
    traceback); 0 when it cannot be told."""
    line = 0
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == path:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def resolve_format(
    given: str | None, output: str | None, *, standalone: bool = False, summary: bool = False, template: bool = False
) -> Format:
    """The format ``render`` writes: the one ``given`` (``-f``), else the one the output file's
    extension asks for, else Markdown; refused (UsageError) when the options do not fit it."""
    name = given
    if name is None:
        found = format_for(output) if output else FORMATS["md"]
        if found is None:
            raise UsageError(
                f"{output}: cannot tell the format from the extension; use -f with one of: {', '.join(FORMATS)}"
            )
        name = found.name
    if name not in FORMATS:
        raise UsageError(f"unknown format '{name}'; choose one of: {', '.join(FORMATS)}")
    if standalone and name != "tex":
        raise UsageError("--standalone applies to the tex format only")
    if summary and (template or FORMATS[name].summary is None):
        raise UsageError("--summary takes no --template; it renders md, html, pdf, tex and json")
    return FORMATS[name]
