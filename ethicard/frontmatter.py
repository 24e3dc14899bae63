"""A README's YAML front matter, edited as text: the README's own bytes are never re-serialised.

Hugging Face reads the front matter of a README (``---`` lines around YAML) with a YAML 1.1
reader, which the README's author wrote for; re-serialising it would rewrite their values
(``language: no`` as ``false``, ``1.10`` as ``1.1``, ``012`` as ``10``), drop their comments and
lose duplicate keys.  So this module only ever *adds* text: missing top-level keys are spliced in
as new lines before the closing ``---``, and tags are appended to an existing ``tags`` list (a
block list gets new ``- tag`` lines at its own indentation, a flow list ``[a, b]`` gets ``, tag``
before its ``]``).  The result is parsed again and compared, event by event, with the original:
if any of the README's own values would read differently, nothing is written (an error), and a
``tags`` value that cannot be extended safely is left as it is, with a note.

Bounds follow Hugging Face's own reader (``huggingface_hub.repocard.REGEX_YAML_BLOCK``): the
front matter opens with a ``---`` line (after blank lines at most) and ends at the first later line
that is ``---`` at column 0 (trailing spaces allowed); an indented ``---`` inside a block scalar is
text.  Line endings may be LF, CRLF or CR, and added lines use the file's own.  The YAML is read
as parser events only: nothing is constructed, so a 5,000-digit number or a billion-laughs alias
cannot blow up; nesting is capped; duplicate keys, at any level, are refused with their line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from .errors import EthicardError, Problem

try:  # libyaml's C parser when present
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

MAX_DEPTH = 50
# Python refuses to turn longer digit strings into an int (sys.get_int_max_str_digits), and so
# does Hugging Face's reader: such a number must be quoted.
MAX_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 4300)() or 4300
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_YAML_BREAK = re.compile("\r\n|\r|\n|\x85|\u2028|\u2029")
_INTEGER = re.compile(r"[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_:]*)")


class _Events(_Base):
    """Parses only; nothing is resolved or constructed."""

    yaml_implicit_resolvers = {}  # noqa: RUF012 - PyYAML reads it from the class


@dataclass(frozen=True)
class Bounds:
    """Where the front matter stands in the text (offsets in characters)."""

    yaml_start: int  # first character of the YAML (after the opening '---' line)
    yaml_end: int  # first character of the closing '---' line
    body_start: int  # first character after the closing line
    first_line: int  # line number (1-based) of the YAML's first line


@dataclass
class _Scan:
    """What the editor needs to know about the YAML: its top-level keys and its tags list."""

    flow: bool = False  # the whole front matter is one {...} mapping
    empty: bool = True
    keys: dict[str, list[tuple[str, Any, Any, Any]]] = field(default_factory=dict)  # key -> value's events
    key_lines: dict[str, int] = field(default_factory=dict)
    tags_kind: str = ""  # "", "block", "flow", "other"
    tags_items: list[str] = field(default_factory=list)
    tags_column: int = 0  # block list: column of its '-'
    tags_insert: tuple[int, int] = (0, 0)  # (line, column) in the YAML where tags are added
    indent: int = 0  # column of the top-level keys
    end_line: int | None = None  # line of an explicit '...' document end: new keys go before it


def newline_of(text: str) -> str:
    """The file's line ending: the most common of LF, CRLF and CR (LF when it has none)."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    if crlf > lf and crlf >= cr:
        return "\r\n"
    return "\r" if cr > lf and cr > crlf else "\n"


def bounds(text: str, name: str) -> Bounds | None:
    """The front matter's place in ``text`` (without a byte order mark), or None when it has none."""
    offset = 0
    number = 0
    opened: int | None = None
    for match in _LINE.finditer(text):
        number += 1
        line = match.group()
        content = line.rstrip("\r\n")
        if opened is None:
            if not content.strip():
                offset = match.end()
                continue
            if content.lstrip() != "---":
                return None
            opened = number
            offset = match.end()
            continue
        if content.rstrip(" \t") == "---":
            return Bounds(offset, match.start(), match.end(), opened + 1)
    if opened is None:
        return None
    raise _problem(name, opened, "the front matter opened here is never closed", "add a line '---' after it")


