"""Hostile image files given to `ethicard inspect` and `ethicard stamp`: each gives a clear message
naming the file (with the byte offset where the fault is), changes nothing, and finishes in bounded
time and memory (the process runs under an address-space limit)."""

from __future__ import annotations

import os
import resource
import shutil
import struct
import subprocess
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import images
import pytest
from conftest import EXAMPLE, Ethicard, _ethicard_command

MEMORY_LIMIT = 768 * 1024 * 1024  # the whole process, with numpy, pydicom and nibabel imported
TIME_LIMIT = 20.0  # seconds, on a busy shared machine; each case takes about one


def _bounded(folder: Path, *args: str) -> tuple[int, str, float]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {k: v for k, v in os.environ.items() if not k.startswith("ETHICARD_")}
    started = time.monotonic()
    done = subprocess.run(
        [*_ethicard_command(), *args], cwd=folder, capture_output=True, text=True, preexec_fn=limit, env=env, timeout=60
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def _chunk(kind: bytes, body: bytes, length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    return struct.pack(">I", size) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def truncated_png(path: Path) -> None:
    data = images.png(path).read_bytes()
    path.write_bytes(data[:40])


def absurd_chunk_length(path: Path) -> None:
    data = images.png(path).read_bytes()
    path.write_bytes(data[:33] + _chunk(b"tEXt", b"a\0b", length=0x7FFFFFF0) + data[33:])


def itxt_bomb(path: Path) -> None:  # 512 MB of zeros in 0.5 MB, as the compressed text of our keyword
    data = images.png(path).read_bytes()
    squeezer = zlib.compressobj(9)
    block = bytes(1 << 20)
    body = b"".join(squeezer.compress(block) for _ in range(512)) + squeezer.flush()
    path.write_bytes(data[:33] + _chunk(b"iTXt", b"ethicard\0\x01\0\0\0" + body) + data[33:])


def idat_bomb(path: Path) -> None:  # a 15000 x 15000 image whose data inflate to 225 MB: never inflated
    header = struct.pack(">IIBBBBB", 15000, 15000, 8, 0, 0, 0, 0)
    squeezer = zlib.compressobj(1)
    body = squeezer.compress(bytes(15001 * 15000)) + squeezer.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b""))


def truncated_jpeg(path: Path) -> None:
    data = images.jpeg(path).read_bytes()
    path.write_bytes(data[:30])


def tiff_directory_outside(path: Path) -> None:
    data = bytearray(images.tiff(path).read_bytes())
    data[4:8] = struct.pack("<I", 0x7FFFFFF0)
    path.write_bytes(bytes(data))


def dicom_huge_element(path: Path) -> None:  # a private OB element declaring 4 GB, before the pixel data
    data = images.dicom(path).read_bytes()
    at = data.index(b"\xe0\x7f\x10\x00")
    element = struct.pack("<HH2sHI", 0x0009, 0x1000, b"OB", 0, 0xFFFFFFF0) + b"\0" * 16
    path.write_bytes(data[:at] + element + data[at:])


def nifti_lying_offset(path: Path) -> None:
    data = bytearray(images.nifti(path).read_bytes())
    data[108:112] = struct.pack("<f", 1.0e9)
    path.write_bytes(bytes(data))


def nifti_lying_extension(path: Path) -> None:  # an extension declaring 2 GB, inside a small file
    data = bytearray(images.nifti(path).read_bytes())
    data[108:112] = struct.pack("<f", 368.0)
    path.write_bytes(
        bytes(data[:348]) + b"\x01\0\0\0" + struct.pack("<ii", 0x7FFFFFF0, 6) + bytes(8) + bytes(data[352:])
    )


