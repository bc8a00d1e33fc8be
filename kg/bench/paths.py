"""Bounded path search on a dense synthetic graph: `kg paths` with its default limits, and kg's own
path listing and exact DP count timed in-process (kg.bench.baseline paths)."""

from __future__ import annotations

import statistics
import sys

from kg.bench.generate import HUB, generate
from kg.bench.suite import Bench, json_of, size_label

SECTION = "paths"


def paths(bench: Bench) -> dict[str, object]:
    cfg = bench.cfg
    gen = generate(cfg.workdir / "data" / f"dense-{size_label(cfg.dense_triples)}-s{cfg.seed}.ttl",
                   triples=cfg.dense_triples, seed=cfg.seed, fanout=cfg.dense_fanout)
    f, source, target = str(gen.path), HUB, "sector-0"
    core: list[dict[str, object]] = []
    for _ in range(cfg.repeats):
        run = bench.run([sys.executable, "-m", "kg.bench.baseline", "paths", f, source, target], "paths")
        bench.tick(SECTION, 1)
        if run.rc != 0:
            return {"failed": run.stderr.decode(errors="replace").strip()[-300:]}
        core.append(json_of(run))
    cli, _ = bench.measure(SECTION, "cli", bench.kg("paths", source, target, "--data", f, "--format", "json"),
                           cache="paths")
    first = core[0]
    return {"triples": gen.triples, "nodes": gen.nodes, "edges": gen.edges, "fanout": cfg.dense_fanout,
            "source": source, "target": target, "max_hops": first.get("max_hops"),
            "max_paths": first.get("max_paths"), "total": first.get("total"), "dp_count": first.get("dp_count"),
            "listed": first.get("listed"), "limit_hit": first.get("limit_hit"),
            "core_paths_s": round(statistics.median(float(c["paths_s"]) for c in core), 4),  # type: ignore[arg-type]
            "core_count_s": round(statistics.median(float(c["count_s"]) for c in core), 4),  # type: ignore[arg-type]
            "cli": cli.as_dict()}
