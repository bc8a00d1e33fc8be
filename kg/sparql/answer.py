"""The result of one SPARQL query, whatever the store: rows, a boolean or a graph, cut to a size."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node as Term


@dataclass(frozen=True, slots=True)
class Answer:
    """The result of one query: rows (SELECT), a boolean (ASK) or a graph (CONSTRUCT, DESCRIBE)."""

    form: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False

    @property
    def size(self) -> int:
        """Rows, triples, or 1 for a boolean."""
        if self.form == "graph":
            return len(self.graph) if self.graph is not None else 0
        return 1 if self.form == "ask" else len(self.rows)


def _rows(result: Any, max_rows: int | None) -> tuple[tuple[tuple[Term | None, ...], ...], bool]:
    it = iter(result)
    rows = tuple(tuple(row) for row in (it if max_rows is None else islice(it, max_rows + 1)))
    if max_rows is not None and len(rows) > max_rows:
        return rows[:max_rows], True
    return rows, False


def graph_answer(graph: Graph, max_rows: int | None = None) -> Answer:
    """A graph as an Answer, keeping at most `max_rows` triples (in sorted order when cut)."""
    if max_rows is None or len(graph) <= max_rows:
        return Answer("graph", graph=graph)
    from rdflib import Graph

    cut = Graph(namespace_manager=graph.namespace_manager)
    for triple in islice(sorted(graph), max_rows):
        cut.add(triple)
    return Answer("graph", graph=cut, truncated=True)


def answer_of(result: Any, form: str, max_rows: int | None = None) -> Answer:
    """An rdflib Result as an Answer, keeping at most `max_rows` rows or triples."""
    if form == "ask":
        return Answer("ask", boolean=bool(result.askAnswer))
    if form == "graph":
        return graph_answer(result.graph, max_rows)
    rows, truncated = _rows(result, max_rows)
    return Answer("select", variables=tuple(str(v) for v in result.vars or ()), rows=rows, truncated=truncated)


def _tag(term: Term | None) -> list[str] | None:
    """A term as JSON: ["u", iri], ["b", label] or ["l", text, language, datatype]."""
    from rdflib import BNode, Literal

    if term is None:
        return None
    if isinstance(term, Literal):
        return ["l", str(term), term.language or "", str(term.datatype or "")]
    return ["b" if isinstance(term, BNode) else "u", str(term)]


def _untag(item: list[str] | None) -> Term | None:
    from rdflib import BNode, Literal, URIRef

    if item is None:
        return None
    if item[0] == "l":
        return Literal(item[1], lang=item[2] or None, datatype=URIRef(item[3]) if item[3] else None)
    return BNode(item[1]) if item[0] == "b" else URIRef(item[1])


def encode(answer: Answer) -> bytes:
    """An answer as JSON bytes, to pass it between processes without pickle."""
    import json

    doc: dict[str, Any] = {"form": answer.form, "truncated": answer.truncated, "boolean": answer.boolean,
                           "variables": list(answer.variables), "rows": [[_tag(t) for t in r] for r in answer.rows]}
    if answer.graph is not None:
        doc["triples"] = [[_tag(t) for t in triple] for triple in answer.graph]
    return json.dumps(doc, ensure_ascii=False).encode()


def decode(data: bytes) -> Answer:
    """The answer `encode` wrote."""
    import json

    from rdflib import Graph

    doc = json.loads(data)
    graph = None
    if "triples" in doc:
        graph = Graph()
        for triple in doc["triples"]:
            graph.add(tuple(_untag(t) for t in triple))  # type: ignore[arg-type]
    rows = tuple(tuple(_untag(t) for t in row) for row in doc["rows"])
    return Answer(doc["form"], tuple(doc["variables"]), rows, doc["boolean"], graph, doc["truncated"])
