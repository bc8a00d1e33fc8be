"""A seeded, layered synthetic dependency graph in the exportkg ontology, written as Turtle.

Layers run material -> processed form -> part -> module -> assembly -> product -> sector. Each node
picks its suppliers from earlier layers with a Zipf-like skew towards low indices, so `material-0`
is a hub. Every edge is a direct triple of a real relation plus an ekg:DependencyStatement with an
identifier, rationale, grade and a synthetic ekg:SourceDocument, as in data/dependencies/. The file
is streamed (only one node's edges are in memory) and renamed into place when complete.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kg.model.namespaces import DCTERMS, EKG, EKGR, RDF, RDFS, SCHEMA, XSD

BENCH = "https://w3id.org/exportkg/bench/"
HUB = "material-0"
NODE_TRIPLES = 3  # a, rdfs:label, rdfs:comment
EDGE_TRIPLES = 9  # the direct triple + 8 on its statement
SOURCE_TRIPLES = 5
SOURCES = 12
GRADES = (("A", 0.5), ("B", 0.35), ("C", 0.15))


@dataclass(frozen=True, slots=True)
class Pick:
    """How a node of a layer draws edges: from `layer`, `lo`-`hi` nodes with probability `p`."""

    layer: str
    relation: str
    lo: int
    hi: int
    p: float = 1.0
    outgoing: bool = False  # the edge runs from this node to the picked one (product -> sector)


@dataclass(frozen=True, slots=True)
class Layer:
    key: str
    cls: str
    noun: str
    share: float
    picks: tuple[Pick, ...] = ()


LAYERS: tuple[Layer, ...] = (
    Layer("material", "Material", "material", 0.06),
    Layer("form", "ProcessedForm", "processed form", 0.10, (Pick("material", "processedInto", 1, 2),)),
    Layer("part", "Component", "part", 0.18, (
        Pick("form", "componentOf", 1, 3), Pick("material", "usedIn", 1, 1, 0.25))),
    Layer("module", "Component", "module", 0.20, (
        Pick("part", "componentOf", 1, 3), Pick("form", "componentOf", 1, 1, 0.3),
        Pick("module", "componentOf", 1, 1, 0.1))),
    Layer("assembly", "Component", "assembly", 0.20, (
        Pick("module", "componentOf", 1, 3), Pick("part", "componentOf", 1, 1, 0.3),
        Pick("assembly", "componentOf", 1, 1, 0.1))),
    Layer("product", "Product", "product", 0.255, (
        Pick("assembly", "componentOf", 1, 3), Pick("module", "componentOf", 1, 1, 0.3),
        Pick("form", "usedIn", 1, 1, 0.15), Pick("sector", "belongsToSector", 1, 2, outgoing=True))),
    Layer("sector", "Sector", "sector", 0.005),
)

Edge = tuple[str, str, str]  # (subject id, relation, object id)


@dataclass(frozen=True, slots=True)
class Generated:
    """What was written: counts, the hub and the parameters that reproduce the file."""

    path: Path
    triples: int
    nodes: int
    edges: int
    hub: str
    hub_out_degree: int
    sizes: dict[str, int]
    seed: int
    fanout: float


def _sizes(nodes: int) -> dict[str, int]:
    return {layer.key: max(3, round(nodes * layer.share)) for layer in LAYERS}


def _skewed(rng: random.Random, size: int) -> int:
    """An index in [0, size) drawn with a Zipf-like skew: index 0 is picked most often."""
    return min(size - 1, int(size * rng.random() ** 2.5))


def _node_edges(rng: random.Random, layer: Layer, i: int, sizes: dict[str, int], fanout: float) -> list[Edge]:
    me = f"{layer.key}-{i}"
    edges: list[Edge] = []
    seen: set[tuple[str, str]] = set()
    for pick in layer.picks:
        if rng.random() >= pick.p:
            continue
        size = i if pick.layer == layer.key else sizes[pick.layer]  # same layer: lower index (acyclic)
        if size <= 0:
            continue
        count = rng.randint(max(1, round(pick.lo * fanout)), max(1, round(pick.hi * fanout)))
        for _ in range(count):
            other = f"{pick.layer}-{_skewed(rng, size)}"
            if (other, pick.relation) in seen:
                continue
            seen.add((other, pick.relation))
            edges.append((me, pick.relation, other) if pick.outgoing else (other, pick.relation, me))
    return edges


def _walk(sizes: dict[str, int], seed: int, fanout: float) -> Iterator[tuple[Layer, int, list[Edge]]]:
    rng = random.Random(seed)
    for layer in LAYERS:
        for i in range(sizes[layer.key]):
            yield layer, i, _node_edges(rng, layer, i, sizes, fanout)


def _count(sizes: dict[str, int], seed: int, fanout: float) -> int:
    edges = sum(len(e) for _, _, e in _walk(sizes, seed, fanout))
    return sum(sizes.values()) * NODE_TRIPLES + edges * EDGE_TRIPLES + SOURCES * SOURCE_TRIPLES


def plan(triples: int, *, seed: int = 1, fanout: float = 1.0) -> dict[str, int]:
    """Layer sizes whose graph has about `triples` triples (two dry runs of the same seeded walk)."""
    nodes = max(21, triples // 30)
    for _ in range(2):
        got = _count(_sizes(nodes), seed, fanout)
        nodes = max(21, round(nodes * triples / got))
    return _sizes(nodes)


_PREFIXES = {"ekg": EKG, "ekgr": EKGR, "rdf": RDF, "rdfs": RDFS, "dcterms": DCTERMS, "schema": SCHEMA,
             "xsd": XSD, "b": BENCH}


def _header(seed: int, fanout: float, sizes: dict[str, int]) -> str:
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in _PREFIXES.items()]
    lines += ["", f"# Synthetic exportkg dependency graph (kg bench generate; seed {seed}, fanout {fanout}).",
              "# Layer sizes: " + ", ".join(f"{k} {v}" for k, v in sizes.items()), ""]
    for k in range(SOURCES):
        lines.append(
            f"b:src-{k} a ekg:SourceDocument ;"
            f' schema:url "https://example.org/exportkg-bench/source-{k}"^^xsd:anyURI ;'
            f' dcterms:title "Synthetic source {k}"@en ; dcterms:publisher "exportkg benchmark" ;'
            f" ekg:confidence ekgr:grade-{GRADES[k % 3][0]} .")
    return "\n".join(lines) + "\n\n"


def _grade(rng: random.Random) -> str:
    r = rng.random()
    for grade, share in GRADES:
        if r < share:
            return grade
        r -= share
    return GRADES[-1][0]


def _node_text(layer: Layer, i: int, seed: int) -> str:
    return (f'b:{layer.key}-{i} a ekg:{layer.cls} ; rdfs:label "synthetic {layer.noun} {i}"@en ;'
            f' rdfs:comment "Synthetic {layer.noun} number {i} of benchmark seed {seed}."@en .\n')


def _edge_text(edge: Edge, n: int, rng: random.Random) -> str:
    s, rel, o = edge
    src = _skewed(rng, SOURCES)
    return (f"b:{s} ekg:{rel} b:{o} .\n"
            f'b:st-{n} a ekg:DependencyStatement ; dcterms:identifier "B{n}" ; rdf:subject b:{s} ;'
            f" rdf:predicate ekg:{rel} ; rdf:object b:{o} ;"
            f' ekg:rationale "Synthetic edge {n}."@en ; ekg:confidence ekgr:grade-{_grade(rng)} ;'
            f" dcterms:source b:src-{src} .\n")


def _write_body(fh: TextIO, sizes: dict[str, int], seed: int, fanout: float) -> tuple[int, int]:
    """Write nodes and edges; return (edge count, out-degree of the hub)."""
    extra = random.Random(seed + 1)  # grades and sources: a separate stream, so plan() stays exact
    n_edges = hub_out = 0
    chunk: list[str] = []
    for layer, i, edges in _walk(sizes, seed, fanout):
        chunk.append(_node_text(layer, i, seed))
        for edge in edges:
            chunk.append(_edge_text(edge, n_edges, extra))
            n_edges += 1
            hub_out += edge[0] == HUB
        if len(chunk) > 4096:
            fh.write("".join(chunk))
            chunk.clear()
    fh.write("".join(chunk))
    return n_edges, hub_out


def generate(out: Path, *, triples: int, seed: int = 1, fanout: float = 1.0) -> Generated:
    """Write a synthetic graph of about `triples` triples to `out` (atomically) and describe it."""
    if triples < 500:
        raise ValueError(f"--triples {triples} is too small; use at least 500")
    sizes = plan(triples, seed=seed, fanout=fanout)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", buffering=1 << 20) as fh:
            fh.write(_header(seed, fanout, sizes))
            n_edges, hub_out = _write_body(fh, sizes, seed, fanout)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; a data file is meant to be shared
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    nodes = sum(sizes.values())
    triples = nodes * NODE_TRIPLES + n_edges * EDGE_TRIPLES + SOURCES * SOURCE_TRIPLES
    return Generated(path=out, triples=triples, nodes=nodes, edges=n_edges, hub=HUB, hub_out_degree=hub_out,
                     sizes=sizes, seed=seed, fanout=fanout)


def parse_count(text: str) -> int:
    """'10k' -> 10000, '1M' -> 1000000, '2500' -> 2500."""
    t = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    try:
        return int(float(t[:-1] if scale > 1 else t) * scale)
    except ValueError:
        raise ValueError(f"not a count: {text!r} (try 10k, 100k, 1M or 2500)") from None
