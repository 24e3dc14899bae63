"""A card made anonymous for double-blind review (``render --anonymous``), once, before any format.

The card is changed, not a template: the anonymous card is then assessed and rendered like any
other, so every format (Markdown, HTML, PDF, LaTeX, JSON, the Hugging Face README, Croissant)
shows the same placeholders and none can forget one.

What is replaced:

- every field marked personal in the card model (``json_schema_extra=PERSONAL`` in models.py:
  today ``about.authors``, ``about.contact``, ``about.links``, ``about.base_model``, the address
  of each data source, and in format 2 each ethics approval's board and number) by a neutral
  placeholder; link names are kept when they are
  generic (``paper``, ``code``, ...), others become ``link_1``, ``link_2``...;
- in all free text (answers, evidence, descriptions, names of data sources...): every web and
  email address, and every occurrence of the strings those personal fields held: each author
  and institution, the parts of a name ("Thrale" from "Imogen Thrale", "Northfield" from
  "Northfield University"; common words such as "University" or "Lab" are kept), the contact and
  its address, the links' host names and first folders (``github.com/<owner>``).  The card's own
  ``about.name`` (the model or data set under review) is kept, even where an address contains it.

What cannot be: a name that the personal fields do not give (a hospital named only in an
answer, a format-1 card's ethics approval number, a grant id, a colleague thanked in prose).  ethicard says so
every time (:data:`CAVEAT`) and reports how many places it changed: read the free text before
submitting.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .models import CardBase

AUTHORS = "Anonymous authors (double-blind review)"
WITHHELD = "withheld for double-blind review"
URL = "https://anonymous.invalid/"
IN_TEXT = "[anonymised]"
CAVEAT = (
    "ethicard replaced the authors, contact, links, base model, data source addresses and ethics boards and "
    "approval numbers, every web and email address, and those names wherever they appear in the text; it cannot "
    "recognise names it was not given (a hospital named only in an answer, a grant id): read the free text before "
    "submitting"
)
GENERIC_LINKS = frozenset(
    {"paper", "code", "weights", "data", "dataset", "synthetic_images", "issues", "card", "demo", "license", "licence"}
)
# Words of institution and group names, and folders of web addresses, that say nothing about who the authors are.
_COMMON = frozenset(
    """university hospital hospitals lab laboratory laboratories institute institution center centre school
    department dept faculty college clinic clinical medical medicine imaging image images research group
    and the of for in at de la le du der und national international foundation trust health sciences science
    technology team unit division program programme ai data computer vision radiology datasets dataset models
    model spaces projects project repos docs files download downloads releases papers paper static assets users
    people groups orgs""".split()  # noqa: SIM905
)
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"')\]]+|mailto:[^\s<>\"')\]]+|www\.[^\s<>\"')\]]+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DOMAIN = re.compile(
    r"(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:com|org|net|edu|gov|io|ai|dev|app|info|eu|uk|de|fr|nl|ch|it|es|se|dk|no|"
    r"fi|be|at|cn|jp|kr|in|ca|au|br|co)(?:/[^\s<>\"')\]]*)?(?![\w-])",
    re.I,
)
_WORDS = re.compile(r"[^\W\d_][\w'-]*[^\W\d_]|[^\W\d_]", re.U)


@dataclass(frozen=True)
class Anonymised:
    """The anonymous card, and how many fields and places in free text were changed."""

    card: CardBase
    fields: int
    in_text: int


def anonymise(card: CardBase) -> Anonymised:
    """The card with personal fields replaced and their strings, and all addresses, removed from free text."""
    known = _known_strings(card)
    pattern = _pattern(known)
    counter = _Counter()
    new = _walk(card, pattern, counter)
    assert isinstance(new, CardBase)
    return Anonymised(new, counter.fields, counter.in_text)


class _Counter:
    def __init__(self) -> None:
        self.fields = 0
        self.in_text = 0


def _walk(model: BaseModel, pattern: re.Pattern[str] | None, counter: _Counter) -> BaseModel:
    """A copy of ``model`` with personal fields replaced and free text scrubbed, field by field."""
    changes: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("personal"):
            replaced = _placeholder(name, value)
            if replaced != value:
                counter.fields += 1
                changes[name] = replaced
        elif not _is_closed(info.annotation):
            scrubbed = _scrub_value(value, pattern, counter)
            if scrubbed is not value:
                changes[name] = scrubbed
    return model.model_copy(update=changes) if changes else model


def _scrub_value(value: Any, pattern: re.Pattern[str] | None, counter: _Counter) -> Any:
    if isinstance(value, BaseModel):
        return _walk(value, pattern, counter)
    if isinstance(value, str):
        scrubbed = _scrub(value, pattern, counter)
        return scrubbed if scrubbed != value else value
    if isinstance(value, list):
        items = [_scrub_value(item, pattern, counter) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        entries = {key: _scrub_value(item, pattern, counter) for key, item in value.items()}
        return entries if any(entries[key] is not value[key] for key in value) else value
    return value


def _is_closed(annotation: Any) -> bool:
    """A field whose values come from a closed list (Literal): never free text, never scrubbed."""
    if typing.get_origin(annotation) is typing.Literal:
        return True
    return any(_is_closed(arg) for arg in typing.get_args(annotation))


def _placeholder(name: str, value: Any) -> Any:
    """The neutral value of a personal field, of the field's own type."""
    if value is None or value == "" or value == [] or value == {}:
        return value
    if isinstance(value, dict):
        keys = [key if key in GENERIC_LINKS else f"link_{n}" for n, key in enumerate(value, 1)]
        return {key: f"{URL}{key}" for key in keys}
    if isinstance(value, list):
        return [AUTHORS]
    if isinstance(value, str) and _URL.fullmatch(value):
        return URL
    return WITHHELD


