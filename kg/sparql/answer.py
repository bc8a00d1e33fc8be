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