class Added(NamedTuple):
    """The README's new text, notes on what could not be added, and the keys that were."""

    text: str
    notes: list[str]
    keys: list[str]


def add(text: str, offered: dict[str, Any], name: str, *, companions: dict[str, str] | None = None) -> Added:
    """``text`` (a whole README) with the ``offered`` keys added to its front matter, and notes.

    Keys the README already has are left alone (its own values win); the offered ``tags`` are
    appended to the README's list.  A README without front matter gets a new one.
    ``companions`` maps a key to the key it belongs with (``license_name`` to ``license``): it is
    added only when that key is added too, so it never qualifies a value the README chose.
    """
    newline = newline_of(text)
    found = bounds(text, name)
    if found is None:
        return Added(_dump(offered, newline, opening=True) + text if offered else text, [], list(offered))
    original = text[found.yaml_start : found.yaml_end]
    scan = _scan(original, name, found.first_line)
    tags = [tag for tag in offered.get("tags", []) if tag not in scan.tags_items]
    notes: list[str] = []
    edited = original
    if "tags" in scan.keys and tags:
        edited = _add_tags(original, scan, tags, newline)
        if edited == original:
            line = found.first_line + scan.key_lines["tags"] - 1
            notes.append(
                f"{name}:{line}: 'tags' is not a list ethicard can extend; left as it is "
                f"(add {', '.join(tags)} yourself)"
            )
    added = _new_keys(offered, scan, companions or {})
    if added:
        edited = _add_keys(original, edited, scan, added, newline, name, found.first_line)
    if edited == original:
        return Added(text, notes, [])
    _check_kept(edited, scan, added, tags, name, found.first_line)
    keys = [*added, *(["tags"] if "tags" in scan.keys and tags else [])]
    return Added(text[: found.yaml_start] + edited + text[found.yaml_end :], notes, keys)


def _new_keys(offered: dict[str, Any], scan: _Scan, companions: dict[str, str]) -> dict[str, Any]:
    """The offered keys the README lacks, without a companion whose key is not added with it."""
    added = {key: value for key, value in offered.items() if key not in scan.keys}
    return {key: value for key, value in added.items() if companions.get(key, key) in added}


def _add_keys(
    original: str, edited: str, scan: _Scan, added: dict[str, Any], newline: str, name: str, first_line: int
) -> str:
    """``edited`` (the YAML ``original`` with tags perhaps added) with the ``added`` keys as new lines
    at the end of the mapping, or before its '...' line."""
    if scan.flow:
        raise _problem(
            name,
            first_line,
            "the front matter is one '{...}' mapping; ethicard adds its keys as 'key: value' lines",
            "write the front matter as 'key: value' lines",
        )
    lines = _dump(added, newline).splitlines(keepends=True)
    at = len(edited)
    if scan.end_line is not None:  # before the '...' line (which the tags, added above it, moved)
        at = _line_starts(original)[scan.end_line] + len(edited) - len(original)
    return edited[:at] + "".join(" " * scan.indent + line for line in lines) + edited[at:]


def _check_kept(edited: str, scan: _Scan, added: dict[str, Any], tags: list[str], name: str, first_line: int) -> None:
    """Refuse the edit unless the edited YAML reads as the original plus the added keys and tags."""
    try:
        after: _Scan | None = _scan(edited, name, first_line)
    except EthicardError:
        after = None
    if after is None or not _kept(scan, after, added, tags):
        raise _problem(  # a safety net: the splicing above is meant to make this impossible
            name,
            first_line,
            "ethicard could not add its keys without changing how the front matter reads",
            "add the keys by hand, or report this README as a bug",
        )


def _dump(data: dict[str, Any], newline: str, *, opening: bool = False) -> str:
    """ethicard's own keys as YAML lines (never the README's), in the file's line ending."""
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096)
    if opening:
        dumped = "---\n" + dumped + "---\n"
    return dumped.replace("\n", newline) if newline != "\n" else dumped


