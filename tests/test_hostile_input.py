"""Hostile and broken input: every case ends in located messages and exit 1 (2 for usage), in
bounded time and memory, never a traceback, and nothing the user had is lost.

The committed corpus is tests/data/hostile-input/NAME.yaml + NAME.expected (the exact output of
``ethicard check NAME.yaml`` in that folder) and tests/data/hostile-checklists/NAME.yaml +
NAME.expected (``ethicard check card.yaml --checklist NAME.yaml``).  Inputs that would be large
or binary are generated here instead.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import DATA, Ethicard, Golden, _ethicard_command

HOSTILE = sorted((DATA / "hostile-input").glob("*.yaml"))
CHECKLISTS = sorted((DATA / "hostile-checklists").glob("*.yaml"))
MINIMAL = DATA / "minimal.yaml"
BASE = MINIMAL.read_text(encoding="utf-8").split("answers:")[0]


@pytest.fixture(scope="module")
def corpus_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """``ethicard check`` run once over the whole corpus (one process, for speed), its output
    split by card: each card's problems end with its own ``NAME.yaml: N problems`` line."""
    folder = tmp_path_factory.mktemp("hostile")
    for card in HOSTILE:
        shutil.copy(card, folder / card.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETHICARD_")}
    done = subprocess.run(
        [*_ethicard_command(), "check", *(card.name for card in HOSTILE)],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (1, "")
    outputs: dict[str, str] = {}
    pending: list[str] = []
    per_card, _, table = done.stdout.partition("\n\nFILE ")  # then the summary table of many cards
    assert table.endswith(f"{len(HOSTILE)} cards: 0 valid, {len(HOSTILE)} invalid\n")
    for line in (per_card + "\n").splitlines(keepends=True):
        pending.append(line)
        name = line.split(": ", 1)[0]
        if name in {card.name for card in HOSTILE} and re.fullmatch(rf"{re.escape(name)}: \d+ problems?\n", line):
            outputs[name], pending = "".join(pending), []
    assert not pending
    return outputs


@pytest.mark.parametrize("card", HOSTILE, ids=[p.stem for p in HOSTILE])
def test_hostile_card_gives_exact_located_messages(corpus_output: dict[str, str], golden: Golden, card: Path) -> None:
    golden(corpus_output[card.name], card.with_suffix(".expected"))
    assert "Traceback" not in corpus_output[card.name]


def test_each_hostile_card_alone_exits_one(ethicard: Ethicard, tmp_path: Path) -> None:
    """The corpus runs as one process; one card of it, alone, fails the run the same way."""
    card = DATA / "hostile-input" / "python_tag.yaml"
    shutil.copy(card, tmp_path / card.name)
    result = ethicard("check", card.name)
    assert (result.code, result.out, result.err) == (1, card.with_suffix(".expected").read_text(encoding="utf-8"), "")


@pytest.mark.parametrize("checklist", CHECKLISTS, ids=[p.stem for p in CHECKLISTS])
def test_broken_checklist_gives_exact_located_messages(
    ethicard: Ethicard, golden: Golden, tmp_path: Path, checklist: Path
) -> None:
    shutil.copy(checklist, tmp_path / checklist.name)
    shutil.copy(MINIMAL, tmp_path / "card.yaml")
    result = ethicard("check", "card.yaml", "--checklist", checklist.name)
    assert result.code == 1
    golden(result.out + result.err, checklist.with_suffix(".expected"))
    assert "Traceback" not in result.err


def test_corpus_is_large_and_every_message_is_located() -> None:
    assert len(HOSTILE) + len(CHECKLISTS) >= 30
    for expected in [p.with_suffix(".expected") for p in HOSTILE + CHECKLISTS]:
        problems = expected.read_text(encoding="utf-8").splitlines()
        if expected.parent.name != "hostile-checklists":  # a card's problems end with its count
            *problems, summary = problems
            assert summary.endswith(("problem", "problems")), expected.name
        assert problems, expected.name
        for line in problems:
            location = line.split(": ", 1)[0]
            assert location.count(":") == 2, f"{expected.name}: not located to line and column: {line}"
            assert "tag:yaml.org" not in line and "Traceback" not in line


# --- bounded time and memory: guards against exponential blow-up, not a benchmark -----------

MEMORY_LIMIT = 256 * 1024 * 1024  # the whole ethicard process; a check needs about 30 MB resident
TIME_LIMIT = 5.0  # seconds; each case takes well under 0.5 s on a busy machine


def _bounded_check(path: Path) -> tuple[int, str, float]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {k: v for k, v in os.environ.items() if not k.startswith("ETHICARD_")}
    started = time.monotonic()
    done = subprocess.run(
        [*_ethicard_command(), "check", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        env=env,
        timeout=60,
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def _deep(kind: str, depth: int) -> str:
    if kind == "flow lists":
        return "evaluation: " + "[" * depth + "]" * depth + "\n"
    if kind == "flow mappings":
        return "evaluation: " + "{a: " * depth + "x" + "}" * depth + "\n"
    if kind == "block lists":
        return "evaluation:\n  monitoring:\n    " + "- " * depth + "x\n"
    return "evaluation:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(depth)) + " " * (depth + 1) + "x\n"


@pytest.mark.parametrize(
    ("kind", "depth"),
    [("flow lists", 100_000), ("flow mappings", 100_000), ("block lists", 100_000), ("block mappings", 1_300)],
)
def test_deep_nesting_is_refused_in_bounded_time_and_memory(tmp_path: Path, kind: str, depth: int) -> None:
    """libyaml's composer recurses once per level (and crashes at 100,000); ethicard stops at 50."""
    card = tmp_path / "deep.yaml"
    card.write_text(BASE + _deep(kind, depth), encoding="utf-8")
    assert card.stat().st_size < 1_000_000  # within the default size limit: the nesting itself is refused
    code, output, seconds = _bounded_check(card)
    assert code == 1, output
    assert "nested more than 50 levels deep" in output
    assert "Traceback" not in output
    assert seconds < TIME_LIMIT


@pytest.mark.parametrize("name", ["billion_laughs", "deep_flow", "deep_block", "deep_block_list"])
def test_corpus_bombs_finish_in_bounded_time_and_memory(tmp_path: Path, name: str) -> None:
    card = tmp_path / f"{name}.yaml"
    shutil.copy(DATA / "hostile-input" / card.name, card)
    code, output, seconds = _bounded_check(card)
    assert (code, output) == (1, (DATA / "hostile-input" / f"{name}.expected").read_text(encoding="utf-8"))
    assert seconds < TIME_LIMIT


def test_billion_laughs_thirty_levels_deep_is_still_cheap(tmp_path: Path) -> None:
    """Ten aliases per level over thirty levels would expand to 10^30 strings: 30 anchors, 290 aliases."""
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    card = tmp_path / "laughs.yaml"
    card.write_text(BASE + "\n".join(lines) + "\n", encoding="utf-8")
    code, output, seconds = _bounded_check(card)
    assert code == 1
    assert output.count("is not allowed") == 10  # the first ten listed, the rest counted
    assert "310 more anchors and aliases from here on are not allowed" in output
    assert seconds < TIME_LIMIT


def test_many_anchors_and_aliases_in_a_large_flat_file_are_reported_briefly(tmp_path: Path) -> None:
    entries = "".join(f"    - &n{i} note {i}\n    - *n{i}\n" for i in range(20_000))
    card = tmp_path / "flat.yaml"
    card.write_text(BASE + "evaluation:\n  monitoring:\n" + entries, encoding="utf-8")
    assert 500_000 < card.stat().st_size < 1_000_000
    code, output, seconds = _bounded_check(card)
    assert code == 1
    assert len(output.splitlines()) == 12  # ten listed, one count, one summary
    assert "39990 more anchors and aliases from here on are not allowed" in output
    assert seconds < TIME_LIMIT


def test_large_valid_card_with_a_very_long_line_is_accepted(ethicard: Ethicard, tmp_path: Path) -> None:
    answer = "word " * 180_000  # one 900 kB line
    card = tmp_path / "long.yaml"
    card.write_text(
        BASE + "answers:\n  technical_standards:\n    synthetic_image_labelling:\n"
        f"      status: addressed\n      answer: {answer}\n",
        encoding="utf-8",
    )
    result = ethicard("check", "long.yaml")
    assert result.code == 0, result.out
    rendered = ethicard("render", "long.yaml", "-o", "long.md")
    assert rendered.code == 0, rendered.err
    assert answer.strip() in (tmp_path / "long.md").read_text(encoding="utf-8")


# --- files that are not text, or not there ------------------------------------------------------

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("image.png", PNG, "image.png:3:1: contains a NUL byte: this is not a text file"),
        ("paper.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "paper.pdf:2:2: is not valid UTF-8 (byte 0xe2)"),
        ("utf32.yaml", "\ufeffa: 1\n".encode("utf-32-le"), "utf32.yaml:1:1: is UTF-32 text, not UTF-8"),
        ("empty.yaml", b"", "empty.yaml:1:1: the file is empty"),
        ("blank.yaml", b"\n  \n# only a comment\n", "blank.yaml:1:1: the file is empty"),
    ],
)
def test_binary_and_blank_files_are_refused_in_one_line(
    ethicard: Ethicard, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    (tmp_path / name).write_bytes(content)
    result = ethicard("check", name)
    assert result.code == 1
    assert result.out.splitlines()[0].startswith(expected)
    assert result.out.splitlines()[1] == f"{name}: 1 problem"


def test_folder_missing_file_and_broken_link_are_problems_not_tracebacks(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "cards").mkdir()
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "gone.yaml")
    result = ethicard("check", "cards", "nowhere.yaml", "dangling.yaml")
    assert result.code == 1
    assert result.out.split("\n\n")[0].splitlines() == [  # then the summary table of many cards
        "cards: is a folder with no card files (*.yaml, *.yml) in it (name card files)",
        "cards: 1 problem",
        "nowhere.yaml: no such file",
        "nowhere.yaml: 1 problem",
        "dangling.yaml: no such file (a broken symbolic link)",
        "dangling.yaml: 1 problem",
    ]
    assert "Traceback" not in result.err


def test_checklist_that_is_a_folder_or_missing_is_a_problem(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    shutil.copy(MINIMAL, tmp_path / "card.yaml")
    folder = ethicard("check", "card.yaml", "--checklist", "lists/")
    assert (folder.code, folder.err.splitlines()[0]) == (
        1,
        "lists/: is a folder, not a checklist file (name a file)",
    )
    missing = ethicard("render", "card.yaml", "--checklist", "gone.yaml")
    assert (missing.code, missing.err) == (1, "gone.yaml: no such file\n")


def test_unreadable_file_is_a_problem(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests run as root, which reads any file whatever its mode, so the refusal is simulated."""
    from ethicard import EthicardError, files, load_card

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    card = tmp_path / "card.yaml"
    shutil.copy(MINIMAL, card)
    monkeypatch.setattr(files, "read_regular", refuse)
    with pytest.raises(EthicardError) as caught:
        load_card(card)
    assert str(caught.value) == f"{card}: cannot be read (Permission denied) (check the file's permissions)"


def test_utf8_bom_crlf_and_tabs_inside_text_are_accepted(ethicard: Ethicard, tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace("*realistic* in", "*realistic*\tin")
    (tmp_path / "plain.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "card.yaml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = ethicard("render", "card.yaml", "-f", "md")
    assert result.code == 0, result.err
    assert "*realistic*\tin" in result.out
    assert result.out == ethicard("render", "plain.yaml", "-f", "md").out


def test_quoted_keys_that_look_like_other_types_stay_text() -> None:
    from ethicard.loader import parse

    document = parse("'1': a\n\"true\": b\n'null': c\n'~': d\n'<<': e\n!!str yes: f\n")
    assert document.data == {"1": "a", "true": "b", "null": "c", "~": "d", "<<": "e", "yes": "f"}


# --- the size limit --------------------------------------------------------------------------


def test_size_limit_from_option_and_environment(ethicard: Ethicard, tmp_path: Path) -> None:
    shutil.copy(MINIMAL, tmp_path / "card.yaml")
    size = (tmp_path / "card.yaml").stat().st_size
    small = ethicard("check", "card.yaml", "--max-bytes", "100")
    assert small.code == 1
    assert small.out.splitlines()[0] == (
        "card.yaml: is larger than the limit of 100 bytes (a card is a few kilobytes; "
        "if this one is real, raise the limit with --max-bytes or ETHICARD_MAX_BYTES)"
    )
    assert ethicard("check", "card.yaml", env={"ETHICARD_MAX_BYTES": "100"}).code == 1
    assert ethicard("check", "card.yaml", env={"ETHICARD_MAX_BYTES": str(size)}).code == 0
    assert ethicard("check", "card.yaml", "--max-bytes", str(size), env={"ETHICARD_MAX_BYTES": "100"}).code == 0
    assert ethicard("check", "card.yaml", "--max-bytes", str(size - 1)).code == 1


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--max-bytes", "0"], {}, "ethicard: error: --max-bytes must be at least 1 byte, not 0"),
        ([], {"ETHICARD_MAX_BYTES": "1MB"}, "ethicard: error: ETHICARD_MAX_BYTES='1MB' is not a whole number of bytes"),
        ([], {"ETHICARD_MAX_BYTES": "-5"}, "ethicard: error: ETHICARD_MAX_BYTES must be at least 1 byte, not -5"),
    ],
)
def test_bad_size_limit_is_a_usage_error(
    ethicard: Ethicard, args: list[str], env: dict[str, str], message: str
) -> None:
    result = ethicard("check", MINIMAL, *args, env=env)
    assert (result.code, result.err.strip()) == (2, message)


# --- internal errors ---------------------------------------------------------------------------


def test_internal_error_is_one_line_and_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ethicard import assessment, cli

    def broken(*args: object) -> None:
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(assessment, "assess", broken)
    assert cli.main(["check", str(MINIMAL)]) == 3
    assert capsys.readouterr().err == (
        f"ethicard: internal error while checking {MINIMAL}: "
        "RuntimeError: simulated fault (run with --debug for details)\n"
    )
    with pytest.raises(RuntimeError, match="simulated fault"):
        cli.main(["--debug", "check", str(MINIMAL)])
    monkeypatch.setenv("ETHICARD_DEBUG", "1")
    with pytest.raises(RuntimeError, match="simulated fault"):
        cli.main(["check", str(MINIMAL)])
