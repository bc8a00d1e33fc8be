"""Turtle sources -> one RDF graph. rdflib in memory by default; Oxigraph or a SPARQL endpoint as stores.

This is the only module that parses the Turtle sources. Malformed files raise DataError naming the
file and line. Stores are chosen by a dict lookup (`STORES`), so a backend is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model.errors import DataError, StoreError
from kg.model.namespaces import PREFIXES
from kg.model.resources import source_files
from kg.store.files import source_hash

if TYPE_CHECKING:
    from rdflib import Graph


def _bad_syntax_message(path: Path, exc: Exception) -> str:
    line = getattr(exc, "lines", None)
    why = getattr(exc, "_why", None) or str(exc).splitlines()[-1]
    where = f"{path}:{line + 1}" if isinstance(line, int) else str(path)
    return f"malformed Turtle in {where}: {why}"


def parse_into(graph: Graph, path: Path, fmt: str = "turtle") -> None:
    """Parse one Turtle file into `graph`, turning parser errors into a one-line DataError."""
    if not path.exists():
        raise DataError(f"data file not found: {path}")
    try:
        graph.parse(path, format=fmt)
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:  # rdflib BadSyntax is a SyntaxError
        raise DataError(_bad_syntax_message(path, exc)) from None
    except Exception as exc:  # parser plugins raise assorted types; report them uniformly
        if type(exc).__name__ == "BadSyntax":
            raise DataError(_bad_syntax_message(path, exc)) from None
        raise DataError(f"cannot read {path}: {exc}") from None


def _rdflib_graph(store_path: Path | None) -> Graph:
    from rdflib import Graph

    return Graph()


def _oxigraph_graph(store_path: Path | None) -> Graph:
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    try:  # the default graph, so a persisted folder can also be served by `oxigraph serve --location`
        graph = Graph(store="Oxigraph", identifier=DATASET_DEFAULT_GRAPH_ID)
    except Exception as exc:  # plugin lookup errors vary by rdflib version
        raise StoreError(f"Oxigraph store unavailable (pip install oxrdflib): {exc}") from None
    if store_path is not None:
        try:
            store_path.mkdir(parents=True, exist_ok=True)
            graph.open(str(store_path))
        except OSError as exc:
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StoreError(f"cannot open Oxigraph store {store_path}: {why} (another process, such as "
                             "`oxigraph serve`, may hold it: query its endpoint instead)") from None
    return graph


STORES: dict[str, Callable[[Path | None], Graph]] = {
    "rdflib": _rdflib_graph,
    "oxigraph": _oxigraph_graph,
}

_PARSE_FORMAT = {"rdflib": "turtle", "oxigraph": "ox-turtle"}


_MARKER = ".exportkg-sources"  # in a persisted store: the hash of the files it was loaded from


def _reuse(graph: Graph, store_path: Path, key: str) -> bool:
    """Whether a persisted store already holds exactly these sources. A store this package loaded
    from other sources is emptied for a reload; a non-empty store it did not load is used as it is."""
    marker = store_path / _MARKER
    known = marker.read_text(encoding="utf-8").strip() if marker.is_file() else None
    if known == key or (known is None and len(graph) > 0):
        return True
    if known is not None:
        graph.remove((None, None, None))
    return False


def load_graph(
    extra: tuple[Path, ...] = (), *, store: str = "rdflib", store_path: Path | None = None
) -> Graph:
    """Load ontology + packaged data + extra files into a new graph of the chosen store. With
    `store_path` (Oxigraph only) the store persists in that folder and is reloaded when the sources change."""
    if store not in STORES:
        raise StoreError(f"unknown store {store!r}; choose one of: {', '.join(STORES)}")
    if store_path is not None and store != "oxigraph":
        raise StoreError("--store-path needs --store oxigraph (the rdflib store lives in memory)")
    graph = STORES[store](store_path)
    key = ""
    if store_path is not None:
        key = source_hash(extra)
        if _reuse(graph, store_path, key):
            return _bind(graph)
        (store_path / _MARKER).write_text("incomplete\n", encoding="utf-8")  # a failed load is redone
    fmt = _PARSE_FORMAT[store]
    for path in source_files(extra):
        parse_into(graph, path, fmt)
    if store_path is not None:
        (store_path / _MARKER).write_text(key + "\n", encoding="utf-8")
    return _bind(graph)


def _bind(graph: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph


def endpoint_graph(url: str, *, timeout: float = 30.0) -> Graph:
    """A read-only rdflib graph backed by a remote SPARQL 1.1 endpoint."""
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    return Graph(store=SPARQLStore(url, returnFormat="json", timeout=timeout))

