"""Pure graph analyses on the dependency layer: impact, exposure, bounded paths, counts.

Works on `DepGraph` adjacency lists (upstream -> downstream); no RDF, no I/O. Every enumeration is
bounded; path counts come from dynamic programming, so we can say how many paths exist without
listing them.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from kg.model.snapshot import DepGraph, Edge

GRADE_RANK = {"A": 1, "B": 2, "C": 3}

EdgeFilter = Callable[[Edge], bool]


@dataclass(frozen=True, slots=True)
class GradeFilter:
    """An EdgeFilter keeping edges whose grade is at least `limit` (GRADE_RANK; ungraded counts as C)."""

    limit: int

    def keeps(self, grade: str | None) -> bool:
        return GRADE_RANK.get(grade or "C", 3) <= self.limit

    def __call__(self, e: Edge) -> bool:
        return self.keeps(e.grade)


def grade_filter(min_confidence: str = "C") -> EdgeFilter:
    """Keep edges whose grade is at least `min_confidence` (A strongest). Ungraded edges count as C."""
    return GradeFilter(GRADE_RANK[min_confidence.upper()])


@contextmanager
def gc_paused() -> Iterator[None]:
    """Build a large answer of acyclic objects (reference counting frees them) with the cyclic collector
    paused: its passes over a heap of a hundred thousand rows cost as much again as building them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _keep_all(_: Edge) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Reached:
    """A node reached by a breadth-first walk, with the shortest chain of edges to it."""

    node: str
    hops: int
    edges: tuple[Edge, ...]


def _starts(start: str | Iterable[str]) -> list[str]:
    return [start] if isinstance(start, str) else list(dict.fromkeys(start))


def _walk(graph: DepGraph, start: str | Iterable[str], *, upstream: bool, keep: EdgeFilter,
          max_hops: int | None) -> list[Reached]:
    """Breadth-first from one node or several at once; the start nodes themselves are not reported.
    Through the graph's own walker when it has one and the filter is on grades only."""
    starts = _starts(start)
    if graph.walker is not None and (keep is _keep_all or isinstance(keep, GradeFilter)):
        grades = None if keep is _keep_all or keep.limit >= GRADE_RANK["C"] else keep.keeps  # type: ignore[union-attr]
        found = graph.walker(starts, upstream, grades, max_hops)
        if found is not None:
            return [Reached(n, len(c), c) for n, c in found]
    step = graph.in_edges if upstream else graph.out_edges
    best: dict[str, tuple[Edge, ...]] = dict.fromkeys(starts, ())
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        chain = best[node]
        if max_hops is not None and len(chain) >= max_hops:
            continue
        for edge in step(node):
            if not keep(edge):
                continue
            nxt = edge.source if upstream else edge.target
            if nxt not in best:
                best[nxt] = (*chain, edge)
                queue.append(nxt)
    return [Reached(n, len(c), c) for n, c in best.items() if c]


def downstream(
    graph: DepGraph, start: str | Iterable[str], *, keep: EdgeFilter = _keep_all, max_hops: int | None = None
) -> list[Reached]:
    """Every node that depends on `start`, with the shortest chain from it."""
    return _walk(graph, start, upstream=False, keep=keep, max_hops=max_hops)


def upstream(
    graph: DepGraph, start: str | Iterable[str], *, keep: EdgeFilter = _keep_all, max_hops: int | None = None
) -> list[Reached]:
    """Every node `start` depends on, with the shortest chain to it (edges ordered upstream first)."""
    found = _walk(graph, start, upstream=True, keep=keep, max_hops=max_hops)
    return [Reached(r.node, r.hops, tuple(reversed(r.edges))) for r in found]


@dataclass(frozen=True, slots=True)
class PathResult:
    """Listed paths plus the exact number of paths within the hop limit."""

    paths: list[tuple[Edge, ...]]
    total: int
    limit_hit: bool
    max_hops: int
    max_paths: int


def count_paths(graph: DepGraph, source: str, target: str, *, max_hops: int, keep: EdgeFilter = _keep_all) -> int:
    """Number of directed paths of at most `max_hops` edges (walks; equal to paths on a DAG)."""
    ways = {source: 1}
    total = 0
    for _ in range(max_hops):
        nxt: dict[str, int] = {}
        for node, n in ways.items():
            for e in graph.out_edges(node):
                if keep(e):
                    nxt[e.target] = nxt.get(e.target, 0) + n
        total += nxt.get(target, 0)
        nxt.pop(target, None)
        if not nxt:
            break
        ways = nxt
    return total


def _can_reach(graph: DepGraph, target: str, keep: EdgeFilter, max_hops: int) -> dict[str, int]:
    """Fewest hops from each node to `target` (backward BFS), for pruning the path search."""
    dist = {target: 0}
    queue = deque([target])
    while queue:
        node = queue.popleft()
        if dist[node] >= max_hops:
            continue
        for e in graph.in_edges(node):
            if keep(e) and e.source not in dist:
                dist[e.source] = dist[node] + 1
                queue.append(e.source)
    return dist


def _simple_paths(graph: DepGraph, source: str, target: str, dist: dict[str, int], keep: EdgeFilter,
                  max_hops: int) -> Iterator[tuple[Edge, ...]]:
    stack: list[tuple[str, tuple[Edge, ...], frozenset[str]]] = [(source, (), frozenset({source}))]
    while stack:
        node, chain, seen = stack.pop()
        for e in reversed(graph.out_edges(node)):
            if not keep(e) or e.target in seen:
                continue
            if e.target == target:
                yield (*chain, e)
            elif len(chain) + 1 + dist.get(e.target, max_hops + 1) <= max_hops:
                stack.append((e.target, (*chain, e), seen | {e.target}))


def paths(graph: DepGraph, source: str, target: str, *, max_hops: int = 8, max_paths: int = 20,
          keep: EdgeFilter = _keep_all) -> PathResult:
    """Up to `max_paths` simple paths of at most `max_hops` edges, shortest first, and the total count."""
    dist = _can_reach(graph, target, keep, max_hops)
    listed: list[tuple[Edge, ...]] = []
    if source in dist:
        gen = _simple_paths(graph, source, target, dist, keep, max_hops)
        for p in gen:
            listed.append(p)
            if len(listed) >= max_paths * 5:  # gather a few more than shown, then keep the shortest
                break
    listed.sort(key=lambda p: (len(p), [e.target for e in p]))
    total = count_paths(graph, source, target, max_hops=max_hops, keep=keep) if source in dist else 0
    total = max(total, len(listed))
    return PathResult(paths=listed[:max_paths], total=total, limit_hit=total > max_paths,
                      max_hops=max_hops, max_paths=max_paths)
