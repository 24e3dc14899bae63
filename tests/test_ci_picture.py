"""The README's picture of an annotated pull request, made from real `check --format github` output.

The annotations are parsed back from ethicard's workflow commands (as the runner parses them) and
laid out as GitHub shows them in a pull request's "Files changed" view: under the line each points
at, in a hunk of the card's lines.  Chromium renders the page (no network); `pytest --update-golden`
writes docs/img/annotated-pr.png.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, Ethicard, require_tool
from test_ci_reporters import _annotations

PICTURE = ROOT / "docs" / "img" / "annotated-pr.png"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
_CONTEXT = 2  # lines shown around an annotated line

_STYLE = """
body { font: 14px/1.5 -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif; color: #1f2328; margin: 0;
       background: #fff; }
header { padding: 16px 24px; border-bottom: 1px solid #d1d9e0; }
h1 { font-size: 22px; font-weight: 400; margin: 0 0 6px; } h1 span { color: #59636e; }
.checks { padding: 8px 24px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; font-size: 13px; }
.checks b { color: #d1242f; }
.file { margin: 16px 24px; border: 1px solid #d1d9e0; border-radius: 6px; overflow: hidden; }
.name { background: #f6f8fa; padding: 8px 12px; border-bottom: 1px solid #d1d9e0;
        font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; }
td.num { width: 44px; text-align: right; color: #59636e; padding: 0 8px; user-select: none; }
td.code { white-space: pre; padding: 0 8px; background: #e6ffec; }
tr.gap td { background: #ddf4ff; color: #59636e; padding: 2px 8px; }
.note { margin: 6px 12px 8px 52px; border: 1px solid #d1d9e0; border-left: 4px solid #d1242f;
        border-radius: 6px; padding: 8px 12px; font: 13px/1.45 -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif;
        white-space: normal; background: #fff; }
.note.warning { border-left-color: #9a6700; }
.note .kind { font-weight: 600; color: #d1242f; } .note.warning .kind { color: #9a6700; }
.note .msg { white-space: pre-line; } .note .title { font-weight: 600; } .note .by { color: #59636e; font-size: 12px; }
"""


def _degrade(text: str, item: str, status: str) -> str:
    """The example card with one answer's status changed."""
    start = text.index(f"    {item}:\n")
    at = text.index("      status: addressed", start)
    return text[:at] + f"      status: {status}" + text[at + len("      status: addressed") :]


def _box(note: dict[str, str]) -> str:
    kind = "Check failure" if note["level"] == "error" else "Check warning"
    return (
        f'<div class="note {html.escape(note["level"])}" data-line="{html.escape(note.get("line", ""))}">'
        f'<span class="kind">{kind}</span> <span class="by">ethicard check / Check cards</span><br>'
        f'<span class="title">{html.escape(note.get("title", ""))}</span><br>'
        f'<span class="msg">{html.escape(note["message"])}</span></div>'
    )


def pull_request_page(card_name: str, card: str, notes: list[dict[str, str]]) -> str:
    """A self-contained page showing the card's annotated lines as a pull request does."""
    lines = card.splitlines()
    located = sorted({int(n["line"]) for n in notes if "line" in n})
    rows = [_box(n) for n in notes if "line" not in n]
    table: list[str] = []
    shown = 0
    for target in located:
        first, last = max(target - _CONTEXT, shown + 1), min(target + _CONTEXT, len(lines))
        table.append(f'<tr class="gap"><td class="num">...</td><td>@@ +{first},{last - first + 1} @@</td></tr>')
        for number in range(first, last + 1):
            code = html.escape(lines[number - 1])
            table.append(f'<tr data-row="{number}"><td class="num">{number}</td><td class="code">{code}</td></tr>')
            boxes = "".join(_box(n) for n in notes if n.get("line") == str(number))
            if boxes:
                table.append(f'<tr><td colspan="2">{boxes}</td></tr>')
        shown = last
    errors = sum(n["level"] == "error" for n in notes)
    warnings = len(notes) - errors
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pull request</title>'
        f"<style>{_STYLE}</style></head><body>"
        "<header><h1>Add the disclosure card for CXR-LDM 1.0.0 <span>#42</span></h1></header>"
        f'<div class="checks"><b>&#x2716; ethicard check / Check cards</b>: failed, {errors} error{"s" * (errors != 1)}'
        f" and {warnings} warning{'s' * (warnings != 1)}"
        " (annotations from <code>ethicard check --format github</code>)</div>"
        f'<div class="file"><div class="name">{html.escape(card_name)}</div>{"".join(rows)}'
        f"<table>{''.join(table)}</table></div></body></html>\n"
    )


def _without_evidence(text: str, item: str) -> str:
    """The example card with one answer's evidence list removed."""
    start = text.index("      evidence:\n", text.index(f"    {item}:\n"))
    end = start + len("      evidence:\n")
    while text.startswith("        - ", end):
        end = text.index("\n", end) + 1
    return text[:start] + text[end:]


def test_annotated_pull_request_picture(ethicard: Ethicard, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    card = _degrade(EXAMPLE.read_text(encoding="utf-8"), "synthetic_image_labelling", "not addressed")
    card = _degrade(card, "ethics_approval", "not addressed")
    card = _without_evidence(card, "terminology_synthetic_vs_medical")
    (tmp_path / "ethicard.yaml").write_text(card, encoding="utf-8")
    result = ethicard("check", "--format", "github", "--strict", "ethicard.yaml")
    assert result.code == 1
    notes = _annotations(result.out)
    lines = card.splitlines()

    def key_line(item: str) -> str:
        return str(lines.index(f"    {item}:") + 1)

    assert {(n["line"], n["level"]) for n in notes if "line" in n} == {
        (key_line("synthetic_image_labelling"), "error"),
        (key_line("terminology_synthetic_vs_medical"), "warning"),
        (key_line("ethics_approval"), "error"),
    }

    page_file = tmp_path / "pull-request.html"
    page_file.write_text(pull_request_page("ethicard.yaml", card, notes), encoding="utf-8")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python playwright is not installed; it is in the test extra: pip install '.[test]'")
    chromium = require_tool("chromium")
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1100, "height": 700}, device_scale_factor=1)
        page.on("request", lambda sent: requests.append(sent.url))
        page.goto(page_file.as_uri())
        # every box sits right under the row of the line it names (or above the table: the whole file)
        placed = page.evaluate(
            """() => [...document.querySelectorAll('.note')].map(n => {
                const row = n.closest('tr') && n.closest('tr').previousElementSibling;
                return [n.dataset.line, row ? row.dataset.row || '' : ''];
            })"""
        )
        assert len(placed) == len(notes)
        assert all(line == row for line, row in placed)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "annotated-pr.png"), full_page=True)
        if request.config.getoption("--update-golden"):
            page.screenshot(path=str(PICTURE), full_page=True)
        browser.close()
    assert requests == [page_file.as_uri()]
    assert "(docs/img/annotated-pr.png)" in (ROOT / "README.md").read_text(encoding="utf-8")
