"""Problems found in input files, and the one exception the library raises for them.

The library never prints or exits: it raises :class:`EthicardError` carrying every
:class:`Problem` it found, and the command line turns them into ``file:line:col`` lines.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

Path_ = tuple[str | int, ...]


def printable(text: str) -> str:
    """Text safe to print on one terminal line: control, format and separator characters (line
    breaks, escape sequences, bidirectional overrides, zero-width spaces) shown as escapes.

    This is the one filter for every line printed from input data (problems, summaries, tables,
    file names).  A byte of a file name that is not UTF-8 (a lone surrogate from the file system)
    is shown as ``\\xff``, so that a strict UTF-8 terminal or pipe can take every line."""
    if text.isprintable():
        return text
    return "".join(
        char if char == " " or unicodedata.category(char)[0] not in "CZ" else _escaped(char) for char in text
    )


def _escaped(char: str) -> str:
    if "\udc80" <= char <= "\udcff":  # os.fsdecode's stand-in for the byte it could not decode
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape").decode()


def describe_character(char: str) -> str:
    """``U+0430 CYRILLIC SMALL LETTER A``: a character named so that it can be found."""
    name = unicodedata.name(char, "")
    if unicodedata.category(char) == "Cc":
        name = "(NEXT LINE, a control character)" if char == "\x85" else "(a control character)"
    return f"U+{ord(char):04X} {name}".rstrip()


def text_of_name(text: str) -> str:
    """A file name as exact text for data outputs (JSON): the same string, except that a byte
    that is not UTF-8 becomes U+FFFD, since strict JSON readers refuse lone surrogates."""
    if text.isprintable():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate os.fsdecode does not make
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def format_path(path: Path_) -> str:
    """Render a location inside a document as ``a.b[2].c`` (``<document>`` for the root)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "<document>"


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem: where it is, what is wrong, and how to fix it."""

    file: str
    line: int  # 1-based; 0 when the problem is about the file as a whole
    col: int  # 1-based; 0 when unknown
    path: Path_ = field(compare=True)
    message: str = field(compare=False)
    hint: str = field(default="", compare=False)

    def location(self) -> str:
        if self.line and self.col:
            return f"{self.file}:{self.line}:{self.col}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file

    def __str__(self) -> str:
        """One line: ``file:line:col: path: message (hint)`` (no path for the file as a whole),
        whatever characters the input held."""
        where = f"{format_path(self.path)}: " if self.path else ""  # nothing for the file as a whole
        text = f"{self.location()}: {where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return printable(text)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.col,
            "path": format_path(self.path),
            "message": self.message,
            "hint": self.hint,
        }


# Exit codes of the command line: all good, an input has problems, a usage error, ethicard's own fault.
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class EthicardError(Exception):
    """Raised with every problem found in one input; the message lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """A request the command line cannot carry out (bad option, refused overwrite, ...)."""
