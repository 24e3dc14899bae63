"""`ethicard form`: the offline questionnaire page, driven in a real headless Chromium.

Each browser test fills the page as a person would (clicks, typing, keys), exports the YAML card
through the page's own download, and hands it to `ethicard check` and the loader; every page
visit also records console messages, page errors and requests, which must stay empty.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, EXAMPLE, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from ethicard.cards import load_card
from ethicard.checklist import load_checklist

HOSTILE = DATA / "hostile" / "html.yaml"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SHOTS = ROOT / "docs" / "img"
# What YAML readers treat specially, typed into one answer: it must come back exactly.
TRICKY = (
    "- leading dash: a colon, # a hash, \"quotes\", 'apostrophes', back\\slash, {braces} [brackets] & * ! | > % @ `\n"
    "second line\twith a tab, NEL\u0085, LS\u2028, PS\u2029, BOM\ufeff, bell\x07, DEL\x7f, no, 1.10, ~, null, true"
)


@dataclass
class Seen:
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@dataclass
class Opened:
    page: Any
    seen: Seen
    url: str

    def assert_quiet(self) -> None:
        """No console message, no page error, and no request but the page itself and its own
        downloads (blob: addresses the page made in memory)."""
        assert self.seen.console == [] and self.seen.errors == []
        assert [r for r in self.seen.requests if r != self.url and not r.startswith("blob:")] == []


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def go(page_file: Path, width: int = 1280, context: Any = None) -> Opened:
        if context is None:
            context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
            contexts.append(context)
        page = context.new_page()
        seen = Seen()
        page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        page.on("request", lambda r: seen.requests.append(r.url))
        page.goto(page_file.as_uri(), wait_until="load")
        page.wait_for_selector("html[data-ready=true]")
        return Opened(page, seen, page_file.as_uri())

    yield go
    for context in contexts:
        context.close()


def make_form(ethicard: Any, tmp_path: Path, *args: str | Path, name: str = "form.html") -> Path:
    result = ethicard("form", *args, "-o", name)
    assert result.code == 0, result.err
    return tmp_path / name


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pages the browser tests open, made once per module through the Python API (the command
    line makes the same page: test_page_is_deterministic_and_never_overwrites_its_card)."""
    from ethicard.assessment import assess
    from ethicard.form import form_page

    folder = tmp_path_factory.mktemp("form-pages")
    example, hostile = (assess(*load_card(str(card))) for card in (EXAMPLE, HOSTILE))
    made = {
        "blank": form_page(load_checklist("misyn")),
        "example": form_page(example.checklist, example),
        "review": form_page(example.checklist, example, review=True),
        "hostile-review": form_page(hostile.checklist, hostile, review=True),
    }
    for name, text in made.items():
        (folder / f"{name}.html").write_text(text, encoding="utf-8", newline="")
    return {name: folder / f"{name}.html" for name in made}


def export(opened: Opened, target: Path) -> Path:
    with opened.page.expect_download() as info:
        opened.page.get_by_role("button", name="Export the YAML card").click()
    info.value.save_as(target)
    return target


def card_dump(path: Path) -> dict[str, Any]:
    card, _ = load_card(str(path))
    return card.model_dump(mode="json")


# --- the page as a file ---------------------------------------------------------------------


