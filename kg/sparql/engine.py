"""The engines a prepared query runs on: Oxigraph itself (pyoxigraph, the fast one `kg serve` uses),
any rdflib graph (rdflib's own engine, or Oxigraph through oxrdflib), and remote endpoints.

Answers come back as rdflib terms whatever the engine, so one writer (kg.sparql.results) serves them
all. No engine here fetches anything: rdflib's habit of loading `FROM <url>` graphs from the web (or
from local files) is switched off.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any

from kg.model.namespaces import XSD
from kg.sparql.answer import Answer, answer_of, graph_answer

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.term import Node as Term

    from kg.sparql.prepare import Prepared

_XSD_STRING = XSD + "string"


def native_store(graph: Graph) -> ox.Store:
    """The pyoxigraph Store under an oxrdflib graph (oxrdflib keeps it as `_inner`), or a copy of any
    other graph's triples in a new in-memory Store."""
    import pyoxigraph as ox

    inner = native_of(graph)
    if inner is not None:
        return inner
    store = ox.Store()
    store.bulk_extend(ox.Quad(*(_to_ox(t) for t in triple)) for triple in graph)
    return store


def _to_ox(term: Term) -> Any:
    import pyoxigraph as ox
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or _XSD_STRING)))
    return ox.BlankNode(str(term)) if isinstance(term, BNode) else ox.NamedNode(str(term))


def _converters() -> dict[type, Any]:
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    def literal(t: ox.Literal) -> Literal:
        if t.language:
            return Literal(t.value, lang=t.language)
        datatype = t.datatype.value
        return Literal(t.value) if datatype == _XSD_STRING else Literal(t.value, datatype=URIRef(datatype))

    return {ox.NamedNode: lambda t: URIRef(t.value), ox.BlankNode: lambda t: BNode(t.value), ox.Literal: literal,
            ox.Triple: lambda t: Literal(str(t))}  # a quoted triple (RDF-star) has no rdflib term: its text


_CONVERT: dict[type, Any] = {}


def to_rdflib(term: Any) -> Term | None:
    """A pyoxigraph term as the rdflib term with the same value (None stays None)."""
    if term is None:
        return None
    if not _CONVERT:
        _CONVERT.update(_converters())
    return _CONVERT[type(term)](term)  # type: ignore[no-any-return]


def run_native(prepared: Prepared, store: ox.Store, *, max_rows: int | None = None) -> Answer:
    """Run on a pyoxigraph Store: the query as written, with the common prefixes it does not declare."""
    import pyoxigraph as ox

    result = store.query(prepared.source, prefixes=prepared.missing_prefixes)
    if isinstance(result, ox.QueryBoolean):
        return Answer("ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return _graph(result, max_rows)
    variables = tuple(v.value for v in result.variables)
    limit = None if max_rows is None else max_rows + 1
    rows = tuple(tuple(to_rdflib(v) for v in row) for row in islice(result, limit))
    if max_rows is not None and len(rows) > max_rows:
        return Answer("select", variables, rows[:max_rows], truncated=True)
    return Answer("select", variables, rows)


def _graph(triples: Any, max_rows: int | None) -> Answer:
    from rdflib import Graph

    graph = Graph()
    for triple in triples:
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        if max_rows is not None and len(graph) > max_rows:
            break
    return graph_answer(graph, max_rows)


def run_rdflib(prepared: Prepared, graph: Graph, *, max_rows: int | None = None) -> Answer:
    """Run with rdflib's engine on the graph's store (rdflib, or Oxigraph through oxrdflib)."""
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM <url> would fetch the URL (or read a file)
    return answer_of(graph.query(prepared.text), prepared.form, max_rows)


def run_remote(prepared: Prepared, endpoint: str, *, max_rows: int | None, timeout: float) -> Answer:
    from kg.store.remote import graph_query, result_query

    if prepared.form == "graph":
        return graph_answer(graph_query(endpoint, prepared.text, timeout=timeout), max_rows)
    return answer_of(result_query(endpoint, prepared.text, timeout=timeout), prepared.form, max_rows)


def describe(source: Any, iri: str, *, limit: int) -> Graph:
    """What the store says about one resource: its own statements (with the blank nodes they lead to)
    and the statements that point at it, at most `limit` of them. Pattern lookups, no query."""
    from rdflib import BNode, Graph, URIRef

    match = _native_matcher(source) if native_of(source) is not None else _rdflib_matcher(source)
    graph = Graph()
    todo, seen = [URIRef(iri)], set()
    while todo and len(graph) < limit:
        subject = todo.pop()
        seen.add(subject)
        for triple in match(subject, None):
            graph.add(triple)
            if isinstance(triple[2], BNode) and triple[2] not in seen:
                todo.append(triple[2])
    for triple in match(None, URIRef(iri)):
        if len(graph) >= limit:
            break
        graph.add(triple)
    return graph


def native_of(source: Any) -> ox.Store | None:
    """`source` if it is a pyoxigraph Store, the Store under an oxrdflib graph, else None."""
    import pyoxigraph as ox

    if isinstance(source, ox.Store):
        return source
    inner = getattr(getattr(source, "store", None), "_inner", None)
    return inner if isinstance(inner, ox.Store) else None


def _native_matcher(source: Any) -> Any:
    import pyoxigraph as ox

    store = native_of(source)

    def match(subject: Term | None, obj: Term | None) -> Any:
        s = None if subject is None else _to_ox(subject)
        o = None if obj is None else _to_ox(obj)
        for quad in store.quads_for_pattern(s, None, o, ox.DefaultGraph()):  # type: ignore[union-attr]
            yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)

    return match


def _rdflib_matcher(graph: Graph) -> Any:
    return lambda subject, obj: graph.triples((subject, None, obj))


def _tag_native(term: Any) -> list[str] | None:
    """A pyoxigraph term as kg.sparql.answer tags it once made an rdflib term (see `to_rdflib`)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = "" if term.language or term.datatype.value == _XSD_STRING else term.datatype.value
        return ["l", term.value, term.language or "", datatype]
    if isinstance(term, ox.Triple):
        return ["l", str(term), "", ""]
    return ["b" if isinstance(term, ox.BlankNode) else "u", term.value]


def run_native_encoded(prepared: Prepared, store: ox.Store) -> bytes:
    """`encode(run_native(prepared, store))` without making rdflib terms, so a query process on a
    pyoxigraph Store need not import rdflib at all. The same bytes up to the order of graph triples."""
    import json

    import pyoxigraph as ox

    result = store.query(prepared.source, prefixes=prepared.missing_prefixes)
    doc: dict[str, Any] = {"form": "select", "truncated": False, "boolean": None, "variables": [], "rows": []}
    if isinstance(result, ox.QueryBoolean):
        doc.update(form="ask", boolean=bool(result))
    elif isinstance(result, ox.QueryTriples):
        triples = dict.fromkeys(tuple(tuple(_tag_native(t)) for t in (x.subject, x.predicate, x.object))
                                for x in result)  # type: ignore[arg-type]
        doc.update(form="graph", triples=list(triples))
    else:
        doc["variables"] = [v.value for v in result.variables]
        doc["rows"] = [[_tag_native(v) for v in row] for row in result]
    return json.dumps(doc, ensure_ascii=False).encode()
