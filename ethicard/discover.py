"""Finding the card files to check: files as named, folders searched for YAML files."""

from __future__ import annotations

import os
from collections.abc import Sequence

CARD_SUFFIXES = (".yaml", ".yml")


def find_cards(paths: Sequence[str]) -> list[str]:
    """The card files to check: files as given, folders searched for ``*.yaml`` and ``*.yml``.

    Folders are walked in sorted order (files first, then sub-folders); hidden files and folders
    (``.git``, ``.github``, ...) are skipped.  A file named twice is checked once.  A folder with no
    card in it is kept as named, so that checking it reports it.
    """
    found: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for given in paths:
        if not os.path.isdir(given):
            add(given)  # a missing or unreadable file becomes a located problem when it is checked
            continue
        before = len(found)
        for root, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.endswith(CARD_SUFFIXES) and not name.startswith("."):
                    add(os.path.join(root, name))
        if len(found) == before:
            add(given)  # reported as a folder without cards
    return found
