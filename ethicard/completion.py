"""Shell completion for bash, zsh and fish, from the command line's own parser.

argcomplete (the ``completion`` extra) does the work: the script that ``ethicard completion SHELL``
prints asks ``ethicard`` itself, at each Tab, what may come next, and argcomplete answers from the
argparse parser, so sub-commands, options and their choices can never drift from the real ones.
shtab writes static scripts instead, but for bash, zsh and tcsh only; argcomplete covers fish too.
The library is imported only by the completion command and by a completion request (the
``_ARGCOMPLETE`` variable set by those scripts), so no other command pays for it.
"""

from __future__ import annotations

import argparse

from .errors import UsageError

SHELLS = ("bash", "zsh", "fish")
REQUEST = "_ARGCOMPLETE"  # set by the completion scripts when they ask for completions
_MISSING = "shell completion needs the 'completion' extra: pip install 'ethicard[completion]'"


def script(shell: str, program: str = "ethicard") -> str:
    """The completion script to load in ``shell`` (see README, "Shell completion")."""
    if shell not in SHELLS:
        raise UsageError(f"no completion for '{shell}'; choose one of: {', '.join(SHELLS)}")
    try:
        from argcomplete.shell_integration import shellcode  # optional extra: imported only for a completion script
    except ImportError:
        raise UsageError(_MISSING) from None
    return shellcode([program], shell=shell)


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer a completion request from the parser and end the process (argcomplete's way);
    without argcomplete, return and let the caller end quietly."""
    try:
        import argcomplete  # optional extra: imported only when the shell asks for completions
    except ImportError:
        return
    argcomplete.autocomplete(parser)
