"""Problems found in input files, and the exceptions the library raises.

The library never prints or exits.  Every exception it raises on purpose is a :class:`Failure`,
and each kind of failure carries the exit code of the command line as a class attribute:

- :class:`EthicardError` (1): an input has problems; it carries every :class:`Problem` found,
  and the command line prints them as ``file:line:col`` lines;
- :class:`UsageError` (2): a request that cannot be carried out as asked (bad option, refused
  overwrite, an output folder that does not exist);
- :class:`EnvironmentFailure` (4): the request was fine but the machine could not carry it out
  (a full disk, a failed write, Chromium missing or failing).

Anything else that escapes is ethicard's own fault: an internal error (3).
"""

from __future__ import annotations

import unicodedata

from .frozen import frozen

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


@frozen
class Problem:
    """One located problem: where it is, what is wrong, and how to fix it.  Problems compare, sort
    and hash by where they are (file, line, column, path), not by what they say."""

    file: str
    line: int  # 1-based; 0 when the problem is about the file as a whole
    col: int  # 1-based; 0 when unknown
    path: Path_
    message: str
    hint: str = ""

    def _place(self) -> tuple[str, int, int, Path_]:
        return self.file, self.line, self.col, self.path

    def __eq__(self, other: object) -> bool:
        return self._place() == other._place() if isinstance(other, Problem) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._place())

    def __lt__(self, other: Problem) -> bool:
        return self._place() < other._place()

    def __le__(self, other: Problem) -> bool:
        return self._place() <= other._place()

    def __gt__(self, other: Problem) -> bool:
        return self._place() > other._place()

    def __ge__(self, other: Problem) -> bool:
        return self._place() >= other._place()

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


# Exit codes of the command line: all good, an input has problems, a usage error, ethicard's own
# fault, the machine could not do what was asked.
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL, EXIT_ENVIRONMENT = 0, 1, 2, 3, 4


class Failure(Exception):
    """The root of every exception ethicard raises on purpose; ``exit_code`` is how the command
    line ends when it catches one, and :meth:`lines` what it prints."""

    exit_code = EXIT_INTERNAL

    def lines(self) -> list[str]:
        """What the command line prints, one line each, safe for a terminal."""
        return [printable(f"ethicard: error: {self}")]


class EthicardError(Failure):
    """An input has problems: raised with every problem found in it; the message lists them all."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems]


class UsageError(Failure):
    """A request the command line cannot carry out as asked (bad option, refused overwrite, ...)."""

    exit_code = EXIT_USAGE


class EnvironmentFailure(Failure):
    """A request the machine could not carry out: a full disk, a failed write, a missing tool."""

    exit_code = EXIT_ENVIRONMENT
