"""Running one function over many files in worker processes, results in the order of the files.

``inspect`` is bound by reading headers and ``stamp`` by the fsync of each atomic write; both
overlap across processes.  The number of processes never exceeds the cores this process may use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_CALL: dict[str, Any] = {}  # per worker: the function and its fixed arguments, set once


def _start(function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the command, which stops the workers
    _CALL["call"] = (function, args)


def _run(item: Any) -> Any:
    function, args = _CALL["call"]
    return function(item, *args)


def ordered_map(
    function: Callable[..., Result], items: Iterable[Item], args: tuple[Any, ...], jobs: int
) -> Iterator[Result]:
    """``function(item, *args)`` for each item, in order; ``jobs`` processes (0: one per core)."""
    from ..batch import cores

    workers = min(jobs or cores(), cores())
    if workers <= 1:
        yield from (function(item, *args) for item in items)
        return
    import multiprocessing

    with multiprocessing.Pool(workers, _start, (function, args)) as pool:
        yield from pool.imap(_run, items, 16)
