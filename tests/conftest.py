"""Shared fixtures: the installed command line run as a real subprocess, and paths to data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from playwright.sync_api import Browser

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cxr-ldm" / "card.yaml"
DATA = Path(__file__).resolve().parent / "data"


def _ethicard_command() -> list[str]:
    script = Path(sys.executable).parent / "ethicard"
    if script.exists():
        return [str(script)]
    found = shutil.which("ethicard")
    if found is None:
        raise RuntimeError("the ethicard command is not installed; run 'pip install .' first")
    return [found]


@dataclass
class Result:
    code: int
    out: str
    err: str


class Ethicard(Protocol):
    """The type of the ``ethicard`` fixture, for annotating tests that take it."""

    def __call__(
        self, *args: str | Path, cwd: Path | None = None, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result: ...


Golden = Callable[[str, Path], None]
"""The type of the ``golden`` fixture: ``golden(actual_text, path_of_golden_file)``."""


@pytest.fixture
def ethicard(tmp_path: Path) -> Ethicard:
    """Run the installed ``ethicard`` command in a scratch folder: ``ethicard("check", path)``."""
    command = _ethicard_command()

    def run(
        *args: str | Path, cwd: Path | None = None, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        """``env`` entries are set on top of the environment, which never passes ``ETHICARD_*`` on."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith("ETHICARD_")}
        environment.update(env or {})
        done = subprocess.run(
            [*command, *map(str, args)],
            cwd=cwd or tmp_path,
            capture_output=True,
            text=True,
            input=input,
            env=environment,
            timeout=120,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


def require_tool(name: str) -> str:
    """The path of a system tool the test needs; fail (never skip) when it is missing,
    because tests/run.sh installs it."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; tests/run.sh installs it (Debian package)")
    return found


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """Compare text with a committed golden file, or rewrite it with --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(actual: str, path: Path) -> None:
        if update:
            path.write_text(actual, encoding="utf-8", newline="")
        expected = path.read_text(encoding="utf-8") if path.exists() else None
        assert expected is not None, f"{path} is missing; run pytest --update-golden"
        assert actual == expected, f"output differs from {path}; if intended, run pytest --update-golden"

    return check


@pytest.fixture(scope="session")
def offline_pip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment variables under which pip installs ethicard without an index: from wheels of
    ethicard's dependencies (and of its build backend) fetched once per test session.  Tests that
    install ethicard the way a user's tool does (pre-commit, the GitHub Action) then build and
    install it for real, in seconds instead of a minute each."""
    wheels = tmp_path_factory.mktemp("wheelhouse")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "-w", str(wheels), str(ROOT), "setuptools>=69", "wheel"],
        check=True,
        capture_output=True,
        timeout=600,
    )
    for built in wheels.glob("ethicard-*.whl"):
        built.unlink()  # the tools under test build ethicard themselves, from their own copy
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}


_GIT_ID = ["-c", "user.name=ethicard tests", "-c", "user.email=tests@example.invalid", "-c", "commit.gpgsign=false"]


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a fixed identity; its output."""
    done = subprocess.run(["git", *_GIT_ID, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.fixture(scope="session")
def checkout_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's files as git sees them (tracked and new, not ignored), committed in a scratch
    repository: what a user gets who installs ethicard from its repository, with the changes under test."""
    require_tool("git")
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    repo = tmp_path_factory.mktemp("checkout")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot of the checkout under test")
    return repo


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Python Playwright (its own browser download is never used),
    launched once per test module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python playwright is not installed; it is in the test extra: pip install '.[test]'")
    chromium = require_tool("chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking"],
        )
        yield launched
        launched.close()
