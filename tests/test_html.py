"""`ethicard render` to HTML and PDF: golden files, a real browser, hostile cards, sanitiser properties.

The browser tests drive Debian's Chromium through Python Playwright (its own browser download is
never used): they load the rendered card from a file and watch every console message, dialog,
page error and network request.
"""

from __future__ import annotations

import html
import itertools
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, EXAMPLE, ROOT, Ethicard, require_tool
from hypothesis import given, settings
from hypothesis import strategies as st

from ethicard.checklist import load_checklist
from ethicard.escape import HTML_TAGS, html_link, html_linkify, html_markdown
from ethicard.frozen import replace

HOSTILE = DATA / "hostile" / "html.yaml"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
GALLERY = ROOT / "docs" / "img" / "card-html.png"
SAFE_HREF = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
IN_PAGE = re.compile(r"^#[a-z][a-z0-9_-]*$")  # the table of contents: links to the page's own sections
EXAMPLES = 300  # hypothesis examples per property


# --- parsing helpers --------------------------------------------------------------------------


class Collector(HTMLParser):
    """Every tag, attribute, comment and declaration of an HTML text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.other.append(decl)

    def handle_pi(self, data: str) -> None:
        self.other.append(data)

    def unknown_decl(self, data: str) -> None:
        self.other.append(data)


def parse(text: str) -> Collector:
    collector = Collector()
    collector.feed(text)
    collector.close()
    return collector


def assert_fragment_is_safe(fragment: str, allowed: frozenset[str] = HTML_TAGS) -> None:
    """Only allowed tags; on ``a`` only href (http, https, mailto), title and rel; nothing else."""
    found = parse(fragment)
    assert not found.comments and not found.other, fragment
    for tag, attrs in found.tags:
        assert tag in allowed, (tag, fragment)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag != "a":
            assert not attrs, (tag, attrs)
            continue
        assert set(attrs) <= {"href", "title", "rel"}, attrs
        assert attrs.get("rel") == "noopener noreferrer nofollow", attrs
        href = attrs.get("href")
        if href is not None:
            assert SAFE_HREF.match(href), href
            assert not re.search(r"[\s\"'<>`]", href), href


def model_items() -> int:
    """How many checklist items a model card answers."""
    return sum("model" in item.kinds for _, item in load_checklist("misyn").items())


# --- golden files and structure ---------------------------------------------------------------


def test_html_is_self_contained(ethicard: Ethicard) -> None:
    out = ethicard("render", EXAMPLE, "-f", "html").out
    found = parse(out)
    tags = [tag for tag, _ in found.tags]
    assert tags[0] == "html" and dict(found.tags[0][1]) == {"lang": "en"}
    for forbidden in ("script", "link", "img", "iframe", "object", "embed", "svg", "base", "form", "video", "audio"):
        assert forbidden not in tags, forbidden
    assert tags.count("style") == 1
    assert tags.count("h1") == 1
    levels = [int(tag[1]) for tag in tags if re.fullmatch(r"h[1-6]", tag)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels)), "a heading level is skipped"
    for tag, attrs in found.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "srcset", "action", "data", "poster"):
            assert name not in attrs, (tag, attrs)
        if tag == "a":
            href = attrs.get("href") or ""
            assert SAFE_HREF.match(href) or (IN_PAGE.match(href) and f'id="{href[1:]}"' in out), attrs
    assert "@import" not in out and "url(" not in out
    assert "@media print" in out


def test_html_shows_what_the_markdown_card_shows(ethicard: Ethicard) -> None:
    from ethicard.assessment import assess
    from ethicard.cards import load_card
    from ethicard.view import build

    card, checklist = load_card(str(EXAMPLE))
    view = build(assess(card, checklist))
    page = ethicard("render", EXAMPLE, "-f", "html").out
    text = html.unescape(page)
    positions = [text.index(f'<h2 id="{section.id}-title">') for section in view.sections]
    assert positions == sorted(positions), "sections are not in the Markdown card's order"
    limits = text.index("Intrinsic limits of synthetic images")
    assert limits < text.index('id="item-failure_modes_social_consequences"')
    summary = text.index('<h2 id="disclosure-completeness-title">Completeness, gaps and findings</h2>')
    assert text.index('<nav class="toc"') < summary < positions[0], "completeness, gaps and findings come first"
    assert positions[-1] < text.index("Card generated by ethicard")
    for section in view.sections:
        assert f'<li><a href="#{section.id}">{section.title}</a></li>' in text, section.id
        assert f'<tr><th scope="row">{section.title}</th><td>{section.score}%</td></tr>' in text, section.id
        for item in section.items:
            article = re.search(f'<article [^>]*id="item-{item.id}">(.*?)</article>', page, re.DOTALL)
            assert article is not None, item.id
            assert f"<code>{item.id}</code> · {item.level} · source: {item.source}" in article.group(1)
            assert article.group(1).count(f"</span>{item.status_label}</span>") == 1, "the status is shown once"
            assert f"<strong>{item.status_label}</strong>" not in article.group(1)
    for limit in view.intrinsic_limits:
        assert f"<strong>{limit.title}.</strong>" in text
    for gap in view.assessment.gaps:
        assert gap.title in text
    assert f"Card generated by ethicard {view.ethicard_version} from checklist misyn {view.checklist.version}" in page


def test_unanswered_partial_and_not_applicable_are_marked_in_colour_and_text(ethicard: Ethicard) -> None:
    out = ethicard("render", DATA / "minimal.yaml", "-f", "html").out
    unanswered = out.count('<article class="item st-unanswered"')
    assert unanswered > 30
    badge = '<h3><span class="badge s-unanswered"><span aria-hidden="true">⚠ </span>Unanswered</span>'
    assert out.count(badge) == unanswered
    assert out.count('<article class="item st-partial"') == 1
    assert ".item.st-unanswered {" in out and ".s-not-applicable {" in out
    hostile = ethicard("render", HOSTILE, "-f", "html").out
    assert hostile.count('<article class="item st-not-applicable"') == 1
    assert '<span class="badge s-not-applicable"><span aria-hidden="true">⊘ </span>Not applicable</span>' in hostile


def test_findings_are_rendered_generically() -> None:
    """Findings come from the assessment: any entry with rule, source and message is listed, escaped."""
    from ethicard.assessment import assess
    from ethicard.cards import load_card
    from ethicard.rendering import FORMATS, _environment
    from ethicard.view import build

    card, checklist = load_card(str(DATA / "minimal.yaml"))
    view = build(assess(card, checklist))
    finding = view.assessment.findings[0]
    findings = (
        replace(finding, rule="evaluation.model_space_only", source="paper", message="Only <b>model</b> space"),
        replace(finding, rule="reporting.significance", source="derived", message="No test named"),
    )
    fmt = FORMATS["html"]
    page = _environment(fmt).get_template(fmt.template).render(
        card=replace(view, assessment=replace(view.assessment, findings=findings))
    )
    assert "<h3>Findings</h3>" in page
    assert "<li><code>evaluation.model_space_only</code> (paper): Only &lt;b&gt;model&lt;/b&gt; space</li>" in page
    assert "<li><code>reporting.significance</code> (derived): No test named</li>" in page


def test_check_and_markdown_render_never_import_markdown_or_nh3() -> None:
    code = (
        "import sys\n"
        "from ethicard.cli import main\n"
        f"main(['check', {str(EXAMPLE)!r}])\n"
        f"main(['render', {str(EXAMPLE)!r}, '-f', 'md'])\n"
        "print('LOADED', sorted(m for m in ('markdown', 'nh3') if m in sys.modules))\n"
        f"main(['render', {str(EXAMPLE)!r}, '-f', 'html'])\n"
        "print('LOADED', sorted(m for m in ('markdown', 'nh3') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT / "tests")
    assert done.returncode == 0, done.stderr
    loaded = [line for line in done.stdout.splitlines() if line.startswith("LOADED")]
    assert loaded == ["LOADED []", "LOADED ['markdown', 'nh3']"]


# --- the sanitiser ---------------------------------------------------------------------------


def test_answer_markdown_keeps_emphasis_lists_code_and_safe_links() -> None:
    out = html_markdown(
        "Intro with *emphasis*, **strong** and `a<b`.\n- one\n- two\n\n> quoted\n\n"
        "[site](https://example.org/a?b=1&c=2) and <https://example.org/auto> and [mail](mailto:a@example.org)"
    )
    assert "<p>Intro with <em>emphasis</em>, <strong>strong</strong> and <code>a&lt;b</code>.</p>" in out
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in out
    assert "<blockquote>" in out
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">site</a>' in out
    assert '<a href="https://example.org/auto" rel="noopener noreferrer nofollow">' in out
    assert '<a href="mailto:a@example.org" rel="noopener noreferrer nofollow">mail</a>' in out
    assert_fragment_is_safe(str(out))


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt&colon;alert(1))",
        "[x](java\tscript:alert(1))",
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](//evil.example/x)",
        "[x](vbscript:msgbox)",
        "<iframe src=javascript:alert(1)></iframe>",
        "<style>*{display:none}</style>",
        "<svg onload=alert(1)>",
        "</td></tr></table><h1>x</h1>",
        "<link rel=stylesheet href=http://127.0.0.1:9/x.css>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
        "<!-- ethicard:end -->",
        "![i](http://127.0.0.1:9/i.png)",
        "# heading\n\n---\n\nSetext\n===",
        "<p style=color:red onclick=alert(1)>x</p>",
        "\x02wzxhzdk:0\x03",
    ],
)
def test_hostile_answer_markdown_is_sanitised(payload: str) -> None:
    out = str(html_markdown(payload))
    assert_fragment_is_safe(out)
    assert "<script" not in out and "<!--" not in out and "<style" not in out


def test_raw_html_in_an_answer_is_shown_as_text() -> None:
    out = html_markdown("<script>alert(1)</script> and <!-- ethicard:end -->")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;!-- ethicard:end --&gt;" in out


def test_evidence_links_only_for_http_and_https() -> None:
    assert html_linkify("see https://example.org/a.") == (
        'see <a href="https://example.org/a" rel="noopener noreferrer nofollow">https://example.org/a</a>.'
    )
    for text in ("javascript:alert(1)", "data:text/html,<b>x</b>", "mailto:a@example.org", "ftp://example.org"):
        assert "<a" not in html_linkify(text), text
    assert html_linkify('https://example.org/"onmouseover="alert(1)').count('"') == 4
    assert html_link("javascript:alert(1)") == "javascript:alert(1)"
    assert html_link("https://example.org/x", "<b>") == (
        '<a href="https://example.org/x" rel="noopener noreferrer nofollow">&lt;b&gt;</a>'
    )


TOKENS = [
    "<",
    ">",
    "&",
    '"',
    "'",
    "=",
    "/",
    ":",
    "(",
    ")",
    "[",
    "]",
    "!",
    "*",
    "_",
    "`",
    "#",
    "\n",
    "\n\n",
    "    ",
    "- ",
    "1. ",
    "> ",
    "<script>",
    "</script>",
    "<img src=x ",
    "onerror=",
    " onload=",
    "onclick",
    "<a href=",
    "<svg",
    "<iframe",
    "<style>",
    "<!--",
    "-->",
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "data:",
    "vbscript:",
    "&colon;",
    "&#58;",
    "&#x3a;",
    "&lt;",
    "&gt;",
    "&#60;",
    "](",
    "[x](",
    "<http://",
    "https://x.y/",
    "mailto:",
    "//",
    "\\",
    "\x00",
    "\x02",
    "\x03",
    "<br>",
    "<p>",
    "</td></tr></table>",
    "<h1>",
    "alert(1)",
    "<math>",
    "<noscript>",
    "<textarea>",
    "<![CDATA[",
    "<?xml",
    "<!DOCTYPE x>",
    "\u202e",
    "\r\n",
]
hostile_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=40).map("".join),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(hostile_text)
def test_property_answer_markdown_output_is_always_safe(text: str) -> None:
    assert_fragment_is_safe(str(html_markdown(text)))


@settings(max_examples=EXAMPLES, deadline=None)
@given(hostile_text)
def test_property_evidence_linkify_output_is_always_safe(text: str) -> None:
    out = str(html_linkify(text))
    assert_fragment_is_safe(out, frozenset({"a"}))
    for tag, attrs in parse(out).tags:
        assert tag == "a" and re.match(r"^https?://", attrs["href"] or ""), attrs
    assert html.unescape(re.sub(r"<[^>]*>", "", out)) == text


# --- in a real browser ------------------------------------------------------------------------


class Visit:
    """What a page did while it loaded in Chromium."""

    def __init__(self) -> None:
        self.console: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []


def visit(browser: Any, page_file: Path, screenshot: Path | None = None) -> tuple[Visit, Any]:
    seen = Visit()
    context = browser.new_context(viewport={"width": 1000, "height": 1100}, device_scale_factor=1)
    page = context.new_page()
    page.on("console", lambda message: seen.console.append(f"{message.type}: {message.text}"))
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # let any handler that an injection might have planted fire
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot))
    return seen, page


def test_example_card_loads_in_chromium_without_errors_or_requests(
    browser: Any, ethicard: Ethicard, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    assert ethicard("render", EXAMPLE, "-o", "card.html").code == 0
    page_file = tmp_path / "card.html"
    seen, page = visit(browser, page_file, ARTIFACTS / "card-html.png")
    assert seen.console == [] and seen.errors == [] and seen.dialogs == []
    assert seen.requests == [page_file.as_uri()]
    assert page.title() == "MISyn disclosure card: CXR-LDM 1.0.0"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").count() == 1
    assert page.locator("article.item").count() == model_items()
    assert page.locator("table th[scope]").count() == page.locator("table th").count()
    if request.config.getoption("--update-golden"):
        GALLERY.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(GALLERY))
    page.context.close()


def test_card_fits_a_phone_without_sideways_scrolling(browser: Any, ethicard: Ethicard, tmp_path: Path) -> None:
    """At 390 px the metric tables stack, one labelled value per line, and nothing is wider than the screen."""
    for card in (EXAMPLE, HOSTILE):
        assert ethicard("render", card, "-o", "narrow.html").code == 0
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto((tmp_path / "narrow.html").as_uri(), wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") == 390, card.name
        wider = page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => !e.closest('thead')"
            " && e.getBoundingClientRect().right > 390.5).map(e => e.tagName + ' ' + e.textContent.slice(0, 40))"
        )
        assert wider == [], wider  # no table scrolls sideways inside the page either
        cell = page.locator(".results td[data-label]").first
        assert page.evaluate("c => getComputedStyle(c, '::before').content", cell.element_handle()).startswith('"')
        assert cell.evaluate("c => getComputedStyle(c).display") == "block"
        context.close()


def _located_entries(card: Path) -> int:
    """How many gap reasons and other findings the card shows, each a row of the located table."""
    from ethicard import load_card
    from ethicard.assessment import assess

    report = assess(*load_card(card))
    return sum(len(gap.entries) for gap in report.gaps_found) + sum(1 for f in report.findings if not f.gap)


def test_hostile_card_runs_nothing_fetches_nothing_and_shows_the_text(
    browser: Any, ethicard: Ethicard, tmp_path: Path
) -> None:
    result = ethicard("render", HOSTILE, "-o", "hostile.html")
    assert result.code == 0, result.err
    page_file = tmp_path / "hostile.html"
    source = page_file.read_text(encoding="utf-8")
    seen, page = visit(browser, page_file, ARTIFACTS / "hostile-html.png")

    assert seen.dialogs == [] and seen.errors == [] and seen.console == []
    assert seen.requests == [page_file.as_uri()]
    assert page.evaluate("window.__pwned") is None
    assert page.title().startswith('MISyn disclosure card: <script>window.__pwned=1;document.title="pwned"</script>')
    counts = page.evaluate(
        """() => ({
            scripts: document.scripts.length,
            embedded: document.querySelectorAll('iframe,object,embed,img,svg,video,audio,link,base,form,input,'
                + 'textarea,details,marquee,math,meta[http-equiv=refresh],noscript').length,
            styles: document.querySelectorAll('style').length,
            styled: document.querySelectorAll('body [style]').length,
            handlers: [...document.querySelectorAll('*')].filter(
                e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
            hrefs: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
            h1: document.querySelectorAll('h1').length,
            items: document.querySelectorAll('article.item').length,
            sections: document.querySelectorAll('section.card-section').length,
            tables: document.querySelectorAll('table').length,
            rows: document.querySelectorAll('table tr').length,
            bodyVisible: getComputedStyle(document.body).display !== 'none',
        })"""
    )
    assert counts["scripts"] == 0 and counts["embedded"] == 0 and counts["handlers"] == 0
    assert counts["styles"] == 1
    assert counts["styled"] == 1  # the completeness bar's width, set by the template
    assert all(SAFE_HREF.match(href) or IN_PAGE.match(href) for href in counts["hrefs"]), counts["hrefs"]
    assert counts["bodyVisible"] and counts["h1"] == 1

    # the same structure as a safe card of the same kind: every item, section and table row in place
    safe = ethicard("render", EXAMPLE, "-f", "html").out
    assert counts["items"] == safe.count('<article class="item ') == model_items()
    assert counts["sections"] == safe.count('<section class="card-section"') == len(load_checklist("misyn").sections)
    about_rows = 9 + 2  # the nine fixed rows (with a base model) and two links
    evaluation_rows = 7 * 2  # seven tables, each with its header row and one result
    gap_rows = 1 + 6
    section_rows = 1 + len(load_checklist("misyn").sections)  # completeness by section
    located_table = 1  # where the gaps and findings point (card format 2 and format 1 alike)
    assert counts["tables"] == 1 + 7 + 1 + 1 + located_table
    located_rows = 1 + _located_entries(HOSTILE)
    assert counts["rows"] == about_rows + evaluation_rows + gap_rows + section_rows + located_rows

    # the hostile text shows literally, as the author typed it
    visible = page.inner_text("main")
    for literal in (
        '<script>window.__pwned=1;document.title="pwned"</script>Hostile <b>model</b>',
        "<img src=x onerror=\"window.__pwned=3;document.title='pwned'\">",
        "</td></tr></table><h1>Injected heading</h1><table><tr><td>",
        "<link rel=stylesheet href=http://127.0.0.1:9/x.css>",
        "&lt;script&gt;window.__pwned=6&lt;/script&gt;",
        "javascript&colon;alert(1)",
        "{{ 7*7 }} {% raw %} ${7*7} <%= 7*7 %>",
        "<!-- ethicard:end --> after the end marker",
        "</td></tr></table><h1>subgroup heading</h1>",
        '<script>window.__pwned=23;document.title="pwned"</script>',
        '<img src=x onerror="window.__pwned=24">',
        '<iframe srcdoc="<script>parent.__pwned=32</script>"></iframe>',
        "<!-- ethicard:end -->",
        "# A heading that must stay text",
        "<script>indented code stays text</script>",
        "javascript:window.__pwned=29",
        "data:text/html,<script>window.__pwned=30</script>",
    ):
        assert literal in visible, literal
    assert "<script>window.__pwned=34</script>" in visible  # entities in Markdown show as their characters
    assert "49" not in visible  # no template ran the card's {{ 7*7 }}
    assert "<script" not in source.split("</style>", 1)[1].replace("&lt;script", "")
    page.context.close()


# --- PDF --------------------------------------------------------------------------------------


def test_example_card_renders_to_pdf(ethicard: Ethicard, tmp_path: Path) -> None:
    require_tool("chromium")
    pdftotext = require_tool("pdftotext")
    result = ethicard("render", EXAMPLE, "-o", "card.pdf")
    assert result.code == 0, result.err
    pdf = tmp_path / "card.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert not [p for p in tmp_path.iterdir() if p.name != "card.pdf"], "temporary files left behind"
    text = subprocess.run([pdftotext, pdf, "-"], capture_output=True, text=True, timeout=60, check=True).stdout
    flat = " ".join(text.split())
    assert "CXR-LDM 1.0.0" in flat
    assert "the sampler has no option to turn the labels off." in flat
    assert "Intrinsic limits of synthetic images" in flat
    assert "Completeness, gaps and findings" in flat
    assert ethicard("render", EXAMPLE, "-o", "card.html").code == 0
    head = f"MISyn disclosure card: CXR-LDM 1.0.0 misyn {load_checklist('misyn').version}"
    assert_pages_are_laid_out(pdf_rows(pdftotext, pdf), (tmp_path / "card.html").read_text(encoding="utf-8"), head)


def assert_pages_are_laid_out(pages: list[list[str]], source: str, head: str) -> None:
    """Every page has the running head and 'Page N of M'; no page ends with a heading (it stays
    with what follows) or starts with a status badge alone."""
    assert len(pages) > 5
    headings = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
        for text in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", source, flags=re.DOTALL)
    ]
    badge = re.compile(r"^(Acknowledged:)?\W*(Addressed|Partial|Not addressed|Not applicable|Unanswered)( \d+)?$")
    for number, rows in enumerate(pages, 1):
        assert rows[0] == head, (number, rows[0])
        assert rows[-1] == f"Page {number} of {len(pages)}", (number, rows[-1])
        first, last = rows[1], rows[-2]
        assert not badge.match(first), f"page {number} starts with a badge alone: {first}"
        for heading in headings:
            if len(last) >= 8 and heading.endswith(last):
                pytest.fail(f"page {number} ends with the heading '{heading}', separated from what follows")


def pdf_rows(pdftotext: str, pdf: Path) -> list[list[str]]:
    """Each page's text as visual rows, top to bottom (words on one baseline joined), read from
    pdftotext's word boxes."""
    import xml.etree.ElementTree as ET

    done = subprocess.run([pdftotext, "-bbox-layout", pdf, "-"], capture_output=True, text=True, timeout=60, check=True)
    space = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for page in ET.fromstring(done.stdout).iter(f"{space}page"):
        rows: dict[int, list[tuple[float, str]]] = {}
        for word in page.iter(f"{space}word"):
            baseline = round(float(word.get("yMax", 0)) / 3)
            rows.setdefault(baseline, []).append((float(word.get("xMin", 0)), word.text or ""))
        pages.append([" ".join(text for _, text in sorted(words)) for _, words in sorted(rows.items())])
    return pages


def test_hostile_card_renders_to_pdf(ethicard: Ethicard, tmp_path: Path) -> None:
    require_tool("chromium")
    result = ethicard("render", HOSTILE, "-o", "hostile.pdf")
    assert result.code == 0, result.err
    assert (tmp_path / "hostile.pdf").read_bytes().startswith(b"%PDF-")
    pages = pdf_rows(require_tool("pdftotext"), tmp_path / "hostile.pdf")
    head = pages[0][0]
    assert head.startswith('MISyn disclosure card: <script>window.__pwned=1;document.title="pwned"</script>'), head
    assert ethicard("render", HOSTILE, "-o", "hostile.html").code == 0
    assert_pages_are_laid_out(pages, (tmp_path / "hostile.html").read_text(encoding="utf-8"), head)


@pytest.mark.parametrize("how", ["variable", "path"])
def test_pdf_without_chromium_is_a_clear_failure_of_the_machine(ethicard: Ethicard, tmp_path: Path, how: str) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    env = {"ETHICARD_CHROMIUM": "/nonexistent/chromium"} if how == "variable" else {"PATH": str(empty)}
    result = ethicard("render", EXAMPLE, "-o", "card.pdf", env=env)
    assert result.code == 4, result.err  # the command is right; the machine lacks the tool
    assert "PDF output needs Chromium: install Debian's 'chromium' package or set ETHICARD_CHROMIUM" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "card.pdf").exists()


