"""What a view draws: a Selection of nodes and edges picked by the same core function as the matching
CLI command (`kg impact`, `kg exposure`, `kg paths`), so the picture shows exactly that answer."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from kg.analysis.dependencies import EdgeFilter, downstream, grade_filter, upstream
from kg.analysis.families import members
from kg.model.errors import KGError, UsageError
from kg.model.snapshot import Edge, Snapshot

DIRECTIONS = ("down", "up", "both")
LAYOUTS = ("force", "layered")
MAX_NODES = 1000  # trim above this (farthest first); the physics budget lives in views_graph
LAYERED_MAX = 150  # above this many nodes the default layout is force-directed, not columns


@dataclass(frozen=True, slots=True)
class Selection:
    """What one view draws: nodes in display order, the edges among them, and what was left out."""

    kind: str
    title: str
    focus: tuple[str, ...]
    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]
    distance: dict[str, int]  # hops from the focus (used to trim the farthest first)
    layout: str = "layered"
    min_confidence: str = "C"
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ViewReport:
    """What was written, for the CLI's one-line summary."""

    path: Path
    nodes: int
    edges: int
    size: int
    notes: tuple[str, ...] = ()


def _label(snap: Snapshot, node_id: str) -> str:
    node = snap.nodes.get(node_id)
    return node.label if node else node_id


def _in_layer(snap: Snapshot, node_id: str) -> list[str]:
    """The nodes of the dependency layer `node_id` stands for (a family: its members that have an
    edge); an error that says what it is instead when there are none."""
    found = [n for n in members(snap, node_id) if n in snap.graph.node_ids()]
    if not found:
        kind = snap.nodes[node_id].type if node_id in snap.nodes else "unknown"
        raise KGError(f"{_label(snap, node_id)!r} ({kind}) has no dependency edge to draw; "
                      "for instruments try `kg control` or `kg timeline --html`")
    return found


def _edge_key(e: Edge) -> tuple[str, str, str, str]:
    return (e.source, e.target, e.relation, e.statement)


def induced_edges(snap: Snapshot, nodes: Iterable[str], keep: EdgeFilter) -> tuple[Edge, ...]:
    """Every kept dependency edge whose two ends are both in `nodes`, in a stable order."""
    wanted = set(nodes)
    found = [e for n in wanted for e in snap.graph.out_edges(n) if e.target in wanted and keep(e)]
    return tuple(sorted(found, key=_edge_key))


def _selection(snap: Snapshot, kind: str, title: str, focus: tuple[str, ...], distance: dict[str, int],
               min_confidence: str, *, edges: tuple[Edge, ...] | None = None, notes: tuple[str, ...] = ()
               ) -> Selection:
    order = sorted(distance, key=lambda n: (distance[n], _label(snap, n).casefold(), n))
    if edges is None:
        edges = induced_edges(snap, order, grade_filter(min_confidence))
    return Selection(kind, title, focus, tuple(order), edges, distance, min_confidence=min_confidence,
                     notes=notes)


def neighbourhood(snap: Snapshot, node_id: str, *, depth: int = 2, direction: str = "both",
                  min_confidence: str = "C") -> Selection:
    """Nodes within `depth` hops of `node_id` downstream, upstream or both, and the edges among them."""
    if direction not in DIRECTIONS:
        raise UsageError(f"invalid --direction {direction!r}; choose one of: {', '.join(DIRECTIONS)}")
    if depth < 1:
        raise UsageError(f"--depth must be at least 1, not {depth}")
    focus = _in_layer(snap, node_id)
    keep = grade_filter(min_confidence)
    distance = dict.fromkeys(focus, 0)
    walks: list[Callable[..., list]] = [w for d, w in (("down", downstream), ("up", upstream))
                                        if direction in (d, "both")]
    for walk in walks:
        for r in walk(snap.graph, focus, keep=keep, max_hops=depth):
            distance[r.node] = min(r.hops, distance.get(r.node, r.hops))
    title = f"Neighbourhood of {_label(snap, node_id)} ({direction}, depth {depth})"
    return _selection(snap, "neighbourhood", title, tuple(focus), distance, min_confidence)


def impact_view(snap: Snapshot, node_id: str, *, on: date, min_confidence: str = "C",
                max_hops: int | None = None) -> Selection:
    """The node and everything `kg impact` lists downstream of it."""
    from kg.analysis.impact import impact

    focus = _in_layer(snap, node_id)
    answer = impact(snap, node_id, on=on, min_confidence=min_confidence, max_hops=max_hops)
    distance = {**dict.fromkeys(focus, 0), **{str(a["id"]): int(a["hops"]) for a in answer["affected"]}}  # type: ignore[union-attr]
    title = f"Impact of {_label(snap, node_id)}"
    return _selection(snap, "impact", title, tuple(focus), distance, min_confidence)


