"""Chokepoints: where restricted-input paths concentrate, and single restricted points per product.

Path counts use dynamic programming over a topological order (paths through v = paths from any
restricted node to v times paths from v to any product), so nothing is enumerated. Single points
come from dominator trees (networkx), one per input material.
"""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import date

from kg.analysis.controls import restricted
from kg.analysis.dependencies import EdgeFilter, grade_filter
from kg.analysis.impact import label, node_ref
from kg.model.snapshot import DepGraph, Snapshot

PRODUCT_TYPES = frozenset({"Product"})


def topological_order(graph: DepGraph, keep: EdgeFilter) -> tuple[list[str], set[str]]:
    """Kahn's order of the kept edges; nodes on cycles are returned separately and skipped."""
    nodes = graph.node_ids()
    indeg = dict.fromkeys(nodes, 0)
    for e in graph.edges():
        if keep(e):
            indeg[e.target] += 1
    queue = deque(sorted(n for n, d in indeg.items() if d == 0))
    order = []
    while queue:
        n = queue.popleft()
        order.append(n)
        for e in graph.out_edges(n):
            if keep(e):
                indeg[e.target] -= 1
                if indeg[e.target] == 0:
                    queue.append(e.target)
    return order, nodes - set(order)


def _counts(graph: DepGraph, order: list[str], starts: set[str], keep: EdgeFilter, forward: bool) -> dict[str, int]:
    ways: dict[str, int] = defaultdict(int)
    for n in starts:
        ways[n] += 1
    seq = order if forward else list(reversed(order))
    for n in seq:
        if not ways.get(n):
            continue
        for e in (graph.out_edges(n) if forward else graph.in_edges(n)):
            if keep(e):
                ways[e.target if forward else e.source] += ways[n]
    return ways


def _single_points(snapshot: Snapshot, keep: EdgeFilter, restricted_ids: set[str]) -> list[dict[str, object]]:
    import networkx as nx

    from kg.analysis.convert import to_networkx

    g = to_networkx(snapshot, keep=keep)
    rows = []
    inputs = [n for n, d in g.nodes(data=True) if d.get("type") == "Material" and g.in_degree(n) == 0]
    for src in sorted(inputs):
        idom = nx.immediate_dominators(g, src)
        for product in sorted(n for n in idom if g.nodes[n].get("type") in PRODUCT_TYPES):
            node = idom[product]
            while node != src:
                if node in restricted_ids:
                    rows.append({"product": label(snapshot, product), "input": label(snapshot, src),
                                 "chokepoint": label(snapshot, node), "product_id": product,
                                 "input_id": src, "chokepoint_id": node})
                node = idom[node]
    return rows


def chokepoints(snapshot: Snapshot, *, on: date, min_confidence: str = "C", top: int = 15) -> dict[str, object]:
    keep = grade_filter(min_confidence)
    restricted_ids = set(restricted(snapshot, on))
    order, cyclic = topological_order(snapshot.graph, keep)
    products = {n for n in order if snapshot.nodes.get(n) and snapshot.nodes[n].type in PRODUCT_TYPES}
    fwd = _counts(snapshot.graph, order, restricted_ids & set(order), keep, forward=True)
    back = _counts(snapshot.graph, order, products, keep, forward=False)
    through = sorted(((fwd[n] * back[n], n) for n in order if fwd.get(n) and back.get(n)), reverse=True)
    rows = [{**node_ref(snapshot, n), "paths": count, "restricted": n in restricted_ids}
            for count, n in through[:top]]
    return {"as_of": on.isoformat(), "min_confidence": min_confidence, "through": rows,
            "single_points": _single_points(snapshot, keep, restricted_ids),
            "skipped_cyclic_nodes": sorted(cyclic)}
