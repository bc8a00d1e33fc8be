"""The graph itself: its release and counts, validation, SPARQL, the query cookbook, exports, uploads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.api.answers import Record, Records, Text, parse_date
from kg.api.base import GraphBase
from kg.model.version import __version__

if TYPE_CHECKING:
    from kg.sparql.answer import Answer


EMPTY_QUERY = "the query matched nothing"
MAX_MEMORY = 1 << 30  # bytes a query may use (kg sparql --max-memory)


class SourceTools(GraphBase):
    """Ask the RDF sources directly, check them, and move them to other tools and stores."""

    def info(self) -> Record:
        """The dataset release and the size of the graph: `{dataset: {iri, title, version, issued,
        license, publisher, citation}, software_version, triples, instruments, items, materials,
        products, sectors, dependency_edges, sourced_edges, ...}`. Same as `kg info --format json`."""
        from kg.store.dataset import read_dataset

        return Record({"dataset": read_dataset().as_dict(), "software_version": __version__,
                       **self.snapshot.counts})

    def validate(self, *, severity: str = "warning", progress: Callable[[str, int, int], None] | None = None
                 ) -> Record:
        """Check the sources against the SHACL shapes and the violation queries: `{conforms, summary,
        violations: [{severity, check, focus, message}], warnings, counts}`; `violations` lists the
        problems of `severity` or worse (violation, warning, info), `counts` counts every severity.
        Same as `kg validate --format json` (`--severity`)."""
        from kg.store.validate import severity_rank, validate_sources

        severity_rank(severity)  # a bad value fails before the work
        report = validate_sources(self.data, progress=progress)
        rows = [p.as_dict() for p in report.at_least(severity)]
        hidden = len(report.problems) - len(rows)
        summary = report.summary() + (f" ({hidden} not listed; --severity info lists every one)" if hidden else "")
        return Record({"conforms": report.conforms, "summary": summary, "violations": rows,
                       "warnings": report.warning_count, "counts": report.counts}, "violations")

    def sparql(self, query: str, *, params: dict[str, str] | None = None, store: str | None = None,
               store_path: Path | str | None = None, timeout: float | None = None,
               max_memory: int | None = MAX_MEMORY, allow_service: bool = False) -> Records | bool:
        """Run a read-only query (SPARQL text, a .rq file or a cookbook name; common prefixes are
        predeclared). SELECT gives rows `{variable: value}` with prefixed names (`ekgr:gallium`) and
        plain literals, as `kg sparql` shows them in a table; ASK gives a bool; CONSTRUCT and DESCRIBE
        give rows `{subject, predicate, object}`. `params` fill the query's `VALUES ?name {...}` lines;
        `store`: rdflib (default) or oxigraph (loaded from the cached triples `kg sparql` uses, unless the
        graph was opened with `cache=False`). The query runs in a process of its own, stopped after
        `timeout` seconds or past `max_memory` bytes (None: no limit); a SERVICE clause is refused
        unless `allow_service`. For the W3C result formats use `sparql_results`."""
        from kg.sparql.results import cells

        limits = {"timeout": timeout, "max_memory": max_memory, "allow_service": allow_service}
        answer = self._answer(query, params, store, store_path, None, limits)
        if answer.form == "ask":
            return bool(answer.boolean)
        headers, rows = cells(answer)
        return Records((dict(zip(headers, row, strict=True)) for row in rows), EMPTY_QUERY)

    def sparql_results(self, query: str, format: str = "json", *, params: dict[str, str] | None = None,
                       store: str | None = None, store_path: Path | str | None = None, timeout: float | None = None,
                       max_memory: int | None = MAX_MEMORY, allow_service: bool = False) -> Text:
        """The answer in a standard format, exactly as `kg sparql QUERY --format FORMAT` prints it:
        json, xml, csv or tsv (SPARQL 1.1 results) for SELECT and ASK; turtle, nt or jsonld for
        CONSTRUCT and DESCRIBE. A str, whose `note` explains an empty answer. Limits as for `sparql`."""
        from kg.sparql.results import serialize

        limits = {"timeout": timeout, "max_memory": max_memory, "allow_service": allow_service}
        answer = self._answer(query, params, store, store_path, format, limits)
        empty = answer.size == 0 and answer.form != "ask"
        return Text.of(serialize(answer, format).decode("utf-8"), EMPTY_QUERY if empty else None)

    def _answer(self, query: str, params: dict[str, str] | None, store: str | None,
                store_path: Path | str | None, fmt: str | None, limits: dict[str, Any]) -> Answer:
        from kg.sparql.query import execute, suited_store

        engine = store or suited_store(query, self.store or "rdflib")
        answer, _ = execute(query, params=params, extra=self.data, store=engine, endpoint=self.endpoint,
                            store_path=Path(store_path) if store_path else None, fmt=fmt, use_cache=self.use_cache,
                            **limits)
        return answer

    def queries(self) -> Records:
        """The query cookbook: rows `{name, title, description, params, file}`; run one with
        `sparql(name, params=...)`. Same as `kg queries --format json`."""
        from kg.sparql.cookbook import cookbook

        return Records({"name": q.name, "title": q.title, "description": q.description,
                        "params": [p.name for p in q.params], "file": str(q.path)} for q in cookbook())

    def query_text(self, name: str, params: dict[str, str] | None = None) -> str:
        """The text of a cookbook query (to read, copy or edit), with `params` put into its VALUES
        lines. `kg queries NAME` prints it without params."""
        from kg.sparql.query import query_text

        return query_text(name, params)

    def export(self, out: Path | str, format: str, *, as_of: date | str | None = None) -> Record:
        """Write the graph to `out`: turtle, nt or jsonld (every triple), or the dependency layer as
        graphml or gexf (for Gephi, yEd) or csv (a folder with nodes.csv and edges.csv), whose nodes
        carry `type`, `status` and `controls` on `as_of` (default today). Returns `{format, files,
        summary, ...counts}`; the CLI prints the summary after `kg export`."""
        from kg.views.export import NETWORK_FORMATS, export

        network = format in NETWORK_FORMATS
        on = parse_date(as_of) if network or as_of is not None else None
        written = export(Path(out), format, extra=self.data, snapshot=self.snapshot if network else None, on=on)
        return Record({"format": format, "files": [str(p) for p in written.files], "summary": written.summary,
                       **written.counts})

    def push(self, url: str, *, graph: str | None = None, append: bool = False) -> Record:
        """Upload the ontology and data (plus this graph's `data` files) to a triple store with the
        SPARQL 1.1 Graph Store Protocol at `url` (e.g. http://127.0.0.1:7878/store for Oxigraph):
        replace the default graph, or the named `graph`, or add to it with `append`.
        Returns `{endpoint, graph, mode, triples}`."""
        from kg.model.resources import source_files
        from kg.store.remote import push

        sent = push(url, source_files(self.data), graph_iri=graph, replace=not append)
        return Record({"endpoint": url, "graph": graph or "default", "mode": "added" if append else "replaced",
                       "triples": sent})
