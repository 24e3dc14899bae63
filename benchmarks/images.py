#!/usr/bin/env python3
"""Speed of ``ethicard stamp`` and ``ethicard inspect`` (not part of the test suite).

* Small images: N copies (default 10,000) of one small image per format (PNG, JPEG, TIFF, DICOM,
  NIfTI), stamped with the example card (one process, then ``--jobs``), then inspected with
  ``--card`` (one process, then ``--jobs``): files per second, whole processes, wall time.  The
  output of ``inspect --format csv`` is parsed to make sure every file was read as marked.
* Large images: a NIfTI and a DICOM file whose voxels / pixel data take SIZE megabytes (sparse
  files: the disk holds only the header), inspected: the time stays that of a small file, since
  only the header is read.  Peak memory (RSS) of the inspecting process is reported too.

Needs the ``dicom`` and ``nifti`` extras and Pillow, numpy (``pip install '.[test]'``)::

    python benchmarks/images.py                  # 10,000 per format, 1 GB NIfTI, 500 MB DICOM
    python benchmarks/images.py --count 500 --large-mb 100
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARD = ROOT / "examples" / "cxr-ldm" / "card.yaml"
ETHICARD = [str(Path(sys.executable).parent / "ethicard")]


def small_images(folder: Path) -> dict[str, Path]:
    import nibabel
    import numpy as np
    from PIL import Image

    sys.path.insert(0, str(ROOT / "tests"))
    import images  # the test suite's image makers

    pixels = (np.arange(64 * 64 * 3) % 251).astype("uint8").reshape(64, 64, 3)
    made = {
        "PNG": folder / "one.png",
        "JPEG": folder / "one.jpg",
        "TIFF": folder / "one.tif",
        "DICOM": folder / "one.dcm",
        "NIfTI": folder / "one.nii",
    }
    Image.fromarray(pixels).save(made["PNG"])
    Image.fromarray(pixels).save(made["JPEG"], quality=90)
    Image.fromarray(pixels).save(made["TIFF"])
    images.dicom(made["DICOM"])
    nibabel.save(nibabel.Nifti1Image(np.zeros((64, 64, 4), dtype=np.int16), np.eye(4)), made["NIfTI"])
    return made


def run(*args: str) -> tuple[float, str, int]:
    """Wall time, standard output and peak RSS (KB) of one ethicard process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([*ETHICARD, *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0,):
        raise SystemExit(f"ethicard {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stdout, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def bench_small(work: Path, count: int, jobs: int) -> None:
    made = small_images(work)
    print(f"{'format':8} {'files':>7} {'stamp files/s':>14} {'stamp -j':>9} {'inspect files/s':>16} {'inspect -j':>11}")
    for fmt, original in made.items():
        folder, twin = work / fmt, work / f"{fmt}-j"
        for where in (folder, twin):
            where.mkdir()
            for n in range(count):
                shutil.copyfile(original, where / f"{n:06d}{''.join(original.suffixes)}")
        stamp_s, _, _ = run("stamp", str(CARD), str(folder))
        stamp_jobs_s, _, _ = run("stamp", str(CARD), str(twin), "--jobs", str(jobs))
        shutil.rmtree(twin)
        inspect_s, out, _ = run("inspect", str(folder), "--card", str(CARD), "--format", "csv")
        rows = list(csv.reader(io.StringIO(out)))[1:]
        assert len(rows) == count and all(row[1] == "marked" for row in rows), f"{fmt}: not all marked"
        jobs_s, _, _ = run("inspect", str(folder), "--card", str(CARD), "--format", "csv", "--jobs", str(jobs))
        rates = (
            f"{count / stamp_s:14,.0f} {count / stamp_jobs_s:9,.0f} {count / inspect_s:16,.0f} {count / jobs_s:11,.0f}"
        )
        print(f"{fmt:8} {count:7} {rates}")


def sparse_nifti(path: Path, megabytes: int) -> None:
    import nibabel
    import numpy as np

    side = int((megabytes * 2**20 / 2) ** (1 / 3))
    header = nibabel.Nifti1Header()
    header.set_data_shape((side, side, side))
    header.set_data_dtype(np.int16)
    header["vox_offset"] = 352
    with open(path, "wb") as stream:
        header.write_to(stream)
        stream.truncate(352 + side**3 * 2)


def sparse_dicom(path: Path, megabytes: int) -> None:
    import pydicom

    sys.path.insert(0, str(ROOT / "tests"))
    import images

    small = path.with_suffix(".small.dcm")
    images.dicom(small)
    ds = pydicom.dcmread(small)
    rows = cols = 2048
    frames = max(1, megabytes * 2**20 // (rows * cols * 2))
    ds.Rows, ds.Columns, ds.NumberOfFrames = rows, cols, frames
    del ds.PixelData
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    length = rows * cols * 2 * frames
    with open(path, "wb") as stream:
        stream.write(buffer.getvalue() + struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, length))
        stream.truncate(stream.tell() + length)
    small.unlink()


def bench_large(work: Path, nifti_mb: int, dicom_mb: int) -> None:
    print(f"\n{'file':28} {'size':>10} {'inspect s':>10} {'peak RSS MB':>12}")
    small = small_images(work / "small")
    cases = [("small NIfTI", small["NIfTI"]), ("small DICOM", small["DICOM"])]
    sparse_nifti(work / "large.nii", nifti_mb)
    sparse_dicom(work / "large.dcm", dicom_mb)
    cases += [
        (f"large NIfTI ({nifti_mb} MB)", work / "large.nii"),
        (f"large DICOM ({dicom_mb} MB)", work / "large.dcm"),
    ]
    for label, path in cases:
        times = []
        for _ in range(3):
            seconds, _, _ = run("inspect", str(path))
            times.append(seconds)
        rss = _rss(path)
        print(f"{label:28} {path.stat().st_size / 2**20:9,.0f}M {min(times):10.3f} {rss / 1024:12.1f}")


def _rss(path: Path) -> int:
    """Peak RSS (KB) of one inspect process alone, measured in a fresh child."""
    code = (
        "import resource, subprocess, sys\n"
        f"subprocess.run({[*ETHICARD, 'inspect', str(path)]!r}, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="small images per format (default 10,000)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel inspect (default 2)")
    parser.add_argument("--nifti-mb", type=int, default=1024)
    parser.add_argument("--dicom-mb", type=int, default=500)
    args = parser.parse_args()
    print(
        f"ethicard stamp / inspect, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d')}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "small").mkdir()
        bench_large(work, args.nifti_mb, args.dicom_mb)
        bench_small(work, args.count, args.jobs)


if __name__ == "__main__":
    main()