def test_chromium_named_by_the_variable_is_used(ethicard: Ethicard, tmp_path: Path) -> None:
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho 'fake chromium failed' >&2\nexit 7\n", encoding="utf-8")
    fake.chmod(0o755)
    result = ethicard("render", EXAMPLE, "-o", "card.pdf", env={"ETHICARD_CHROMIUM": str(fake)})
    assert result.code == 4
    assert f"Chromium ({fake}) failed to print the PDF (exit code 7): fake chromium failed" in result.err
    assert not (tmp_path / "card.pdf").exists()


def test_pdf_needs_an_output_file(ethicard: Ethicard) -> None:
    result = ethicard("render", EXAMPLE, "-f", "pdf")
    assert result.code == 2
    assert "pdf output is a binary file; name it with -o" in result.err
    assert result.out == ""


def test_chromium_that_hangs_is_stopped_with_its_helpers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ethicard import pdf

    helper_pid = tmp_path / "helper.pid"
    fake = tmp_path / "slow-chromium"
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {helper_pid}\nsleep 60\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("ETHICARD_CHROMIUM", str(fake))
    with pytest.raises(pdf.PdfError, match="did not print the PDF within 1 seconds"):
        pdf.html_to_pdf("<p>x</p>", timeout=1)
    status = Path(f"/proc/{helper_pid.read_text().strip()}/status")
    for _ in range(50):
        if not status.exists() or "\nState:\tZ" in status.read_text():
            break
        time.sleep(0.1)
    else:
        pytest.fail("the hung Chromium's helper processes were not ended")
