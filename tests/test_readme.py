"""The README's card example stays a valid card."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT


def test_readme_card_example_is_valid(ethicard, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(checklist:.*?)```", readme, re.S)
    assert example is not None, "README lost its card example"
    (tmp_path / "card.yaml").write_text(example.group(1), encoding="utf-8")
    result = ethicard("check", "card.yaml")
    assert result.code == 0, result.out + result.err
