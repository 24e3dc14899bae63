"""Running one function over many items in worker processes, results in the order of the items.

``check`` is bound by validating each card, ``inspect`` by reading headers and ``stamp`` by the
fsync of each atomic write; all three overlap across processes.  The number of processes never
exceeds the cores this process may use (more would only cost memory), and results are streamed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_CALL: dict[str, Any] = {}  # per worker: the function and its fixed arguments, set once


def cores() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _start(function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    import signal  # imported here: only worker processes need it

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the command, which stops the workers
    _CALL["call"] = (function, args)


def _run(item: Any) -> Any:
    function, args = _CALL["call"]
    return function(item, *args)


def ordered_map(
    function: Callable[..., Result],
    items: Iterable[Item],
    args: tuple[Any, ...],
    jobs: int,
    *,
    total: int | None = None,
) -> Iterator[Result]:
    """``function(item, *args)`` for each item, in order; ``jobs`` processes (0: one per core).

    The fixed ``args`` (a checklist, say) reach each worker once, not once per item.  With the
    ``total`` number of items known, no more processes start than there are items, and the items
    are passed in chunks that keep every worker busy and the results flowing."""
    workers = min(jobs or cores(), cores(), total if total is not None else cores())
    if workers <= 1:
        yield from (function(item, *args) for item in items)
        return
    import multiprocessing  # imported only when there is more than one worker; keeps one-card runs lean

    chunksize = 16 if total is None else max(1, min(32, total // (workers * 8)))
    # fork: workers start warm, with ethicard imported and the checklist loaded (3.14 defaults to forkserver)
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with context.Pool(workers, _start, (function, args)) as pool:
        yield from pool.imap(_run, items, chunksize)
