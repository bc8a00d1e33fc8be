"""CLI commands for SPARQL and the sources: sparql, queries, serve, push, export (on kg.cli.base).

sparql, queries, push and export are thin layers over the Python API (kg.api); serve starts
kg.serve.server. Heavy libraries are imported inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.base import DataOpt, NoCacheOpt, StoreOpt, _fmt, _graph, app
from kg.model.errors import UsageError

StorePathOpt = Annotated[Path | None, typer.Option("--store-path", help=(
    "Folder of a persisted Oxigraph store (with --store oxigraph); reloaded when the data change."))]
ParamOpt = Annotated[list[str] | None, typer.Option(
    "--param", "-p", help="NAME=VALUE for the query's 'VALUES ?NAME { ... }' line (repeatable).")]
MemoryOpt = Annotated[str, typer.Option("--max-memory", metavar="SIZE", help=(
    "Memory a query may use, such as 512M or 2G (0: no cap); a query past it is stopped."))]
ServiceOpt = Annotated[bool, typer.Option("--allow-service", help=(
    "Allow federated SERVICE clauses (queries that make this program fetch other URLs)."))]


def _size(text: str) -> int:
    from kg.sparql.guard import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise UsageError(f"--max-memory: {exc}") from None


def _write(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@app.command()
def sparql(
    query: Annotated[str, typer.Argument(help="SPARQL text, a .rq file, or a cookbook query name (see kg queries).")],
    data: DataOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help=(
        "SELECT/ASK: table, csv, tsv, json, xml (default table); CONSTRUCT/DESCRIBE: turtle, nt, jsonld, "
        "rdfxml."))] = None,
    store: StoreOpt = "oxigraph", store_path: StorePathOpt = None,
    endpoint: Annotated[str | None, typer.Option(
        "--endpoint", help="Query this SPARQL 1.1 endpoint URL instead.")] = None,
    param: ParamOpt = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0, help="Stop the query after this many seconds "
                                           "(0: no limit).")] = 0,
    max_memory: MemoryOpt = "1G",
    allow_service: ServiceOpt = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=(
        "Load the sources afresh instead of from the cached copy of their triples."))] = False,
) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE); common prefixes are predeclared.

    The query runs in a process of its own, so a query that crashes the engine or runs away ends in a
    one-line error."""
    from kg.cli.render import emit, note
    from kg.sparql.cookbook import parse_params
    from kg.sparql.query import suited_store

    if endpoint is None and store_path is None:
        chosen = suited_store(query, store)
        if chosen != store:
            note(f"note: {query} gives wrong rows on the {store} store; running it on {chosen}")
            store = chosen
    graph, params = _graph(data, endpoint=endpoint, no_cache=no_cache), parse_params(param or [])
    limits = {"timeout": timeout or None, "max_memory": _size(max_memory) or None, "allow_service": allow_service}
    if fmt not in (None, "table"):
        text = graph.sparql_results(query, fmt, params=params, store=store, store_path=store_path, **limits)
        _write(text.encode("utf-8"))
        if text.note:
            note(text.note)
        return
    answer = graph.sparql(query, params=params, store=store, store_path=store_path, **limits)
    rows = [{"_askResult": "true" if answer else "false"}] if isinstance(answer, bool) else answer
    headers = list(rows[0]) if rows else []
    emit(rows, "table", columns=[(h, h) for h in headers])
    if rows:
        note(f"{len(rows)} row(s)")


@app.command()
def queries(
    name: Annotated[str | None, typer.Argument(help="Print this cookbook query instead of the list.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or markdown.")] = "table",
) -> None:
    """List the query cookbook (kg/sparql/queries/*.rq), or print one query to copy or edit."""
    from kg.cli.render import emit
    from kg.sparql.cookbook import cookbook, markdown

    graph = _graph(None)
    if name is not None:
        sys.stdout.write(graph.query_text(name))
        return
    _fmt(fmt, ("table", "json", "csv", "markdown"))
    if fmt == "markdown":
        sys.stdout.write(markdown(cookbook()))
        return
    emit(graph.queries(), fmt, title="Query cookbook (kg sparql NAME)",
         columns=[("name", "name"), ("title", "title"), ("params", "params")])


@app.command()
def serve(
    data: DataOpt = None,
    store: Annotated[str, typer.Option("--store", help="Query engine and store: oxigraph (fast) or rdflib.")
                     ] = "oxigraph",
    host: Annotated[str, typer.Option(
        "--host", help="Address to bind; 0.0.0.0 exposes it to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port (0: any free port).")] = 8000,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Stop a query after this many seconds.")] = 30.0,
    max_rows: Annotated[int, typer.Option(
        "--max-rows", min=1, help="Cut results to this many rows or triples.")] = 10000,
    max_memory: MemoryOpt = "1G",
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Query processes (queries at once).")] = 8,
    cors: Annotated[list[str] | None, typer.Option("--cors", metavar="ORIGIN", help=(
        "Let web pages from ORIGIN (such as https://example.org, or *) read answers (repeatable)."))] = None,
    read_timeout: Annotated[float, typer.Option("--read-timeout", min=0.1, metavar="SECONDS", help=(
        "Close a connection that sends nothing for this many seconds, or takes three times as long to send "
        "a request."))] = 10.0,
    allow_service: ServiceOpt = False,
) -> None:
    """Serve a read-only SPARQL 1.1 endpoint at /sparql, a query page at / and Linked Data at /id/NAME
    and /ont (Ctrl-C stops it).

    Queries are parsed and run in a pool of forked processes, so the store is in memory; to serve a
    persisted Oxigraph folder, run `oxigraph serve-read-only --location DIR`."""
    from kg.serve.server import ServeOptions, serve_forever

    serve_forever(ServeOptions(extra=tuple(data or ()), store=store, host=host, port=port, timeout=timeout,
                               max_rows=max_rows, allow_service=allow_service, max_memory=_size(max_memory),
                               workers=workers, cors=tuple(cors or ()), read_timeout=read_timeout))


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

    sent = _graph(data).push(endpoint, graph=graph, append=append)
    note(f"{'added' if append else 'replaced the graph with'} {sent['triples']} triples at {endpoint}")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=(
        "turtle, nt, jsonld (full graph); graphml, gexf, csv (dependency layer, with each node's "
        "type, controls and status on --as-of)."))],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Output file, or - for stdout (csv: a folder for nodes.csv and edges.csv).")],
    data: DataOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=(
        "graphml, gexf, csv: the date of the nodes' control status (default: today)."))] = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Export the full graph as RDF, or the dependency layer for Gephi, yEd and spreadsheets."""
    from kg.cli.render import note

    written = _graph(data, no_cache=no_cache).export(out, fmt, as_of=as_of)
    note(f"wrote {', '.join(written['files'])} ({written['summary']})")
