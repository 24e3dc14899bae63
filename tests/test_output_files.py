"""Outputs are written whole or not at all, never over an input, never over a file without --force,
and no temporary file is left behind, whether the run succeeds or fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import DATA, Ethicard

MINIMAL = DATA / "minimal.yaml"
PREVIOUS = b"# the card as it was\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(MINIMAL, tmp_path / "card.yaml")
    shutil.copy(DATA / "invalid" / "wrong_status.yaml", tmp_path / "broken.yaml")
    (tmp_path / "out.md").write_bytes(PREVIOUS)
    return tmp_path


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_failed_render_leaves_the_existing_output_byte_identical(ethicard: Ethicard, folder: Path) -> None:
    result = ethicard("render", "broken.yaml", "-o", "out.md")
    assert result.code == 1
    assert (folder / "out.md").read_bytes() == PREVIOUS
    assert _listing(folder) == ["broken.yaml", "card.yaml", "out.md"]


def test_successful_render_replaces_the_output_and_leaves_no_temporary_file(ethicard: Ethicard, folder: Path) -> None:
    (folder / "out.md").chmod(0o600)
    result = ethicard("render", "card.yaml", "-o", "out.md")
    assert (result.code, result.err) == (0, "wrote out.md\n")
    assert (folder / "out.md").read_bytes().startswith(b"# MISyn disclosure card: Tiny synthetic")
    assert (folder / "out.md").stat().st_mode & 0o777 == 0o600  # the file's permissions are kept
    assert _listing(folder) == ["broken.yaml", "card.yaml", "out.md"]


@pytest.mark.parametrize("how", ["same name", "dot slash", "absolute", "symbolic link", "hard link"])
def test_render_onto_the_input_card_is_refused(ethicard: Ethicard, folder: Path, how: str) -> None:
    output = {"same name": "card.yaml", "dot slash": "./card.yaml", "absolute": str(folder / "card.yaml")}.get(how)
    if how == "symbolic link":
        (folder / "link.md").symlink_to(folder / "card.yaml")
        output = "link.md"
    elif how == "hard link":
        os.link(folder / "card.yaml", folder / "hard.md")
        output = "hard.md"
    assert output is not None
    result = ethicard("render", "card.yaml", "-o", output, "-f", "md")
    assert result.code == 2
    assert result.err == f"ethicard: error: {output}: refusing to write the output over the input card.yaml\n"
    assert (folder / "card.yaml").read_bytes() == MINIMAL.read_bytes()


def test_init_refuses_to_overwrite_through_links_without_force(ethicard: Ethicard, folder: Path) -> None:
    (folder / "link.yaml").symlink_to(folder / "card.yaml")
    (folder / "dangling.yaml").symlink_to(folder / "gone.yaml")
    for name in ("card.yaml", "link.yaml", "dangling.yaml"):
        result = ethicard("init", "-o", name)
        assert (result.code, result.err) == (
            2,
            f"ethicard: error: {name} already exists; use --force to overwrite it\n",
        )
    assert (folder / "card.yaml").read_bytes() == MINIMAL.read_bytes()
    assert not (folder / "gone.yaml").exists()
    assert _listing(folder) == ["broken.yaml", "card.yaml", "dangling.yaml", "link.yaml", "out.md"]


def test_output_into_a_missing_folder_or_onto_a_folder_is_a_usage_error(ethicard: Ethicard, folder: Path) -> None:
    (folder / "cards").mkdir()
    missing = ethicard("render", "card.yaml", "-o", "nowhere/card.md")
    assert (missing.code, missing.err) == (2, "ethicard: error: nowhere/card.md: the folder nowhere does not exist\n")
    onto = ethicard("render", "card.yaml", "-o", "cards", "-f", "md")
    assert (onto.code, onto.err) == (2, "ethicard: error: cards is a folder; name the output file\n")
    skeleton = ethicard("init", "-o", "nowhere/card.yaml")
    assert skeleton.code == 2
    assert _listing(folder) == ["broken.yaml", "card.yaml", "cards", "out.md"]
    assert _listing(folder / "cards") == []


def test_write_that_fails_midway_keeps_the_old_file_and_removes_the_temporary_one(
    monkeypatch: pytest.MonkeyPatch, folder: Path
) -> None:
    from ethicard import files
    from ethicard.errors import EnvironmentFailure

    def full_disk(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ethicard.files.os.fsync", full_disk)
    with pytest.raises(EnvironmentFailure, match=r"out\.md: cannot be written \(No space left on device\)"):
        files.write_atomic(folder / "out.md", "new text\n")
    assert (folder / "out.md").read_bytes() == PREVIOUS
    assert _listing(folder) == ["broken.yaml", "card.yaml", "out.md"]


def test_output_through_a_link_replaces_the_linked_file_and_keeps_the_link(ethicard: Ethicard, folder: Path) -> None:
    (folder / "link.md").symlink_to("out.md")
    assert ethicard("render", "card.yaml", "-o", "link.md").code == 0
    assert (folder / "link.md").is_symlink()
    assert (folder / "out.md").read_bytes().startswith(b"# MISyn disclosure card")


def test_output_onto_a_pipe_is_refused_and_the_pipe_stays(ethicard: Ethicard, folder: Path) -> None:
    os.mkfifo(folder / "pipe.md")
    result = ethicard("render", "card.yaml", "-o", "pipe.md")
    assert (result.code, "is not a regular file" in result.err) == (2, True)
    assert (folder / "pipe.md").is_fifo()


def test_dash_means_standard_output_and_an_empty_name_is_refused(ethicard: Ethicard, folder: Path) -> None:
    dash = ethicard("render", "card.yaml", "-o", "-", "-f", "md")
    assert dash.code == 0 and dash.out.startswith("# MISyn disclosure card")
    assert not (folder / "-").exists()
    assert ethicard("render", "card.yaml", "-o", "").code == 2
