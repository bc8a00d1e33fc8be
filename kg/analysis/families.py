"""Material families: an umbrella name ("graphite", "rare earths") stands for all the forms of a
material. Every question asked of a family is asked of its members, and each answer says which
member it comes through."""

from __future__ import annotations

from kg.model.snapshot import Snapshot


def is_family(snapshot: Snapshot, node_id: str) -> bool:
    return node_id in snapshot.families


def family_of(snapshot: Snapshot, node_id: str) -> set[str]:
    """The families a node belongs to, directly or through nested families."""
    direct = {f.id for f in snapshot.families.values() if any(m == node_id for m, _ in f.members)}
    out, todo = set(direct), list(direct)
    while todo:
        fam = snapshot.families.get(todo.pop())
        for up in fam.broader if fam else ():
            if up not in out:
                out.add(up)
                todo.append(up)
    return out


def members(snapshot: Snapshot, node_id: str) -> list[str]:
    """The member nodes of a family, its nested families' members included (sorted); a plain node
    stands for itself."""
    if node_id not in snapshot.families:
        return [node_id]
    found: set[str] = set()
    todo, seen = [node_id], {node_id}
    while todo:
        fam = snapshot.families[todo.pop()]
        found.update(m for m, _ in fam.members)
        for down in fam.narrower:
            if down not in seen and down in snapshot.families:
                seen.add(down)
                todo.append(down)
    return sorted(found)


def roots(snapshot: Snapshot, node_id: str) -> list[str]:
    """The members no other member feeds (ores, concentrates, elements, bought-in inputs): where the
    family's chains start. A plain node is its own root."""
    group = set(members(snapshot, node_id))
    fed = {e.target for m in group for e in snapshot.graph.out_edges(m) if e.target in group}
    out = sorted(m for m in group if m not in fed)
    return out or sorted(group)


def member_rows(snapshot: Snapshot, node_id: str) -> list[dict[str, object]]:
    """The members of a family as rows: id, label, type and kind of form."""
    if node_id not in snapshot.families:
        return []
    kinds: dict[str, str] = {}
    todo = [node_id]
    seen = {node_id}
    while todo:
        fam = snapshot.families[todo.pop()]
        for m, kind in fam.members:
            kinds.setdefault(m, kind)
        for down in fam.narrower:
            if down not in seen and down in snapshot.families:
                seen.add(down)
                todo.append(down)
    rows = []
    for m in sorted(kinds, key=lambda m: (snapshot.nodes[m].label.casefold() if m in snapshot.nodes else m)):
        node = snapshot.nodes.get(m)
        rows.append({"id": m, "label": node.label if node else m, "type": node.type if node else "",
                     "form": kinds[m]})
    return rows
