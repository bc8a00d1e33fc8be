"""CLI command for the HTML graph views: `kg view` (registered on kg.cli.base).

pyvis and networkx are imported inside the command (through kg.views.graph), so `kg --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.base import AsOfOpt, ConfOpt, DataOpt, NoCacheOpt, _graph, app
from kg.model.errors import UsageError

_KINDS = "NAME, --impact NAME, --exposure NAME, --path FROM TO or --all"


@app.command()
def view(
    name: Annotated[str | None, typer.Argument(help="Draw the neighbourhood of this node.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file to write (required).")] = None,
    depth: Annotated[int, typer.Option(
        "--depth", help="Neighbourhood: hops from NAME, 1 to 30 or -1 for no limit.")] = 2,
    direction: Annotated[str, typer.Option("--direction", help="Neighbourhood: down, up or both.")] = "both",
    impact: Annotated[str | None, typer.Option(
        "--impact", help="Draw what `kg impact NAME` answers.")] = None,
    exposure: Annotated[str | None, typer.Option(
        "--exposure", help="Draw what `kg exposure NAME` answers.")] = None,
    path: Annotated[tuple[str, str] | None, typer.Option(
        "--path", help="Draw what `kg paths FROM TO` answers.")] = None,
    whole: Annotated[bool, typer.Option("--all", help="Draw the whole dependency layer.")] = False,
    as_of: AsOfOpt = None, min_confidence: ConfOpt = "C", data: DataOpt = None,
    max_hops: Annotated[int | None, typer.Option("--max-hops", help=(
        "Impact/exposure/path: longest chain, 1 to 30 or -1 for no limit (path: 8 by default, -1 means 30)."))] = None,
    max_paths: Annotated[int, typer.Option("--max-paths", help="Path: draw at most this many (1 or more).")] = 20,
    max_nodes: Annotated[int, typer.Option(
        "--max-nodes", help="Trim the farthest nodes above this (1 or more).")] = 1000,  # kg.views.MAX_NODES
    layout: Annotated[str | None, typer.Option(
        "--layout", help="force or layered (default: layered up to 150 nodes, else force).")] = None,
    instruments: Annotated[bool, typer.Option("--instruments", help="Also draw the instruments "
                                              "restricting the nodes.")] = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Write an interactive, offline HTML graph: a neighbourhood, an impact, an exposure, paths or all."""
    from kg.cli.render import note

    kinds = {"neighbourhood": name, "impact": impact, "exposure": exposure, "path": path, "all": whole}
    flags = {"neighbourhood": "NAME", "impact": "--impact", "exposure": "--exposure", "path": "--path",
             "all": "--all"}
    chosen = [k for k, v in kinds.items() if v]
    if len(chosen) != 1:
        given = ", ".join(flags[k] for k in chosen)
        raise UsageError(f"give exactly one of {_KINDS}" + (f" (got {given})" if chosen else ""))
    if out is None:
        raise UsageError("give the file to write with --out FILE.html")
    kind = chosen[0]
    first: str | None = path[0] if path else (None if kind == "all" else str(kinds[kind]))
    report = _graph(data, no_cache=no_cache).view(
        first, out=out, kind=kind, target=path[1] if path else None, as_of=as_of,
        min_confidence=min_confidence, depth=depth, direction=direction, max_hops=max_hops,
        max_paths=max_paths, max_nodes=max_nodes, layout=layout, instruments=instruments)
    for line in report["notes"]:
        note(f"note: {line}")
    note(f"wrote {report['path']}: {report['nodes']} nodes, {report['edges']} edges, {report['bytes'] / 1024:.0f} KB")
