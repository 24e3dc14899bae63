"""What a new user meets first: help that describes each command with examples, the formats and
the exit codes; --debug wherever it is put; a missing file said plainly."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, Ethicard

COMMANDS = ["init", "check", "render", "schema", "badge", "crosswalk"]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_has_a_description_examples_and_exit_codes(ethicard: Ethicard, command: str) -> None:
    result = ethicard(command, "--help")
    assert result.code == 0
    usage, description = result.out.split("\n\n")[:2]
    assert usage.startswith(f"usage: ethicard {command}")
    assert len(description) > 30
    examples = result.out.split("examples:\n")[1].split("\n\n")[0].splitlines()
    assert examples and all(line.startswith(f"  ethicard {command} ") for line in examples)
    assert "exit codes:\n  0  all good\n  1  an input has problems" in result.out
    assert "--debug" in result.out


def test_render_help_lists_every_format(ethicard: Ethicard) -> None:
    from ethicard.rendering import FORMATS
    from ethicard.vocabulary import RENDER_FORMATS

    assert set(RENDER_FORMATS) == set(FORMATS)
    out = " ".join(ethicard("render", "--help").out.split())
    assert f"one of {', '.join(RENDER_FORMATS)}; overrides the extension" in out and "croissant" in out


def test_check_help_lists_every_reporter(ethicard: Ethicard) -> None:
    from ethicard.reporters import REPORTERS
    from ethicard.vocabulary import CHECK_FORMATS

    assert tuple(REPORTERS) == CHECK_FORMATS
    out = ethicard("check", "--help").out
    assert "{" + ",".join(CHECK_FORMATS) + "}" in out


def test_top_level_help_gives_the_exit_codes(ethicard: Ethicard) -> None:
    out = ethicard("--help").out
    assert "3  internal error: a bug in ethicard" in out


def test_debug_is_accepted_after_the_command(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "card.yaml").write_text((DATA / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before, after = ethicard("--debug", "check", "card.yaml"), ethicard("check", "card.yaml", "--debug")
    assert (after.code, after.out, after.err) == (before.code, before.out, before.err)
    assert after.code == 0


def test_a_missing_file_is_said_without_a_placeholder_path(ethicard: Ethicard) -> None:
    result = ethicard("check", "gone.yaml")
    assert (result.code, result.out) == (1, "gone.yaml: no such file\ngone.yaml: 1 problem\n")
