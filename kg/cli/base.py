"""The typer app of the `kg` command line, its shared options and the rules every command follows.

Core errors (KGError) become one line on stderr and an exit code inside the group, so neither the
console script nor typer's test runner ever shows a traceback. The exit codes are `EXIT_CODES`
(docs/cli.md is generated from it); help shows conventional placeholders (`NAME`, `PATH`, `DATE`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.exceptions import TyperException

from kg.cli.coerce import install as plain_coercion
from kg.model.errors import KGError, UsageError
from kg.model.version import __version__

if TYPE_CHECKING:
    from kg.api import Graph

EXIT_CODES: dict[int, str] = {
    0: "Success. An empty answer is a success too: the JSON or table is empty and one line on stderr "
       "says why (for example, everything downstream is already exposed).",
    1: "The data or a store failed: `kg validate` found violations, a data file is malformed or missing, "
       "a name or instrument is unknown or ambiguous, an endpoint or store did not answer.",
    2: "Usage: a bad option or argument (a number out of bounds, a malformed date, an unknown format or "
       "status), a SPARQL syntax error, or a SPARQL update (the graph is read-only).",
    70: "An unexpected failure of the tool itself (a bug): one line on stderr; rerun with `KG_DEBUG=1` for the "
        "traceback and please report it.",
    130: "Interrupted (Ctrl-C).",
}
INTERNAL_ERROR = 70

BOUNDS_RULE = ("hop bounds (`--max-hops`, `--depth`) take 1 to 30, or -1 for no limit (for paths, "
               "-1 means 30, since path enumeration is always bounded); counts (`--max-paths`, `--top`, "
               "`--max-nodes`) take 1 or more. Anything else exits 2 with a one-line message.")

# Conventional help placeholders by option name; other options fall back to their type's word.
METAVARS = {
    "--data": "PATH", "--format": "FORMAT", "--as-of": "DATE", "--from": "DATE", "--to": "DATE",
    "--min-confidence": "GRADE", "--endpoint": "URL", "--store": "STORE", "--store-path": "DIR",
    "--param": "NAME=VALUE", "--out": "PATH", "--html": "FILE", "--covers": "NAME", "--material": "NAME",
    "--status": "STATUS", "--destination": "COUNTRY", "--impact": "NAME", "--exposure": "NAME",
    "--path": "FROM TO", "--layout": "LAYOUT", "--direction": "DIRECTION", "--graph": "IRI", "--host": "HOST",
    "--port": "PORT", "--timeout": "SECONDS",
}
TYPE_METAVARS = {"int": "N", "float": "NUMBER", "str": "TEXT", "Path": "PATH", "list[Path]": "PATH",
                 "list[str]": "TEXT"}
ARGUMENT_METAVARS = {"start": "FROM", "end": "TO"}


class _Argument(TyperArgument):
    """An argument shown the conventional way: NAME when required, [NAME] when optional, NAME... when repeated."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        return (name if self.required else f"[{name}]") + ("..." if self.nargs != 1 else "")

    def _rich_display_name(self) -> str:
        return self.display_name_raw + ("..." if self.nargs != 1 else "")

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _conventional(command: Any) -> None:
    """Give every parameter of `command` (and its subcommands) a conventional placeholder."""
    for sub in getattr(command, "commands", {}).values():
        _conventional(sub)
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.__class__ = _Argument  # same layout, conventional display only
            param.metavar = param.metavar or ARGUMENT_METAVARS.get(str(param.name), str(param.name).upper())
        elif isinstance(param, TyperOption) and not param.is_flag and param.metavar is None:
            long_name = max(param.opts, key=len)
            bare = param.bare_type()
            param.metavar = METAVARS.get(long_name) or TYPE_METAVARS.get(bare, bare.upper())


class _Group(TyperGroup):
    """Turns core errors into one line on stderr and the error's exit code, for every command; an
    unexpected failure becomes one line too (KG_DEBUG=1 shows the traceback)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _conventional(self)

    def parse_args(self, ctx: Any, args: Any) -> Any:
        plain_coercion(self.get_params(ctx))  # keeps pydantic out of a plain call (kg.cli.coerce)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: Any) -> Any:
        name, cmd, rest = super().resolve_command(ctx, args)
        if cmd is not None:
            plain_coercion(cmd.get_params(ctx))
        return name, cmd, rest

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, TyperException, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("KG_DEBUG"):
                raise
            first = (str(exc).strip().splitlines() or [""])[0][:200]
            typer.echo(f"error: unexpected failure ({type(exc).__name__}: {first}); rerun with KG_DEBUG=1 "
                       "for the traceback and please report it", err=True)
            raise typer.Exit(INTERNAL_ERROR) from None


app = typer.Typer(
    name="kg", cls=_Group, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Sourced knowledge graph of China's export controls on strategic materials: controls, "
         "status on any date, dependency paths, impact and exposure.",
)


def version_line() -> str:
    """`kg --version`: the software and the data release it ships."""
    from kg.store.dataset import read_dataset

    dataset = read_dataset()
    return f"exportkg {__version__} (data {dataset.version}, issued {dataset.issued})"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit(0)


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_print_version,
        help="Print the version of exportkg and of its data release, and exit.")] = False) -> None:
    """Sourced knowledge graph of China's export controls on strategic materials."""


DataOpt = Annotated[list[Path] | None, typer.Option(
    "--data", "-d", help="Extra Turtle file or folder to load (repeatable).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="Output: table, json or csv.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: today).")]
ConfOpt = Annotated[str, typer.Option("--min-confidence", help="Weakest edge grade to follow: A, B or C.")]
EndpointOpt = Annotated[str | None, typer.Option("--endpoint", help="Run against a SPARQL 1.1 endpoint URL.")]
StoreOpt = Annotated[str, typer.Option("--store", help="Triple store for SPARQL: rdflib or oxigraph.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Ignore the compiled cache.")]
MaxHopsOpt = Annotated[int | None, typer.Option(
    "--max-hops", help="Follow at most this many edges: 1 to 30, or -1 for no limit (default: no limit).")]
JurisdictionOpt = Annotated[list[str] | None, typer.Option(
    "--jurisdiction", "-j", metavar="CODE",
    help="Only measures of this jurisdiction: CN, US, NL, JP, EU, TW or a name (repeatable; default all).")]


def _fmt(fmt: str, allowed: tuple[str, ...] = ("table", "json", "csv")) -> str:
    if fmt not in allowed:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(allowed)}")
    return fmt


def _graph(data: list[Path] | None, *, endpoint: str | None = None, store: str | None = None,
           no_cache: bool = False) -> Graph:
    """The API object every command asks (packaged data + --data files, or an endpoint)."""
    from kg.api import open as open_graph

    return open_graph(tuple(data or ()), endpoint=endpoint, store=store, cache=not no_cache)
