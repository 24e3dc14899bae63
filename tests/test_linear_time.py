"""Every text path takes time linear in its input, whatever the input holds.

Hypothesis picks a short unit of text (Markdown, YAML and LaTeX specials, letters, line breaks);
each path is timed on the unit repeated to about n and 4n characters, and must not take more than
LINEAR_FACTOR times as long on the longer: a linear path takes about 4 times, a quadratic one 16.
Times are the median of three, and a failed comparison is made again, which keeps a busy
machine's pauses out of the result.  Then the
worst inputs once known are run whole, through the command line, within the time and memory
limits the README promises for a 1 MB card.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Ethicard, _ethicard_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ethicard import escape, files, findings, loader, translate
from ethicard.errors import printable

LINEAR_FACTOR = 10.0
FAST = 0.05  # seconds for 4n characters: too fast to be quadratic at that size, whatever the ratio
SPECIALS = "[]()\\`*_<>&!#-+=|>.:'\"{}%$~^ \t\n0123456789ab\u2028\x1b"
UNITS = st.text(alphabet=SPECIALS, min_size=1, max_size=6)


def _time(run: Callable[[str], object], text: str) -> float:
    """The median of three runs: steadier than the best one, which a warm cache can flatter."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        run(text)
        times.append(time.perf_counter() - started)
    return sorted(times)[1]


def _grows_linearly(run: Callable[[str], object], unit: str, *, floor: float = 0.02) -> None:
    """``run`` on ``unit`` repeated to n and 4n characters, n grown until the short run is
    measurable (``floor`` seconds) or reaches 256 kB.  A pause of the machine can spoil one
    comparison, so it is made up to three times: a superlinear path fails all three.

    The floor is high enough that the short run does not fit the processor's caches while the long
    one spills out of them: ``md_block`` on 64,000 dashes takes 5 ms and on 256,000 about 50 ms,
    then 200 ms on a million (linear from there), and a 5 ms floor compared across that knee."""
    size = 64_000  # below this, caches make short texts look several times faster per character
    while True:
        short = _time(run, unit * (size // len(unit)))
        if short >= floor or size >= 256_000:
            break
        size *= 2
    ratios = []
    for _ in range(3):
        short = _time(run, unit * (size // len(unit)))
        long = _time(run, unit * (4 * size // len(unit)))
        ratios.append(long / max(short, floor / 4))
        if ratios[-1] <= LINEAR_FACTOR or long < FAST:
            return
    pytest.fail(f"{unit!r}: {4 * size:,} characters took {min(ratios):.1f} times as long as {size:,}")


def _parse_answer(text: str) -> object:
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    try:
        return loader.parse(f"answers:\n  a:\n    answer: {quoted}\n    b: [{quoted}]\n")
    except Exception:  # refused characters are a located error; the time is what counts here
        return None


PATHS: dict[str, Callable[[str], object]] = {
    "md_block": escape.md_block,
    "md_inline": escape.md_inline,
    "html_markdown": escape.html_markdown,
    "html_linkify": escape.html_linkify,
    "tex": escape.tex,
    "tex_inline": escape.tex_inline,
    "printable": printable,
    "loader": _parse_answer,
    "comment warnings": lambda text: loader.trailing_comments("a: " + " ".join(text.split()) + " # b\n"),
    "word search": lambda text: findings._find(text + " significantly", ["significan", "proves"]),
    "similarity": lambda text: findings.repeats(text, text[::-1] + " w"),
}


@pytest.mark.parametrize("path", list(PATHS))
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=UNITS)
def test_text_path_time_grows_linearly(path: str, unit: str) -> None:
    _grows_linearly(PATHS[path], unit)


@pytest.mark.parametrize(
    "unit",
    ["[", "\\", "- ", "> ", "- item\n\n", "> q\n\n", "    code\n\n", "`a` ", "&amp; ", "a" * 50 + " ", "*a_ "],
)
def test_known_superlinear_markdown_inputs_are_linear(unit: str) -> None:
    """Inputs that took Python-Markdown, nh3 or the escapers quadratic time or deep recursion."""
    _grows_linearly(escape.html_markdown, unit)
    _grows_linearly(escape.md_block, unit)


# --- whole commands on the worst 1 MB cards -------------------------------------------------

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import worst_inputs  # noqa: E402 - the benchmark's cases are the cases tested here

TIME_LIMIT = 5.0  # seconds, the README's promise for a 1 MB card on a quiet machine
SLACK = 3.0  # CI machines are shared; a quadratic case takes minutes, not seconds
MEMORY_LIMIT = 400 * 1024 * 1024  # address space; the README promises 300 MB resident


@pytest.mark.parametrize("name", list(worst_inputs.CASES))
def test_worst_inputs_finish_in_bounded_time_and_memory(tmp_path: Path, name: str) -> None:
    make, args = worst_inputs.CASES[name]
    text = make()
    card = tmp_path / "card.yaml"
    card.write_text(text if text.startswith("checklist:") else worst_inputs.HEAD + text, encoding="utf-8")
    assert card.stat().st_size <= files.DEFAULT_MAX_BYTES

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {k: v for k, v in os.environ.items() if not k.startswith("ETHICARD_")}
    started = time.monotonic()
    done = subprocess.run(
        [*_ethicard_command(), args[0], "card.yaml", *args[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        env=env,
        timeout=120,
    )
    seconds = time.monotonic() - started
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert seconds < TIME_LIMIT * SLACK
    if args == ("check",):
        assert len(done.stdout.splitlines()) <= translate.MAX_PROBLEMS + 2  # the problems, a count, a summary


def test_many_problems_are_capped_with_a_count(ethicard: Ethicard, tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(worst_inputs.HEAD + "evaluation:\n  distribution_metrics:\n" + "  - 1\n" * 1_000, encoding="utf-8")
    result = ethicard("check", "card.yaml")
    lines = result.out.splitlines()
    assert result.code == 1
    assert len(lines) == translate.MAX_PROBLEMS + 2
    assert lines[0].startswith("card.yaml:14:5: evaluation.distribution_metrics[0]: expected a mapping")
    assert lines[-2] == (
        f"card.yaml:{14 + translate.MAX_PROBLEMS}:5: evaluation.distribution_metrics[{translate.MAX_PROBLEMS}]: "
        f"and {1_000 - translate.MAX_PROBLEMS} more problems not listed (fix the ones listed, then check again)"
    )