def _add_tags(original: str, scan: _Scan, tags: list[str], newline: str) -> str:
    """The YAML with ``tags`` appended to the README's tags list; unchanged when that is not safe
    (not a plain list of text, or the result would not read as the old list plus the new tags)."""
    if scan.tags_kind not in ("block", "flow") or not all(_plain_safe(tag) for tag in tags):
        return original
    starts = _line_starts(original)
    line, column = scan.tags_insert
    at = starts[line] + column if line < len(starts) else len(original)
    if scan.tags_kind == "flow":
        insert = (", " if scan.tags_items else "") + ", ".join(tags)
    else:
        insert = "".join(f"{' ' * scan.tags_column}- {tag}{newline}" for tag in tags)
    edited = original[:at] + insert + original[at:]
    try:
        after = _scan(edited, "", 1)
    except EthicardError:
        return original
    return edited if _kept(scan, after, {}, tags) else original


def _plain_safe(tag: str) -> bool:
    return re.fullmatch(r"[a-z0-9][a-z0-9._-]*", tag) is not None


def _line_starts(text: str) -> list[int]:
    """Character offset of each line as YAML counts lines (NEL, LS and PS break lines too)."""
    return [0] + [match.end() for match in _YAML_BREAK.finditer(text)]


def _kept(before: _Scan, after: _Scan, added: dict[str, Any], tags: list[str]) -> bool:
    """Whether the edited YAML reads as the original plus ``added`` keys and ``tags``, exactly."""
    if set(after.keys) != set(before.keys) | set(added):
        return False
    if any(after.keys[key] != events for key, events in before.keys.items() if key != "tags"):
        return False
    if "tags" in before.keys and after.keys["tags"] != before.keys["tags"]:
        return after.tags_kind == before.tags_kind and after.tags_items == before.tags_items + tags
    return True


