"""`ethicard render --template FILE`: a researcher's own template, run in Jinja's sandbox.

Whatever the template tries (Python internals, files, undefined names, broken syntax), the result
is one located message and exit 1, never a traceback, and an existing output file is untouched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA, Ethicard

from ethicard.assessment import Report

MINIMAL = DATA / "minimal.yaml"


def _report() -> Report:
    from ethicard.assessment import assess
    from ethicard.cards import load_card

    return assess(*load_card(MINIMAL))


REPORT = _report()


@pytest.fixture
def card(tmp_path: Path) -> Path:
    shutil.copy(MINIMAL, tmp_path / "card.yaml")
    return tmp_path / "card.yaml"


def test_template_renders_the_card_with_the_formats_escaping(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    (tmp_path / "my.md.j2").write_text(
        "{{ card.about.name|md_inline }} ({{ card.score }}%)\n"
        "{% for section in card.sections %}{% for item in section['items'] %}"
        "{% if item.answer %}- {{ item.id }}: {{ item.answer|md_inline }}\n{% endif %}"
        "{% endfor %}{% endfor %}",
        encoding="utf-8",
    )
    result = ethicard("render", "card.yaml", "--template", "my.md.j2", "-o", "out.md")
    assert result.code == 0, result.err
    out = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert out.startswith("Tiny synthetic dermoscopy set (")
    assert "- terminology_synthetic_vs_medical: Released on 2024-05-01; the paper still says \\*realistic\\*" in out
    assert "- synthetic_image_labelling: no\n" in out


def test_template_may_extend_a_bundled_template(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    (tmp_path / "same.md.j2").write_text("{% extends 'card.md.j2' %}\n", encoding="utf-8")
    mine = ethicard("render", "card.yaml", "--template", "same.md.j2", "-f", "md")
    assert mine.code == 0, mine.err
    assert mine.out == ethicard("render", "card.yaml", "-f", "md").out


def _bundled() -> str:
    from ethicard.resources import bundled_templates

    names = bundled_templates()
    assert "card.md.j2" in names and "/etc/passwd" not in names
    return "only the bundled templates can be: " + ", ".join(names)


BUNDLED = _bundled()
SANDBOX = "a template may only read the card's data"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "ok\n{{ ''.__class__.__mro__ }}\n",
            f"my.md.j2:2: not allowed in the sandbox: access to attribute '__class__' of 'str' "
            f"object is unsafe ({SANDBOX})",
        ),
        (
            "{{ cycler.__init__.__globals__ }}",
            f"my.md.j2:1: not allowed in the sandbox: access to attribute '__init__' of 'type' "
            f"object is unsafe ({SANDBOX})",
        ),
        (
            "{{ card.about.name.format.__globals__ }}",
            f"my.md.j2:1: not allowed in the sandbox: access to attribute '__globals__' of "
            f"'function' object is unsafe ({SANDBOX})",
        ),
        (
            "{{ '{0.__class__}'.format(card) }}",
            f"my.md.j2:1: not allowed in the sandbox: access to attribute '__class__' of 'CardView' "
            f"object is unsafe ({SANDBOX})",
        ),
        (
            "{{ card.about.__setattr__('name', 'forged') }}",
            f"my.md.j2:1: not allowed in the sandbox: access to attribute '__setattr__' of 'About' "
            f"object is unsafe ({SANDBOX})",
        ),
        (
            "{{ self._TemplateReference__context }}",
            "my.md.j2:1: not allowed in the sandbox: access to attribute "
            f"'_TemplateReference__context' of 'TemplateReference' object is unsafe ({SANDBOX})",
        ),
        (
            "\n\n{% include '/etc/passwd' %}",
            f"my.md.j2:3: cannot include or extend '/etc/passwd' ({BUNDLED})",
        ),
        (
            "{% include '../../../../etc/passwd' %}",
            f"my.md.j2:1: cannot include or extend '../../../../etc/passwd' ({BUNDLED})",
        ),
        ("{% extends 'my.md.j2' %}", f"my.md.j2:1: cannot include or extend 'my.md.j2' ({BUNDLED})"),
        (
            "{% import 'secrets.txt' as s %}",
            f"my.md.j2:1: cannot include or extend 'secrets.txt' ({BUNDLED})",
        ),
        (
            "line\n{{ card.about.nme }}",
            "my.md.j2:2: undefined: 'ethicard.view.About object' has no attribute 'nme' "
            "(the template reads 'card'; see the bundled templates for its keys)",
        ),
        (
            "{{ report }}",
            "my.md.j2:1: undefined: 'report' is undefined "
            "(the template reads 'card'; see the bundled templates for its keys)",
        ),
        (
            "a\n{% for x in %}",
            "my.md.j2:2: template syntax error: Expected an expression, got 'end of statement block'",
        ),
        (
            "{% if true %}never closed",
            "my.md.j2:1: template syntax error: Unexpected end of template. Jinja was looking for the "
            "following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.",
        ),
        ("{{ 1 / 0 }}", "my.md.j2:1: the template failed: ZeroDivisionError: division by zero"),
        (
            "{{ range(10**9)|list|length }}",
            "my.md.j2:1: the template failed: OverflowError: Range too big. The sandbox blocks "
            "ranges larger than MAX_RANGE (100000).",
        ),
        (
            "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
            "my.md.j2:1: the template calls itself without end (check recursive macros)",
        ),
    ],
    ids=[
        "mro",
        "cycler-globals",
        "format-globals",
        "format-string-attribute",
        "mutate-card",
        "private-attribute",
        "include-absolute",
        "include-traversal",
        "extends-itself",
        "import-file",
        "undefined-attribute",
        "undefined-name",
        "syntax",
        "unclosed-block",
        "division",
        "huge-range",
        "recursion",
    ],
)
def test_hostile_or_broken_template_is_one_located_problem(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, template: str, message: str
) -> None:
    from ethicard.errors import EthicardError
    from ethicard.rendering import render_template

    monkeypatch.chdir(tmp_path)
    (tmp_path / "my.md.j2").write_text(template, encoding="utf-8")
    with pytest.raises(EthicardError) as caught:
        render_template(REPORT, "md", "my.md.j2")
    assert str(caught.value) == message


def test_failed_template_exits_one_and_leaves_the_output_untouched(
    ethicard: Ethicard, tmp_path: Path, card: Path
) -> None:
    (tmp_path / "my.md.j2").write_text("fine\n{{ ''.__class__ }}\n", encoding="utf-8")
    (tmp_path / "out.md").write_bytes(b"previous card\n")
    result = ethicard("render", "card.yaml", "--template", "my.md.j2", "-o", "out.md")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "my.md.j2:2: not allowed in the sandbox: access to attribute '__class__' of 'str' object "
        "is unsafe (a template may only read the card's data)\n"
    )
    assert (tmp_path / "out.md").read_bytes() == b"previous card\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.yaml", "my.md.j2", "out.md"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "nowhere.j2: no such file"),
        ("folder", "nowhere.j2: is a folder, not a template file (name a file)"),
        (
            "binary",
            "nowhere.j2:1:3: contains a NUL byte: this is not a text file (save the template as UTF-8 text)",
        ),
    ],
)
def test_unreadable_template_is_a_problem(
    ethicard: Ethicard, tmp_path: Path, card: Path, setup: str, message: str
) -> None:
    target = tmp_path / "nowhere.j2"
    if setup == "folder":
        target.mkdir()
    elif setup == "binary":
        target.write_bytes(b"{{\x00}}")
    result = ethicard("render", "card.yaml", "--template", "nowhere.j2")
    assert (result.code, result.out, result.err) == (1, "", message + "\n")


def test_output_over_the_template_is_refused(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    (tmp_path / "my.md").write_text("{{ card.about.name }}\n", encoding="utf-8")
    result = ethicard("render", "card.yaml", "--template", "my.md", "-o", "my.md")
    assert result.code == 2
    assert result.err == "ethicard: error: my.md: refusing to write the output over the input my.md\n"
    assert (tmp_path / "my.md").read_text(encoding="utf-8") == "{{ card.about.name }}\n"


def test_template_output_is_byte_identical_across_runs(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    (tmp_path / "t.j2").write_text(
        "{% for s in card.sections %}{{ s.id }}={{ s.score }}\n{% endfor %}name={{ card.about.name }}\n",
        encoding="utf-8",
    )
    assert ethicard("render", "card.yaml", "--template", "t.j2", "-o", "a.md").code == 0
    assert ethicard("render", "card.yaml", "--template", "t.j2", "-o", "b.md").code == 0
    assert (tmp_path / "a.md").read_bytes() == (tmp_path / "b.md").read_bytes()
    assert b"name=Tiny synthetic dermoscopy set\n" in (tmp_path / "a.md").read_bytes()


def test_python_api_names_the_template_file_and_line(tmp_path: Path) -> None:
    from ethicard.errors import EthicardError
    from ethicard.rendering import render_template

    template = tmp_path / "t.j2"
    template.write_text("{{ card.score }}\n{{ lipsum.__globals__['os'] }}", encoding="utf-8")
    with pytest.raises(EthicardError) as caught:
        render_template(REPORT, "md", template)
    assert [(p.file, p.line) for p in caught.value.problems] == [(str(template), 2)]


def test_html_output_of_a_template_is_autoescaped(tmp_path: Path) -> None:
    from ethicard.assessment import assess
    from ethicard.cards import load_card
    from ethicard.rendering import render_template

    card = tmp_path / "card.yaml"
    card.write_text(
        MINIMAL.read_text(encoding="utf-8").replace(
            "name: Tiny synthetic dermoscopy set", "name: \"<script>alert('x')</script>\""
        ),
        encoding="utf-8",
    )
    template = tmp_path / "t.html.j2"
    template.write_text("<h1>{{ card.about.name }}</h1>", encoding="utf-8")
    out = render_template(assess(*load_card(card)), "html", template)
    from ethicard.pdf import CONTENT_SECURITY_POLICY

    policy = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
    assert out == policy + "<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>\n"
