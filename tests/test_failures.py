"""How the command line ends when something fails: each kind of failure with its own exit code,
a one-line message and never a traceback (1 problems, 2 usage, 4 the machine could not do it)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, Ethicard, Result

from ethicard.crosswalk import load_scheme
from ethicard.errors import EXIT_ENVIRONMENT, EnvironmentFailure, EthicardError, Failure, UsageError


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None, **popen: object) -> Result:
    """``python -m ethicard`` (this checkout's, unless ``env`` names another PYTHONPATH)."""
    done = subprocess.run(
        [sys.executable, "-m", "ethicard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        **popen,  # type: ignore[call-overload]
    )
    return Result(done.returncode, done.stdout, done.stderr)


def test_every_failure_carries_its_exit_code() -> None:
    assert issubclass(EthicardError, Failure) and EthicardError([]).exit_code == 1
    assert UsageError("x").exit_code == 2
    assert EnvironmentFailure("x").exit_code == EXIT_ENVIRONMENT == 4


def test_a_full_disk_behind_standard_output_exits_4(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "ethicard", "schema"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=300
        )
    assert done.returncode == 4, done.stderr
    assert done.stderr == "ethicard: error: cannot write the output (No space left on device)\n"


def _small_files() -> None:
    """In the child: files may not grow past 100 bytes, and writing past that fails (EFBIG) instead of
    killing the process, as a full disk fails a write."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))


def test_a_failed_write_of_an_output_file_exits_4_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "card.md"
    env = {**os.environ, "ETHICARD_NO_CACHE": "1"}  # the templates' cache would meet the limit first
    done = _run("render", str(EXAMPLE), "-o", str(out), cwd=tmp_path, env=env, preexec_fn=_small_files)
    assert done.code == 4, done.err
    assert done.err.startswith(f"ethicard: error: {out}: cannot be written (File too large)")
    assert "Traceback" not in done.err
    assert list(tmp_path.iterdir()) == []  # no half-written file, no temporary file left


def test_a_template_cache_that_cannot_be_written_does_not_fail_the_render(tmp_path: Path) -> None:
    cache = tmp_path / "tmp"  # Jinja's cache folder is made in the temporary folder: a new, empty one
    cache.mkdir()
    env = {**os.environ, "TMPDIR": str(cache)}
    env.pop("ETHICARD_NO_CACHE", None)
    done = _run("render", str(EXAMPLE), "-f", "md", cwd=tmp_path, env=env, preexec_fn=_small_files)
    assert done.code == 0, done.err
    assert done.out.startswith("# ") and "Traceback" not in done.err


def test_a_usage_error_still_exits_2(ethicard: Ethicard, tmp_path: Path) -> None:
    done = ethicard("render", EXAMPLE, "-o", str(tmp_path / "missing" / "card.md"))
    assert done.code == 2 and "does not exist" in done.err


def test_an_unknown_crosswalk_scheme_is_a_located_problem() -> None:
    with pytest.raises(EthicardError) as raised:
        load_scheme("no-such-scheme")
    (problem,) = raised.value.problems
    assert str(problem) == (
        "<bundled crosswalks/no-such-scheme.yaml>: no crosswalk to 'no-such-scheme' "
        "(choose one of: claim2024, mi-claim-gen, neurips, hf-modelcard)"
    )


def test_a_broken_crosswalk_scheme_file_is_reported_located_not_as_an_internal_error(tmp_path: Path) -> None:
    package = tmp_path / "site" / "ethicard"  # this checkout laid out as installed, with one scheme file broken
    for source, into in (("ethicard", ""), ("checklists", "checklists"), ("templates", "templates")):
        shutil.copytree(ROOT / source, package / into, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    scheme = package / "checklists" / "crosswalks" / "neurips.yaml"
    lines = scheme.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith("title:"))
    lines.insert(at + 1, "colour: blue\n")
    scheme.write_text("".join(lines), encoding="utf-8")
    done = _run("crosswalk", str(EXAMPLE), "--to", "neurips", cwd=tmp_path, env={"PYTHONPATH": str(package.parent)})
    assert done.code == 1, done.err
    assert done.err.startswith(f"<bundled crosswalks/neurips.yaml>:{at + 2}:")
    assert "colour" in done.err and "internal error" not in done.err and "Traceback" not in done.err
