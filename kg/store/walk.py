"""Breadth-first walks on the adjacency columns of a snapshot file (kg.store.snapfile): the walk sees
vertex numbers and edge rows only, so an edge becomes an Edge object only when it joins the tree of
shortest chains, and an edge to a node already reached costs two array reads.

Same answer, in the same order, as the walk in kg.analysis.dependencies over the adjacency Mappings:
starts first (not reported), then level by level, edges in their stored order, first chain found wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kg.model.snapshot import Edge, Walker

Columns = Sequence[int]  # a typed memoryview of a section


def column_walker(find: Callable[[str], int | None], name: Callable[[int], str],
                  edge: Callable[[int, int, int], Edge], vertices: int, succ: Columns, target: Columns,
                  pred: Columns, pred_rows: Columns, source: Columns, grades: Columns,
                  categories: Sequence[str | None] | None) -> Walker:
    """A Walker over the columns: `find` gives a vertex's number, `name` its id, `edge(row, source
    vertex, target vertex)` the Edge of a row; `grades` holds each edge's grade as a category number
    into `categories` (None when the grades are not stored as categories)."""

    def walk(starts: list[str], upstream: bool, keep_grade: Callable[[str | None], bool] | None,
             max_hops: int | None) -> list[tuple[str, tuple[Edge, ...]]] | None:
        if keep_grade is not None and categories is None:
            return None
        ok = None if keep_grade is None else bytes(1 if keep_grade(g) else 0 for g in categories or ())
        seen = bytearray(vertices)
        chains: dict[int, tuple[Edge, ...]] = {}
        frontier = []
        for key in starts:
            v = find(key)
            if v is not None and not seen[v]:
                seen[v] = 1
                chains[v] = ()
                frontier.append(v)
        order: list[int] = []
        hops = 0
        while frontier and (max_hops is None or hops < max_hops):
            found: list[int] = []
            for v in frontier:
                chain = chains[v]
                if upstream:
                    rows: Sequence[int] = pred_rows[pred[v]:pred[v + 1]]
                    ends = source
                else:
                    rows, ends = range(succ[v], succ[v + 1]), target
                for row in rows:
                    w = ends[row]
                    if seen[w] or (ok is not None and not ok[grades[row]]):
                        continue
                    seen[w] = 1
                    chains[w] = (*chain, edge(row, w, v) if upstream else edge(row, v, w))
                    found.append(w)
            order += found
            frontier = found
            hops += 1
        return [(name(w), chains[w]) for w in order]

    return walk
