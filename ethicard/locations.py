"""Where in the card file a gap reason, finding or note points: dotted card path to ``line:col``.

Gap reasons, findings and notes carry the dotted card path they concern
(``answers.technical_standards.synthetic_image_labelling``, ``labelling.methods``,
``evaluation.downstream[0].result``).  :func:`locate` turns one into a line and column of the
file the card was read from: its key (or, for a list entry, its value), or its nearest ancestor in
the file when it is not written there (an unanswered item points at its section).  Given the words a note found,
it points at the words inside the text.  This is the one function other outputs (annotations,
SARIF) resolve locations through.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Path_
from .frozen import frozen

_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
_SEARCHED = 20_000  # characters after a value searched for the words a note found


@frozen
class Location:
    """A dotted card path and where it stands in the file (line and column 0 when unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        return f"{self.line}:{self.col}" if self.line else ""


def parse_path(dotted: str) -> Path_:
    """``evaluation.downstream[0].result`` as the path tuple ``('evaluation', 'downstream', 0, 'result')``."""
    return tuple(name if name else int(index) for name, index in _PART.findall(dotted))


def locate(document: Any, dotted: str, words: str = "", occurrence: int = 0) -> Location:
    """The line and column of ``dotted`` in the card's file (of ``words`` inside it, when found:
    the ``occurrence``-th time they appear in the value, counting from 0).

    ``document`` is the :class:`ethicard.loader.Document` the card was validated from, or None
    for a card built in code (then the location is the path alone).
    """
    if document is None or not dotted:
        return Location(dotted, 1, 1) if document is not None else Location(dotted)
    line, col = _key_or_value(document, parse_path(dotted))
    text = getattr(document, "text", None)
    if words and text:
        found = _find_words(text, line, col, words, occurrence)
        if found:
            line, col = found
    return Location(dotted, line, col)


def _key_or_value(document: Any, path: Path_) -> tuple[int, int]:
    """Where ``path`` stands: its value when the value starts on its key's line (``methods: [none]``
    points at ``[none]``), else its key (a block below it: the line ``synthetic_image_labelling:``), and
    a list entry's value (it has no key); when the card does not write it, its nearest ancestor."""
    for end in range(len(path), 0, -1):
        key: tuple[int, int] | None = document.keys.get(path[:end])
        value: tuple[int, int] | None = document.values.get(path[:end])
        if key and value:
            return value if value[0] == key[0] else key
        found = key or value
        if found:
            return found
    return (1, 1)


def _find_words(text: str, line: int, col: int, words: str, occurrence: int) -> tuple[int, int] | None:
    """The position of ``words`` at or after ``line:col`` (any case; line breaks may fold spaces)."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    start += col - 1
    pattern = r"\s+".join(re.escape(word) for word in words.split())
    matches = re.compile(pattern, re.IGNORECASE).finditer(text, start, start + _SEARCHED)
    match = next((m for n, m in enumerate(matches) if n == occurrence), None)
    if match is None:
        return None
    at = match.start()
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - line_start + 1
