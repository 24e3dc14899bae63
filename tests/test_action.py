"""The composite GitHub Action (action.yml), run the way a runner runs it.

A runner evaluates the ``${{ ... }}`` expressions of a step's ``env:`` and then runs the step's
script with ``bash --noprofile --norc -eo pipefail``, with GITHUB_PATH, GITHUB_STEP_SUMMARY,
RUNNER_TEMP and GITHUB_ACTION_PATH set.  This test does the same with the action's own files
(a snapshot of this checkout) and a workspace of cards, and checks that inputs are data, never code.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import DATA, EXAMPLE, ROOT, require_tool

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
_EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
Runner = Callable[..., subprocess.CompletedProcess[str]]


def _inputs(given: dict[str, str]) -> dict[str, str]:
    unknown = set(given) - set(ACTION["inputs"])
    assert not unknown, f"not inputs of the action: {unknown}"
    return {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()} | given


def _evaluate(value: str, context: dict[str, str]) -> str:
    """The runner's expression substitution, for the few names the action may use."""

    def one(match: re.Match[str]) -> str:
        assert match[1] in context, f"the action uses an expression this test does not know: {match[1]}"
        return context[match[1]]

    return _EXPRESSION.sub(one, value)


@pytest.fixture(scope="session")
def runner(tmp_path_factory: pytest.TempPathFactory, checkout_repo: Path, offline_pip: dict[str, str]) -> Runner:
    """Runs one step of the action; the install step has run once before."""
    require_tool("bash")
    temp = tmp_path_factory.mktemp("runner-temp")
    files = {"GITHUB_PATH": temp / "path.txt", "GITHUB_STEP_SUMMARY": temp / "summary.md"}

    def run(step: int, workspace: Path, **given: str) -> subprocess.CompletedProcess[str]:
        spec = ACTION["runs"]["steps"][step]
        context = {"github.action_path": str(checkout_repo), "runner.temp": str(temp)}
        context |= {f"inputs.{name}": value for name, value in _inputs(given).items()}
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ETHICARD_", "INPUT_", "GITHUB_"))}
        env |= offline_pip | {name: str(path) for name, path in files.items()}
        env |= {"RUNNER_TEMP": str(temp), "GITHUB_ACTION_PATH": str(checkout_repo), "GITHUB_ACTIONS": "true"}
        env |= {name: _evaluate(str(value), context) for name, value in spec.get("env", {}).items()}
        script = temp / f"step-{step}.sh"
        script.write_text(spec["run"], encoding="utf-8")
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    installed = run(0, temp)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert files["GITHUB_PATH"].read_text().strip() == str(temp / "ethicard-action" / "bin")
    return run


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "cards").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "cards" / "good.yaml")
    return tmp_path


def test_action_is_composite_every_step_names_its_shell_and_takes_inputs_only_through_env() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {"paths", "strict", "min-score", "checklist", "format"}
    for step in ACTION["runs"]["steps"]:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], f"an expression inside run: of step {step['name']!r}"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-actions",
            str(ROOT / "action.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_checks_cards_and_annotates(runner: Runner, workspace: Path) -> None:
    passed = runner(1, workspace, paths="cards\n")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "ethicard: cards/good.yaml: valid (misyn" in passed.stdout

    shutil.copy(DATA / "invalid" / "about_errors.yaml", workspace / "cards" / "broken.yaml")
    shutil.copy(DATA / "minimal.yaml", workspace / "thin card.yaml")
    failed = runner(1, workspace, paths="cards/good.yaml\n  thin card.yaml  \ncards/broken.yaml", **{"min-score": "50"})
    assert failed.returncode == 1
    assert "::error file=cards/broken.yaml,line=5,col=9,title=ethicard%3A invalid card::" in failed.stdout
    assert "::error file=thin card.yaml,title=ethicard%3A gate::fails the gate: completeness" in failed.stdout

    strict = runner(1, workspace, paths="cards/good.yaml", strict="true", format="json")
    assert strict.returncode == 0 and '"passed": true' in strict.stdout


def test_inputs_cannot_inject_shell_code_or_options(runner: Runner, workspace: Path) -> None:
    hostile = "$(touch pwned) ; touch pwned2\n`touch pwned3`\n--checklist=/etc/passwd\n*"
    result = runner(1, workspace, paths=hostile, format="text")
    assert result.returncode == 1, result.stdout + result.stderr
    for path in ("$(touch pwned) ; touch pwned2", "`touch pwned3`", "--checklist=/etc/passwd", "*"):
        assert f"{path}: no such file" in result.stdout  # each line reached ethicard as a path
    assert not list(workspace.rglob("pwned*"))
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("pwned*"))

    checklist = runner(1, workspace, paths="cards", checklist="x; touch pwned4")
    assert checklist.returncode == 1 and "x; touch pwned4: no such bundled checklist" in checklist.stderr
    score = runner(1, workspace, paths="cards", **{"min-score": "80 $(touch pwned5)"})
    assert score.returncode == 2 and "is not a number" in score.stderr
    refused = runner(1, workspace, paths="cards", strict="yes; touch pwned6")
    assert refused.returncode == 2 and "the input 'strict' must be true or false" in refused.stdout
    assert not list(workspace.rglob("pwned*"))
