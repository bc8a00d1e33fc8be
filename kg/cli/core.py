"""The core query commands: info, validate, impact, exposure, paths, controls, control, timeline,
changes, what-if and chokepoints. Each is a thin typer command over one method of the Python API
(kg.api): `--format json` prints the method's answer as it is; tables and CSV show chosen columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kg.cli.base import (
    AsOfOpt,
    ConfOpt,
    DataOpt,
    EndpointOpt,
    FormatOpt,
    JurisdictionOpt,
    MaxHopsOpt,
    NoCacheOpt,
    _fmt,
    _graph,
    app,
)


@app.command()
def info(data: DataOpt = None, fmt: FormatOpt = "table", endpoint: EndpointOpt = None,
         store: Annotated[str | None, typer.Option(
             "--store", help="Load through this RDF store (rdflib or oxigraph) instead of the fast parser.")] = None,
         no_cache: NoCacheOpt = False) -> None:
    """The data release (version, date, licence) and counts of triples, instruments, items, materials,
    products, sectors and dependency edges."""
    from kg.cli.render import emit

    _fmt(fmt)
    result = _graph(data, endpoint=endpoint, store=store, no_cache=no_cache).info()
    ds = result["dataset"]
    release = [{"what": "data release", "count": f"{ds['version']} (issued {ds['issued']})"},
               {"what": "licence", "count": ds["license"]},
               {"what": "software", "count": f"exportkg {result['software_version']}"}]
    rows = release + [{"what": k, "count": v} for k, v in result.items() if isinstance(v, int)]
    emit(result, fmt, rows=rows, columns=[("what", "what"), ("count", "value")], title="exportkg")


SeverityOpt = Annotated[str, typer.Option(
    "--severity", help="List problems of this severity or worse: violation, warning or info (notes are "
                       "otherwise only counted).")]


@app.command()
def validate(data: DataOpt = None, fmt: FormatOpt = "table", severity: SeverityOpt = "warning") -> None:
    """Check the data against the SHACL shapes and the violation queries; exit 1 if it does not conform."""
    from kg.cli.progress import progress_line
    from kg.cli.render import emit, note

    _fmt(fmt)
    show, clear = progress_line("validating")
    try:
        report = _graph(data).validate(severity=severity, progress=show)
    finally:
        clear()
    if fmt != "table" or report["violations"]:
        emit(report, fmt, rows=report["violations"], title="validation problems",
             columns=[("severity", "severity"), ("check", "check"), ("focus", "focus"), ("message", "message")],
             csv_columns=["severity", "check", "focus", "message"])
    note(report["summary"])
    if not report["conforms"]:
        raise typer.Exit(1)


@app.command()
def impact(name: str, data: DataOpt = None, fmt: FormatOpt = "table", as_of: AsOfOpt = None,
           min_confidence: ConfOpt = "C", max_hops: MaxHopsOpt = None, endpoint: EndpointOpt = None,
           no_cache: NoCacheOpt = False) -> None:
    """Everything downstream of a node: processed forms, components, products, sectors, firms, projects."""
    from kg.cli.render import emit

    _fmt(fmt)
    result = _graph(data, endpoint=endpoint, no_cache=no_cache).impact(
        name, as_of=as_of, min_confidence=min_confidence, max_hops=max_hops)
    node = result["node"]
    controls = ", ".join(node["controls"]) or "none on this date"
    emit(result, fmt, rows=result["affected"], title=f"Downstream of {node['label']} "
         f"({node['type']}; controls: {controls})",
         columns=[("label", "affected"), ("type", "type"), ("hops", "hops"), ("path", "path"),
                  ("restricted", "restricted")],
         csv_columns=["id", "label", "type", "hops", "restricted", "path", "relations", "grades"])


@app.command()
def exposure(name: str, data: DataOpt = None, fmt: FormatOpt = "table", as_of: AsOfOpt = None,
             min_confidence: ConfOpt = "C", max_hops: MaxHopsOpt = None, endpoint: EndpointOpt = None,
             no_cache: NoCacheOpt = False) -> None:
    """Restricted inputs upstream of a product, sector, firm or project, with the controls on each."""
    from kg.cli.render import emit

    _fmt(fmt)
    result = _graph(data, endpoint=endpoint, no_cache=no_cache).exposure(
        name, as_of=as_of, min_confidence=min_confidence, max_hops=max_hops)
    emit(result, fmt, rows=result["restricted_inputs"],
         title=f"Restricted inputs of {result['node']['label']} on {result['as_of']}",
         columns=[("label", "input"), ("type", "type"), ("hops", "hops"), ("controls", "controls"),
                  ("status", "status"), ("path", "path")],
         csv_columns=["id", "label", "type", "hops", "controls", "status", "destinations", "path"])


@app.command()
def paths(source: str, target: str, data: DataOpt = None, fmt: FormatOpt = "table",
          max_paths: Annotated[int, typer.Option("--max-paths", help="List at most this many (1 or more).")] = 20,
          max_hops: Annotated[int, typer.Option(
              "--max-hops", help="Longest path: 1 to 30, or -1 for 30.")] = 8,
          min_confidence: ConfOpt = "C", as_of: AsOfOpt = None, endpoint: EndpointOpt = None,
          no_cache: NoCacheOpt = False) -> None:
    """Dependency paths from SOURCE to TARGET, each edge with its relation, grade and source; nodes
    controlled on the date are marked. JSON: the whole answer (total, listed, limit_hit, paths)."""
    from kg.cli.render import emit, note

    _fmt(fmt)
    result = _graph(data, endpoint=endpoint, no_cache=no_cache).paths(
        source, target, max_hops=max_hops, max_paths=max_paths, min_confidence=min_confidence, as_of=as_of)
    rows = [_path_row(i + 1, p) for i, p in enumerate(result["paths"])]
    emit(result, fmt, rows=rows, title=f"{result['from']['label']} → {result['to']['label']}",
         columns=[("n", "#"), ("path", "path (relation, grade)"), ("restricted", "controlled on the date"),
                  ("sources", "sources")],
         csv_columns=["n", "ids", "nodes", "relations", "grades", "restricted", "sources"])
    if result["total"]:
        note(f"{result['total']} path(s) of at most {result['max_hops']} hops exist; listed {result['listed']}"
             + (" (limit reached: raise --max-paths to list more)" if result["limit_hit"] else ""))


def _path_row(n: int, p: dict[str, Any]) -> dict[str, Any]:
    steps = [p["nodes"][0]] + [f"[{rel}, {grade or '?'}] {node}" for node, rel, grade
                               in zip(p["nodes"][1:], p["relations"], p["grades"], strict=True)]
    restricted = [f"{node}: {', '.join(c)}" for node, c in p["restricted"].items()]
    return {"n": n, "path": steps, "ids": p["ids"], "nodes": p["nodes"], "relations": p["relations"],
            "grades": p["grades"], "restricted": restricted, "sources": p["edge_sources"]}


@app.command()
def controls(data: DataOpt = None, fmt: FormatOpt = "table", as_of: AsOfOpt = None,
             covers: Annotated[str | None, typer.Option(
                 "--covers", help="Only instruments controlling this node.")] = None,
             status: Annotated[str | None, typer.Option("--status", help="Only this status on the date.")] = None,
             destination: Annotated[str | None, typer.Option(
                 "--destination", help="Country, e.g. 'United States'.")] = None,
             jurisdiction: JurisdictionOpt = None, endpoint: EndpointOpt = None, no_cache: NoCacheOpt = False) -> None:
    """Control instruments with their status on a date, filtered by node, status and destination."""
    from kg.api import parse_date
    from kg.cli.render import emit

    _fmt(fmt)
    rows = _graph(data, endpoint=endpoint, no_cache=no_cache).controls(
        as_of=as_of, covers=covers, status=status, destination=destination, jurisdiction=jurisdiction)
    emit(rows, fmt, title=f"Controls on {parse_date(as_of).isoformat()}",
         columns=[("id", "id"), ("jurisdiction", "jur."), ("instrument", "number"), ("announced", "announced"),
                  ("effective", "effective"),
                  ("status", "status"), ("projected_status", "projected"), ("destinations", "destinations"),
                  ("items", "items")])


@app.command()
def control(instrument: str, data: DataOpt = None, fmt: FormatOpt = "table", as_of: AsOfOpt = None,
            no_cache: NoCacheOpt = False) -> None:
    """One instrument in full: items with codes, status history, related instruments, sources."""
    from kg.cli.render import emit

    _fmt(fmt)
    detail = _graph(data, no_cache=no_cache).control(instrument, as_of=as_of)
    if fmt != "table":
        emit(detail, fmt, rows=detail["item_details"],
             columns=[("id", "id"), ("label", "label"), ("customs_codes", "customs codes"),
                      ("hs_codes", "HS6"), ("control_codes", "control codes"), ("concerns", "concerns")])
        return
    from kg.cli.text import print_control

    print_control(detail)


@app.command()
def timeline(data: DataOpt = None, fmt: FormatOpt = "table",
             material: Annotated[str | None, typer.Option(
                 "--material", "--covers", help="Only instruments covering this node.")] = None,
             start: Annotated[str | None, typer.Option("--from", help="First date (YYYY-MM-DD).")] = None,
             end: Annotated[str | None, typer.Option("--to", help="Last date (YYYY-MM-DD).")] = None,
             html: Annotated[Path | None, typer.Option("--html", help="Write an HTML timeline to this file.")] = None,
             as_of: AsOfOpt = None, jurisdiction: JurisdictionOpt = None, no_cache: NoCacheOpt = False) -> None:
    """All status events in date order (optionally for one material and a date range)."""
    from kg.cli.render import emit, note

    _fmt(fmt)
    graph = _graph(data, no_cache=no_cache)
    if html is not None:
        note(f"wrote {graph.timeline_view(html, covers=material, as_of=as_of)['path']}")
        return
    rows = graph.timeline(covers=material, start=start, end=end, jurisdiction=jurisdiction)
    emit(rows, fmt, title="Timeline", columns=[("date", "date"), ("jurisdiction", "jur."), ("instrument", "instrument"),
                                                ("event", "event"), ("until", "until"), ("label", "what")],
         csv_columns=["date", "jurisdiction", "instrument", "resource", "event", "until", "label", "caused_by"])


@app.command()
def changes(start: str, end: str, data: DataOpt = None, fmt: FormatOpt = "table",
            jurisdiction: JurisdictionOpt = None, no_cache: NoCacheOpt = False) -> None:
    """What changed between two dates FROM and TO: new controls, suspensions, lapses."""
    from kg.cli.render import emit

    _fmt(fmt)
    rows = _graph(data, no_cache=no_cache).changes(start, end, jurisdiction=jurisdiction)
    emit(rows, fmt, title=f"Status changes {start} → {end}",
         columns=[("id", "id"), ("jurisdiction", "jur."), ("from", "from"), ("to", "to"), ("projected", "projected"),
                  ("dates", "dates")])


@app.command("what-if")
def what_if(names: list[str], data: DataOpt = None, fmt: FormatOpt = "table", as_of: AsOfOpt = None,
            min_confidence: ConfOpt = "C", no_cache: NoCacheOpt = False) -> None:
    """Treat NAMES as newly restricted: which products, sectors, firms, projects become exposed."""
    from kg.cli.render import emit

    _fmt(fmt)
    result = _graph(data, no_cache=no_cache).what_if(names, as_of=as_of, min_confidence=min_confidence)
    emit(result, fmt, rows=result["newly_exposed"], title="Newly exposed",
         columns=[("label", "node"), ("type", "type"), ("hops", "hops"), ("via", "via")])


@app.command()
def chokepoints(data: DataOpt = None, fmt: FormatOpt = "table", as_of: AsOfOpt = None,
                min_confidence: ConfOpt = "C",
                top: Annotated[int, typer.Option("--top", help="List this many nodes (1 or more).")] = 15,
                no_cache: NoCacheOpt = False) -> None:
    """Nodes most restricted-input paths pass through, and single restricted chokepoints per product."""
    from kg.cli.render import emit

    _fmt(fmt)
    result = _graph(data, no_cache=no_cache).chokepoints(as_of=as_of, min_confidence=min_confidence, top=top)
    emit(result, fmt, rows=result["through"], title="Nodes carrying the most restricted-input paths",
         columns=[("label", "node"), ("type", "type"), ("paths", "paths through"), ("restricted", "restricted")])
    if fmt == "table" and result["single_points"]:
        emit(result["single_points"], fmt, title="Products whose every path from an input crosses one "
             "restricted node", columns=[("product", "product"), ("input", "input"),
                                         ("chokepoint", "restricted chokepoint")])
