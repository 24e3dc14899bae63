"""`ethicard render --summary`: a one-page summary in every format (md, html, pdf, tex, json) with
what the work is, completeness, the six gaps, the intrinsic limits, waivers and the contact; in
LaTeX it fits one column of a two-column page."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE, ROOT, Ethicard, Golden, _ethicard_command, require_tool
from latex import compile_pdf, fragment_packages, shows

from ethicard.vocabulary import GAP_KINDS

CARDS = {"example": EXAMPLE, "minimal": DATA / "minimal.yaml"}  # no gap shown; all six shown
LIMITS = ("No grounding in medical phenomena", "New distribution shifts and biases")


SHOWN = {"md": "**shown**", "html": '<span class="shown">shown</span>', "tex": "{\\textbf{shown}}"}


def _summary(card: Path, fmt: str) -> str:
    done = subprocess.run(
        [*_ethicard_command(), "render", str(card), "--summary", "-f", fmt], capture_output=True, text=True, check=True
    )
    return done.stdout


Summaries = dict[tuple[str, str], str]  # (card, format) -> summary text


@pytest.fixture(scope="module")
def summaries() -> Summaries:
    """Each card's summary in each text format, and its full JSON card, rendered once."""
    rendered = {
        (name, fmt): _summary(card, fmt) for name, card in CARDS.items() for fmt in ("md", "html", "tex", "json")
    }
    for name, card in CARDS.items():
        done = subprocess.run([*_ethicard_command(), "render", str(card), "-f", "json"], capture_output=True, text=True)
        rendered[name, "card.json"] = done.stdout
    return rendered


@pytest.mark.parametrize("fmt", ["md", "html", "tex"])
@pytest.mark.parametrize("name", list(CARDS))
def test_summary_shows_the_work_completeness_gaps_limits_and_contact(summaries: Summaries, name: str, fmt: str) -> None:
    out = summaries[name, fmt]
    card = json.loads(summaries[name, "json"])
    plain = re.sub(r"\\_\\allowbreak\{\}", "_", out)
    assert card["name"] in plain and f"{card['score']}%" in plain.replace("\\%", "%")
    for title, _ in GAP_KINDS.values():
        assert title in plain, title
    for limit in LIMITS:
        assert limit in plain
    assert card["contact"] in plain
    assert out.count(SHOWN[fmt]) == card["gaps_found"]
    assert f"{card['gaps_found']} of 6 shown" in out


def test_json_summary_agrees_with_the_card_assessment(summaries: Summaries) -> None:
    for name in CARDS:
        summary = json.loads(summaries[name, "json"])
        full = json.loads(summaries[name, "card.json"])["assessment"]
        assert summary["format"] == "ethicard-summary"
        assert summary["score"] == full["score"]
        assert [(g["id"], g["found"], g["items"]) for g in summary["gaps"]] == [
            (g["id"], g["found"], g["items"]) for g in full["gaps"]
        ]
        assert len(summary["intrinsic_limits"]) == 3 and summary["waivers"] == []


def test_summary_lists_the_waivers_a_card_gives() -> None:
    """A waiver answers a rule finding or a note; the summary shows each with its reason, in every format."""
    from ethicard import assess, load_card, render

    card, checklist = load_card(DATA / "minimal.yaml")
    assert "Waivers" not in render(assess(card, checklist), "md", summary=True)
    waived = DATA / "fidelity" / "cards" / "brain-mri-complete-waived.yaml"
    report = assess(*load_card(waived))
    (waiver,) = report.card.waivers
    for fmt in ("md", "html", "tex", "json"):
        out = render(report, fmt, summary=True)
        plain = out.replace("\\allowbreak{}", "").replace("\\_", "_")  # LaTeX break points and escapes
        assert waiver.rule in plain and "z-scored intensities" in plain, fmt


