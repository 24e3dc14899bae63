"""An answer's Markdown as LaTeX: paragraphs, emphasis, strong, code spans, lists (nested), block
quotes and links, every piece of text escaped by :func:`ethicard.escape.tex_text`.

Why a parser of its own: Python-Markdown (which the HTML card uses) is superlinear on some inputs
(long runs of ``[`` or backslashes) and recurses once per list level; markdown-it-py is linear but
spends about 28 µs per character on runs of brackets (5.6 s for 200 KB) and drops the text of
blocks nested past its limit. Answers use a small part of Markdown, and this module reads exactly
that part in one pass over the lines and one pass over each paragraph's characters (linear time,
no recursion), so a card of any size renders in time proportional to its size and shows all of
its text. What it does not read (headings, rules, tables, images, raw HTML, fences) is printed as
typed, as in the HTML card. Emphasis follows CommonMark's delimiter rules in a simplified form:
``_`` never emphasises inside a word (``snake_case`` ids stay as they are), and delimiters that
find no partner are printed as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .escape import TEX_BREAK, tex_inline, tex_source_lines, tex_text

# LaTeX allows six nested lists (quote is one), four of one kind; three leave room for an answer that a
# template puts inside a list of its own.
MAX_DEPTH = 3
_NEWLINES = re.compile(r"\r\n|[\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_QUOTE = re.compile(r" {0,3}> ?")
_ITEM = re.compile(r"( *)([-*+]|\d{1,9}[.)])( +|$)")
_RULE = re.compile(r" {0,3}([-*_])(?: *\1){2,} *$")
_URL = re.compile(r"(?:https?://|mailto:)[A-Za-z0-9\-._~:/?#@!&'*+,;=%]{1,2000}\Z")
_LINK_TAIL = re.compile(r"\]\(([^\s()]{1,2000})\)")
_AUTOLINK = re.compile(r"<([^\s<>]{1,2000})>")
_INLINE = re.compile(r"(?P<escape>\\[!-/:-@\[-`{-~])|(?P<ticks>`+)|(?P<delims>\*+|_+)|(?P<text>[^\\`*_\[\]<]+)|.", re.S)
_BEFORE_STRUCTURE = re.compile(r"\n\n(?=\\item |\\item\n|\\end\{|\\begin\{)")
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_BREAKABLE = re.compile(r"[ /_\u2000-\u200a\u205f\u3000]")
_SPACES = re.compile(r"[ \t\n]+")  # not a no-break space, which stays in the text
# A break point at least this often in a run of characters spread over several pieces (escape.py
# breaks runs within one piece).
_RUN_BREAK = 12


def href(url: str) -> str:
    """A web address as the first argument of ``\\href``: hyperref reads ``\\%``, ``\\#`` and
    ``\\&`` as the characters, also inside another command's argument."""
    return "".join("\\" + c if c in "%#&" else c for c in url)


def tex_link(url: object) -> str:
    """A web address as a link that shows the address (with break points); anything else as text."""
    text = str(url).strip(" \t")
    if _URL.match(text):
        return tex_source_lines(f"\\href{{{href(text)}}}{{{tex_text(text)}}}")
    return tex_inline(text)


@dataclass(slots=True)
class _Run:
    """A run of ``*`` or ``_``: what is left of it as text, and the commands it closes and opens
    (the latest pairing innermost: closes to the left of the text, opens to the right)."""

    char: str
    count: int
    position: int
    can_open: bool
    closes: str = ""
    opens: str = ""

    def __str__(self) -> str:
        return self.closes + tex_text(self.char * self.count) + self.opens


def _flanking(before: str, after: str) -> tuple[bool, bool]:
    left = not after.isspace() and (after not in _PUNCT or before.isspace() or before in _PUNCT)
    right = not before.isspace() and (before not in _PUNCT or after.isspace() or after in _PUNCT)
    return left, right


