"""The only YAML reader: safe, positions kept, YAML 1.1 traps defused, hostile input refused.

Plain scalars are never guessed into numbers, dates or ``yes``/``no`` booleans: they stay text,
and the pydantic models convert text to numbers where a number is expected.  Only ``true`` and
``false`` become booleans and only ``null``, ``~`` and an empty value become nothing.

The data is built straight from the parser's events, one at a time, with an explicit stack:
PyYAML's composer (which recurses once per nesting level and expands aliases) never runs.  So a
document nested 100,000 levels deep is refused at level :data:`MAX_DEPTH` without reading the
rest, and a "billion laughs" document is refused at its first anchor without expanding anything.
Anchors, aliases, tags, merge keys, non-text keys, duplicate keys and a second document are
refused with their line and column; characters YAML cannot hold, or reads as hidden line breaks,
are refused before parsing.
"""

from __future__ import annotations

import bisect
import os
import re
from typing import Any

import yaml

from .errors import EthicardError, Path_, Problem, describe_character
from .files import DEFAULT_MAX_BYTES, read_text

try:  # libyaml's C parser when present: several times faster
    from yaml import CSafeLoader as _SafeBase
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeBase  # type: ignore[assignment]

MAX_DEPTH = 50
MAX_REPORTED = 10  # anchors, aliases or characters listed one by one before the rest are counted
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    yaml.ScalarEvent: {"!", f"{_CORE}str"},
    yaml.SequenceStartEvent: {"!", f"{_CORE}seq"},
    yaml.MappingStartEvent: {"!", f"{_CORE}map"},
}
_SCALAR_TAGS = _ALLOWED_TAGS[yaml.ScalarEvent]
# What YAML may not hold (outside its printable set), and NEL, LINE and PARAGRAPH SEPARATOR, which
# YAML 1.1 reads as line breaks although editors show none: everything but
# [\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff], listed directly because the
# negated class took 5 ms to compile at every start.
_REFUSED_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_REFUSED_ASCII = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])  # the same, within ASCII
_LINE_BREAK = re.compile("\r\n|\r|\n")


class _NoImplicitTypes(_SafeBase):
    """Parses only (its events are read one by one); nothing is resolved or constructed."""

    yaml_implicit_resolvers = {}  # noqa: RUF012 - PyYAML reads it from the class


class _PureNoImplicitTypes(yaml.SafeLoader):
    """The same, with PyYAML's Python parser: used only to locate a problem libyaml hides.

    Recent libyaml refuses nesting deeper than its own limit (1,000) as a syntax error, before
    the builder has seen level :data:`MAX_DEPTH`, because its scanner reads ahead; the Python
    parser has no such limit, so the builder's own located message is the one users see.
    """

    yaml_implicit_resolvers = {}  # noqa: RUF012 - PyYAML reads it from the class


class Document:
    """Plain data read from one YAML file, and where each value and key stands in it.

    Positions are only needed to point at a problem, and most cards have none: when the document
    was parsed from ``text``, they are worked out from it on first use.
    """

    def __init__(
        self,
        file: str,
        data: Any,
        values: dict[Path_, tuple[int, int]] | None = None,
        keys: dict[Path_, tuple[int, int]] | None = None,
        *,
        text: str | None = None,
    ) -> None:
        self.file = file
        self.data = data
        self.text = text  # the source text, kept to locate words inside values (advisory notes)
        self._values = values
        self._keys = keys
        self._text = text

    @property
    def values(self) -> dict[Path_, tuple[int, int]]:
        """Line and column (1-based) of each value, by path."""
        if self._values is None:
            self._index()
        assert self._values is not None
        return self._values

    @property
    def keys(self) -> dict[Path_, tuple[int, int]]:
        """Line and column (1-based) of each mapping key, by the path of its value."""
        if self._keys is None:
            self._index()
        assert self._keys is not None
        return self._keys

    def _index(self) -> None:
        """The positions of a document :func:`_plain` read (its text is one it accepted)."""
        values: dict[Path_, tuple[int, int]] = {}
        keys: dict[Path_, tuple[int, int]] = {}
        if self._text is not None:
            parser = _NoImplicitTypes(self._text)
            try:
                values, keys = _positions(parser)
            finally:
                parser.dispose()
        self._values = values if self._values is None else self._values
        self._keys = keys if self._keys is None else self._keys
        self._text = None

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


