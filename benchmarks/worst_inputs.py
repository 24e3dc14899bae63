#!/usr/bin/env python3
"""Time and peak memory of ethicard on the worst small inputs known (not part of the test suite).

Each case is a card within the default 1 MB limit, made to hit one code path that was once
superlinear; it is run as a whole ``ethicard`` process and measured with ``wait4`` (wall time, peak
resident memory of the process)::

    python benchmarks/worst_inputs.py            # every case
    python benchmarks/worst_inputs.py brackets   # some of them

``ETHICARD`` names the command to run (default: ``ethicard`` next to this Python), so that two
versions can be compared: ``ETHICARD="python -m ethicard"`` with ``PYTHONPATH`` set to the other one.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HEAD = """checklist:
  id: misyn
  version: 1.0.0
about:
  kind: dataset
  name: Worst case
  version: '1'
  task: unconditional generation
  modality: dermoscopy
  intended_uses: teaching
  release: on request
"""


def _answer(item: str, text: str, section: str = "technical_standards") -> str:
    quoted = "'" + text.replace("'", "''") + "'"
    return f"answers:\n  {section}:\n    {item}:\n      status: partial\n      answer: {quoted}\n"


def _two_answers(first: str, second: str) -> str:
    return (
        "answers:\n  limits:\n"
        f"    design_limitations:\n      status: partial\n      answer: '{first}'\n"
        f"    intrinsic_limit_grounding:\n      status: partial\n      answer: '{second}'\n"
    )


def _words(count: int, step: int) -> str:
    return " ".join(f"w{(i * step) % 5000}" for i in range(count))


# name: (card text, command after the card's file name)
CASES: dict[str, tuple[Callable[[], str], tuple[str, ...]]] = {
    "significant-search": (
        lambda: _answer("synthetic_image_labelling", ("a" * 2000 + " ") * 400 + "significant"),
        ("check",),
    ),
    "similarity": (lambda: _two_answers(_words(30_000, 7), _words(30_000, 11)), ("check",)),
    "brackets-html": (lambda: _answer("synthetic_image_labelling", "[" * 400_000), ("render", "-f", "html")),
    "backslashes-html": (lambda: _answer("synthetic_image_labelling", "\\" * 400_000), ("render", "-f", "html")),
    "nested-lists-html": (
        lambda: _answer("synthetic_image_labelling", "- " * 500 + "x"),
        ("render", "-f", "html"),
    ),
    "loose-list-html": (lambda: _answer("synthetic_image_labelling", "- item\n\n" * 100_000), ("render", "-f", "html")),
    "markers-md": (lambda: _answer("synthetic_image_labelling", "- " * 400_000 + "x"), ("render", "-f", "md")),
    "wrong-items-check": (
        lambda: "evaluation:\n  distribution_metrics:\n" + "  - 1\n" * 160_000,
        ("check",),
    ),
}


def _command() -> list[str]:
    given = os.environ.get("ETHICARD")
    return shlex.split(given) if given else [str(Path(sys.executable).parent / "ethicard")]


def measure(name: str, folder: Path) -> str:
    make, args = CASES[name]
    text = make()
    card = folder / f"{name}.yaml"
    card.write_text(text if text.startswith("checklist:") else HEAD + text, encoding="utf-8")
    command = [*_command(), *args[:1], card.name, *args[1:]]
    with open(folder / "out", "wb") as out, open(folder / "err", "wb") as err:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=folder, stdout=out, stderr=err)
        deadline = started + 300
        while True:  # wait4 gives this child's own peak memory
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                return f"{name:20} {card.stat().st_size:>9,} B  > 300 s (stopped)"
            time.sleep(0.01)
        seconds = time.monotonic() - started
    lines = len((folder / "out").read_bytes().splitlines())
    tail = ((folder / "err").read_text(errors="replace").strip().splitlines() or [""])[-1][:60]
    return (
        f"{name:20} {card.stat().st_size:>9,} B  {seconds:6.2f} s  {usage.ru_maxrss / 1024:6.0f} MB  "
        f"exit {os.waitstatus_to_exitcode(status)}  {lines} lines  {tail}"
    )


def main() -> None:
    names = sys.argv[1:] or list(CASES)
    with tempfile.TemporaryDirectory() as scratch:
        for name in names:
            print(measure(name, Path(scratch)), flush=True)


if __name__ == "__main__":
    main()
