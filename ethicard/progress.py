"""A one-line progress bar on standard error, and the stream of output it is drawn between.

Commands yield their output as (standard output, standard error) text; :func:`with_progress` adds
the bar's text to that stream, cleared before any line it would garble and redrawn after, so the
command line only writes what it is given.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator


class ProgressBar:
    """A one-line bar, redrawn at most ten times a second: ``[#####.....] 512/1000 cards, 80/s``,
    or ``512 images, 80/s`` when the total is not known in advance."""

    def __init__(
        self, total: int | None, *, unit: str = "cards", width: int = 30, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.total, self.unit, self.width, self.clock = total, unit, width, clock
        self.started = clock()
        self._drawn_at: float | None = None
        self._shown = 0

    def update(self, done: int) -> str:
        """The text that redraws the bar, or nothing when it was redrawn less than 0.1 s ago."""
        now = self.clock()
        last = self.total is not None and done >= self.total
        if not last and self._drawn_at is not None and now - self._drawn_at < 0.1:
            return ""
        self._drawn_at = now
        rate = f"{done / max(now - self.started, 1e-9):,.0f}/s"
        if self.total is None:
            line = f"{done} {self.unit}, {rate}"
        else:
            filled = self.width * done // max(self.total, 1)
            line = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} {self.unit}, {rate}"
        self._shown = len(line)
        return "\r" + line

    def clear(self) -> str:
        """The text that erases the bar (nothing when none is shown)."""
        if not self._shown:
            return ""
        text, self._shown = "\r" + " " * self._shown + "\r", 0
        return text


def with_progress(
    records: Iterable[tuple[str, str]], bar: ProgressBar | None, *, shares_screen: bool
) -> Iterator[tuple[str, str]]:
    """Each record's (standard output, standard error) text with the bar drawn after it.

    The bar is cleared before text on standard error, and before text on standard output when
    that is the same screen (``shares_screen``); it is gone at the end."""
    if bar is None:
        yield from records
        return
    for done, (out, err) in enumerate(records, 1):
        clear = bar.clear() if err or (out and shares_screen) else ""
        if clear:
            yield "", clear
        yield out, err + bar.update(done)
    yield "", bar.clear()
