"""The `kg` command line: thin typer commands over the core, one module per group of commands.

`app` (kg.cli.app) holds the typer app and the shared options; importing the command modules here
registers their commands on it. `main` is the console script.
"""

from __future__ import annotations

import copy
import gc
import sys

import typer
import typer.main

from kg.cli import core, explore, sparql, views
from kg.cli.app import app
from kg.cli.bench import bench_app
from kg.model.errors import KGError

app.add_typer(bench_app, name="bench")

__all__ = ["app", "core", "explore", "main", "sparql", "views"]


def _app_for(args: list[str]) -> typer.Typer:
    """`app` with only the command about to run registered: typer builds (and reads the signature of)
    every registered command before it runs one, a third of a cached call. Anything else, such as
    `kg --help` or an unknown name, gets the whole app."""
    name = next((a for a in args if not a.startswith("-")), None)
    commands = [c for c in app.registered_commands
                if (c.name or typer.main.get_command_name(c.callback.__name__ if c.callback else "")) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if len(commands) + len(groups) != 1:
        return app
    light = copy.copy(app)
    light.registered_commands, light.registered_groups = commands, groups
    light.info = copy.copy(app.info)
    light.info.callback = _group  # keeps it a group: typer turns an app of one command into that command
    return light


def _group() -> None:
    """(the group's callback; it has nothing to do)"""


def main() -> None:
    """Console entry point: run the app, turning core errors into one-line messages."""
    # A command builds many objects that live until it exits (rows of the snapshot, answer rows): with
    # the default thresholds the collector keeps rescanning them (a fifth of a large answer's time).
    gc.set_threshold(100_000, 50, 50)
    try:
        _app_for(sys.argv[1:])()
    except KGError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
