"""A one-line progress display on stderr for long commands (only on a terminal; pipes stay clean)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def progress_line(label: str, *, every: float = 0.1) -> tuple[Progress | None, Callable[[], None]]:
    """A (stage, done, total) callback that redraws `label: stage done/total` in place, and a function
    that clears the line. Both do nothing when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None, lambda: None
    last = [0.0]

    def show(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < every:
            return
        last[0] = now
        sys.stderr.write(f"\r\033[K{label}: {stage} {done}/{total}")
        sys.stderr.flush()

    def clear() -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()

    return show, clear
