"""Every output shows the same parts in the same order: the checklist's sections, the items asked of
the card's kind, and the completeness of each section, read back from what the command line writes."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import DATA, EXAMPLE, Result

if TYPE_CHECKING:
    from ethicard.checklist import Checklist

Parts = tuple[list[str], list[str], list[str]]  # section titles, item ids, rows of the completeness table

FORMAT_2 = DATA / "migrate" / "legacy-cxr-ldm-format-1.migrated.yaml"


def _md(text: str) -> Parts:
    body, _, rest = text.partition("\n## Disclosure completeness\n")
    titles = re.findall(r"^## (.+)$", body, re.M)
    items = re.findall(r"^`([a-z0-9_]+)` · \*\*", body, re.M)
    table = rest.split("| Section | Completeness |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| (.+) \| [0-9.]+% \|$", table, re.M)
    return titles, items, rows


def _html(text: str) -> Parts:
    titles = re.findall(r'<section class="card-section" [^>]*>\n<div class="section-head">\n<h2 [^>]*>(.*?)</h2>', text)
    items = re.findall(r'<article class="item [^"]*" id="item-([a-z0-9_]+)">', text)
    table = text.split('<table class="sections">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>[0-9.]+%</td></tr>', table)
    return [html.unescape(t) for t in titles], items, [html.unescape(r) for r in rows]


def _tex(text: str) -> Parts:
    body, _, rest = text.partition("\\subsection{Disclosure completeness}")
    titles = re.findall(r"^\\subsection\{(.+)\}$", body, re.M)
    found = re.findall(r"^\\texttt\{(.+?)\} \\textperiodcentered", body, re.M)
    items = [ident.replace("\\allowbreak{}", "").replace("\\_", "_") for ident in found]
    table = rest.split("\\textbf{Completeness by section}", 1)[1].split("\\par\\medskip", 1)[0]
    rows = re.findall(r"^\\ethicardrow\{(.+)\}\{[0-9.]+\\%\}$", table, re.M)
    return titles, items, rows


def _json(text: str) -> Parts:
    sections = json.loads(text)["assessment"]["sections"]
    assert [section["id"] for section in sections] == [section.id for section in _misyn().sections]
    titles = [section["title"] for section in sections]
    return titles, [item["id"] for section in sections for item in section["items"]], titles


def _misyn() -> Checklist:
    from ethicard import load_checklist

    return load_checklist("misyn")


READERS: dict[str, Callable[[str], Parts]] = {"md": _md, "hf": _md, "html": _html, "tex": _tex, "json": _json}


@pytest.mark.parametrize("card", [EXAMPLE, DATA / "minimal.yaml", FORMAT_2], ids=["example", "format-1", "format-2"])
def test_every_format_shows_the_sections_and_items_in_the_checklists_order(
    ethicard: Callable[..., Result], card: Path
) -> None:
    checklist = _misyn()
    expected_titles = [section.title for section in checklist.sections]
    shown = {fmt: read(ethicard("render", card, "-f", fmt).out) for fmt, read in READERS.items()}
    titles, items, rows = shown["json"]
    assert titles == expected_titles, "the JSON lists the sections in the checklist's order"
    asked = {item.id for _, item in checklist.items()}
    assert items and set(items) <= asked
    for fmt, parts in shown.items():
        assert parts == (titles, items, rows), fmt
    checked = json.loads(ethicard("check", card, "--format", "json").out)["files"][0]
    assert [section["title"] for section in checked["sections"]] == titles
    assert [section["id"] for section in checked["sections"]] == [section.id for section in checklist.sections]
