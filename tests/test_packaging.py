"""The built wheel works in a fresh virtual environment, from outside the source tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, ROOT


def test_wheel_installs_and_renders_from_anywhere(tmp_path: Path) -> None:
    def run(*args: str | Path, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", ROOT)
    wheel = next((tmp_path / "dist").glob("ethicard-*.whl"))
    run(sys.executable, "-m", "venv", tmp_path / "fresh")
    bin_dir = tmp_path / "fresh" / "bin"
    run(bin_dir / "python", "-m", "pip", "install", "-q", wheel)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    run(bin_dir / "ethicard", "render", EXAMPLE, "-o", "card.md", cwd=outside)
    assert (outside / "card.md").read_text(encoding="utf-8") == EXAMPLE.with_name("card.md").read_text(encoding="utf-8")
    module = run(bin_dir / "python", "-m", "ethicard", "check", EXAMPLE, cwd=outside)
    assert "valid (misyn " in module.stdout
    crosswalk = run(bin_dir / "ethicard", "crosswalk", EXAMPLE, "--to", "neurips", cwd=outside)  # packaged data
    assert "remaining (of 16)" in crosswalk.stdout
    run(bin_dir / "ethicard", "render", EXAMPLE, "-o", "card.tex", cwd=outside)  # the two LaTeX templates
    assert (outside / "card.tex").read_bytes() == EXAMPLE.with_name("card.tex").read_bytes()