class _Inline:
    """One paragraph's inline Markdown, read left to right once. Openers wait on stacks; a closer
    pairs with the nearest opener of its kind and cancels every opener between the two, so the
    commands written are always properly nested."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[object] = []
        self.stacks: dict[str, list[_Run]] = {"*": [], "_": []}
        self.brackets: list[int] = []
        self.run = 0  # characters since the last point where a line may break
        self.pending: list[str] = []  # text not yet escaped: escaped together, in one piece
        ticks = [(m.start(), len(m.group(0))) for m in re.finditer(r"`+", text)]
        self.code_end: dict[int, tuple[int, int]] = {}  # opening run -> (closing run start, end)
        following: dict[int, tuple[int, int]] = {}
        for start, length in reversed(ticks):
            if length in following:
                self.code_end[start] = following[length]
            following[length] = (start, start + length)

    def _flush(self) -> None:
        if self.pending:
            source = "".join(self.pending)
            self.pending = []
            self._piece(source, tex_text(source))

    def _piece(self, source: str, latex: object) -> None:
        """Add the LaTeX for ``source``, after a break point when a run of characters without one
        would grow too long; text waiting in :attr:`pending` comes first."""
        self._flush()
        if self.run >= _RUN_BREAK and not _BREAKABLE.match(source):
            self.out.append(TEX_BREAK)
            self.run = 0
        last = _BREAKABLE.search(source[::-1])  # the last break point in the piece, if any
        self.run = last.start() if last else self.run + len(source)
        self.out.append(latex)

    def _text(self, source: str) -> None:
        self.pending.append(source)

    def _cancel_after(self, position: int) -> None:
        for stack in self.stacks.values():
            while stack and stack[-1].position > position:
                stack.pop()
        while self.brackets and self.brackets[-1] > position:
            self.brackets.pop()

    def _delimiters(self, run: str, start: int) -> None:
        char, end = run[0], start + len(run)
        before = self.text[start - 1] if start else " "
        after = self.text[end] if end < len(self.text) else " "
        left, right = _flanking(before, after)
        if char == "_":
            left, right = left and (not right or before in _PUNCT), right and (not left or after in _PUNCT)
        current = _Run(char, len(run), 0, left)
        self._piece(run, current)
        current.position = len(self.out) - 1
        stack = self.stacks[char]
        if right:
            self._close(current, stack)
        if current.count and current.can_open:
            stack.append(current)

    def _close(self, current: _Run, stack: list[_Run]) -> None:
        """Match the closing run ``current`` with the open runs of its character, innermost first."""
        while current.count and stack:
            opener = stack[-1]
            used = 2 if opener.count >= 2 and current.count >= 2 else 1
            opener.opens = ("\\textbf{" if used == 2 else "\\emph{") + opener.opens
            current.closes += "}"
            opener.count -= used
            current.count -= used
            self._cancel_after(opener.position)
            if not opener.count:
                stack.pop()

    def _link_end(self, position: int) -> int | None:
        """At a ``]``: close the innermost ``[`` as a link when ``(address)`` follows."""
        if not self.brackets:
            return None
        opener = self.brackets.pop()
        tail = _LINK_TAIL.match(self.text, position)
        if tail is None or not _URL.match(tail.group(1)):
            return None
        self._cancel_after(opener)
        self.brackets.clear()  # links do not nest: earlier brackets are text
        self._flush()
        url = tail.group(1)
        self.out[opener] = f"\\href{{{href(url)}}}{{"
        label_empty = opener == len(self.out) - 1
        self._piece(url if label_empty else "", (tex_text(url) if label_empty else "") + "}")
        return tail.end()

    def render(self) -> str:
        text, position = self.text, 0
        while position < len(text):
            match = _INLINE.match(text, position)
            assert match is not None  # the last alternative matches any character
            kind, token = match.lastgroup, match.group(0)
            end = match.end()
            if kind == "escape":
                self._text(token[1])
            elif kind == "ticks":
                end = self._code(token, position, end)
            elif kind == "delims":
                self._delimiters(token, position)
            elif kind == "text":
                self._text(token)
            else:
                end = self._mark(token, position) or end
            position = end
        self._flush()
        return "".join(map(str, self.out))

    def _code(self, ticks: str, position: int, end: int) -> int:
        """At a run of backticks from ``position`` to ``end``: a code span when a run as long closes it,
        else text; where to go on."""
        closing = self.code_end.get(position)
        if closing is None:
            self._text(ticks)
            return end
        code = self.text[end : closing[0]]
        if code.startswith(" ") and code.endswith(" ") and code.strip(" "):
            code = code[1:-1]
        self._piece(code, f"\\texttt{{{tex_text(code)}}}")
        return closing[1]

    def _mark(self, token: str, position: int) -> int | None:
        """A bracket or ``<`` (a link's start or end, an autolink) or any other character: where to go
        on when it took more than itself."""
        if token == "[":
            self._piece(token, "{[}")
            self.brackets.append(len(self.out) - 1)
            return None
        if token == "]":
            link_end = self._link_end(position)
            if link_end is None:
                self._text(token)
            return link_end
        auto = _AUTOLINK.match(self.text, position) if token == "<" else None
        if auto and _URL.match(auto.group(1)):
            url = auto.group(1)
            self._piece(url, f"\\href{{{href(url)}}}{{{tex_text(url)}}}")
            return auto.end()
        self._text(token)
        return None


def inline(text: str) -> str:
    """One paragraph of inline Markdown as LaTeX, on source lines of bounded length."""
    return tex_source_lines(_Inline(_SPACES.sub(" ", text).strip(" ")).render())


def _interrupts(marker: re.Match[str], line: str) -> bool:
    """Whether a list item may start in the middle of a paragraph (CommonMark): not when it is empty
    or numbered from anything but 1, as in a line that starts with '2024.'."""
    number = marker.group(2)[:-1]
    return bool(line[marker.end() :].strip(" \t")) and (not number.isdigit() or int(number) == 1)


def _unquoted(line: str) -> tuple[str, int]:
    """The line without its quote marks ('>'), and how many it had (at most :data:`MAX_DEPTH`)."""
    depth, start = 0, 0
    while quote := _QUOTE.match(line, start):
        depth += 1
        start = quote.end()
    return line[start:], min(depth, MAX_DEPTH)


@dataclass
class _List:
    kind: str  # itemize | enumerate
    marker_indent: int
    content_indent: int


class _Blocks:
    """The block structure, line by line: quotes (only at the start of a line), lists nested by
    indentation (deeper than :data:`MAX_DEPTH` they continue at the deepest level) and paragraphs."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.quotes = 0
        self.lists: list[_List] = []
        self.paragraph: list[str] = []
        self.blank = False

    def flush(self) -> None:
        if self.paragraph:
            self.out.append(inline(" ".join(self.paragraph)) + "\n\n")
            self.paragraph = []

    def close_lists(self, keep: int = 0) -> None:
        while len(self.lists) > keep:
            self.out.append(f"\\end{{{self.lists.pop().kind}}}\n")

    def set_quotes(self, depth: int) -> None:
        self.flush()
        self.close_lists()
        while self.quotes > depth:
            self.out.append("\\end{quote}\n")
            self.quotes -= 1
        while self.quotes < depth:
            self.out.append("\\begin{quote}\n")
            self.quotes += 1

    def item(self, marker: re.Match[str], rest: str) -> None:
        self.flush()
        indent = len(marker.group(1))
        spaces = len(marker.group(3))
        content = indent + len(marker.group(2)) + (spaces if 0 < spaces <= 4 else 1)
        kind = "enumerate" if marker.group(2)[0].isdigit() else "itemize"
        while self.lists and self.lists[-1].marker_indent > indent:
            self.close_lists(len(self.lists) - 1)
        top = self.lists[-1] if self.lists else None
        nested = top is None or indent >= top.content_indent
        if nested and self.quotes + len(self.lists) >= MAX_DEPTH:
            nested = False  # too deep for LaTeX: the item continues the deepest list
        if not nested and top is not None and top.kind != kind:
            self.close_lists(len(self.lists) - 1)
            nested = True
        if nested:
            self.lists.append(_List(kind, indent, content))
            self.out.append(f"\\begin{{{kind}}}\n")
        self.out.append("\\item ")
        text = rest[marker.end() :]
        if text.strip(" \t"):
            self.paragraph.append(text)

    def text(self, rest: str) -> None:
        indent = len(rest) - len(rest.lstrip(" "))
        if self.lists:
            keep = len(self.lists)
            while keep and self.lists[keep - 1].content_indent > indent:
                keep -= 1
            if keep < len(self.lists) and (self.blank or not self.paragraph):
                self.flush()
                self.close_lists(keep)
        if self.blank:
            self.flush()
        self.paragraph.append(rest)

    def line(self, raw: str) -> None:
        rest, depth = _unquoted(raw.expandtabs(4))
        lazy = depth < self.quotes and self.paragraph and not self.blank and rest.strip(" \t")
        if depth != self.quotes and not lazy:
            self.set_quotes(depth)
        if not rest.strip(" \t"):
            self.flush()
            self.blank = True
            return
        marker = self._marker(rest)
        if marker is not None and not (lazy and not self.lists):
            self.item(marker, rest)
        else:
            self.text(rest)
        self.blank = False

    def _marker(self, rest: str) -> re.Match[str] | None:
        """The list item marker that starts ``rest``, unless the line continues a paragraph it may not interrupt."""
        marker = None if _RULE.match(rest) else _ITEM.match(rest)
        if marker and self.paragraph and not self.blank and not self.lists and not _interrupts(marker, rest):
            return None
        return marker

    def finish(self) -> str:
        self.set_quotes(0)
        latex = re.sub(r"\n{3,}", "\n\n", "".join(self.out))
        return _BEFORE_STRUCTURE.sub("\n", latex).strip("\n")


def tex_markdown(text: object) -> str:
    """An answer's Markdown as LaTeX; every character of text printed as typed, never a command
    of its own; paragraphs separated by blank lines, lists and quotes as LaTeX environments."""
    blocks = _Blocks()
    for raw in _NEWLINES.sub("\n", str(text)).split("\n"):
        blocks.line(raw)
    return blocks.finish()
