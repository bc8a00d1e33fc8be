"""Material families: an umbrella name ("graphite", "rare earths") stands for all the forms of a
material. Every question asked of a family is asked of its members, and each answer says which
member it comes through."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kg.model.snapshot import Family, Snapshot


def _closure(snapshot: Snapshot, start: set[str], step: Callable[[Family], tuple[str, ...]]) -> Iterator[str]:
    """The families reached from `start` (included) by following `step` (broader or narrower)."""
    seen, todo = set(start), list(start)
    while todo:
        fid = todo.pop()
        yield fid
        for nxt in step(snapshot.families[fid]) if fid in snapshot.families else ():
            if nxt not in seen and nxt in snapshot.families:
                seen.add(nxt)
                todo.append(nxt)


def nested(snapshot: Snapshot, family: str) -> list[str]:
    """The family and every family nested inside it (narrower, all levels)."""
    return list(_closure(snapshot, {family}, lambda f: f.narrower))


def broader(snapshot: Snapshot, family: str) -> list[str]:
    """The family and every family it is nested in (broader, all levels)."""
    return list(_closure(snapshot, {family}, lambda f: f.broader))


def family_of(snapshot: Snapshot, node_id: str) -> set[str]:
    """The families a node belongs to, directly or through nested families."""
    direct = {f.id for f in snapshot.families.values() if any(m == node_id for m, _ in f.members)}
    return set(_closure(snapshot, direct, lambda f: f.broader))


def _kinds(snapshot: Snapshot, family: str) -> dict[str, str]:
    """Member id -> kind of form, over the family and its nested families."""
    kinds: dict[str, str] = {}
    for fid in nested(snapshot, family):
        for member, kind in snapshot.families[fid].members:
            kinds.setdefault(member, kind)
    return kinds


def members(snapshot: Snapshot, node_id: str) -> list[str]:
    """The member nodes of a family, its nested families' members included (sorted); a plain node
    stands for itself."""
    return sorted(_kinds(snapshot, node_id)) if node_id in snapshot.families else [node_id]


def roots(snapshot: Snapshot, node_id: str) -> list[str]:
    """The members no other member feeds (ores, concentrates, elements, bought-in inputs): where the
    family's chains start. A plain node is its own root."""
    group = set(members(snapshot, node_id))
    fed = {e.target for m in group for e in snapshot.graph.out_edges(m) if e.target in group}
    return sorted(m for m in group if m not in fed) or sorted(group)


def member_rows(snapshot: Snapshot, node_id: str) -> list[dict[str, object]]:
    """The members of a family as rows: id, label, type and kind of form (none for a plain node)."""
    if node_id not in snapshot.families:
        return []
    rows = []
    for member, kind in _kinds(snapshot, node_id).items():
        node = snapshot.nodes.get(member)
        rows.append({"id": member, "label": node.label if node else member, "type": node.type if node else "",
                     "form": kind})
    return sorted(rows, key=lambda r: (str(r["label"]).casefold(), str(r["id"])))
