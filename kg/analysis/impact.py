"""Impact, exposure, paths and what-if: the answers behind the CLI, views and endpoint.

Each function takes a Snapshot and returns plain dicts/lists ready for JSON, so every front end
shows the same answer. A material family is asked through all its members at once: rows say which
member (`via`) they come through, and the family's own controls are those of its members.
"""

from __future__ import annotations

from datetime import date

from kg.analysis.controls import Coverage, coverage_of, jurisdiction_code, restricted
from kg.analysis.dependencies import Reached, downstream, gc_paused, grade_filter, paths, upstream
from kg.analysis.families import member_rows, members, roots
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


def _jurisdictions(snapshot: Snapshot, covs: list[Coverage]) -> list[str]:
    return sorted({code for c in covs if (code := jurisdiction_code(snapshot, c.instrument))})


def _restriction(covs: list[Coverage]) -> str:
    """'in-force', 'unverified' or '' for a node's coverage on the date."""
    if any(c.status.status != "unverified" for c in covs):
        return "in-force"
    return "unverified" if covs else ""


def subject(snapshot: Snapshot, node_id: str, on: date) -> dict[str, object]:
    """The node asked about: its reference, the controls on it (on its members, for a family) and,
    for a family, its members."""
    own = coverage_of(snapshot, members(snapshot, node_id), on)
    out: dict[str, object] = {**node_ref(snapshot, node_id), "controls": _controls(own),
                              "jurisdictions": _jurisdictions(snapshot, own), "restriction": _restriction(own)}
    if node_id in snapshot.families:
        out["members"] = member_rows(snapshot, node_id)
    return out


def _row(snapshot: Snapshot, r: Reached, chain: list[str], covs: list[Coverage]) -> dict[str, object]:
    return {
        **node_ref(snapshot, r.node), "hops": r.hops, "via": label(snapshot, chain[0]) if r.edges else "",
        "via_id": chain[0], "path": [label(snapshot, n) for n in chain], "relations": [e.relation for e in r.edges],
        "grades": [e.grade for e in r.edges], "jurisdictions": _jurisdictions(snapshot, covs),
    }


@gc_paused()
def impact(snapshot: Snapshot, node_id: str, *, on: date, min_confidence: str = "C",
           max_hops: int | None = None) -> dict[str, object]:
    """Everything downstream of `node_id` (of any member, for a family), nearest first."""
    starts = members(snapshot, node_id)
    reached = downstream(snapshot.graph, starts, keep=grade_filter(min_confidence), max_hops=max_hops)
    restricted_now = restricted(snapshot, on)
    refs = _Refs(snapshot)
    label_of = refs.label
    paths: dict[str, list[str]] = {s: [label_of(s)] for s in starts}
    affected = []
    for r in sorted(reached, key=lambda r: (r.hops, label_of(r.node))):
        node, edges = r.node, r.edges
        covs = restricted_now.get(node)
        path = paths.get(edges[-1].source)  # the parent's path: nearer nodes come first
        if path is None:
            path = [label_of(edges[0].source), *(label_of(e.target) for e in edges[:-1])]
        ref_id, ref_label, ref_type = refs.ref(node)
        path = paths[node] = [*path, ref_label]
        affected.append({
            "id": ref_id, "label": ref_label, "type": ref_type, "hops": r.hops, "via": path[0],
            "via_id": edges[0].source, "path": path, "relations": [e.relation for e in edges],
            "grades": [e.grade for e in edges], "jurisdictions": _jurisdictions(snapshot, covs) if covs else [],
            "restricted": _restriction(covs) if covs else "",
        })
    return {"node": subject(snapshot, node_id, on), "as_of": on.isoformat(), "min_confidence": min_confidence,
            "affected": affected}