def parse(text: str, file: str = "<string>") -> Document:
    """Parse YAML text into plain data with positions; raise EthicardError on any problem."""
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise EthicardError([Problem(file, 1, 1, (), "the file is empty", "run 'ethicard init' for a skeleton")])
    refused = _refused_characters(text, file)
    if refused:
        raise EthicardError(refused)
    parser = _NoImplicitTypes(text)
    try:
        return Document(file, _plain(parser), text=text)
    except (_Refused, yaml.YAMLError):
        pass  # the builder below says what and where
    finally:
        parser.dispose()
    builder = _build(file, text, _NoImplicitTypes) or _build(file, text, _PureNoImplicitTypes)
    assert builder is not None  # the Python parser has no depth limit of its own
    if builder.problems:
        raise EthicardError(builder.problems)
    if not builder.documents:  # e.g. only a '...' document end marker
        raise EthicardError([Problem(file, 1, 1, (), "the file is empty", "run 'ethicard init' for a skeleton")])
    return Document(file, builder.root, builder.values, builder.keys, text=text)


def _build(file: str, text: str, parser_class: type[Any]) -> _Builder | None:
    """Events to data with positions, or None when libyaml's own depth limit stopped it (see
    :class:`_PureNoImplicitTypes`); any other syntax error is a located problem."""
    builder = _Builder(file)
    parser = parser_class(text)
    try:
        builder.consume(parser)
    except yaml.MarkedYAMLError as exc:
        if parser_class is not _PureNoImplicitTypes and "nesting depth" in str(exc.problem):
            return None
        raise EthicardError([_syntax_problem(file, exc, text)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - characters libyaml refuses were refused above
        raise EthicardError([Problem(file, 0, 0, (), f"YAML error: {exc}")]) from None
    finally:
        parser.dispose()
    return builder


def load(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "card") -> Document:
    """Read and parse one YAML file (``what`` it should be, a card or a checklist, for messages)."""
    return parse(read_text(path, max_bytes=max_bytes, what=what), os.fspath(path))


def short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:binary`` as the ``!!binary`` its author wrote."""
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def _refused_characters(text: str, file: str) -> list[Problem]:
    if text.isascii():  # most cards: deleting the refused bytes in C decides it several times faster
        raw = text.encode("ascii")
        if len(raw.translate(None, _REFUSED_ASCII)) == len(raw):
            return []
    problems: list[Problem] = []
    found = _REFUSED_CHARACTER.finditer(text)
    starts: list[int] = []
    for match in found:
        if not starts:
            starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        line = bisect.bisect_right(starts, match.start())
        col = match.start() - starts[line - 1] + 1
        if len(problems) == MAX_REPORTED:
            more = 1 + sum(1 for _ in found)
            problems.append(Problem(file, line, col, (), f"{more} more such characters from here on"))
            break
        char = match.group()
        if char in "\x85\u2028\u2029":
            message = f"contains the character {describe_character(char)}, which YAML reads as a line break"
            hint = "replace it with a normal line break or a space"
        else:
            message = f"contains the character {describe_character(char)}, which YAML does not allow"
            hint = "delete it: most editors do not show it"
        problems.append(Problem(file, line, col, (), message, hint))
    return problems


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    context = exc.context_mark
    if exc.context and context and (context.line + 1, context.column + 1) != (line, col):
        problem += f" {exc.context} that starts at line {context.line + 1}:{context.column + 1}"
    lines = _LINE_BREAK.split(text)
    current = lines[line - 1] if line - 1 < len(lines) else ""
    return Problem(file, line, col, (), f"YAML syntax error: {problem}", _syntax_hint(problem, current, col))


def _syntax_hint(problem: str, current: str, col: int) -> str:
    """What to do about a syntax error at column ``col`` of the line ``current``."""
    here = current[col - 1 : col]
    if "\t" in current[:col]:
        return "YAML indentation must use spaces, not tabs"
    if "cannot start any token" in problem and here in ("@", "`"):
        return f"text that starts with '{here}' must be put in quotes"
    if "mapping values are not allowed" in problem and col > 1024 and ": " not in current[:1024]:
        return "a key must be shorter than 1024 characters"
    if "escape" in problem:
        return "write the character itself, or a valid escape such as \\n or \\u00e9"
    if "mapping values are not allowed" in problem:
        return "quote text that contains ': ' or put it in a block (answer: |)"
    return "check indentation and quoting near this point"


class _Refused(Exception):
    """Raised by :func:`_plain` on anything :class:`_Builder` would refuse."""


_NO_KEY: Any = object()


def _plain(parser: Any) -> Any:
    """The document's plain data, read from the parser's events like :class:`_Builder` does, or
    :class:`_Refused` at anything the builder would refuse (an anchor or alias, a tag other than
    those that keep the value as it is, a key that is not plain text, a merge or duplicate key,
    nesting deeper than MAX_DEPTH, a second document or none).  This is the loader's hot path: it
    records no positions, which only problems need.  tests/test_loader_properties.py holds it to
    reading every document as the builder does.
    """
    stack: list[Any] = []  # the open mappings and lists
    pending: list[Any] = []  # for each, the key read and waiting for its value (_NO_KEY: none)
    root: Any = None
    documents = 0
    get_event = parser.get_event
    while True:
        event = get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            tag = event.tag  # None, or one of the tags that keep text as text ('!', '!!str')
            if event.anchor is not None or (tag is not None and tag not in _SCALAR_TAGS):
                raise _Refused
            text = event.value
            plain = tag is None and not event.style
            value = None if plain and text in _NULLS else _BOOLS.get(text, text) if plain else text
            if not stack:
                root = value
                continue
            top = stack[-1]
            if type(top) is list:
                top.append(value)
            elif pending[-1] is _NO_KEY:  # a key
                if text in top or (text == "<<" and plain):
                    raise _Refused
                pending[-1] = text
            else:
                top[pending[-1]] = value
                pending[-1] = _NO_KEY
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            tag = event.tag
            if event.anchor is not None or (tag is not None and tag not in _ALLOWED_TAGS[kind]):
                raise _Refused
            if len(stack) >= MAX_DEPTH:
                raise _Refused
            if stack and type(stack[-1]) is dict and pending[-1] is _NO_KEY:
                raise _Refused  # a list or mapping as a key
            stack.append({} if kind is yaml.MappingStartEvent else [])
            pending.append(_NO_KEY)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = stack.pop()
            pending.pop()
            if not stack:
                root = value
                continue
            top = stack[-1]
            if type(top) is list:
                top.append(value)
            else:
                top[pending[-1]] = value
                pending[-1] = _NO_KEY
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Refused
        elif kind is yaml.StreamEndEvent:
            if documents != 1:
                raise _Refused
            return root
        elif kind is not yaml.StreamStartEvent and kind is not yaml.DocumentEndEvent:
            raise _Refused  # an alias


def _positions(parser: Any) -> tuple[dict[Path_, tuple[int, int]], dict[Path_, tuple[int, int]]]:
    """Where each value and each key of a document :func:`_plain` accepted stands (line and column,
    1-based), by path: what :class:`_Builder` records, read in one lean pass.  Only a card with
    something to locate needs it.  tests/test_loader_properties.py holds the two to the same."""
    values: dict[Path_, tuple[int, int]] = {}
    keys: dict[Path_, tuple[int, int]] = {}
    paths: list[Path_] = []  # the path of each open mapping or list
    pending: list[Any] = []  # for a mapping, its key waiting for a value (_NO_KEY: none); for a list, its length
    mappings: list[bool] = []
    get_event = parser.get_event
    while True:
        event = get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            mark = event.start_mark
            if not paths:
                path: Path_ = ()
            elif mappings[-1]:
                if pending[-1] is _NO_KEY:  # a key: _plain accepted only text keys
                    pending[-1] = event.value
                    keys[(*paths[-1], event.value)] = (mark.line + 1, mark.column + 1)
                    continue
                path = (*paths[-1], pending[-1])
                pending[-1] = _NO_KEY
            else:
                path = (*paths[-1], pending[-1])
                pending[-1] += 1
            values[path] = (mark.line + 1, mark.column + 1)
            if kind is not yaml.ScalarEvent:
                paths.append(path)
                mappings.append(kind is yaml.MappingStartEvent)
                pending.append(_NO_KEY if kind is yaml.MappingStartEvent else 0)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            paths.pop()
            mappings.pop()
            pending.pop()
        elif kind is yaml.StreamEndEvent:
            return values, keys


class _Open:
    """A mapping or list being built, and where it goes once it is complete."""

    __slots__ = ("drop", "has_key", "key", "path", "value")

    def __init__(self, value: dict[str, Any] | list[Any] | None, path: Path_) -> None:
        self.value = value  # None: a refused key being skipped
        self.path = path
        self.key: str | None = None  # a mapping's pending key, once read
        self.has_key = False
        self.drop = False  # the pending key was refused: drop its value


class _Builder:
    """Turns parser events into plain Python data, recording positions and problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.root: Any = None
        self.documents = 0
        self.values: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._stack: list[_Open] = []
        self._first_line: list[dict[str, int]] = []
        self._references = 0  # anchors and aliases seen
        self._more_at: tuple[int, int, Path_] = (1, 1, ())

    def _refuse(self, mark: Any, path: Path_, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, path, message, hint))

    def consume(self, parser: Any) -> None:
        """Read events until the end of the stream, a second document, or too deep a nesting."""
        self._consume(parser)
        if self._references > MAX_REPORTED:
            line, col, path = self._more_at
            more = self._references - MAX_REPORTED
            self.problems.append(
                Problem(self.file, line, col, path, f"{more} more anchors and aliases from here on are not allowed")
            )

    def _consume(self, parser: Any) -> None:
        while True:
            event = parser.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self._refuse(
                        event.start_mark, (), "more than one YAML document (a second '---')", "keep one card per file"
                    )
                    return
            elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                self._node(event)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(self._stack) >= MAX_DEPTH:
                    self._refuse(
                        event.start_mark,
                        (),
                        f"lists and mappings nested more than {MAX_DEPTH} levels deep",
                        "cards and checklists need a few levels; look for an unclosed '[' or '{'",
                    )
                    return
                self._node(event)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                closed = self._stack.pop()
                if isinstance(closed.value, dict):
                    self._first_line.pop()
                self._place(closed.value)

    def _node(self, event: Any) -> None:
        """A scalar, alias or collection start: find its place, check it, then build it."""
        parent = self._stack[-1] if self._stack else None
        is_key = parent is not None and isinstance(parent.value, dict) and not parent.has_key
        skipping = parent is not None and (parent.value is None or parent.drop)
        path = self._path_for(parent)
        mark = event.start_mark
        if not skipping and not is_key:
            self.values[path] = (mark.line + 1, mark.column + 1)
        # An anchored value is still built (and checked); an alias, or a tagged value, is not.
        anchored = not skipping and self._refused_reference(event, path)
        refused = skipping or self._refused_tag(event, path) or isinstance(event, yaml.AliasEvent)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if is_key and not skipping and not refused:
                self._refuse(mark, path, "a key must be plain text, not a list or mapping", "write the key as text")
            container: dict[str, Any] | list[Any] | None
            container = None if refused or is_key else {} if isinstance(event, yaml.MappingStartEvent) else []
            self._stack.append(_Open(container, path))  # filled by the events up to its end
            if isinstance(container, dict):
                self._first_line.append({})
            return
        value = None if refused else _scalar(event)
        if is_key and not refused and not anchored and isinstance(event, yaml.ScalarEvent):
            self._key(event, path)
        else:
            self._place(value)

    def _path_for(self, parent: _Open | None) -> Path_:
        if parent is None:
            return ()
        if isinstance(parent.value, list):
            return (*parent.path, len(parent.value))
        if isinstance(parent.value, dict) and parent.has_key and not parent.drop:
            return (*parent.path, str(parent.key))
        return parent.path

    def _place(self, value: Any) -> None:
        """Put a finished value where it belongs: the root, a list, or a mapping as key or value."""
        if not self._stack:
            self.root = value
            return
        parent = self._stack[-1]
        if parent.value is None:
            return
        if isinstance(parent.value, list):
            parent.value.append(value)
        elif not parent.has_key:  # a refused key (alias, tagged, list or mapping): drop its value
            parent.has_key, parent.drop = True, True
        else:
            if not parent.drop:
                parent.value[str(parent.key)] = value
            parent.key, parent.has_key, parent.drop = None, False, False

    def _key(self, event: Any, path: Path_) -> None:
        parent = self._stack[-1]
        assert isinstance(parent.value, dict)
        key: str = event.value
        line, col = event.start_mark.line + 1, event.start_mark.column + 1
        first_line = self._first_line[-1]
        parent.has_key, parent.key = True, key
        if key == "<<" and _is_plain(event):
            self._refuse(event.start_mark, path, "merge keys (<<) are not allowed", "write the keys out")
            parent.drop = True
        elif key in first_line:
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
            parent.drop = True
        else:
            first_line[key] = line
            self.keys[(*path, key)] = (line, col)

    def _refused_reference(self, event: Any, path: Path_) -> bool:
        """Refuse an anchor or alias, listing the first few and counting the rest."""
        if isinstance(event, yaml.AliasEvent):
            what = f"YAML alias '*{event.anchor}'"
        elif event.anchor is not None:
            what = f"YAML anchor '&{event.anchor}'"
        else:
            return False
        self._references += 1
        if self._references <= MAX_REPORTED:
            self._refuse(event.start_mark, path, f"{what} is not allowed", "write each value out in full")
        elif self._references == MAX_REPORTED + 1:
            self._more_at = (event.start_mark.line + 1, event.start_mark.column + 1, path)
        return True

    def _refused_tag(self, event: Any, path: Path_) -> bool:
        tag = getattr(event, "tag", None)
        if tag is None or tag in _ALLOWED_TAGS[type(event)]:
            return False
        self._refuse(
            event.start_mark,
            path,
            f"YAML tag '{short_tag(tag)}' is not allowed",
            "remove it: ethicard reads only text, true/false, lists and mappings",
        )
        return True


class _CommentFinder(_Builder):
    """Finds plain values followed by `` #`` on their line: YAML reads the rest as a comment, so
    the words after it silently vanish from the value ("a 2D model # and 3D" is "a 2D model").
    Comments set off by two or more spaces are taken as meant (see _COMMENT_AFTER)."""

    def __init__(self, file: str, text: str) -> None:
        super().__init__(file)
        self._lines = _LINE_BREAK.split(text)
        self.found: list[Problem] = []

    def _node(self, event: Any) -> None:
        parent = self._stack[-1] if self._stack else None
        is_key = parent is not None and isinstance(parent.value, dict) and not parent.has_key
        end = event.end_mark
        if isinstance(event, yaml.ScalarEvent) and _is_plain(event) and not is_key and event.value and end:
            line = self._lines[end.line] if end.line < len(self._lines) else ""
            comment = _COMMENT_AFTER.match(line, end.column)
            if comment:
                path = self._path_for(parent)
                self.found.append(
                    Problem(
                        self.file,
                        end.line + 1,
                        comment.end(),
                        path,
                        f"warning: the text after ' #' is a YAML comment, not part of the value "
                        f"'{_shortened(event.value)}'",
                        "put the whole value in quotes to keep it",
                    )
                )
        super()._node(event)


# One space or tab before the '#': "a 2D model # and 3D" was meant as text.  A comment set off
# by two or more, as in the skeleton's "kind: model  # model | dataset | method", reads as meant.
_COMMENT_AFTER = re.compile(r"[ \t]#")
_OTHER_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


def _comment_candidate(text: str) -> bool:
    """Whether a ' #' or a tab and '#' follows a character that can end a plain value (not white
    space nor a line break), the regex ``[^ \t\r\n][ \t]#``: a warning needs one somewhere in
    the text, and most cards have none (whole-line comments only), so they skip the parse.  Found
    with str.find, in C; a scan for the regex took a millisecond of a 40 KB card."""
    for mark in (" #", "\t#"):
        at = text.find(mark, 1)
        while at != -1:
            if text[at - 1] not in " \t\r\n":
                return True
            at = text.find(mark, at + 1)
    return False


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def trailing_comments(text: str, file: str = "<string>") -> list[Problem]:
    """Warnings, located, for comments that follow a plain value on its line (parsed text only)."""
    # YAML's other line breaks would make its lines differ from _LINE_BREAK's: such a text is parsed.
    if not _comment_candidate(text) and (text.isascii() or not _OTHER_LINE_BREAKS.search(text)):
        return []  # no ' #' right after a character that can end a plain value: nothing to find
    finder = _CommentFinder(file, text)
    parser = _NoImplicitTypes(text)
    try:
        finder.consume(parser)
    except yaml.YAMLError:
        return []  # not valid YAML: its errors are reported by parse
    finally:
        parser.dispose()
    return finder.found[:MAX_REPORTED]


def _is_plain(event: yaml.ScalarEvent) -> bool:
    """Written without quotes or a tag: the only form YAML gives a type to."""
    return event.tag is None and not event.style


def _scalar(event: yaml.ScalarEvent) -> Any:
    text: str = event.value
    if _is_plain(event):
        if text in _NULLS:
            return None
        if text in _BOOLS:
            return _BOOLS[text]
    return text
