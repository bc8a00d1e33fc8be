"""Snapshot dependency layer -> typed networkx DiGraph (for dominators, exports and views)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.analysis.dependencies import EdgeFilter, grade_filter

if TYPE_CHECKING:
    import networkx as nx

    from kg.model.snapshot import Snapshot


def to_networkx(snapshot: Snapshot, *, keep: EdgeFilter | None = None) -> nx.MultiDiGraph:
    """One node per dependency node (type, label, iri), one edge per dependency edge (relation,
    grade, sources, statement id); edges run upstream -> downstream."""
    import networkx as nx

    keep = keep or grade_filter("C")
    g = nx.MultiDiGraph()
    for node_id in sorted(snapshot.graph.node_ids()):
        node = snapshot.nodes.get(node_id)
        g.add_node(node_id, label=node.label if node else node_id, type=node.type if node else "",
                   iri=node.iri if node else node_id)
    for e in snapshot.graph.edges():
        if keep(e):
            g.add_edge(e.source, e.target, key=e.statement or e.relation, relation=e.relation,
                       grade=e.grade or "", sources=list(e.sources), statement=e.statement)
    return g
