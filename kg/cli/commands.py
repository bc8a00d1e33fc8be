"""The whole typer app: importing the command modules registers their commands on `app` (kg.cli.base).

`run` is what the console script falls back to for anything kg.cli.quick does not answer itself.
"""

from __future__ import annotations

import copy

import typer
import typer.main

import kg.cli.core
import kg.cli.explore
import kg.cli.sparql
import kg.cli.views  # noqa: F401 (importing the command modules registers their commands)
from kg.cli.base import app
from kg.cli.bench import bench_app

app.add_typer(bench_app, name="bench")

__all__ = ["app", "run"]


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


def run(args: list[str]) -> None:
    """Parse `args` with typer and run the command they name (typer exits with its status)."""
    _app_for(args)(args)