def _scan(text: str, name: str, first_line: int) -> _Scan:
    """Read the YAML's events once: refuse what is not a shallow, duplicate-free mapping."""
    parser = _Events(text)
    try:
        scan = _read_events(parser, name, first_line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        column = (mark.column + 1) if mark else 1
        reason = exc.problem or "invalid YAML"
        problem = Problem(name, line, column, (), f"the front matter is not valid YAML ({reason})")
        raise EthicardError([problem]) from None
    except yaml.YAMLError as exc:
        raise _problem(name, first_line, f"the front matter is not valid YAML ({exc})") from None
    finally:
        parser.dispose()
    tags = scan.keys.get("tags")
    if tags and tags[0][0] == "MappingStartEvent":
        raise _problem(name, first_line - 1 + scan.key_lines["tags"], "the front matter's 'tags' must be a list")
    return scan


def _read_events(parser: _Events, name: str, first_line: int) -> _Scan:
    """The event loop of :func:`_scan`: one document, its top-level keys and each one's value's events."""
    scan = _Scan()
    frames: list[_Frame] = []  # the open mappings and lists
    current: str | None = None  # the top-level key whose value's events are being collected
    documents = 0
    while True:
        event: Any = parser.get_event()
        kind = type(event)
        if kind is yaml.StreamEndEvent:
            return scan
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _at(name, first_line, event, "more than one YAML document in the front matter")
            continue
        if kind is yaml.DocumentEndEvent and event.explicit:
            scan.end_line = event.start_mark.line
        if kind in (yaml.StreamStartEvent, yaml.DocumentEndEvent):
            continue
        level = len(frames)
        if kind in _NODES:
            key = _node(scan, frames, event, name, first_line)
            if key is not None:
                current = key
                continue
        if current is not None:
            scan.keys[current].append(_fingerprint(event))
            if current == "tags":
                _track_tags(scan, event, level)
        _nest(frames, event, name, first_line)
        if len(frames) <= 1:
            current = None  # the top-level value is complete


def _node(scan: _Scan, frames: list[_Frame], event: Any, name: str, first_line: int) -> str | None:
    """Check a node (scalar, alias, mapping or list start); the top-level key it is, if it is one."""
    kind = type(event)
    if kind is yaml.ScalarEvent:
        _check_number(event, name, first_line)
    if not frames:
        if kind is not yaml.MappingStartEvent:
            raise _at(name, first_line, event, "the front matter must be a mapping (key: value lines)")
        scan.flow = bool(event.flow_style)
        scan.indent = event.start_mark.column
        return None
    frame = frames[-1]
    if not frame.mapping:
        return None
    if not frame.expect_key:
        frame.expect_key = True  # this node was a value: a key comes next
        return None
    frame.expect_key = False
    if kind is not yaml.ScalarEvent:
        return None
    _check_duplicate(frame, event, name, first_line)
    if len(frames) != 1:
        return None
    scan.keys[event.value] = []
    scan.key_lines[event.value] = event.start_mark.line + 1
    return str(event.value)


def _nest(frames: list[_Frame], event: Any, name: str, first_line: int) -> None:
    """Open a frame at a mapping or list start (refusing deep nesting), close one at its end."""
    kind = type(event)
    if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
        if len(frames) >= MAX_DEPTH:
            raise _at(
                name,
                first_line,
                event,
                f"lists and mappings nested more than {MAX_DEPTH} levels deep in the front matter",
                "Hugging Face metadata needs a few levels",
            )
        frames.append(_Frame(kind is yaml.MappingStartEvent))
    elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
        frames.pop()


@dataclass
class _Frame:
    mapping: bool
    expect_key: bool = True
    seen: set[str] = field(default_factory=set)


_NODES = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


def _check_duplicate(frame: _Frame, event: Any, name: str, first_line: int) -> None:
    if event.value in frame.seen:
        raise _at(
            name,
            first_line,
            event,
            f"duplicate key '{event.value}' in the front matter",
            "keep one of them: YAML readers keep only the last, silently",
        )
    frame.seen.add(event.value)


def _track_tags(scan: _Scan, event: Any, level: int) -> None:
    """Follow the events of the ``tags`` value: what kind of list, its items, where to add."""
    kind = type(event)
    if level == 1:  # the value itself
        if kind is yaml.SequenceStartEvent:
            scan.tags_kind = "flow" if event.flow_style else "block"
            scan.tags_column = event.start_mark.column
            scan.tags_insert = (event.start_mark.line, event.start_mark.column + 1)
        else:
            scan.tags_kind = "other"
            if kind is yaml.ScalarEvent and event.value:
                scan.tags_items = [event.value]
        return
    if level != 2 or kind is yaml.SequenceEndEvent:
        return
    if kind is yaml.ScalarEvent and not event.anchor and not event.tag:
        scan.tags_items.append(event.value)
        end = event.end_mark
        if scan.tags_kind == "flow":
            scan.tags_insert = (end.line, end.column)
        else:  # block list: new items go at the start of the line after the item ends
            scan.tags_insert = (end.line + 1, 0) if end.column else (end.line, 0)
    else:
        scan.tags_kind = "other"  # a nested list, an alias or a tagged item: not ours to extend


def _fingerprint(event: Any) -> tuple[str, Any, Any, Any]:
    """An event without its position: two texts that read the same give the same fingerprints."""
    return (
        type(event).__name__,
        getattr(event, "value", None),
        getattr(event, "tag", None),
        (getattr(event, "anchor", None), getattr(event, "implicit", None), getattr(event, "style", None) or None),
    )


def _check_number(event: Any, name: str, first_line: int) -> None:
    value: str = event.value
    if not event.style and event.tag is None and len(value) > MAX_DIGITS and _INTEGER.fullmatch(value):
        raise _at(
            name,
            first_line,
            event,
            f"a number with {len(value):,} digits, more than a YAML reader in Python accepts ({MAX_DIGITS:,})",
            "put it in quotes to keep it as text",
        )


def _at(name: str, first_line: int, event: Any, message: str, hint: str = "") -> EthicardError:
    mark = event.start_mark
    return EthicardError([Problem(name, first_line + mark.line, mark.column + 1, (), message, hint)])


def _problem(name: str, line: int, message: str, hint: str = "") -> EthicardError:
    return EthicardError([Problem(name, line, 1, (), message, hint)])