HOSTILE: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "truncated PNG": ("a.png", truncated_png, "byte 33: the file ends before the image data (truncated PNG)"),
    "absurd chunk length": ("a.png", absurd_chunk_length, "byte 33: chunk b'tEXt' declares 2147483632 bytes"),
    "iTXt bomb": ("a.png", itxt_bomb, "iTXt chunk b'ethicard' inflates to more than 1048576 bytes (a bomb?)"),
    "truncated JPEG": ("a.jpg", truncated_jpeg, "byte 20: segment 0xdb declares 67 bytes, past the end (30 bytes)"),
    "TIFF directory outside": ("a.tif", tiff_directory_outside, "byte 4: the first directory is said to be at byte"),
    "DICOM huge element": (
        "a.dcm",
        dicom_huge_element,
        "byte 556: element (0009,1000) declares 4294967280 bytes, past the end",
    ),
    "NIfTI lying offset": ("a.nii", nifti_lying_offset, "byte 108: the header puts the voxel data at byte 1000000000"),
    "NIfTI lying extension": ("a.nii", nifti_lying_extension, "a.nii: "),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_image_is_refused_with_a_located_message_and_left_unchanged(tmp_path: Path, case: str) -> None:
    name, make, message = HOSTILE[case]
    make(tmp_path / name)
    shutil.copy(EXAMPLE, tmp_path / "card.yaml")
    before = (tmp_path / name).read_bytes()
    for command in (("inspect", name), ("stamp", "card.yaml", name)):
        code, output, seconds = _bounded(tmp_path, *command)
        assert code == 1, output
        assert f"{name}: {message}" in output if not message.startswith(name) else message in output
        assert "Traceback" not in output and "internal error" not in output
        assert seconds < TIME_LIMIT
    assert (tmp_path / name).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "card.yaml"])


def test_an_image_bomb_is_inspected_and_stamped_without_inflating_it(tmp_path: Path) -> None:
    from PIL import Image, PngImagePlugin

    Image.MAX_IMAGE_PIXELS = None  # only the text is read here, never the pixels
    idat_bomb(tmp_path / "bomb.png")
    shutil.copy(EXAMPLE, tmp_path / "card.yaml")
    code, output, seconds = _bounded(tmp_path, "stamp", "card.yaml", "bomb.png")
    assert code == 0 and "bomb.png: stamped (PNG)" in output and seconds < TIME_LIMIT
    code, output, seconds = _bounded(tmp_path, "inspect", "bomb.png", "--require-mark")
    assert code == 0 and "bomb.png: marked" in output and seconds < TIME_LIMIT
    with Image.open(tmp_path / "bomb.png") as opened:
        assert isinstance(opened, PngImagePlugin.PngImageFile)
        assert opened.size == (15000, 15000) and opened.text["ethicard"].startswith('{"card"')


def test_links_fifos_and_folders_are_refused_without_hanging(ethicard: Ethicard, tmp_path: Path) -> None:
    target = images.png(tmp_path / "target.png")
    (tmp_path / "link.png").symlink_to(target)
    os.mkfifo(tmp_path / "pipe.png")
    shutil.copy(EXAMPLE, tmp_path / "card.yaml")
    before = target.read_bytes()
    stamped = ethicard("stamp", "card.yaml", "link.png", "pipe.png")
    assert stamped.code == 1
    assert (
        "link.png: is a symbolic link; ethicard does not change files through links (name the file itself)"
        in stamped.err
    )
    assert "pipe.png: is not a regular file (a pipe, a socket or a device) (name image files)" in stamped.err
    assert target.read_bytes() == before
    inspected = ethicard("inspect", tmp_path)  # the pipe is found in the folder and refused, never read
    assert inspected.code == 1
    assert "pipe.png: is not a regular file" in inspected.err
    assert f"{tmp_path / 'link.png'}: unmarked" in inspected.out


def test_an_unreadable_file_is_a_located_problem(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ethicard.images.inspect import inspect_file
    from ethicard.images.scan import Found

    image = images.png(tmp_path / "a.png")
    real_open = os.open

    def refuse(path: str, *args: object, **kwargs: object) -> int:
        if str(path) == str(image):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    result = inspect_file(Found(str(image), True))
    assert result.status == "error"
    assert str(result.problem) == f"{image}: cannot be read (permission denied)"
