"""The typer app of the `kg` command line, its shared options and the helpers every command uses.

Core errors (KGError) become one line on stderr and an exit code inside the group, so neither the
console script nor typer's test runner ever shows a traceback.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from kg.model.errors import KGError, UsageError

if TYPE_CHECKING:
    from kg.api import Graph


INTERNAL_ERROR = 70  # an unexpected failure of the tool itself (a bug); exit codes are listed in docs/cli.md


class _Group(TyperGroup):
    """Turns core errors into one line on stderr and the error's exit code, for every command; an
    unexpected failure becomes one line too (KG_DEBUG=1 shows the traceback)."""

    def invoke(self, ctx):
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

DataOpt = Annotated[list[Path] | None, typer.Option(
    "--data", "-d", help="Extra Turtle file or folder to load (repeatable).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="Output: table, json or csv.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: today).")]
ConfOpt = Annotated[str, typer.Option("--min-confidence", help="Weakest edge grade to follow: A, B or C.")]
EndpointOpt = Annotated[str | None, typer.Option("--endpoint", help="Run against a SPARQL 1.1 endpoint URL.")]
StoreOpt = Annotated[str, typer.Option("--store", help="Triple store for SPARQL: rdflib or oxigraph.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Ignore the compiled cache.")]
JurisdictionOpt = Annotated[list[str] | None, typer.Option(
    "--jurisdiction", "-j", metavar="CODE",
    help="Only measures of this jurisdiction: CN, US, NL, JP, EU, TW or a name (repeatable; default all).")]


def _date(text: str | None, option: str = "--as-of") -> date:
    from kg.api import parse_date

    return parse_date(text, option)


def _fmt(fmt: str, allowed: tuple[str, ...] = ("table", "json", "csv")) -> str:
    if fmt not in allowed:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(allowed)}")
    return fmt


def _grade(grade: str) -> str:
    from kg.api import parse_grade

    return parse_grade(grade)


def _graph(data: list[Path] | None, *, endpoint: str | None = None, store: str | None = None,
           no_cache: bool = False) -> Graph:
    """The API object every command asks (packaged data + --data files, or an endpoint)."""
    from kg.api import open as open_graph

    return open_graph(tuple(data or ()), endpoint=endpoint, store=store, cache=not no_cache)
