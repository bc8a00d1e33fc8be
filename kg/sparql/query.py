"""Read-only SPARQL on any store: prepare a query, run it on an engine, get an Answer; `execute` is
`kg sparql`, which runs the query in a process of its own.

The same code path serves `kg sparql`, `kg serve`, the Python API and the cookbook tests, whatever the
store: Oxigraph (pyoxigraph, or an oxrdflib graph, which is run on its pyoxigraph store directly), an
rdflib graph, or a remote SPARQL 1.1 endpoint. Updates are refused before anything reaches a store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.model.errors import KGError, QueryError
from kg.sparql.answer import Answer, decode, encode, graph_answer
from kg.sparql.engine import native_of, run_native, run_native_encoded, run_rdflib, run_remote
from kg.sparql.prepare import READ_ONLY, Prepared, engine_error, prepare

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["READ_ONLY", "Answer", "Prepared", "execute", "graph_answer", "prepare", "query_text", "run", "sparql",
           "suited_store"]
DEFAULT_MAX_MEMORY = 1 << 30
CRASHED = "query failed: it crashed the SPARQL engine (a query nested or chained too deeply overflows its parser)"


def run(prepared: Prepared, source: Graph | Any | str, *, max_rows: int | None = None,
        timeout: float = 60.0) -> Answer:
    """Run a prepared query on a pyoxigraph Store, an rdflib graph (any store) or an endpoint URL."""
    if isinstance(source, str):
        return run_remote(prepared, source, max_rows=max_rows, timeout=timeout)
    store = native_of(source)
    try:
        if store is not None:
            return run_native(prepared, store, max_rows=max_rows)
        return run_rdflib(prepared, source, max_rows=max_rows)
    except (KGError, MemoryError):
        raise
    except Exception as exc:  # rdflib and pyoxigraph raise assorted types; report one line
        raise engine_error(prepared, exc, shifted=store is None) from None


def sparql(query: str, source: Graph | Any | str, *, max_rows: int | None = None) -> Answer:
    """Prepare and run in one call."""
    return run(prepare(query), source, max_rows=max_rows)


def query_text(query: str, params: dict[str, str] | None = None) -> str:
    """The text of QUERY: a .rq/.sparql file, a cookbook query name, or inline SPARQL; with `params`
    put into its VALUES lines (see kg.sparql.cookbook.bind)."""
    from kg.sparql.cookbook import bind, find

    stripped = query.strip()
    single_word = bool(stripped) and not any(ch.isspace() or ch in "{}" for ch in stripped)
    path = Path(stripped) if single_word else None
    if path is not None and path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read query file {path}: {exc}") from None
    elif path is not None and path.suffix in (".rq", ".sparql"):
        raise QueryError(f"query file not found: {path}")
    elif single_word:
        text = find(stripped).text
    else:
        text = query
    return bind(text, params) if params else text


def suited_store(query: str, store: str) -> str:
    """The store to run QUERY on: `store`, unless QUERY names a cookbook query whose `# engine:` line
    excludes it (then the first store it suits)."""
    from kg.sparql.cookbook import find

    stripped = query.strip()
    if not stripped or any(ch.isspace() or ch in "{}" for ch in stripped) or Path(stripped).suffix:
        return store
    try:
        stores = find(stripped).stores
    except KGError:
        return store
    return store if store in stores else stores[0]


def _failure(exc: KGError) -> bytes:
    return json.dumps({"error": str(exc), "code": exc.exit_code, "query": isinstance(exc, QueryError)}).encode()


def _raise_failure(doc: dict[str, Any]) -> None:
    error = QueryError(doc["error"]) if doc["query"] else KGError(doc["error"])
    error.exit_code = doc["code"]
    raise error


def execute(query: str, *, params: dict[str, str] | None = None, extra: tuple[Path, ...] = (),
            store: str = "rdflib", store_path: Path | None = None, endpoint: str | None = None,
            fmt: str | None = None, allow_service: bool = False, timeout: float | None = None,
            max_memory: int | None = DEFAULT_MAX_MEMORY, use_cache: bool = True) -> tuple[Answer, str]:
    """`kg sparql`: resolve QUERY, check it and the output format, then load the store and run the
    query in a child process (kg.sparql.sandbox), so a crash, a runaway or a memory bomb ends in a
    one-line error, never in a dead interpreter. Returns the answer and the format to write it in.
    On Oxigraph without `store_path` the store is loaded from the cached N-Triples copy of the sources
    (kg.store.oxcache; `use_cache=False` bypasses it)."""
    from kg.sparql.results import check_format, default_format

    text = query_text(query, params)
    form = prepare(text, allow_service=True).form  # the lexical checks only; SERVICE is checked in the child
    fmt = check_format(form, fmt or default_format(form))
    if endpoint:  # the endpoint runs it; nothing is parsed or run here
        return run(prepare(text, allow_service=True), endpoint), fmt

    def work(_: bytes) -> bytes:
        from kg.sparql.guard import cap_memory
        from kg.store.load import load_graph

        try:
            prepared = prepare(text, allow_service=allow_service)
            if store == "oxigraph" and store_path is None:
                return b"+" + _on_cached_store(prepared, tuple(extra), use_cache, max_memory)
            graph = load_graph(tuple(extra), store=store, store_path=store_path)
            cap_memory(max_memory)  # the cap is for the query, not for loading the data
            try:
                return b"+" + encode(run(prepared, graph))
            finally:
                if store_path is not None:
                    graph.close()  # release the persisted store's lock at once
        except KGError as exc:
            return b"-" + _failure(exc)

    reply = isolated(work, timeout=timeout, offline=not allow_service, max_memory=max_memory, meanwhile=_preload)
    if reply[:1] != b"+":
        _raise_failure(json.loads(reply[1:]))
    return decode(reply[1:]), fmt


def _on_cached_store(prepared: Prepared, extra: tuple[Path, ...], use_cache: bool, max_memory: int | None) -> bytes:
    """The encoded answer of `prepared` on the sources in an in-memory Oxigraph store (no rdflib)."""
    from kg.sparql.guard import cap_memory
    from kg.store.oxcache import oxigraph_store

    store = oxigraph_store(extra, use_cache=use_cache)
    cap_memory(max_memory)  # the cap is for the query, not for loading the data
    try:
        return run_native_encoded(prepared, store)
    except (KGError, MemoryError):
        raise
    except Exception as exc:  # pyoxigraph raises assorted types; report one line
        raise engine_error(prepared, exc, shifted=False) from None


def _preload() -> None:
    """Import what `decode` needs while the query process works (on another core, if there is one)."""
    import rdflib  # noqa: F401


def isolated(work: Any, *, timeout: float | None, offline: bool, max_memory: int | None,
             meanwhile: Callable[[], None] | None = None) -> bytes:
    """Run `work(b"")` in one sandboxed child process; its failures become one-line KGErrors.
    `meanwhile` runs here while the child works."""
    import os

    from kg.sparql.sandbox import Busy, Crashed, Limits, MemoryLimit, Pool, Timeout

    if not hasattr(os, "fork"):  # no processes to spare here: run it in this one
        return work(b"")  # type: ignore[no-any-return]
    seconds = timeout or 10.0**7
    try:
        with Pool(work, Limits(size=1, max_memory=None, offline=offline, nice_after=seconds)) as pool:
            return pool.run(b"", seconds, meanwhile=meanwhile)
    except Timeout:
        raise KGError(f"query stopped: it ran longer than the {seconds:g} s limit (--timeout)") from None
    except MemoryLimit:
        limit = f"{max_memory / (1 << 30):g} GiB" if max_memory else "the available"
        raise KGError(f"query stopped: it needed more than {limit} of memory (--max-memory)") from None
    except (Crashed, Busy):
        raise QueryError(CRASHED) from None
