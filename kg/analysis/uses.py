"""End uses of a material with their shares of its consumption, and how much of its use the graph
reaches.

Use shares are recorded per source table (one source, one reference year, one scope: the world or
one country's consumption), conflicting tables side by side. One table is the answer's basis: among
the tables with A or B evidence (C tables only when there is no other), a world table that places at
least 90% of consumption on uses the graph reaches, else the table that places the largest share
there, then the world before one country, then the later year; the others are shown as alternatives
beside each use and listed under `other_tables`.
`covered_percent` adds the basis's shares of the uses the dependency graph reaches from the material
(from any member, for a family).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kg.analysis.dependencies import GRADE_RANK, downstream, grade_filter
from kg.analysis.families import broader, family_of, members
from kg.model.snapshot import Edge, Snapshot, UseShare

Table = tuple[str, tuple[str, ...], str, str]  # (node, sources, year, country)

COVERAGE_GOAL = 90.0  # percent of consumption a material's answer should reach


@dataclass(frozen=True, slots=True)
class Basis:
    """One source table of use shares for one node."""

    key: Table
    shares: tuple[UseShare, ...]

    @property
    def total(self) -> float:
        return sum(u.percent or 0.0 for u in self.shares if u.use)

    @property
    def grade(self) -> str:
        return min((u.grade or "C" for u in self.shares), key=lambda g: GRADE_RANK.get(g, 3))


def _tables(shares: list[UseShare], reached: set[str]) -> list[Basis]:
    grouped: dict[Table, list[UseShare]] = defaultdict(list)
    for u in shares:
        grouped[(u.node, u.sources, u.year, u.country)].append(u)
    tables = [Basis(k, tuple(v)) for k, v in grouped.items()]

    def rank(t: Basis) -> tuple[object, ...]:
        placed = sum(u.percent or 0.0 for u in t.shares if u.use in reached)
        world_enough = t.key[3] == "" and placed >= COVERAGE_GOAL
        return (t.grade == "C", not world_enough, -placed, t.key[3] != "", -int(t.key[2] or 0), t.key)

    return sorted(tables, key=rank)


def _own_shares(snapshot: Snapshot, node_id: str) -> list[UseShare]:
    """Shares recorded on the node; for a family, on the family or its own direct members (the element
    and its forms), not on nested families: a table about terbium does not describe medium rare earths."""
    fam = snapshot.families.get(node_id)
    scope = {node_id, *(m for m, _ in fam.members)} if fam else {node_id}
    return [u for u in snapshot.use_shares if u.node in scope]


def _with_figures(shares: list[UseShare]) -> bool:
    return any(u.percent is not None for u in shares)


def _scope_shares(snapshot: Snapshot, node_id: str) -> tuple[list[UseShare], str]:
    """Use shares recorded for the node or family; for a plain form with none, those of the smallest
    family it belongs to that has some, with a note saying so."""
    found = _own_shares(snapshot, node_id)
    if found or node_id in snapshot.families:
        return found, ""
    for fam in sorted(family_of(snapshot, node_id), key=lambda f: (len(members(snapshot, f)), f)):
        found = _own_shares(snapshot, fam)
        if found:
            label = snapshot.nodes[fam].label
            return found, f"no use shares recorded for this form; showing those of the {label} family"
    return [], ""


def _broader_hint(snapshot: Snapshot, node_id: str) -> str:
    """Where to look instead: the smallest broader family whose recorded shares carry figures."""
    up = set(broader(snapshot, node_id)) if node_id in snapshot.families else family_of(snapshot, node_id)
    for fam in sorted(up - {node_id}, key=lambda f: (len(members(snapshot, f)), f)):
        if _with_figures(_own_shares(snapshot, fam)):
            label = snapshot.nodes[fam].label
            return f"; the {label} family has a table (kg uses {label!r})"
    return ""


def _ref(snapshot: Snapshot, node_id: str) -> dict[str, object]:
    node = snapshot.nodes.get(node_id)
    return {"id": node_id, "label": node.label if node else node_id, "type": node.type if node else ""}


def _scope(snapshot: Snapshot, country: str) -> str:
    return snapshot.nodes[country].label if country in snapshot.nodes else (country or "world")


def _figure(snapshot: Snapshot, u: UseShare) -> dict[str, object]:
    return {"share_percent": u.percent, "reference_year": u.year or None, "scope": _scope(snapshot, u.country),
            "sources": list(u.sources), "grade": u.grade, "note": u.note, "of": u.node}


def uses(snapshot: Snapshot, node_id: str, *, min_confidence: str = "C") -> dict[str, object]:
    """The end uses of a material or family with their shares of consumption (see the module text)."""
    shares, note = _scope_shares(snapshot, node_id)
    group = members(snapshot, node_id)
    reached = {r.node: r for r in downstream(snapshot.graph, group, keep=grade_filter(min_confidence))}
    tables = _tables(shares, {*reached, *group})
    basis = tables[0] if tables else None
    rows, unallocated = [], []
    for u in sorted(basis.shares if basis else (), key=lambda u: (-(u.percent or -1), u.id)):
        if not u.use:
            unallocated.append({"label": u.label, **_figure(snapshot, u)})
            continue
        hit = reached.get(u.use)
        others = [_figure(snapshot, o) for t in tables[1:] for o in t.shares if o.use == u.use]
        rows.append({**_ref(snapshot, u.use), **_figure(snapshot, u), "reached": hit is not None or u.use in group,
                     "hops": hit.hops if hit else None,
                     "path": _path(snapshot, hit.edges) if hit else [],
                     "alternatives": others})
    covered = round(sum(r["share_percent"] or 0.0 for r in rows if r["reached"]), 1)  # type: ignore[misc]
    if basis is None:
        note = note or "no source seen gives consumption shares by end use for this node"
        note += _broader_hint(snapshot, node_id)
    elif not _with_figures(list(basis.shares)):
        note = (note + "; " if note else "") + ("the sources seen name its end uses but give no shares"
                                                + _broader_hint(snapshot, node_id))
    elif covered < COVERAGE_GOAL:
        missing = [str(r["label"]) for r in rows if not r["reached"]]
        why = f"; not reached in the graph: {', '.join(missing)}" if missing else ""
        rest = sum(u["share_percent"] or 0.0 for u in unallocated)
        extra = f"; {rest:g}% is not broken down by use in the source" if unallocated else ""
        note = (note + "; " if note else "") + f"the basis table accounts for {covered}% of consumption{extra}{why}"
    return {
        "node": _ref(snapshot, node_id), "min_confidence": min_confidence, "uses": rows,
        "covered_percent": covered, "unallocated": unallocated,
        "basis": _table_row(snapshot, basis) if basis else None,
        "other_tables": [_table_row(snapshot, t) for t in tables[1:]], "note": note,
    }


def _path(snapshot: Snapshot, edges: tuple[Edge, ...]) -> list[str]:
    return [str(_ref(snapshot, n)["label"]) for n in (edges[0].source, *(e.target for e in edges))]


def _table_row(snapshot: Snapshot, t: Basis) -> dict[str, object]:
    node, sources, year, country = t.key
    return {"of": node, "reference_year": year or None, "scope": _scope(snapshot, country), "grade": t.grade,
            "sources": list(sources), "uses": sum(1 for u in t.shares if u.use), "total_percent": round(t.total, 1)}
