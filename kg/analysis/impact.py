"""Impact, exposure, paths, chokepoints and what-if: the answers behind the CLI, views and endpoint.

Each function takes a Snapshot and returns plain dicts/lists ready for JSON, so every front end
shows the same answer.
"""

from __future__ import annotations

from datetime import date

from kg.analysis.controls import Coverage, coverage, restricted
from kg.analysis.dependencies import downstream, grade_filter, paths, upstream
from kg.model.snapshot import Edge, Snapshot

END_TYPES = frozenset({"Product", "Sector", "Firm", "JointVenture", "Project"})


def node_ref(snapshot: Snapshot, node_id: str) -> dict[str, object]:
    node = snapshot.nodes.get(node_id)
    if node is None:
        return {"id": node_id, "label": node_id, "type": ""}
    return {"id": node.id, "label": node.label, "type": node.type}


def label(snapshot: Snapshot, node_id: str) -> str:
    node = snapshot.nodes.get(node_id)
    return node.label if node else node_id


def _controls(covs: list[Coverage]) -> list[str]:
    return list(dict.fromkeys(c.instrument for c in covs))


def _restriction(covs: list[Coverage]) -> str:
    """'in-force', 'unverified' or '' for a node's coverage on the date."""
    if any(c.status.status != "unverified" for c in covs):
        return "in-force"
    return "unverified" if covs else ""


def impact(snapshot: Snapshot, node_id: str, *, on: date, min_confidence: str = "C",
           max_hops: int | None = None) -> dict[str, object]:
    """Everything downstream of `node_id`, nearest first."""
    reached = downstream(snapshot.graph, node_id, keep=grade_filter(min_confidence), max_hops=max_hops)
    restricted_now = restricted(snapshot, on)
    own = coverage(snapshot, node_id, on)
    affected = []
    for r in sorted(reached, key=lambda r: (r.hops, label(snapshot, r.node))):
        chain = [node_id, *(e.target for e in r.edges)]
        affected.append({
            **node_ref(snapshot, r.node), "hops": r.hops, "path": [label(snapshot, n) for n in chain],
            "relations": [e.relation for e in r.edges], "grades": [e.grade for e in r.edges],
            "restricted": _restriction(restricted_now.get(r.node, [])),
        })
    return {"node": {**node_ref(snapshot, node_id), "controls": _controls(own), "restriction": _restriction(own)},
            "as_of": on.isoformat(), "min_confidence": min_confidence, "affected": affected}


def exposure(snapshot: Snapshot, node_id: str, *, on: date, min_confidence: str = "C",
             max_hops: int | None = None) -> dict[str, object]:
    """Restricted inputs upstream of `node_id` on `on`, nearest first, with the controls on each."""
    reached = upstream(snapshot.graph, node_id, keep=grade_filter(min_confidence), max_hops=max_hops)
    restricted_now = restricted(snapshot, on)
    inputs = []
    for r in sorted(reached, key=lambda r: (r.hops, label(snapshot, r.node))):
        covs = restricted_now.get(r.node)
        if not covs:
            continue
        chain = [r.node, *(e.target for e in r.edges)]
        inputs.append({
            **node_ref(snapshot, r.node), "hops": r.hops, "path": [label(snapshot, n) for n in chain],
            "relations": [e.relation for e in r.edges], "grades": [e.grade for e in r.edges],
            "controls": _controls(covs), "status": _restriction(covs),
            "destinations": sorted({d for c in covs for d in c.destinations}),
        })
    upstream_total = len(reached)
    return {"node": node_ref(snapshot, node_id), "as_of": on.isoformat(), "min_confidence": min_confidence,
            "upstream_nodes": upstream_total, "restricted_inputs": inputs}


def _path_dict(snapshot: Snapshot, chain: tuple[Edge, ...], restricted_now: dict[str, list[Coverage]]
               ) -> dict[str, object]:
    nodes = [chain[0].source, *(e.target for e in chain)]
    return {
        "nodes": [label(snapshot, n) for n in nodes], "ids": nodes,
        "restricted": {n: _controls(restricted_now[n]) for n in nodes if n in restricted_now},
        "relations": [e.relation for e in chain], "grades": [e.grade for e in chain],
        "statements": [e.statement for e in chain],
        "sources": list(dict.fromkeys(s for e in chain for s in e.sources)),
        "edge_sources": [list(e.sources) for e in chain],
    }


def find_paths(snapshot: Snapshot, source: str, target: str, *, max_hops: int = 8, max_paths: int = 20,
               min_confidence: str = "C", on: date | None = None) -> dict[str, object]:
    """Bounded simple paths from `source` to `target` plus the exact count within the hop limit; nodes
    controlled on `on` (default: today) are listed per path with their instruments."""
    result = paths(snapshot.graph, source, target, max_hops=max_hops, max_paths=max_paths,
                   keep=grade_filter(min_confidence))
    restricted_now = restricted(snapshot, on or date.today())
    return {"from": node_ref(snapshot, source), "to": node_ref(snapshot, target), "total": result.total,
            "listed": len(result.paths), "limit_hit": result.limit_hit, "max_hops": max_hops,
            "max_paths": max_paths, "paths": [_path_dict(snapshot, p, restricted_now) for p in result.paths]}


def what_if(snapshot: Snapshot, names: list[str], *, on: date, min_confidence: str = "C") -> dict[str, object]:
    """Products, sectors, firms and projects newly exposed if `names` were restricted on `on`."""
    keep = grade_filter(min_confidence)
    before: set[str] = set()
    for node in restricted(snapshot, on):
        before |= {r.node for r in downstream(snapshot.graph, node, keep=keep)}
    newly: dict[str, dict[str, object]] = {}
    for node in names:
        for r in sorted(downstream(snapshot.graph, node, keep=keep), key=lambda r: r.hops):
            ref = node_ref(snapshot, r.node)
            if ref["type"] in END_TYPES and r.node not in before and r.node not in names:
                entry = newly.setdefault(r.node, {**ref, "hops": r.hops, "via": []})
                entry["via"].append(label(snapshot, node))  # type: ignore[union-attr]
    rows = sorted(newly.values(), key=lambda x: (str(x["type"]), int(x["hops"]), str(x["label"])))  # type: ignore[call-overload]
    return {"as_of": on.isoformat(), "restricted": [node_ref(snapshot, n) for n in names],
            "already_exposed": len(before), "newly_exposed": rows}
