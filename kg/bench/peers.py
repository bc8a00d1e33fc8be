"""The peers kg is measured against, each run as a script in a fresh process and importing nothing of kg
(so none pays for kg's imports): `python peers.py MODE ARGS`, which prints one JSON line.

Modes:
  oxigraph HUB FILE...   pyoxigraph Store.load of the Turtle files, then the downstream property-path query
  rdflib HUB FILE...     rdflib Graph.parse of the files, then the same query
  oxstore HUB DIR        open a preloaded Oxigraph store on disk (read-only) and run the same query
  networkx HUB CSV       read an exported edge list (kg export --format csv: edges.csv) and nx.descendants
  build DIR FILE...      (setup, not timed against kg) bulk-load the files into an Oxigraph store on disk
  load FILE...           pyoxigraph Store.load and Store.bulk_load rates, in triples per second

Peers leave with os._exit after printing, skipping interpreter teardown (seconds for rdflib at 1M
triples); that favours them, so kg's ratios against them are conservative.
"""

from __future__ import annotations

import json
import os
import sys
import time

EKG = "https://w3id.org/exportkg/ont#"
BENCH = "https://w3id.org/exportkg/bench/"
RELATIONS = ("processedInto", "componentOf", "usedIn", "belongsToSector")


def path_query(hub: str) -> str:
    alternatives = "|".join(f"<{EKG}{r}>" for r in RELATIONS)
    return f"SELECT ?x WHERE {{ <{BENCH}{hub}> ({alternatives})+ ?x }}"


def _oxigraph(hub: str, *files: str) -> dict[str, object]:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store()
    for path in files:
        store.load(path=path, format=ox.RdfFormat.TURTLE)
    loaded = time.perf_counter()
    rows = {sol["x"].value for sol in store.query(path_query(hub))}  # type: ignore[index,union-attr]
    return {"rows": len(rows), "load_s": loaded - start, "query_s": time.perf_counter() - loaded}


def _rdflib(hub: str, *files: str) -> dict[str, object]:
    from rdflib import Graph

    start = time.perf_counter()
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    loaded = time.perf_counter()
    rows = {str(row[0]) for row in graph.query(path_query(hub))}  # type: ignore[index]
    return {"rows": len(rows), "load_s": loaded - start, "query_s": time.perf_counter() - loaded}


def _oxstore(hub: str, folder: str) -> dict[str, object]:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store.read_only(folder)
    rows = {sol["x"].value for sol in store.query(path_query(hub))}  # type: ignore[index,union-attr]
    return {"rows": len(rows), "query_s": time.perf_counter() - start}


def _networkx(hub: str, edges_csv: str) -> dict[str, object]:
    import csv

    import networkx as nx

    start = time.perf_counter()
    with open(edges_csv, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        graph = nx.DiGraph((row[0], row[3]) for row in reader)
    loaded = time.perf_counter()
    rows = nx.descendants(graph, hub)
    return {"rows": len(rows), "load_s": loaded - start, "query_s": time.perf_counter() - loaded}


def _build(folder: str, *files: str) -> dict[str, object]:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store(folder)
    for path in files:
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    store.optimize()
    return {"triples": len(store), "build_s": time.perf_counter() - start}


def _load(*files: str) -> dict[str, object]:
    import pyoxigraph as ox

    out: dict[str, object] = {}
    for method in ("load", "bulk_load"):
        start = time.perf_counter()
        store = ox.Store()
        for path in files:
            getattr(store, method)(path=path, format=ox.RdfFormat.TURTLE)
        seconds = time.perf_counter() - start
        out |= {f"{method}_triples": len(store), f"{method}_s": seconds, f"{method}_tps": len(store) / seconds}
        del store
    return out


MODES = {"oxigraph": _oxigraph, "rdflib": _rdflib, "oxstore": _oxstore, "networkx": _networkx, "build": _build,
         "load": _load}


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in MODES:
        sys.stderr.write(f"usage: python peers.py {{{','.join(MODES)}}} ARGS\n")
        raise SystemExit(2)
    result = MODES[argv[0]](*argv[1:])
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
