"""A Snapshot on disk: the big tables as memory-mapped columns read lazily, the small ones as JSON.

`nodes`, `graph` and `names` grow with the data (1M triples: 39k nodes, 98k edges); they are stored
as columns (kg.store.columns) and read through Mappings that build a Node, an Edge tuple or a name
entry only when asked, so a small answer touches a small part of the file. Every other Snapshot
field (resources, events, items, counts, families, ...) is small: it is stored as tagged JSON that
names the model class of each record, so a new small table needs no change here. No pickle anywhere.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields
from functools import lru_cache
from typing import Any, BinaryIO

from kg.model.snapshot import DepGraph, Edge, Node, Snapshot
from kg.store.columns import NONE, Heap, Sections, Strings, write_file
from kg.store.rows import encode_rows, row_reader
from kg.store.tagged import from_json, to_json
from kg.store.walk import column_walker

BIG = ("nodes", "graph", "names")
_MISSING = object()
ENDS = ("source", "target")  # the first two fields of an Edge: stored as vertex numbers
# Read when a row is built; the other fields (names, comments, provenance) when first looked at.
NODE_EAGER = ("label", "type")  # and the id, which the caller knows
EDGE_EAGER = ("relation", "grade")


# --- writing ---------------------------------------------------------------------------------------


def write_snapshot(out: BinaryIO, snap: Snapshot) -> None:
    ids, vertices = sorted(snap.nodes), sorted(snap.graph.node_ids())
    strings = Strings(sorted({*ids, *vertices}))  # the keys get the first string ids, in sorted order
    kinds: dict[str, object] = {}
    sections: dict[str, bytes | array] = {}
    sections |= encode_rows("nodes", Node, [snap.nodes[i] for i in ids], strings, kinds, texts=("id",))
    sections |= _graph_sections(snap.graph, vertices, strings, kinds)
    sections |= _names_sections(snap.names, strings)
    small = {f.name: getattr(snap, f.name) for f in fields(Snapshot) if f.name not in BIG}
    sections["small"] = json.dumps(to_json(small), ensure_ascii=False).encode()
    for table, keys in (("nodes", ids), ("graph.vertices", vertices)):
        of_key = array("I", [NONE]) * strings.keys
        for row, key in enumerate(keys):
            of_key[strings.ids[key]] = row
        sections[f"{table}.of_key"] = of_key
    sections |= strings.sections()
    write_file(out, sections, {"nodes": len(ids), "edges": sum(len(v) for v in snap.graph.succ.values()),
                               "keys": strings.keys, "kinds": kinds})


def _graph_sections(graph: DepGraph, vertices: list[str], strings: Strings, kinds: dict[str, object]
                    ) -> dict[str, bytes | array]:
    index = {v: i for i, v in enumerate(vertices)}
    edges = [e for v in vertices for e in graph.out_edges(v)]
    succ = array("I", [0])
    for v in vertices:
        succ.append(succ[-1] + len(graph.out_edges(v)))
    order = sorted(range(len(edges)), key=lambda i: index[edges[i].target])
    pred = array("I", [0] * (len(vertices) + 1))
    for e in edges:
        pred[index[e.target] + 1] += 1
    for i in range(len(vertices)):
        pred[i + 1] += pred[i]
    return {
        "graph.vertices": array("I", [strings.id(v) for v in vertices]), "graph.succ": succ,
        "graph.pred": pred, "graph.pred.edges": array("I", order),
        "edges.source": array("I", [index[e.source] for e in edges]),
        "edges.target": array("I", [index[e.target] for e in edges]),
        **encode_rows("edges", Edge, edges, strings, kinds, skip=ENDS),
    }


def _names_sections(names: Mapping[str, tuple[tuple[str, int], ...]], strings: Strings) -> dict[str, bytes | array]:
    keys = sorted(names)
    offsets, ids, strengths = array("I", [0]), array("I"), []
    for k in keys:
        for node_id, strength in names[k]:
            ids.append(strings.id(node_id))
            strengths.append(strength)
        offsets.append(len(ids))
    try:
        small = array("h", strengths)
    except OverflowError:
        small = array("q", strengths)
    return {"names.key": array("I", [strings.id(k) for k in keys]), "names.offsets": offsets,
            "names.ids": ids, "names.strengths": small}


# --- reading ---------------------------------------------------------------------------------------

class _Index:
    """The row of a string in a table sorted by it: found through the string's number when the string
    was read from the file before (the usual case: ids come from edges; keys are numbered first, so
    `of_key` maps a key's number to its row), else by binary search."""

    def __init__(self, column: memoryview, heap: Heap, of_key: memoryview | None = None) -> None:
        self.column, self.heap, self.of_key = column, heap, of_key
        self.memo: dict[str, int | None] = {}

    def find(self, text: str) -> int | None:
        if self.of_key is not None:
            sid = self.heap.ids.get(text)
            if sid is not None and sid < len(self.of_key):
                row = self.of_key[sid]
                return None if row == NONE else row
            if sid is not None:
                return None  # a string of the file that is not a key
        found = self.memo.get(text, -1)
        if found != -1:
            return found
        column, read = self.column, self.heap.text
        lo, hi = 0, len(column)
        while lo < hi:
            mid = (lo + hi) // 2
            if (read(column[mid]) or "") < text:
                lo = mid + 1
            else:
                hi = mid
        found = self.memo[text] = lo if lo < len(column) and read(column[lo]) == text else None
        return found

    def __len__(self) -> int:
        return len(self.column)

    def __iter__(self) -> Iterator[str]:
        read = self.heap.text
        return (read(i) or "" for i in self.column)


class LazyRows(Mapping):  # type: ignore[type-arg]  # not subscripted: cheaper to define
    """id -> row object, for rows sorted by id; each row is built once, when first asked for, by
    `build(row number, id)`."""

    def __init__(self, keys: _Index, build: Callable[[int, str], Any]) -> None:
        self._keys, self.build = keys, build
        self.built: dict[str, Any] = {}
        self.get = lru_cache(maxsize=None)(self._get)  # type: ignore[method-assign]  # a repeated get stays in C

    def _get(self, key: Any, default: Any = None) -> Any:
        found = self.built.get(key, _MISSING)
        if found is _MISSING:
            i = self._keys.find(key) if isinstance(key, str) else None
            if i is None:
                return default
            found = self.built[key] = self.build(i, key)
        return found

    def get(self, key: Any, default: Any = None) -> Any:  # replaced per instance by a cached _get
        return self._get(key, default)

    def __getitem__(self, key: str) -> Any:
        found = self.get(key, _MISSING)
        if found is _MISSING:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return key in self.built or (isinstance(key, str) and self._keys.find(key) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class LazyAdjacency(Mapping):  # type: ignore[type-arg]  # not subscripted: cheaper to define
    """vertex id -> its out-edges (or in-edges), for vertices that have any; an Edge is built once."""

    def __init__(self, vertices: _Index, offsets: memoryview, edges: Callable[[int, str], tuple[Edge, ...]]
                 ) -> None:
        self.vertices, self.offsets, self.edges = vertices, offsets, edges
        self.built: dict[str, tuple[Edge, ...]] = {}
        self.get = lru_cache(maxsize=None)(self._get)  # type: ignore[method-assign]  # a repeated get stays in C

    def get(self, key: Any, default: Any = None) -> Any:  # replaced per instance by a cached _get
        return self._get(key, default)

    def _get(self, key: Any, default: Any = None) -> Any:
        found = self.built.get(key)
        if found is None:
            v = self.vertices.find(key) if isinstance(key, str) else None
            if v is None or self.offsets[v] == self.offsets[v + 1]:
                return default
            found = self.built[key] = self.edges(v, key)
        return found

    def __getitem__(self, key: str) -> tuple[Edge, ...]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        offsets = self.offsets
        return (k for v, k in enumerate(self.vertices) if offsets[v] != offsets[v + 1])

    def __len__(self) -> int:
        offsets = self.offsets
        return sum(1 for v in range(len(self.vertices)) if offsets[v] != offsets[v + 1])


def _graph(sections: Sections, heap: Heap) -> DepGraph:
    vertex_col = sections.raw("graph.vertices")
    vertices = _Index(vertex_col, heap, sections.raw("graph.vertices.of_key"))
    source, target = sections.raw("edges.source"), sections.raw("edges.target")
    build, text = row_reader(sections, heap, "edges", Edge, skip=ENDS, eager=EDGE_EAGER), heap.text
    succ, pred, pred_rows = sections.raw("graph.succ"), sections.raw("graph.pred"), sections.raw("graph.pred.edges")
    names: list[str | None] = [None] * len(vertex_col)
    built: dict[int, Edge] = {}

    def name(v: int) -> str:
        found = names[v]
        if found is None:
            found = names[v] = text(vertex_col[v]) or ""
        return found

    def edge(row: int, s: int, t: int) -> Edge:
        """The Edge of `row` from vertex `s` to `t`, built once; a name already read is taken from the
        list without a call (the walk's hot path)."""
        e = built.get(row)
        if e is None:
            e = built[row] = build(row, names[s] or name(s), names[t] or name(t))
        return e

    def out_edges(v: int, key: str) -> tuple[Edge, ...]:
        names[v] = key
        return tuple(edge(row, v, target[row]) for row in range(succ[v], succ[v + 1]))

    def in_edges(v: int, key: str) -> tuple[Edge, ...]:
        names[v] = key
        return tuple(edge(row, source[row], v) for row in pred_rows[pred[v]:pred[v + 1]])

    categories = sections.meta.get("kinds", {}).get("edges.grade")
    walker = column_walker(vertices.find, name, edge, len(vertex_col), succ, target, pred, pred_rows, source,
                           sections.raw("edges.grade") if categories is not None else memoryview(b""), categories)
    return DepGraph(succ=LazyAdjacency(vertices, succ, out_edges), pred=LazyAdjacency(vertices, pred, in_edges),
                    walker=walker)


def _names(sections: Sections, heap: Heap) -> Mapping[str, tuple[tuple[str, int], ...]]:
    offsets, ids, strengths = (sections.raw(f"names.{n}") for n in ("offsets", "ids", "strengths"))
    text = heap.text

    def entries(i: int, key: str) -> tuple[tuple[str, int], ...]:
        return tuple((text(ids[j]) or "", strengths[j]) for j in range(offsets[i], offsets[i + 1]))
    return LazyRows(_Index(sections.raw("names.key"), heap), entries)


def read_snapshot(fileno: int, damaged: Callable[[str], str] | None = None) -> Snapshot:
    """The Snapshot in an open file (raises kg.store.columns.FormatError, ValueError or KeyError when
    the file is damaged). Damage found later, in a part read on demand, goes through `damaged` (see
    kg.store.columns.Sections.chunked)."""
    sections = Sections(fileno, damaged)
    heap = Heap(sections)
    values = from_json(bytes(sections.raw("small")))
    node_index = _Index(sections.raw("nodes.id"), heap, sections.raw("nodes.of_key"))
    nodes = LazyRows(node_index, row_reader(sections, heap, "nodes", Node, skip=("id",), eager=NODE_EAGER))
    return Snapshot(nodes=nodes, graph=_graph(sections, heap), names=_names(sections, heap), **values)