class _Refs:
    """(id, label, type) of nodes, memoised for one answer, which names the same nodes many times."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.nodes = snapshot.nodes
        self.refs: dict[str, tuple[str, str, str]] = {}

    def ref(self, node_id: str) -> tuple[str, str, str]:
        found = self.refs.get(node_id)
        if found is None:
            node = self.nodes.get(node_id)
            found = self.refs[node_id] = (node.id, node.label, node.type) if node else (node_id, node_id, "")
        return found

    def label(self, node_id: str) -> str:
        return self.ref(node_id)[1]


@gc_paused()
def exposure(snapshot: Snapshot, node_id: str, *, on: date, min_confidence: str = "C",
             max_hops: int | None = None) -> dict[str, object]:
    """Restricted inputs upstream of `node_id` on `on`, nearest first, with the controls on each (from
    every jurisdiction, each marked)."""
    starts = members(snapshot, node_id)
    reached = upstream(snapshot.graph, starts, keep=grade_filter(min_confidence), max_hops=max_hops)
    restricted_now = restricted(snapshot, on)
    inputs = []
    for r in sorted(reached, key=lambda r: (r.hops, label(snapshot, r.node))):
        covs = restricted_now.get(r.node)
        if not covs:
            continue
        chain = [r.node, *(e.target for e in r.edges)]
        row = _row(snapshot, r, chain, covs)
        row["via"], row["via_id"] = label(snapshot, chain[-1]), chain[-1]  # the member reached
        inputs.append({
            **row, "controls": _controls(covs), "status": _restriction(covs),
            "destinations": sorted({d for c in covs for d in c.destinations}),
        })
    return {"node": subject(snapshot, node_id, on), "as_of": on.isoformat(), "min_confidence": min_confidence,
            "upstream_nodes": len(reached), "restricted_inputs": inputs}


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
    controlled on `on` (default: today) are listed per path with their instruments. A family as the
    source starts from its roots (the members no other member feeds), so each chain is shown whole;
    a family as the target ends at any of its members."""
    keep = grade_filter(min_confidence)
    found: list[tuple[Edge, ...]] = []
    total, limit_hit = 0, False
    for start in roots(snapshot, source):
        for end in members(snapshot, target):
            if start == end:
                continue
            result = paths(snapshot.graph, start, end, max_hops=max_hops, max_paths=max_paths, keep=keep)
            found.extend(result.paths)
            total += result.total
            limit_hit |= result.limit_hit
    found.sort(key=lambda p: (len(p), [e.target for e in p]))
    listed = found[:max_paths]
    restricted_now = restricted(snapshot, on or date.today())
    return {"from": node_ref(snapshot, source), "to": node_ref(snapshot, target), "total": total,
            "listed": len(listed), "limit_hit": limit_hit or total > len(listed), "max_hops": max_hops,
            "max_paths": max_paths, "paths": [_path_dict(snapshot, p, restricted_now) for p in listed]}


def what_if(snapshot: Snapshot, names: list[str], *, on: date, min_confidence: str = "C") -> dict[str, object]:
    """Products, sectors, firms and projects newly exposed if `names` (families: all their members)
    were restricted on `on`. Nothing new when everything downstream is already exposed: `note` says so."""
    keep = grade_filter(min_confidence)
    controlled = list(restricted(snapshot, on))
    before = {*controlled, *(r.node for r in downstream(snapshot.graph, controlled, keep=keep))}
    newly: dict[str, dict[str, object]] = {}
    reached_any = 0
    for name in names:
        group = members(snapshot, name)
        for r in sorted(downstream(snapshot.graph, group, keep=keep), key=lambda r: r.hops):
            ref = node_ref(snapshot, r.node)
            if ref["type"] not in END_TYPES or r.node in names:
                continue
            reached_any += 1
            if r.node not in before:
                entry = newly.setdefault(r.node, {**ref, "hops": r.hops, "via": []})
                entry["via"].append(label(snapshot, name))  # type: ignore[union-attr]
    rows = sorted(newly.values(), key=lambda x: (str(x["type"]), int(x["hops"]), str(x["label"])))  # type: ignore[call-overload]
    note = ""
    if not rows:
        note = (f"all {reached_any} products, sectors, firms and projects downstream are already exposed on "
                f"{on.isoformat()}" if reached_any else "nothing downstream is a product, sector, firm or project")
    return {"as_of": on.isoformat(), "restricted": [node_ref(snapshot, n) for n in names],
            "already_exposed": len(before), "newly_exposed": rows, "note": note}
