"""CLI commands for SPARQL: sparql, queries, serve, push, export (registered on kg.cli.app).

Each command calls one core function (kg.sparql.query, kg.sparql.cookbook, kg.serve.server,
kg.store.remote, kg.views.export); heavy libraries are imported inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import DataOpt, StoreOpt, app
from kg.model.errors import UsageError

StorePathOpt = Annotated[Path | None, typer.Option("--store-path", help=(
    "Folder of a persisted Oxigraph store (with --store oxigraph); reloaded when the data change."))]
ParamOpt = Annotated[list[str] | None, typer.Option(
    "--param", "-p", help="NAME=VALUE for the query's 'VALUES ?NAME { ... }' line (repeatable).")]


def _write(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@app.command()
def sparql(
    query: Annotated[str, typer.Argument(help="SPARQL text, a .rq file, or a cookbook query name (see kg queries).")],
    data: DataOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help=(
        "SELECT/ASK: table, csv, tsv, json, xml (default table); CONSTRUCT/DESCRIBE: turtle, nt, jsonld."))] = None,
    store: StoreOpt = "rdflib", store_path: StorePathOpt = None,
    endpoint: Annotated[str | None, typer.Option(
        "--endpoint", help="Query this SPARQL 1.1 endpoint URL instead.")] = None,
    param: ParamOpt = None,
) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE); common prefixes are predeclared."""
    from kg.cli.render import emit, note
    from kg.sparql.cookbook import parse_params
    from kg.sparql.query import execute
    from kg.sparql.results import cells, serialize

    if endpoint is None and store_path is None:
        from kg.sparql.query import suited_store

        chosen = suited_store(query, store)
        if chosen != store:
            note(f"note: {query} gives wrong rows on the {store} store; running it on {chosen}")
            store = chosen
    answer, out = execute(query, params=parse_params(param or []), extra=tuple(data or ()), store=store,
                          store_path=store_path, endpoint=endpoint, fmt=fmt)
    if out != "table":
        _write(serialize(answer, out))
        return
    headers, rows = cells(answer)
    emit([dict(zip(headers, r, strict=True)) for r in rows], "table", columns=[(h, h) for h in headers])
    note(f"{answer.size} row(s)")


@app.command()
def queries(
    name: Annotated[str | None, typer.Argument(help="Print this cookbook query instead of the list.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or markdown.")] = "table",
) -> None:
    """List the query cookbook (kg/sparql/queries/*.rq), or print one query to copy or edit."""
    from kg.cli.render import emit
    from kg.sparql.cookbook import cookbook, find, markdown

    if name is not None:
        sys.stdout.write(find(name).text)
        return
    if fmt not in ("table", "json", "csv", "markdown"):
        raise UsageError(f"unknown format {fmt!r}; choose one of: table, json, csv, markdown")
    book = cookbook()
    if fmt == "markdown":
        sys.stdout.write(markdown(book))
        return
    rows = [{"name": q.name, "title": q.title, "description": q.description,
             "params": [p.name for p in q.params], "file": str(q.path)} for q in book]
    emit(rows, fmt, title="Query cookbook (kg sparql NAME)",
         columns=[("name", "name"), ("title", "title"), ("params", "params")])


@app.command()
def serve(
    data: DataOpt = None, store: StoreOpt = "rdflib",
    host: Annotated[str, typer.Option(
        "--host", help="Address to bind; 0.0.0.0 exposes it to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port (0: any free port).")] = 8000,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Stop a query after this many seconds.")] = 30.0,
    max_rows: Annotated[int, typer.Option(
        "--max-rows", min=1, help="Cut results to this many rows or triples.")] = 10000,
    allow_service: Annotated[bool, typer.Option("--allow-service", help="Allow federated SERVICE clauses.")] = False,
) -> None:
    """Serve a read-only SPARQL 1.1 endpoint at /sparql and a query page at / (Ctrl-C stops it).

    Each query runs in a forked process, so the store is in memory (rdflib or Oxigraph); to serve a
    persisted Oxigraph folder, run `oxigraph serve-read-only --location DIR`."""
    from kg.serve.server import ServeOptions, serve_forever

    serve_forever(ServeOptions(extra=tuple(data or ()), store=store, host=host, port=port, timeout=timeout,
                               max_rows=max_rows, allow_service=allow_service))


@app.command()
def push(
    endpoint: Annotated[str, typer.Option("--endpoint", help=(
        "Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph) "
        "or http://HOST:3030/DS/data (Fuseki)."))],
    data: DataOpt = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Named graph IRI (default: the default graph).")] = None,
    append: Annotated[bool, typer.Option(
        "--append", help="Add to the graph (POST) instead of replacing it (PUT).")] = False,
) -> None:
    """Upload the ontology and data (+ --data) to a triple store with the SPARQL 1.1 Graph Store Protocol."""
    from kg.cli.render import note
    from kg.model.resources import source_files
    from kg.store.remote import push as run

    sent = run(endpoint, source_files(tuple(data or ())), graph_iri=graph, replace=not append)
    note(f"{'added' if append else 'replaced the graph with'} {sent} triples at {endpoint}")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=(
        "turtle, nt, jsonld (full graph); graphml, gexf, csv (dependency layer)."))],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Output file, or - for stdout (csv: a folder for nodes.csv and edges.csv).")],
    data: DataOpt = None,
) -> None:
    """Export the full graph as RDF, or the dependency layer for Gephi, yEd and spreadsheets."""
    from kg.cli.render import note
    from kg.views.export import export as run

    written = run(out, fmt, extra=tuple(data or ()))
    note(f"wrote {', '.join(str(p) for p in written.files)} ({written.summary})")
