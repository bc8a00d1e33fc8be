"""The `kg` command line: thin typer commands over the core, one module per group of commands.

`app` (kg.cli.base) holds the typer app and the shared options; kg.cli.commands imports the command
modules, which registers their commands on it. `main` is the console script: the everyday cached
answers in JSON are given by kg.cli.quick without importing typer (a fifth of such a call); anything
else goes through the typer app. `from kg.cli import app` gives the whole app.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import Any

from kg.model.errors import KGError

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name == "app":  # the typer app with every command, imported on first use
        from kg.cli.commands import app

        return app
    raise AttributeError(f"module 'kg.cli' has no attribute {name!r}")


def main() -> None:
    """Console entry point: run the command, turning core errors into one-line messages."""
    # A command builds many objects that live until it exits (rows of the snapshot, answer rows): with
    # the default thresholds the collector keeps rescanning them (a fifth of a large answer's time).
    gc.set_threshold(100_000, 50, 50)
    args = sys.argv[1:]
    try:
        from kg.cli.quick import answer

        if answer(args):
            _leave()
        from kg.cli.commands import run

        run(args)
    except KGError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)


def _leave() -> None:
    """Exit at once after a quick answer: the answer is written and nothing is left open, so the
    interpreter's teardown (freeing every row of a large answer one by one, a tenth of its time) is
    skipped. A closed pipe (`| head`) is not an error."""
    with contextlib.suppress(BrokenPipeError):
        sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
