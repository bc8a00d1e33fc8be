"""Child-process probes for the benchmark: `python -m kg.bench.baseline MODE ARGS`; prints one JSON line.

Modes:
  oxigraph HUB FILE   pyoxigraph Store.load of the same Turtle files kg loads, then the `+` path query
  rdflib HUB FILE     rdflib Graph.parse of those files, then the same query
  load FILE           kg.store.load.load_graph(store="oxigraph"), pyoxigraph Store.load and .bulk_load: triples/s
  paths FILE SRC DST  kg's bounded path search and DP count on the cached snapshot, timed in-process

The baselines leave with os._exit after printing, skipping interpreter teardown (seconds for rdflib
at 1M triples); that favours them, so our speed-up ratios are conservative.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from kg.model.namespaces import EKG

RELATIONS = ("processedInto", "componentOf", "usedIn", "belongsToSector")
BENCH = "https://w3id.org/exportkg/bench/"


def path_query(hub_iri: str) -> str:
    alternatives = "|".join(f"ekg:{r}" for r in RELATIONS)
    return f"PREFIX ekg: <{EKG}>\nSELECT ?x WHERE {{ <{hub_iri}> ({alternatives})+ ?x }}"


def _files(extra: str) -> list[Path]:
    from kg.model.resources import source_files

    return source_files((Path(extra),))


def _oxigraph(hub: str, extra: str) -> dict[str, object]:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store()
    for path in _files(extra):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    loaded = time.perf_counter()
    rows = [sol["x"].value for sol in store.query(path_query(BENCH + hub))]  # type: ignore[index,union-attr]
    return {"rows": len(set(rows)), "load_s": loaded - start, "query_s": time.perf_counter() - loaded}


def _rdflib(hub: str, extra: str) -> dict[str, object]:
    from rdflib import Graph

    start = time.perf_counter()
    graph = Graph()
    for path in _files(extra):
        graph.parse(path, format="turtle")
    loaded = time.perf_counter()
    rows = [str(row[0]) for row in graph.query(path_query(BENCH + hub))]  # type: ignore[index]
    return {"rows": len(set(rows)), "load_s": loaded - start, "query_s": time.perf_counter() - loaded}


def _load(extra: str) -> dict[str, object]:
    import pyoxigraph as ox

    from kg.store.load import load_graph

    load_graph((), store="oxigraph")  # imports rdflib and oxrdflib and registers the plugin: not load time
    start = time.perf_counter()
    graph = load_graph((Path(extra),), store="oxigraph")
    kg_s = time.perf_counter() - start
    kg_triples = len(graph)
    out: dict[str, object] = {"kg_triples": kg_triples, "kg_s": kg_s, "kg_tps": kg_triples / kg_s}
    for method in ("load", "bulk_load"):
        start = time.perf_counter()
        store = ox.Store()
        for path in _files(extra):
            getattr(store, method)(path=str(path), format=ox.RdfFormat.TURTLE)
        seconds = time.perf_counter() - start
        out |= {f"{method}_triples": len(store), f"{method}_s": seconds, f"{method}_tps": len(store) / seconds}
        del store
    return out


def _paths(extra: str, source: str, target: str) -> dict[str, object]:
    from kg.analysis.dependencies import count_paths
    from kg.analysis.impact import find_paths
    from kg.store.cache import get_snapshot

    snap = get_snapshot((Path(extra),))
    start = time.perf_counter()
    found = find_paths(snap, source, target)  # the `kg paths` defaults: max_hops 8, max_paths 20
    paths_s = time.perf_counter() - start
    start = time.perf_counter()
    exact = count_paths(snap.graph, source, target, max_hops=8)
    count_s = time.perf_counter() - start
    return {"total": found["total"], "listed": found["listed"], "limit_hit": found["limit_hit"],
            "max_hops": found["max_hops"], "max_paths": found["max_paths"], "paths_s": paths_s,
            "count_s": count_s, "dp_count": exact}


MODES = {"oxigraph": _oxigraph, "rdflib": _rdflib, "load": _load, "paths": _paths}


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in MODES:
        sys.stderr.write(f"usage: python -m kg.bench.baseline {{{','.join(MODES)}}} ARGS\n")
        raise SystemExit(2)
    result = MODES[argv[0]](*argv[1:])
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
