"""`ethicard check` over many cards: folders, --jobs, the summary in each format, the progress bar,
and which modules each command imports (start-up time is measured in benchmarks/, not here)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, Ethicard, _ethicard_command


def _card_folder(root: Path) -> Path:
    """Valid and broken cards in a folder and a sub-folder, plus files a search must skip."""
    cards = root / "cards"
    (cards / "b").mkdir(parents=True)
    (cards / ".hidden").mkdir()
    minimal = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    (cards / "a.yaml").write_text(minimal, encoding="utf-8")
    (cards / "b" / "c.yml").write_text(
        minimal.replace("kind: dataset", "kind: model").replace("status: partial", "status: addressed"),
        encoding="utf-8",
    )
    shutil.copy(DATA / "invalid" / "syntax_error.yaml", cards / "broken.yaml")
    shutil.copy(DATA / "invalid" / "typo_key.yaml", cards / "b" / "typo.yaml")
    shutil.copy(DATA / "minimal.yaml", cards / ".hidden" / "skipped.yaml")
    (cards / "notes.txt").write_text("not a card\n", encoding="utf-8")
    return cards


# Folders are searched files first, then sub-folders, each in sorted order.
ORDER = ["cards/a.yaml", "cards/broken.yaml", "cards/b/c.yml", "cards/b/typo.yaml"]


def _expected(root: Path) -> dict[str, dict[str, object]]:
    """What the Python API says about each card, to compare every output format with."""
    from ethicard.assessment import assess
    from ethicard.cards import load_card
    from ethicard.errors import EthicardError

    expected: dict[str, dict[str, object]] = {}
    for name in ORDER:
        try:
            report = assess(*load_card(root / name))
        except EthicardError as exc:
            expected[name] = {"valid": False, "problems": len(exc.problems)}
            continue
        gaps = [gap.kind for gap in report.gaps if gap.found]
        expected[name] = {"valid": True, "problems": 0, "score": report.score, "counts": report.counts(), "gaps": gaps}
    return expected


def test_folder_gives_per_card_lines_then_a_summary_table(ethicard: Ethicard, tmp_path: Path) -> None:
    _card_folder(tmp_path)
    result = ethicard("check", "cards")
    assert result.code == 1
    lines = result.out.splitlines()
    # per-card lines as for single cards, the broken cards' problems located in their files
    from ethicard import load_checklist

    assert lines[0].startswith(f"cards/a.yaml: valid (misyn {load_checklist('misyn').version}); completeness ")
    syntax = (DATA / "invalid" / "syntax_error.expected").read_text(encoding="utf-8")
    assert syntax.replace("syntax_error.yaml", "cards/broken.yaml") in result.out
    assert "cards/b/typo.yaml:14:5: answers.technical_standards.synthetic_image_labeling: unknown key" in result.out
    assert "skipped.yaml" not in result.out and "notes.txt" not in result.out

    table = lines[lines.index("") + 1 :]
    assert re.match(r"FILE +VALID +SCORE +PROBLEMS +GAPS$", table[0])
    assert table[-1] == "4 cards: 2 valid, 2 invalid"
    rows = [re.match(r"(\S+) +(yes|no) +(\S+) +(\d+) +(.*)$", line) for line in table[1:-1]]
    assert all(rows)
    expected = _expected(tmp_path)
    assert [row.group(1) for row in rows if row] == ORDER
    for row in filter(None, rows):  # all rows matched, asserted above
        want = expected[row.group(1)]
        assert (row.group(2) == "yes") is want["valid"]
        assert int(row.group(4)) == want["problems"]
        if want["valid"]:
            assert float(row.group(3)) == want["score"]
            gaps = want["gaps"]
            assert isinstance(gaps, list)
            assert row.group(5) == (f"{len(gaps)}: {', '.join(gaps)}" if gaps else "0")
        else:
            assert (row.group(3), row.group(5)) == ("-", "-")


def test_json_and_csv_summaries_parse_and_agree_with_the_api(ethicard: Ethicard, tmp_path: Path) -> None:
    _card_folder(tmp_path)
    expected = _expected(tmp_path)

    result = ethicard("check", "cards", "--format", "json")
    assert result.code == 1
    document = json.loads(result.out)
    assert [entry["file"] for entry in document["files"]] == ORDER
    assert document["summary"] == {"cards": 4, "valid": 2, "invalid": 2}
    for entry in document["files"]:
        want = expected[entry["file"]]
        assert entry["valid"] is want["valid"]
        assert len(entry["problems"]) == want["problems"]
        if want["valid"]:
            assert (entry["score"], entry["counts"]) == (want["score"], want["counts"])
            assert [gap["id"] for gap in entry["gaps"] if gap["found"]] == want["gaps"]

    result = ethicard("check", "cards", "--format", "csv")
    assert result.code == 1
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [row["file"] for row in rows] == ORDER
    for row in rows:
        want = expected[row["file"]]
        assert row["valid"] == ("true" if want["valid"] else "false")
        assert int(row["problems"]) == want["problems"]
        if want["valid"]:
            assert float(row["score"]) == want["score"]
            assert row["gaps"].split() == want["gaps"]
            counts = want["counts"]
            assert isinstance(counts, dict)
            assert {status: int(row[status]) for status in counts} == counts
    # in CSV the problems themselves go to stderr, located
    assert "cards/b/typo.yaml:14:5: " in result.err


def test_jobs_2_gives_the_same_output_as_jobs_1(ethicard: Ethicard, tmp_path: Path) -> None:
    cards = _card_folder(tmp_path)
    for i in range(12):  # enough cards for each worker to get several chunks
        shutil.copy(DATA / "minimal.yaml", cards / f"m{i:02d}.yaml")
    for fmt, gate in (("text", ()), ("json", ()), ("csv", ()), ("text", ("--min-score", "50"))):
        one = ethicard("check", "cards", "--format", fmt, "--jobs", "1", *gate)
        two = ethicard("check", "cards", "--format", fmt, "--jobs", "2", *gate)
        every = ethicard("check", "cards", "--format", fmt, "--jobs", "0", *gate)
        assert one.code == two.code == every.code == 1
        assert (one.out, one.err) == (two.out, two.err) == (every.out, every.err), fmt
        assert "cards/m11.yaml" in one.out
    assert "GATE" in one.out and "0 passed the gate, 16 did not" in one.out


def test_a_broken_card_never_stops_the_batch(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "1-binary.yaml").write_bytes(b"\x00\x01\x02")
    (tmp_path / "cards" / "2-latin1.yaml").write_bytes("about: caf\xe9\n".encode("latin-1"))
    (tmp_path / "cards" / "3-list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    shutil.copy(DATA / "minimal.yaml", tmp_path / "cards" / "4-good.yaml")
    result = ethicard("check", "cards", "missing.yaml", "--format", "csv", "--jobs", "2")
    assert result.code == 1
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [(row["file"], row["valid"]) for row in rows] == [
        ("cards/1-binary.yaml", "false"),
        ("cards/2-latin1.yaml", "false"),
        ("cards/3-list.yaml", "false"),
        ("cards/4-good.yaml", "true"),
        ("missing.yaml", "false"),
    ]
    assert "missing.yaml: no such file" in result.err
    assert "Traceback" not in result.err


def test_no_progress_bar_when_output_is_not_a_terminal(ethicard: Ethicard, tmp_path: Path) -> None:
    _card_folder(tmp_path)
    for fmt in ("text", "csv"):
        result = ethicard("check", "cards", "--format", fmt)
        assert "\r" not in result.out and "\r" not in result.err


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import pty

    _card_folder(tmp_path)
    master, terminal = pty.openpty()
    process = subprocess.Popen(
        [*_ethicard_command(), "check", "cards", "--format", "csv"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert b"\r[" in shown and b"] 4/4 cards" in shown  # drawn, up to the last card
    assert shown.rstrip(b" ").endswith(b"\r")  # and erased at the end
    assert b"cards/b/typo.yaml:14:5: " in shown  # problems still shown, on their own lines
    assert b"\r" not in out  # stdout is a pipe: no bar there
    assert len(list(csv.DictReader(io.StringIO(out.decode())))) == 4


def test_folder_without_cards_is_a_problem_and_bad_jobs_a_usage_error(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "empty" / ".git").mkdir(parents=True)
    (tmp_path / "empty" / ".git" / "hidden.yaml").write_text("not: searched\n", encoding="utf-8")
    shutil.copy(DATA / "minimal.yaml", tmp_path / "card.yaml")
    result = ethicard("check", "empty", "card.yaml", "--format", "csv")
    assert result.code == 1
    assert [row["valid"] for row in csv.DictReader(io.StringIO(result.out))] == ["false", "true"]
    assert result.err == "empty: is a folder with no card files (*.yaml, *.yml) in it (name card files)\n"
    assert ethicard("check", DATA / "minimal.yaml", "--jobs", "-1").code == 2


def test_a_broken_checklist_is_reported_once_and_checks_no_card(ethicard: Ethicard, tmp_path: Path) -> None:
    _card_folder(tmp_path)
    result = ethicard("check", "cards", "--checklist", "nowhere.yaml", "--format", "csv", "--jobs", "2")
    assert (result.code, result.out, result.err) == (1, "", "nowhere.yaml: no such file\n")


WATCHED = ("jinja2", "markdown", "nh3", "pydantic", "subprocess", "yaml")


def _imported(tmp_path: Path, *args: str) -> list[str]:
    """Top-level packages among :data:`WATCHED` that running the command imports."""
    code = (
        "import sys\nfrom ethicard.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(WATCHED)!r}), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    return list(json.loads(done.stderr.strip().splitlines()[-1].replace("'", '"')))


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (("--help",), []),
        (("--version",), []),
        (("check", "--help"), []),
        # a valid card naming a bundled checklist: pydantic-core's compiled validator, not pydantic
        (("check", str(DATA / "minimal.yaml")), ["yaml"]),
        (("render", str(DATA / "minimal.yaml"), "-o", "card.md"), ["jinja2", "yaml"]),
        (("render", str(DATA / "minimal.yaml"), "-o", "card.html"), ["jinja2", "markdown", "nh3", "yaml"]),
        (("render", "plain.yaml", "-o", "card.html"), ["jinja2", "yaml"]),  # answers without Markdown
        (("badge", str(DATA / "minimal.yaml"), "-o", "badge.svg"), ["yaml"]),
        # a card with a problem, another checklist, or a command that edits the models: pydantic
        (("check", "broken.yaml"), ["pydantic", "yaml"]),
        (("check", str(DATA / "minimal.yaml"), "--checklist", "misyn"), ["pydantic", "yaml"]),
        (("form", str(DATA / "minimal.yaml"), "-o", "form.html"), ["jinja2", "pydantic", "yaml"]),
    ],
    ids=[
        "help",
        "version",
        "check-help",
        "check",
        "render-md",
        "render-html",
        "render-html-plain",
        "badge",
        "check-broken",
        "check-checklist",
        "form",
    ],
)
def test_each_command_imports_only_what_it_needs(tmp_path: Path, args: tuple[str, ...], allowed: list[str]) -> None:
    plain = (DATA / "minimal.yaml").read_text(encoding="utf-8").replace("*realistic*", "realistic")
    (tmp_path / "plain.yaml").write_text(plain, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(plain.replace("kind: dataset", "kind: data set"), encoding="utf-8")
    assert _imported(tmp_path, *args) == allowed
