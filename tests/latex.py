"""Compiling LaTeX in tests: pdflatex with shell escape off, then the PDF's text via pdftotext."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

from conftest import require_tool

FLAGS = ("-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error")


def compile_pdf(folder: Path, name: str) -> str:
    """Compile ``folder/name`` (a .tex file) and return the text of the PDF, in the order TeX
    typeset it (-raw: two columns are not interleaved)."""
    pdflatex = require_tool("pdflatex")
    pdftotext = require_tool("pdftotext")
    done = subprocess.run(
        [pdflatex, *FLAGS, name], cwd=folder, capture_output=True, text=True, errors="replace", timeout=120
    )
    log = folder / Path(name).with_suffix(".log").name
    assert done.returncode == 0, log.read_text(encoding="latin-1")[-3000:] if log.exists() else done.stdout[-3000:]
    pdf = folder / Path(name).with_suffix(".pdf").name
    text = subprocess.run(
        [pdftotext, "-raw", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return text


def flat(text: str) -> str:
    """Text with typographic quotes straightened and all whitespace removed, for comparing what
    a PDF shows with what a card says (TeX and pdftotext both move line breaks)."""
    text = unicodedata.normalize("NFKC", text)  # ligature glyphs (fi, ff) as letters
    return "".join(text.replace("\u2019", "'").replace("\u2018", "`").split())


def shows(pdf_text: str, literal: str) -> bool:
    """Whether the PDF's text shows ``literal``, allowing for a word hyphenated at a line end."""
    unhyphenated = re.sub(r"(?<=[A-Za-z])-\n(?=[a-z])", "", pdf_text)
    return flat(literal) in flat(pdf_text) or flat(literal) in flat(unhyphenated)


def fragment_packages(fragment: str) -> list[str]:
    """The packages a LaTeX fragment says the document's preamble needs (its header comment)."""
    header = fragment.split("\\begingroup")[0]
    return re.findall(r"^%   (\\usepackage(?:\[[^\]]*\])?\{[^}]*\})$", header, re.M)