def test_page_is_locked_down_and_embeds_data_that_cannot_break_out(ethicard: Any, tmp_path: Path) -> None:
    page = make_form(ethicard, tmp_path, HOSTILE).read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1)
    assert policy.startswith("default-src 'none'; ") and "unsafe" not in policy
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.DOTALL)
    assert [attrs for attrs, _ in scripts] == [' type="application/json" id="ethicard-data"', ""]
    code = scripts[1][1]
    digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    style = re.search(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    assert style is not None
    style_digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{style_digest}'" in policy
    data = scripts[0][1]
    assert "<" not in data and ">" not in data and "&" not in data
    embedded = json.loads(data)
    card, _ = load_card(str(HOSTILE))
    assert embedded["card"]["about"]["name"] == card.about.name
    assert "</script>" in card.about.name.lower() or "<script>" in card.about.name


def test_page_is_deterministic_and_never_overwrites_its_card(
    ethicard: Any, pages: dict[str, Path], tmp_path: Path
) -> None:
    first = ethicard("form", EXAMPLE).out
    assert first == pages["example"].read_text(encoding="utf-8") and first.endswith("</html>\n")
    copy = tmp_path / "card.yaml"
    copy.write_bytes(EXAMPLE.read_bytes())
    refused = ethicard("form", copy, "-o", copy)
    assert refused.code == 2 and "refusing to write the output over the input" in refused.err
    assert copy.read_bytes() == EXAMPLE.read_bytes()
    needs_card = ethicard("form", "--review")
    assert needs_card.code == 2 and "--review shows a card" in needs_card.err
    broken = ethicard("form", DATA / "invalid" / "duplicate_key.yaml", "-o", "broken.html")
    assert broken.code == 1 and broken.out == "" and "Traceback" not in broken.err
    expected = (DATA / "invalid" / "duplicate_key.expected").read_text(encoding="utf-8").splitlines()[0]
    assert broken.err.splitlines()[0].endswith(expected.split(": ", 1)[1]), broken.err
    assert not (tmp_path / "broken.html").exists()


def test_structured_inputs_come_from_the_schema(ethicard: Any, tmp_path: Path) -> None:
    """Every property of the card schema's structured blocks has an input, of the right type."""
    from ethicard.schema import card_schema

    schema = card_schema(load_checklist("misyn"))
    data = json.loads(re.search(r'id="ethicard-data">(.*?)</script>', ethicard("form").out, re.DOTALL).group(1))  # type: ignore[union-attr]
    assert data["schema"] == json.loads(json.dumps(schema))
    assert data["card"] is None


# --- in the browser -------------------------------------------------------------------------


def add_row(page: Any, block: str, button: str, values: dict[str, str]) -> None:
    """Click the block's add button and type each value into the new entry's labelled input."""
    group = page.locator("fieldset.repeated", has=page.locator("legend", has_text=block))
    group.get_by_role("button", name=button).click()
    for label, value in values.items():
        group.get_by_label(label, exact=True).fill(value)


def answer_item(page: Any, item_id: str, status: str, text: str, evidence: str = "") -> None:
    """Choose a status with its radio button and type the answer and the evidence."""
    item = page.locator(f"#item-{item_id}")
    item.get_by_label(re.compile(rf"^\W*{status}$")).check()
    item.get_by_label("Answer (Markdown)").fill(text)
    if evidence:
        item.get_by_label("Evidence").fill(evidence)


VENUE = """extends: misyn
id: venue_x
version: 1.0.0
sections:
  - id: oversight
    items:
      - {id: code_release_date, question: When will the code be released?, guidance: Give a date.,
         level: required, kinds: [model, method], source: derived}
"""


def test_a_lab_checklist_asks_its_own_questions_and_the_export_checks_against_it(
    ethicard: Any, open_page: Any, tmp_path: Path
) -> None:
    (tmp_path / "venue.yaml").write_text(VENUE, encoding="utf-8")
    opened = open_page(make_form(ethicard, tmp_path, "--checklist", "venue.yaml"))
    page = opened.page
    item = page.locator("#item-code_release_date")
    assert item.locator("legend").first.inner_text() == "REQUIRED When will the code be released?"
    page.get_by_label("Name (required)").fill("Lab model")
    answer_item(page, "code_release_date", "Partial", "With the camera-ready paper.")
    # a link name YAML would misread, and a p-value bound where a number may stand
    add_row(page, "Links", "Add link", {"Name (required)": "no: #1", "Address (required)": "mailto:lab@example.org"})
    add_row(
        page,
        "Statistical tests",
        "Add entry",
        {"Claim (required)": "better than baseline", "Test (required)": "Wilcoxon", "p-value": "< 0.001"},
    )
    exported = export(opened, tmp_path / "lab.yaml")
    checked = ethicard("check", exported, "--checklist", "venue.yaml")
    assert checked.code == 0, checked.err + checked.out
    card, _ = load_card(str(exported), load_checklist(str(tmp_path / "venue.yaml")))
    assert card.answer("code_release_date") is not None
    assert card.about.links == {"no: #1": "mailto:lab@example.org"}
    assert card.evaluation.statistical_tests[0].p_value == "< 0.001"
    opened.assert_quiet()


def test_fill_by_clicking_and_typing_then_check_accepts_the_export(
    ethicard: Any, open_page: Any, pages: dict[str, Path], tmp_path: Path
) -> None:
    opened = open_page(pages["blank"])
    page = opened.page
    page.get_by_label("Kind (required)").select_option("dataset")
    page.get_by_label("Name (required)").fill("Brain MRI synthetic set")
    page.get_by_label("Intended uses").fill("Teaching\nResearch on segmentation")
    page.get_by_role("checkbox", name="education").check()
    page.get_by_label("Release").select_option("on request")
    add_row(page, "Links", "Add link", {"Name (required)": "paper", "Address (required)": "https://example.org/paper"})
    add_row(
        page,
        "Distribution metrics",
        "Add entry",
        {"Metric (required)": "FID", "Value": "11.8", "Medical images (n)": "5000"},
    )
    page.locator("fieldset.repeated", has=page.locator("legend", has_text="Distribution metrics")).get_by_label(
        "Dimensionality"
    ).select_option("3D")
    answer_item(page, "synthetic_image_labelling", "Addressed", TRICKY, "Section 3\nhttps://example.org/code")
    assert "1 of 5 answered" in page.locator("#section-technical_standards-progress").inner_text()
    model_only = page.locator("#item-model_license_and_access")
    assert model_only.count() == 0 or model_only.is_hidden()

    exported = export(opened, tmp_path / "filled.yaml")
    checked = ethicard("check", exported)
    assert checked.code == 0, checked.err + checked.out
    card = card_dump(exported)
    assert card["about"]["kind"] == "dataset" and card["about"]["name"] == "Brain MRI synthetic set"
    assert card["about"]["intended_uses"] == ["Teaching", "Research on segmentation"]
    assert card["about"]["uses"] == ["education"] and card["about"]["release"] == "on request"
    assert card["about"]["links"] == {"paper": "https://example.org/paper"}
    metric = card["evaluation"]["distribution_metrics"][0]
    assert [metric[key] for key in ("metric", "value", "n_medical", "dimensionality")] == ["FID", 11.8, 5000, "3D"]
    answer = {"status": "addressed", "answer": TRICKY, "evidence": ["Section 3", "https://example.org/code"]}
    written = yaml.safe_load(exported.read_text(encoding="utf-8"))
    assert written["format"] == 2  # a new card is written in the latest format
    assert written["answers"]["technical_standards"]["synthetic_image_labelling"] == answer  # no defaults written
    loaded = card["answers"]["technical_standards"]["synthetic_image_labelling"]
    assert loaded == {**answer, "missing": "", "review": None}
    opened.assert_quiet()


def test_a_format_1_card_stays_format_1_until_a_format_2_block_is_filled(
    ethicard: Any, open_page: Any, pages: dict[str, Path], tmp_path: Path
) -> None:
    """Every field the page treats as format-2 only is one the card model refuses without
    'format: 2'; an imported format-1 card keeps its format and its answers' 'missing' and 'review'."""
    from ethicard.models import FORMAT_2_FIELDS

    one = tmp_path / "one.yaml"
    one.write_text(
        "checklist: {id: misyn, version: 1.2.0}\nabout: {kind: model, name: Old card}\nanswers:\n"
        "  technical_standards:\n    synthetic_image_labelling:\n      status: partial\n"
        "      missing: the DICOM attribute\n      review: required\n",
        encoding="utf-8",
    )
    checklist = load_checklist("misyn")
    skeleton = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for path in FORMAT_2_FIELDS:
        probe = yaml.safe_load(one.read_text(encoding="utf-8"))
        block, _, key = path.partition(".")
        probe.setdefault(block, {})
        if key:
            probe[block][key] = skeleton[block][key]
        else:
            probe[block] = skeleton[block]
        (tmp_path / "probe.yaml").write_text(yaml.safe_dump(probe), encoding="utf-8")
        with pytest.raises(Exception, match="format-2"):
            load_card(str(tmp_path / "probe.yaml"), checklist)

    opened = open_page(pages["blank"])
    training = opened.page.locator("fieldset.repeated", has=opened.page.locator("legend", has_text="Training data"))
    expect(training).to_be_hidden()  # format 2 names sources in data_sources instead
    opened.page.set_input_files("#import-file", str(one))
    expect(opened.page.locator(".message")).to_have_text("Imported one.yaml.")
    expect(training).to_be_visible()
    item = opened.page.locator("#item-synthetic_image_labelling")
    assert item.get_by_label("What is still missing").input_value() == "the DICOM attribute"
    back = yaml.safe_load(export(opened, tmp_path / "back.yaml").read_text(encoding="utf-8"))
    assert "format" not in back and back["answers"] == yaml.safe_load(one.read_text(encoding="utf-8"))["answers"]
    item.get_by_label(re.compile("^Check this answer again")).uncheck()
    labelling = opened.page.locator("fieldset.group", has=opened.page.locator("legend", has_text="Labelling"))
    labelling.get_by_role("checkbox", name="file_metadata").check()
    labelling.get_by_label("Coverage (required)").select_option("all")
    again = export(opened, tmp_path / "again.yaml")
    written = yaml.safe_load(again.read_text(encoding="utf-8"))
    assert written["format"] == 2 and written["labelling"] == {"methods": ["file_metadata"], "coverage": "all"}
    assert "review" not in written["answers"]["technical_standards"]["synthetic_image_labelling"]
    checked = ethicard("check", again)
    assert checked.code == 0, checked.err + checked.out
    opened.assert_quiet()


def test_card_to_form_to_card_is_the_same_card(open_page: Any, pages: dict[str, Path], tmp_path: Path) -> None:
    opened = open_page(pages["example"])
    assert card_dump(export(opened, tmp_path / "again.yaml")) == card_dump(EXAMPLE)
    opened.assert_quiet()


def test_import_yaml_cards_in_the_browser(
    ethicard: Any, open_page: Any, pages: dict[str, Path], tmp_path: Path
) -> None:
    """The example card (folded text, flow lists, comments) and the init skeleton read back."""
    opened = open_page(pages["blank"])
    opened.page.set_input_files("#import-file", str(EXAMPLE))
    expect(opened.page.locator(".message")).to_have_text("Imported card.yaml.")
    assert card_dump(export(opened, tmp_path / "imported.yaml")) == card_dump(EXAMPLE)

    assert ethicard("init", "-o", "skeleton.yaml").code == 0
    opened.page.set_input_files("#import-file", str(tmp_path / "skeleton.yaml"))
    expect(opened.page.locator(".message")).to_have_text("Imported skeleton.yaml.")
    assert opened.page.get_by_label("Kind (required)").input_value() == "model"
    asked = sum("model" in item.kinds for _, item in load_checklist("misyn").items())
    assert opened.page.locator("#completeness").inner_text() == f"Completeness 0.0% · 0 of {asked} questions answered"

    broken = tmp_path / "broken.yaml"
    broken.write_text("about:\n  name: x\n  name: y\n", encoding="utf-8")
    opened.page.set_input_files("#import-file", str(broken))
    expect(opened.page.locator(".message")).to_have_text(
        'Could not read broken.yaml: line 3: the key "name" is given twice'
    )
    opened.assert_quiet()


def test_answers_stay_in_the_browser_between_visits(open_page: Any, pages: dict[str, Path]) -> None:
    page_file = pages["example"]
    first = open_page(page_file)
    first.page.locator("#item-clinical_need-answer").fill("Changed in the browser.")
    second = open_page(page_file, context=first.page.context)
    assert second.page.locator("#item-clinical_need-answer").input_value() == "Changed in the browser."
    assert "restored" in second.page.locator(".message").inner_text()
    second.page.get_by_role("button", name="Start again from the card").click()
    assert second.page.locator("#item-clinical_need-answer").input_value() != "Changed in the browser."
    first.assert_quiet()
    second.assert_quiet()


def tab_to(page: Any, target: Any, *, presses: int) -> None:
    """Press Tab until ``target`` has the focus (at most ``presses`` times)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} cannot be reached with the keyboard")


def test_one_section_completed_with_the_keyboard_only(open_page: Any, pages: dict[str, Path], tmp_path: Path) -> None:
    opened = open_page(pages["blank"])
    page = opened.page
    section = load_checklist("misyn").sections[0]
    tab_to(page, page.locator(".toc a", has_text=section.title), presses=5)
    page.keyboard.press("Enter")
    for n, item in enumerate(section.items):
        page.keyboard.press("Tab")  # the status radios: arrows choose
        focused = page.evaluate("document.activeElement.id")
        assert focused == f"item-{item.id}-status-none", focused
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none"), "focus is not visible"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
        page.keyboard.type(f"Keys {n}.")
        page.keyboard.press("Tab")
        page.keyboard.type(f"S{n}")
    progress = page.locator(f"#section-{section.id}-progress").inner_text()
    assert progress.startswith(f"{len(section.items)} of {len(section.items)} answered"), progress
    answers = yaml.safe_load(export(opened, tmp_path / "keys.yaml").read_text(encoding="utf-8"))["answers"][section.id]
    for n, item in enumerate(section.items):
        expected = {"status": "addressed", "answer": f"Keys {n}.", "evidence": [f"S{n}"]}
        assert answers[item.id] == expected
    opened.assert_quiet()


def test_reviewer_mode_is_read_only_with_gaps_first(open_page: Any, pages: dict[str, Path]) -> None:
    opened = open_page(pages["hostile-review"])
    page = opened.page
    assert page.locator("input, textarea, select, button").count() == 0
    assert page.evaluate("document.querySelector('main > section').id") == "gaps"
    assert page.evaluate("window.__pwned") is None
    items = page.locator("article.review-item")
    _, checklist = load_card(str(HOSTILE))  # the checklist version the card answers
    assert items.count() == sum("model" in item.kinds for _, item in checklist.items())
    first = items.first
    assert first.locator(".ask h3").inner_text().endswith(checklist.sections[0].items[0].question)
    assert first.locator(".reply .badge").count() == 1
    # answers are shown as the HTML card shows them: Markdown, sanitised; nothing in them runs
    assert page.locator(".reply .markdown").count() > 0
    assert page.evaluate("document.scripts.length") == 2
    handlers = "[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on')))"
    assert page.evaluate(handlers + ".length") == 0
    assert page.locator(".reply .markdown script, .reply .markdown img, .reply .markdown iframe").count() == 0
    opened.assert_quiet()


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_fit_the_screen_and_are_photographed(
    open_page: Any, pages: dict[str, Path], width: int, request: pytest.FixtureRequest
) -> None:
    for name, page_file in {"form": pages["example"], "review": pages["review"]}.items():
        opened = open_page(page_file, width=width)
        assert opened.page.evaluate("document.documentElement.scrollWidth") == width, name
        shot = f"{name}-{width}.png"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        opened.page.screenshot(path=str(ARTIFACTS / shot))
        if request.config.getoption("--update-golden"):
            opened.page.screenshot(path=str(SHOTS / shot))
        opened.assert_quiet()


# --- the page's YAML writer and reader, against PyYAML and ethicard's own loader ----------------

texts = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)
TOKENS = ["\U00010000", "😀", "- ", ": ", " #", "#", "'", '"', "\\", "\n", "\t", "\x85", "\u2028", "\u2029", "\ufeff"]
TOKENS += ["\x00", "no", "1.10", "~", "|", ">"]
tricky_texts = st.lists(st.one_of(st.sampled_from(TOKENS), texts), max_size=8).map("".join)


@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(tricky_texts, min_size=120, max_size=120))
def test_yaml_written_by_the_page_reads_back_exactly(open_page: Any, pages: dict[str, Path], batch: list[str]) -> None:
    """120 hostile texts per run: what the page writes, PyYAML and ethicard's loader read back exactly;
    what PyYAML writes (narrow lines, so quoted texts fold), the page's reader reads back exactly."""
    from ethicard.errors import EthicardError
    from ethicard.loader import parse

    opened = open_page(pages["blank"])
    written = opened.page.evaluate("texts => texts.map(t => window.ethicardYaml.write({answer: t, list: [t]}))", batch)
    pyyaml = [yaml.safe_dump({"answer": text}, allow_unicode=True, width=20) for text in batch]
    read = opened.page.evaluate(
        "docs => docs.map(d => { try { return window.ethicardYaml.read(d).answer; } catch (e) { return null; } })",
        pyyaml,
    )
    for text, out, back, dumped in zip(batch, written, read, pyyaml, strict=True):
        expected = {"answer": text, "list": [text]} if text else {"list": [""]}  # an empty answer is left out
        assert yaml.safe_load(out) == expected, out
        assert parse(out).data == expected, out
        try:
            parse(dumped)
        except EthicardError:  # PyYAML wrote a character raw that ethicard refuses: the page refuses it too
            assert back is None, dumped
        else:
            assert back == text, dumped
    opened.assert_quiet()
