"""The README's card example stays a valid card."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT, Ethicard


def test_readme_card_example_is_valid(ethicard: Ethicard, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n((?:format: 2\n)?checklist:.*?)```", readme, re.S)
    assert example is not None, "README lost its card example"
    (tmp_path / "card.yaml").write_text(example.group(1), encoding="utf-8")
    result = ethicard("check", "card.yaml")
    assert result.code == 0, result.out + result.err


def test_readme_python_api_example_runs(tmp_path: Path) -> None:
    """The API example works even after other modules are imported first (names are not shadowed)."""
    import shutil
    import subprocess
    import sys

    from conftest import EXAMPLE

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S)
    assert example is not None, "README lost its Python API example"
    shutil.copy(EXAMPLE, tmp_path / "card.yaml")
    script = "import ethicard.cli, ethicard.batch, ethicard.view\n" + example.group(1)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("87.5\n# MISyn disclosure card: CXR-LDM 1.0.0\n")
