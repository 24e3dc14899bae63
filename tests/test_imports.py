"""No import inside a function except to keep start-up lean, and then a short comment says so.

cli.py is left out: its module docstring explains its lazy imports.  Elsewhere each
function-level import needs a comment on its line or on one of the two lines above it, or, for a
run of imports one after another, near the first import of the run (one comment for the group).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from conftest import ROOT

PACKAGE = ROOT / "ethicard"

Import = ast.Import | ast.ImportFrom


def _runs(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[list[Import]]:
    """The runs of consecutive import statements in every statement list inside ``function``."""
    for node in ast.walk(function):
        for name in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(node, name, None)
            if not isinstance(block, list):
                continue
            run: list[Import] = []
            for statement in block:
                if isinstance(statement, ast.Import | ast.ImportFrom):
                    run.append(statement)
                    continue
                if run:
                    yield run
                run = []
            if run:
                yield run


def _commented(lines: list[str], lineno: int) -> bool:
    """A ``#`` on line ``lineno`` (1-based) or on one of the two lines above it."""
    return any("#" in lines[index - 1] for index in range(max(1, lineno - 2), lineno + 1))


def _uncommented() -> list[str]:
    found: list[str] = []
    files = sorted([*PACKAGE.glob("*.py"), *(PACKAGE / "images").glob("*.py")])
    assert files
    for path in files:
        if path.name == "cli.py":
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        seen: set[int] = set()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for run in _runs(node):
                first = run[0].lineno
                for statement in run:
                    if statement.lineno in seen:
                        continue  # a nested function's imports are met again from each enclosing function
                    seen.add(statement.lineno)
                    if not (_commented(lines, statement.lineno) or _commented(lines, first)):
                        relative = path.relative_to(ROOT)
                        found.append(f"{relative}:{statement.lineno}: {lines[statement.lineno - 1].strip()}")
    return found


def test_every_function_level_import_says_why() -> None:
    assert _uncommented() == []


def test_the_rule_sees_an_uncommented_import() -> None:
    source = "def f() -> None:\n    import json\n\n    json.dumps(1)\n"
    lines = source.splitlines()
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef)
    [run] = list(_runs(function))
    assert [statement.lineno for statement in run] == [2]
    assert not _commented(lines, 2)
    assert _commented(["def f() -> None:", "    import json  # lazy: keeps start-up lean"], 2)
