"""Shell completion: the scripts `ethicard completion SHELL` prints, loaded in real bash, zsh and
fish, complete sub-commands, options and choices from the parser; only completion imports argcomplete."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Ethicard, require_tool

# The completion scripts call `ethicard` by name: the installed one, first on PATH.
_ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}

_BASH = r"""
source <(ethicard completion bash)
COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<< "$1"; [[ "$1" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_python_argcomplete ethicard "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
printf '%s\n' "${COMPREPLY[@]}"
"""
# zsh's completion system needs a terminal; the script's own zsh branch runs with the two
# completion-system functions it calls replaced: compdef (registration) and _describe (display).
_ZSH = r"""
compdef() { :; }
_describe() { local entry; for entry in "${(@P)2}"; do print -r -- "${entry%%:*}"; done; }
eval "$(ethicard completion zsh)"
BUFFER="$1"; CURSOR=${#BUFFER}; words=(${(z)BUFFER}); [[ "$1" == *" " ]] && words+=("")
_python_argcomplete
"""
_FISH = 'ethicard completion fish | source; complete -C "$argv[1]" | string replace -r "\\t.*" ""'


def _complete(shell: str, line: str) -> list[str]:
    require_tool(shell)
    command = {
        "bash": ["bash", "--norc", "-c", _BASH, "bash", line],
        "zsh": ["zsh", "-f", "-c", _ZSH, "zsh", line],
        "fish": ["fish", "--no-config", "-c", _FISH, line],
    }[shell]
    done = subprocess.run(command, capture_output=True, text=True, env=_ENV, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return sorted(word.strip() for word in done.stdout.splitlines() if word.strip())


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_complete_from_the_parser(shell: str) -> None:
    assert "check" in _complete(shell, "ethicard ch")
    assert _complete(shell, "ethicard check --format ") == ["csv", "github", "json", "sarif", "text"]
    assert "--min-score" in _complete(shell, "ethicard check --m")
    assert {"bash", "fish", "zsh"} <= set(_complete(shell, "ethicard completion "))


def test_unknown_shell_is_a_usage_error(ethicard: Ethicard) -> None:
    result = ethicard("completion", "tcsh")
    assert result.code == 2 and "invalid choice: 'tcsh'" in result.err


def test_without_the_extra_completion_says_which_extra_to_install(tmp_path: Path) -> None:
    code = (
        "import sys\nsys.modules['argcomplete'] = sys.modules['argcomplete.shell_integration'] = None\n"
        "from ethicard.cli import main\nsys.exit(main(['completion', 'bash']))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert (
        done.stderr
        == "ethicard: error: shell completion needs the 'completion' extra: pip install 'ethicard[completion]'\n"
    )


def _imports_argcomplete(tmp_path: Path, *args: str) -> bool:
    code = (
        "import sys\nfrom ethicard.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('argcomplete' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    return done.stderr.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize(
    ("args", "imports"),
    [
        (("--help",), False),
        (("check", "--help"), False),
        (("completion", "--help"), False),
        (("completion", "fish"), True),
    ],
)
def test_only_the_completion_command_imports_argcomplete(tmp_path: Path, args: tuple[str, ...], imports: bool) -> None:
    assert _imports_argcomplete(tmp_path, *args) is imports