def _known_strings(card: CardBase) -> set[str]:
    """Every string a personal field holds, with the parts of names and addresses in it."""
    values = _personal_values(card)
    known: set[str] = set()
    for value in values:
        value = value.strip()
        if not value:
            continue
        known.add(value)
        if _URL.search(value) or _EMAIL.search(value):
            _address_parts(value, known)  # an address: its host and owner, not every word of its path
        else:
            _name_parts(value, known)
    # The card's own name (the model or data set) is what a paper under review discusses: kept.
    kept = {card.about.name.lower(), *(word.lower() for word in _WORDS.findall(card.about.name))}
    return {item for item in known if item.lower() not in _COMMON | kept and not _URL.match(item)} | {
        url for url in values if _URL.fullmatch(url)
    }


def _personal_values(model: BaseModel) -> list[str]:
    """The strings of the personal fields of ``model`` and of the models inside it, in order."""
    values: list[str] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("personal"):
            values.extend(_strings(value))
        elif isinstance(value, BaseModel):
            values.extend(_personal_values(value))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    values.extend(_personal_values(item))
    return values


def _name_parts(value: str, known: set[str]) -> None:
    """The parts of a list of names (split at commas, 'and', brackets) and its uncommon words, with
    the pieces of hyphenated words."""
    known.update(part for part in re.split(r"\s*(?:[,;()/]|\band\b|&)\s*", value) if len(part) >= 3)
    for word in _WORDS.findall(value):
        if len(word) >= 3 and word.lower() not in _COMMON and not _URL.match(word):
            known.add(word)
            known.update(piece for piece in word.split("-") if len(piece) >= 3 and piece.lower() not in _COMMON)


def _address_parts(value: str, known: set[str]) -> None:
    """An email's user and domain; a web address's host and first folder (often the lab or owner)."""
    for email in _EMAIL.findall(value):
        local, _, domain = email.partition("@")
        known.update(item for item in (local, domain) if len(item) >= 4)
    for url in _URL.findall(value):
        segments = re.sub(r"^[a-z]+:(//)?(www\.)?", "", url, flags=re.I).split("/")[:2]
        known.update(segment for segment in segments if len(segment) >= 4 and segment.lower() not in GENERIC_LINKS)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    if isinstance(value, dict):
        return [str(item) for pair in value.items() for item in pair if isinstance(item, str) and "://" in item]
    return []


def _pattern(known: set[str]) -> re.Pattern[str] | None:
    if not known:
        return None
    alternatives = "|".join(re.escape(item) for item in sorted(known, key=lambda item: (-len(item), item)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)


def _scrub(text: str, pattern: re.Pattern[str] | None, counter: _Counter) -> str:
    """Free text with every address, and every known personal string, replaced."""
    found = 0

    def url(_: re.Match[str]) -> str:
        nonlocal found
        found += 1
        return URL

    def word(_: re.Match[str]) -> str:
        nonlocal found
        found += 1
        return IN_TEXT

    text = _URL.sub(url, text)
    text = _EMAIL.sub(word, text)
    text = _DOMAIN.sub(word, text)
    if pattern is not None:
        text = pattern.sub(word, text)
    counter.in_text += found
    return text
