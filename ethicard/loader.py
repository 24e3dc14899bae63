"""The only YAML reader: safe, positions kept, YAML 1.1 traps defused, duplicates refused.

Plain scalars are never guessed into numbers, dates or ``yes``/``no`` booleans: they stay text,
and the pydantic models convert text to numbers where a number is expected.  Only ``true`` and
``false`` become booleans and only ``null``, ``~`` and an empty value become nothing.  Aliases,
custom tags and duplicate keys are refused with their line and column.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .errors import EthicardError, Path_, Problem

try:  # libyaml's C parser when present: several times faster
    from yaml import CSafeLoader as _SafeBase
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeBase  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 1_000_000
MAX_DEPTH = 50
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_DEFAULT_TAGS = {yaml.ScalarNode: _STR_TAG, yaml.SequenceNode: _SEQ_TAG, yaml.MappingNode: _MAP_TAG}


class _NoImplicitTypes(_SafeBase):
    """Composes only: every untagged scalar gets the string tag."""

    yaml_implicit_resolvers = {}  # noqa: RUF012 - PyYAML reads it from the class

    # The parser calls these three for every node.  With no implicit and no path resolvers, PyYAML's
    # own versions come to the default tag of the node's kind after a few checks; saying so directly
    # takes a fifth off the time to compose a card.
    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


class Document:
    """Plain data read from one YAML file, and where each value and key stands in it.

    Positions are only needed to point at a problem, and most cards have none: when parsed from a
    node tree they are worked out from it on first use.
    """

    def __init__(
        self,
        file: str,
        data: Any,
        values: dict[Path_, tuple[int, int]] | None = None,
        keys: dict[Path_, tuple[int, int]] | None = None,
        *,
        root: yaml.Node | None = None,
    ) -> None:
        self.file = file
        self.data = data
        self._values = values
        self._keys = keys
        self._root = root

    @property
    def values(self) -> dict[Path_, tuple[int, int]]:
        """Line and column of each value, by path."""
        if self._values is None:
            self._index()
            assert self._values is not None
        return self._values

    @property
    def keys(self) -> dict[Path_, tuple[int, int]]:
        """Line and column of each mapping key, by the path of its value."""
        if self._keys is None:
            self._index()
            assert self._keys is not None
        return self._keys

    def _index(self) -> None:
        builder = _Builder(self.file)
        if self._root is not None:
            builder.build(self._root, (), 0)
        self._values = builder.values if self._values is None else self._values
        self._keys = builder.keys if self._keys is None else self._keys
        self._root = None

    def locate(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found:
                return found
        return (1, 1)

    def problem(self, path: Path_, message: str, hint: str = "", *, key: bool = False) -> Problem:
        line, col = self.locate(path, key=key)
        return Problem(self.file, line, col, path, message, hint)


def read_text(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a UTF-8 text file, refusing what is not one with a located message."""
    name = os.fspath(path)

    def fail(message: str, hint: str = "", line: int = 0, col: int = 0) -> EthicardError:
        return EthicardError([Problem(name, line, col, (), message, hint)])

    target = Path(name)
    if target.is_dir():
        raise fail("is a directory, not a card file", "name a .yaml file")
    try:
        with target.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise fail(
            f"is larger than the limit of {max_bytes:,} bytes",
            "a card is a few kilobytes; raise the limit with --max-bytes if this one is real",
        )
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise fail("contains a NUL byte: this is not a text file", "save the card as UTF-8 text", line, 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8", line, col) from None
    return text


def parse(text: str, file: str = "<string>") -> Document:
    """Parse YAML text into plain data with positions; raise EthicardError on any problem."""
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise EthicardError([Problem(file, 1, 1, (), "the file is empty", "run 'ethicard init' for a skeleton")])
    loader = _NoImplicitTypes(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise EthicardError([_syntax_problem(file, exc, text)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml errors always carry marks
        raise EthicardError([Problem(file, 0, 0, (), f"YAML error: {exc}")]) from None
    except RecursionError:
        raise EthicardError([Problem(file, 0, 0, (), f"nested deeper than {MAX_DEPTH} levels")]) from None
    finally:
        loader.dispose()
    if root is None:
        raise EthicardError([Problem(file, 1, 1, (), "the file is empty", "run 'ethicard init' for a skeleton")])
    try:
        return Document(file, _plain(root, 0, set()), root=root)
    except _Refused:
        pass
    builder = _Builder(file)
    data = builder.build(root, (), 0)
    if builder.problems:
        raise EthicardError(builder.problems)
    return Document(file, data, builder.values, builder.keys)  # pragma: no cover - _plain refuses only problems


def load(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse one YAML file."""
    return parse(read_text(path, max_bytes=max_bytes), os.fspath(path))


class _Refused(Exception):
    """Raised by :func:`_plain` on anything the loader refuses; :class:`_Builder` then says where."""


def _plain(node: yaml.Node, depth: int, seen: set[int]) -> Any:
    """The node's plain data, or :class:`_Refused` wherever :class:`_Builder` would record a problem
    (an alias, a tag, nesting deeper than MAX_DEPTH, a key that is not text, a merge or duplicate key).

    This is the loader's hot path: it records no positions, and handles text values, most of any
    card, without a call of their own.
    """
    if id(node) in seen or depth > MAX_DEPTH:
        raise _Refused
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag != _STR_TAG:
            raise _Refused
        text: str = node.value
        if not node.style:  # plain (None, or '' from libyaml): the only style YAML types
            return None if text in _NULLS else _BOOLS.get(text, text)
        return text
    children = node.value
    if children and depth + 1 > MAX_DEPTH:
        raise _Refused
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
        items: list[Any] = []
        for child in children:
            if type(child) is yaml.ScalarNode and child.tag == _STR_TAG and id(child) not in seen:
                seen.add(id(child))
                text = child.value
                items.append((None if text in _NULLS else _BOOLS.get(text, text)) if not child.style else text)
            else:
                items.append(_plain(child, depth + 1, seen))
        return items
    if not isinstance(node, yaml.MappingNode) or node.tag != _MAP_TAG:
        raise _Refused
    result: dict[str, Any] = {}
    for key_node, value_node in children:
        if type(key_node) is not yaml.ScalarNode:
            raise _Refused
        key = str(key_node.value)
        if key in result or (key == "<<" and key_node.style is None):
            raise _Refused
        if type(value_node) is yaml.ScalarNode and value_node.tag == _STR_TAG and id(value_node) not in seen:
            seen.add(id(value_node))
            text = value_node.value
            result[key] = (None if text in _NULLS else _BOOLS.get(text, text)) if not value_node.style else text
        else:
            result[key] = _plain(value_node, depth + 1, seen)
    return result


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = exc.problem or "invalid YAML"
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        problem += f" {exc.context} that starts at line {exc.context_mark.line + 1}:{exc.context_mark.column + 1}"
    hint = "check indentation and quoting near this point"
    lines = text.splitlines()
    if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        hint = "YAML indentation must use spaces, not tabs"
    elif "expected a single document" in str(exc) or "but found another document" in str(exc):
        problem, hint = "more than one YAML document (a second '---')", "keep one card per file"
    elif "mapping values are not allowed" in problem:
        hint = "quote text that contains ': ' or put it in a block (answer: |)"
    return Problem(file, line, col, (), f"YAML syntax error: {problem}", hint)


class _Builder:
    """Turns composed nodes into plain Python data, recording positions and problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.values: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()

    def _refuse(self, node: yaml.Node, path: Path_, message: str, hint: str = "") -> None:
        line, col = _mark(node)
        self.problems.append(Problem(self.file, line, col, path, message, hint))

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.values[path] = _mark(node)
        if id(node) in self._seen:
            self._refuse(node, path, "anchors and aliases (&name, *name) are not allowed", "write the value out")
            return None
        self._seen.add(id(node))
        if depth > MAX_DEPTH:
            self._refuse(node, path, f"nested deeper than {MAX_DEPTH} levels")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self._refuse(node, path, f"YAML tag {node.tag!r} is not allowed")
                return None
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        return self._mapping(node, path, depth)

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        if node.tag != _STR_TAG:
            self._refuse(node, path, f"YAML tag {node.tag!r} is not allowed", "remove the '!' tag")
            return None
        text: str = node.value
        if not node.style:  # plain (None, or '' from libyaml): the only style YAML types
            if text in _NULLS:
                return None
            if text in _BOOLS:
                return _BOOLS[text]
        return text

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        if node.tag != _MAP_TAG:
            self._refuse(node, path, f"YAML tag {node.tag!r} is not allowed")
            return {}
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._refuse(key_node, path, "a key must be plain text, not a list or mapping")
                continue
            key = str(key_node.value)
            line, col = _mark(key_node)
            if key == "<<" and key_node.style is None:
                self._refuse(key_node, path, "merge keys (<<) are not allowed", "write the keys out")
                continue
            if key in first_line:
                self.problems.append(
                    Problem(
                        self.file,
                        line,
                        col,
                        (*path, key),
                        f"duplicate key '{key}' (first at line {first_line[key]}, again at line {line})",
                        "keep one of them: YAML would silently keep only the last",
                    )
                )
                continue
            first_line[key] = line
            self.keys[(*path, key)] = (line, col)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result
