"""The `kg` command line: thin typer commands over the core, one module per group of commands.

`app` (kg.cli.app) holds the typer app and the shared options; importing the command modules here
registers their commands on it. `main` is the console script.
"""

from __future__ import annotations

import sys

from kg.cli import core, explore, sparql, views
from kg.cli.app import app
from kg.cli.bench import bench_app
from kg.model.errors import KGError

app.add_typer(bench_app, name="bench")

__all__ = ["app", "core", "explore", "main", "sparql", "views"]


def main() -> None:
    """Console entry point: run the app, turning core errors into one-line messages."""
    try:
        app()
    except KGError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