def _measured(documentclass: str, packages: list[str], inputs: list[str]) -> str:
    """A two-column document that typesets each summary in a box one column wide and writes its
    height and the page's text height to the log, then puts it on the page."""
    body = []
    for name in inputs:
        body.append(
            f"\\setbox0=\\vbox{{\\hsize=\\columnwidth\\linewidth=\\columnwidth\\input{{{name}}}}}"
            f"\\typeout{{SUMMARY {name} \\the\\dimexpr\\ht0+\\dp0\\relax\\space of \\the\\textheight}}"
            "\\unvbox0\\clearpage"
        )
    return "\n".join([documentclass, *packages, "\\begin{document}", *body, "\\end{document}", ""])


@pytest.mark.parametrize(
    "documentclass", ["\\documentclass[twocolumn]{article}", "\\documentclass[conference]{IEEEtran}"]
)
def test_latex_summary_fits_one_column_of_a_two_column_page(
    summaries: Summaries, tmp_path: Path, documentclass: str
) -> None:
    for name in CARDS:
        (tmp_path / f"{name}.tex").write_text(summaries[name, "tex"], encoding="utf-8")
    packages = fragment_packages((tmp_path / "minimal.tex").read_text(encoding="utf-8"))
    assert packages == ["\\usepackage[T1]{fontenc}", "\\usepackage{lmodern}", "\\usepackage{hyperref}"]
    (tmp_path / "paper.tex").write_text(_measured(documentclass, packages, list(CARDS)), encoding="utf-8")
    text = compile_pdf(tmp_path, "paper.tex")
    log = (tmp_path / "paper.log").read_text(encoding="latin-1")
    heights = re.findall(r"^SUMMARY (\w+) ([\d.]+)pt of ([\d.]+)pt$", log, re.M)
    assert [name for name, _, _ in heights] == list(CARDS)
    for name, height, textheight in heights:
        assert float(height) < float(textheight), name
    assert not re.search(r"^Overfull \\hbox \((\d*[2-9]|\d{2,})", log, re.M)
    assert shows(text, "MISyn disclosure summary: CXR-LDM 1.0.0")
    assert shows(text, "Gaps found in published MISyn work (Jin et al.): 6 of 6 shown")


def test_standalone_summary_and_pdf_summary_are_one_page(tmp_path: Path) -> None:
    run = [*_ethicard_command(), "render", str(DATA / "minimal.yaml"), "--summary"]
    subprocess.run([*run, "-o", str(tmp_path / "summary.tex"), "--standalone"], check=True, capture_output=True)
    text = compile_pdf(tmp_path, "summary.tex")
    assert "Output written on summary.pdf (1 page" in (tmp_path / "summary.log").read_text(encoding="latin-1")
    assert shows(text, "Intrinsic limits and side effects not assessed")
    subprocess.run([*run, "-o", str(tmp_path / "summary-html.pdf")], check=True, capture_output=True)
    info = subprocess.run([require_tool("pdfinfo"), tmp_path / "summary-html.pdf"], capture_output=True, text=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M), info.stdout
    pdf_text = subprocess.run(
        [require_tool("pdftotext"), tmp_path / "summary-html.pdf", "-"], capture_output=True, text=True
    ).stdout
    assert shows(pdf_text, "Gaps found in published MISyn work (Jin et al.): 6 of 6 shown")


@pytest.mark.parametrize(
    "extra",
    [["-f", "hf"], ["-f", "md", "--template", str(ROOT / "templates" / "summary.md.j2")], ["--into", "README.md"]],
)
def test_summary_refuses_what_it_cannot_make(ethicard: Ethicard, extra: list[str]) -> None:
    result = ethicard("render", EXAMPLE, "--summary", *extra)
    assert result.code == 2
    assert "--summary" in result.err


@pytest.mark.parametrize("fmt", ["md", "html", "tex", "json"])
def test_minimal_summary_matches_golden(summaries: Summaries, golden: Golden, fmt: str) -> None:
    golden(summaries["minimal", fmt], DATA / f"minimal.summary.{fmt}")
