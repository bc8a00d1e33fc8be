"""Synthetic graphs of growing size: `kg impact` on a hub and on a small node (cache miss and hit)
side by side with the peers answering the same downstream question.

Peers: pyoxigraph parsing the same files and querying, a preloaded Oxigraph store on disk opening and
querying, rdflib parsing and querying (stopped at a time cap), and networkx descendants on the edge
list `kg export --format csv` writes. Set-up (the disk store, the edge list) is timed but kept apart.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time

from kg.bench.generate import HUB, generate
from kg.bench.suite import Bench, json_of, ratio, size_label, speedup
from kg.model.resources import source_files


def small_node(sizes: dict[str, int]) -> str:
    """A node with a small downstream: module-500 at 1M triples, a middle module on smaller graphs."""
    return f"module-{min(500, sizes['module'] // 2)}"


def planned(bench: Bench, triples: int) -> int:
    n = bench.cfg.repeats
    return 4 + 9 * n + (min(3, n) if triples <= 1_000_000 else 0)


def scale(bench: Bench, triples: int) -> dict[str, object]:
    label, sec = size_label(triples), f"scale {size_label(triples)}"
    start = time.perf_counter()
    gen = generate(bench.cfg.workdir / "data" / f"bench-{label}-s{bench.cfg.seed}.ttl", triples=triples,
                   seed=bench.cfg.seed)
    gen_s = time.perf_counter() - start
    bench.tick(sec, 1)
    f, cache, small = str(gen.path), f"scale-{label}", small_node(gen.sizes)
    query = ("--data", f, "--format", "json")
    miss, _ = bench.measure(sec, "miss", bench.kg("impact", HUB, *query), cache=cache, before=bench.clear_cache(cache))
    hit, hub_run = bench.measure(sec, "hit", bench.kg("impact", HUB, *query), cache=cache)
    hit_small, small_run = bench.measure(sec, "hit small", bench.kg("impact", small, *query), cache=cache)
    setup = _setup(bench, sec, f, cache)
    peers = _peers(bench, sec, f, cache, small, setup)
    ours = {"hub": len(json_of(hub_run).get("affected", []) or []),  # type: ignore[arg-type]
            "small": len(json_of(small_run).get("affected", []) or [])}  # type: ignore[arg-type]
    return {
        "label": label, "triples": gen.triples, "nodes": gen.nodes, "edges": gen.edges, "hub": HUB,
        "small": small, "file_mb": round(gen.path.stat().st_size / 1e6, 1), "generate_s": round(gen_s, 3),
        "affected": ours, "rows": {name: p["rows"] for name, p in peers.items()},
        "miss": miss.as_dict(), "hit": hit.as_dict(), "hit_small": hit_small.as_dict(),
        "miss_us_per_triple": round(miss.median * 1e6 / gen.triples, 2) if miss.median else None,
        "peers": {name: p["measure"].as_dict() for name, p in peers.items()}, "setup": setup,
        "vs_store": {"hub": ratio(hit.median, peers["oxstore"]["measure"].median),
                     "small": ratio(hit_small.median, peers["oxstore small"]["measure"].median)},
        "speedup": {f"hit_vs_{name}": speedup(p["measure"], hit) for name, p in peers.items()
                    if name in ("pyoxigraph", "rdflib")},
        "bulk_load": _bulk_load(bench, sec, f, cache) if triples <= 1_000_000 else None,
    }


def _setup(bench: Bench, sec: str, f: str, cache: str) -> dict[str, object]:
    """The peers' inputs, built once: a preloaded Oxigraph store and the exported edge list."""
    store, edges = bench.cfg.workdir / "stores" / cache, bench.cfg.workdir / "edges" / cache
    shutil.rmtree(store, ignore_errors=True)
    store.parent.mkdir(parents=True, exist_ok=True)
    files = [str(p) for p in source_files()] + [f]
    start = time.perf_counter()
    built = bench.run(bench.peer("build", str(store), *files), cache)
    store_s = time.perf_counter() - start
    bench.tick(sec, 1)
    start = time.perf_counter()
    exported = bench.run(bench.kg("export", "--format", "csv", "--out", str(edges), "--data", f), cache)
    export_s = time.perf_counter() - start
    bench.tick(sec, 1)
    failed = [r.stderr.decode(errors="replace").strip()[-300:] for r in (built, exported) if r.rc != 0]
    return {"store_dir": str(store), "edges_csv": str(edges / "edges.csv"), "files": files,
            "store_build_s": round(store_s, 3), "export_s": round(export_s, 3), "failed": failed}


def _peers(bench: Bench, sec: str, f: str, cache: str, small: str, setup: dict[str, object]
           ) -> dict[str, dict[str, object]]:
    files = list(setup["files"])  # type: ignore[call-overload]
    cmds = {
        "pyoxigraph": (bench.peer("oxigraph", HUB, *files), None),
        "oxstore": (bench.peer("oxstore", HUB, str(setup["store_dir"])), None),
        "oxstore small": (bench.peer("oxstore", small, str(setup["store_dir"])), None),
        "rdflib": (bench.peer("rdflib", HUB, *files), bench.cfg.rdflib_cap),
        "networkx": (bench.peer("networkx", HUB, str(setup["edges_csv"])), None),
    }
    out: dict[str, dict[str, object]] = {}
    for name, (cmd, cap) in cmds.items():
        m, run = bench.measure(sec, name, cmd, cache=cache, timeout=cap)
        out[name] = {"measure": m, "rows": json_of(run).get("rows") if not m.capped else None}
    return out


def _bulk_load(bench: Bench, sec: str, f: str, cache: str) -> dict[str, object]:
    """Load rates: `kg --store oxigraph` (kg.bench.baseline load) against pyoxigraph's own."""
    rates: dict[str, list[float]] = {"kg_tps": [], "load_tps": [], "bulk_load_tps": []}
    n = min(3, bench.cfg.repeats)
    for _ in range(n):
        run = bench.run([sys.executable, "-m", "kg.bench.baseline", "load", f], cache)
        bench.tick(sec, 1)
        out = json_of(run)
        if run.rc != 0 or not out:
            return {"failed": run.stderr.decode(errors="replace").strip()[-300:]}
        for key in rates:
            rates[key].append(float(out[key]))  # type: ignore[arg-type]
    return {"kg_store_oxigraph_tps": round(statistics.median(rates["kg_tps"])),
            "pyoxigraph_load_tps": round(statistics.median(rates["load_tps"])),
            "pyoxigraph_bulk_load_tps": round(statistics.median(rates["bulk_load_tps"])), "n": n}


def agree(s: dict[str, object]) -> bool:
    """Whether kg and every peer that finished found the same hub downstream (and small, on disk)."""
    rows, ours = s["rows"], s["affected"]
    hub = [v for k, v in rows.items() if k != "oxstore small" and v is not None]  # type: ignore[attr-defined]
    return all(v == ours["hub"] for v in hub) and rows.get("oxstore small") in (None, ours["small"])  # type: ignore[index,attr-defined]