def exposure_view(snap: Snapshot, node_id: str, *, on: date, min_confidence: str = "C",
                  max_hops: int | None = None) -> Selection:
    """The node, the restricted inputs `kg exposure` lists, and every node on a way between them."""
    from kg.analysis.impact import exposure

    focus = _in_layer(snap, node_id)
    answer = exposure(snap, node_id, on=on, min_confidence=min_confidence, max_hops=max_hops)
    keep = grade_filter(min_confidence)
    hops = {r.node: r.hops for r in upstream(snap.graph, focus, keep=keep, max_hops=max_hops)}
    hops.update(dict.fromkeys(focus, 0))
    inputs = [str(row["id"]) for row in answer["restricted_inputs"]]  # type: ignore[union-attr]
    between = set(inputs)
    queue = deque(inputs)
    while queue:  # forward from the restricted inputs, staying inside the upstream set
        for e in snap.graph.out_edges(queue.popleft()):
            if keep(e) and e.target in hops and e.target not in between:
                between.add(e.target)
                queue.append(e.target)
    distance = {n: hops[n] for n in between | set(focus)}
    notes = () if inputs else (f"no restricted input upstream of {_label(snap, node_id)} on {on}",)
    return _selection(snap, "exposure", f"Restricted inputs of {_label(snap, node_id)}", tuple(focus), distance,
                      min_confidence, notes=notes)


def path_view(snap: Snapshot, source: str, target: str, *, max_hops: int = 8, max_paths: int = 20,
              min_confidence: str = "C") -> Selection:
    """The nodes and edges of the paths `kg paths` lists from `source` to `target`."""
    from kg.analysis.impact import find_paths

    answer = find_paths(snap, source, target, max_hops=max_hops, max_paths=max_paths,
                        min_confidence=min_confidence)
    if not answer["paths"]:
        raise KGError(f"no dependency path from {_label(snap, source)!r} to {_label(snap, target)!r} "
                      f"within {max_hops} hops at confidence {min_confidence} or better")
    by_key = {_edge_key(e): e for e in snap.graph.edges()}
    distance: dict[str, int] = {}
    edges: dict[tuple[str, str, str, str], Edge] = {}
    for p in answer["paths"]:  # type: ignore[union-attr]
        ids = p["ids"]
        for i, n in enumerate(ids):
            distance[n] = min(i, distance.get(n, i))
        for a, b, rel, stmt in zip(ids[:-1], ids[1:], p["relations"], p["statements"], strict=True):
            edges[(a, b, rel, stmt)] = by_key[(a, b, rel, stmt)]
    notes = (f"drew {answer['listed']} of {answer['total']} paths (raise --max-paths to draw more)",) \
        if answer["limit_hit"] else ()
    title = f"Paths from {_label(snap, source)} to {_label(snap, target)}"
    return _selection(snap, "path", title, (source, target), distance, min_confidence,
                      edges=tuple(sorted(edges.values(), key=_edge_key)), notes=notes)


def all_view(snap: Snapshot, *, min_confidence: str = "C") -> Selection:
    """The whole dependency layer: every node with an edge, every edge at the confidence asked."""
    keep = grade_filter(min_confidence)
    edges = tuple(sorted((e for e in snap.graph.edges() if keep(e)), key=_edge_key))
    degree: dict[str, int] = dict.fromkeys(snap.graph.node_ids(), 0)
    for e in edges:
        degree[e.source] += 1
        degree[e.target] += 1
    top = max(degree.values(), default=0)
    distance = {n: top - d for n, d in degree.items()}  # trimming drops the least connected first
    sel = _selection(snap, "all", "The whole dependency layer", (), distance, min_confidence, edges=edges)
    return replace(sel, layout="force")


def trim(sel: Selection, max_nodes: int) -> Selection:
    """Keep the `max_nodes` nodes nearest the focus (best connected for --all); say what went."""
    if len(sel.nodes) <= max_nodes:
        return sel
    kept = sel.nodes[:max_nodes]  # nodes are ordered nearest first
    keep = set(kept)
    edges = tuple(e for e in sel.edges if e.source in keep and e.target in keep)
    how = "least connected" if sel.kind == "all" else "farthest from the focus"
    note = (f"trimmed {len(sel.nodes) - len(kept)} of {len(sel.nodes)} nodes ({how} first) and "
            f"{len(sel.edges) - len(edges)} of {len(sel.edges)} edges; raise --max-nodes to draw all")
    return replace(sel, nodes=kept, edges=edges, distance={n: sel.distance[n] for n in kept},
                   notes=(*sel.notes, note))
