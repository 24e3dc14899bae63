"""The pre-commit hooks, run for real: `pre-commit try-repo` against a snapshot of this checkout.

try-repo clones the hook repository at a commit, so the test commits the checkout's current files
(tracked and new, as git sees them) into a scratch repository first: the hooks tested are the ones
in the working tree, not those of the last commit.  pre-commit then builds its own virtual
environment and pip-installs ethicard into it, once per test session (a shared PRE_COMMIT_HOME),
with its dependencies from wheels fetched once per session (conftest.offline_pip).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import DATA, EXAMPLE, ROOT, git


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _project(tmp_path: Path) -> Path:
    """A throwaway repository with a good card, a broken card and YAML that is no card."""
    project = tmp_path / "project"
    (project / "cards").mkdir(parents=True)
    shutil.copy(EXAMPLE, project / "ethicard.yaml")
    shutil.copy(DATA / "invalid" / "about_errors.yaml", project / "cards" / "broken.card.yml")
    (project / "config.yaml").write_text("kind: not a card\n", encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    return project


def _try_repo(
    project: Path, checkout_repo: Path, home: Path, pip: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ETHICARD_", "PRE_COMMIT", "GIT_"))}
    env.update(pip, PRE_COMMIT_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(checkout_repo), "ethicard-check", "--verbose", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def test_hook_definitions_follow_pre_commit_conventions() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"ethicard-check", "ethicard-inspect"}
    assert hooks["ethicard-check"]["entry"] == "ethicard check"
    assert hooks["ethicard-inspect"]["entry"] == "ethicard inspect --require-mark"
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is True
        assert hook["minimum_pre_commit_version"] == "3.0.0"
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    cards = re.compile(hooks["ethicard-check"]["files"])
    assert [name for name in _NAMES if cards.search(name)] == ["ethicard.yaml", "a/b/ethicard.yml", "cards/x.card.yaml"]
    images = re.compile(hooks["ethicard-inspect"]["files"])
    assert [name for name in _IMAGES if images.search(name)] == ["x.png", "a/B.JPEG", "s.nii.gz", "ct/1.dcm"]


_NAMES = ["ethicard.yaml", "a/b/ethicard.yml", "cards/x.card.yaml", "myethicard.yaml", "config.yaml", ".github/w.yml"]
_IMAGES = ["x.png", "a/B.JPEG", "s.nii.gz", "ct/1.dcm", "notes.txt", "png.yaml"]


def test_check_hook_passes_a_good_card_and_fails_a_broken_one(
    tmp_path: Path, checkout_repo: Path, pre_commit_home: Path, offline_pip: dict[str, str]
) -> None:
    project = _project(tmp_path)
    good = _try_repo(project, checkout_repo, pre_commit_home, offline_pip, "--files", "ethicard.yaml", "config.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout and "ethicard.yaml: valid (misyn" in good.stdout
    assert "config.yaml" not in good.stdout.replace("Using config:", "")  # no card: never handed to ethicard

    bad = _try_repo(project, checkout_repo, pre_commit_home, offline_pip, "--all-files")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "cards/broken.card.yml:5:9: about.kind: 'datset' is not an allowed value" in bad.stdout
    assert "ethicard.yaml: valid (misyn" in bad.stdout  # both cards in one run (require_serial)
    assert "2 cards: 1 valid, 1 invalid" in bad.stdout
