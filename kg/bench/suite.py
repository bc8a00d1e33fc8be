"""The issue-7 benchmark: startup, synthetic scale, bulk load and bounded paths, each in fresh processes.

By default the package (kg/, ontology/, data/) is copied into the work folder and byte-compiled, and
every child imports that frozen copy: edits made to the live tree while the benchmark runs cannot
turn cached runs into cache misses, and every child finds .pyc files as after a wheel install.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.bench.generate import HUB, generate
from kg.bench.proc import Measure, Run, measure, run_once

Tick = Callable[[str, int], None]  # (section, runs done) -> progress update


@dataclass(frozen=True, slots=True)
class Config:
    """What to run. Sizes are triple counts; times are seconds."""

    workdir: Path
    sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    repeats: int = 5
    startup_repeats: int = 10
    rdflib_cap: float = 120.0
    timeout: float = 900.0
    slow: float = 20.0  # a command slower than this is run once
    seed: int = 1
    dense_triples: int = 100_000
    dense_fanout: float = 3.0
    freeze: bool = True
    sections: tuple[str, ...] = ("startup", "scale", "paths")


def size_label(n: int) -> str:
    for unit, scale in (("M", 1_000_000), ("k", 1_000)):
        if n >= scale and n % scale == 0:
            return f"{n // scale}{unit}"
    return str(n)


@dataclass
class Bench:
    """Commands and environment shared by every child process."""

    cfg: Config
    tick: Tick = lambda section, n: None
    env: dict[str, str] = field(default_factory=dict)
    kg_cmd: list[str] = field(default_factory=list)
    meta: dict[str, object] = field(default_factory=dict)

    def prepare(self) -> None:
        self.cfg.workdir.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ)
        if self.cfg.freeze:
            src = _freeze(self.cfg.workdir / "src")
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))
        script = Path(sys.executable).with_name("kg")
        self.kg_cmd = [str(script)] if script.exists() else [sys.executable, "-m", "kg"]
        probe = run_once([sys.executable, "-c", "import kg; print(kg.__file__)"], env=self.env,
                         cwd=self.cfg.workdir, keep_output=True)
        self.meta.update(kg_command=" ".join(self.kg_cmd), kg_imported_from=probe.stdout.decode().strip(),
                         frozen_copy=self.cfg.freeze)

    def child_env(self, cache: str) -> dict[str, str]:
        return {**self.env, "KG_CACHE_DIR": str(self.cfg.workdir / "cache" / cache)}

    def kg(self, *args: str) -> list[str]:
        return [*self.kg_cmd, *args]

    def probe(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "kg.bench.baseline", *args]

    def measure(self, section: str, name: str, cmd: list[str], *, cache: str, timeout: float | None = None,
                before: Callable[[], None] | None = None) -> tuple[Measure, Run]:
        n = self.cfg.repeats
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            self.tick(section, 1)

        result = measure(name, cmd, repeats=n, env=self.child_env(cache), cwd=self.cfg.workdir,
                         timeout=timeout or self.cfg.timeout, slow=self.cfg.slow, before=before, tick=step)
        self.tick(section, n - done)
        return result

    def clear_cache(self, cache: str) -> Callable[[], None]:
        path = self.cfg.workdir / "cache" / cache
        return lambda: shutil.rmtree(path, ignore_errors=True)


def _freeze(dest: Path) -> Path:
    """Copy the package and its ontology and data to `dest` and byte-compile it; return the import root."""
    import compileall

    import kg
    from kg.model.resources import data_dir, ontology_dir

    shutil.rmtree(dest, ignore_errors=True)
    pkg = Path(kg.__file__).resolve().parent
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(pkg, dest / "kg", ignore=skip)
    if not (pkg / "_resources").is_dir():  # a source checkout: resources sit beside the package
        shutil.copytree(ontology_dir(), dest / "ontology", ignore=skip)
        shutil.copytree(data_dir(), dest / "data", ignore=skip)
    compileall.compile_dir(dest / "kg", quiet=1)
    return dest


def _interleaved(bench: Bench, cmds: dict[str, list[str]], n: int, cache: str) -> dict[str, Measure]:
    """Run the commands in turn, n rounds, so that load drift hits each of them alike."""
    env = bench.child_env(cache)
    runs: dict[str, list[Run]] = {name: [] for name in cmds}
    for cmd in cmds.values():  # warm-up: builds the cache and the OS file cache
        run_once(cmd, env=env, cwd=bench.cfg.workdir)
    for _ in range(n):
        for name, cmd in cmds.items():
            runs[name].append(run_once(cmd, env=env, cwd=bench.cfg.workdir, timeout=bench.cfg.timeout))
            bench.tick("startup", 1)
    out = {}
    for name, rs in runs.items():
        bad = next((r for r in rs if r.rc != 0), None)
        why = bad.stderr.decode(errors="replace").strip().splitlines()[-1:] if bad else []
        out[name] = Measure(name, tuple(r.wall for r in rs), max(r.rss_mib for r in rs),
                            failed=(why[0] if why else f"exit {bad.rc}") if bad else "")
    return out


def startup(bench: Bench) -> dict[str, object]:
    """(a) cached `kg impact gallium --format json` vs the import floor; (b) `kg --help`."""
    floor = [sys.executable, "-c", "import rdflib, networkx, typer"]
    m = _interleaved(bench, {"impact": bench.kg("impact", "gallium", "--format", "json"), "floor": floor,
                             "help": bench.kg("--help")}, bench.cfg.startup_repeats, "startup")
    impact, base = m["impact"].median, m["floor"].median
    return {"impact_gallium": m["impact"].as_dict(), "import_floor": m["floor"].as_dict(),
            "help": m["help"].as_dict(), "ratio": round(impact / base, 3) if impact and base else None}


def _json_of(run: Run) -> dict[str, object]:
    try:
        value = json.loads(run.stdout.decode() or "null")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _speedup(base: Measure, ours: Measure) -> dict[str, object] | None:
    if ours.median is None:
        return None
    if base.capped and base.cap:
        return {"value": round(base.cap / ours.median, 2), "lower_bound": True}
    if base.median is None:
        return None
    return {"value": round(base.median / ours.median, 2), "lower_bound": False}


def _impact_supports_store(bench: Bench) -> bool:
    run = run_once(bench.kg("impact", "--help"), env=bench.child_env("help"), cwd=bench.cfg.workdir,
                   keep_output=True)
    return b"--store" in run.stdout


def scale(bench: Bench, triples: int) -> dict[str, object]:
    """(c) `kg impact <hub> --data FILE` (miss, cached, Oxigraph store) vs both baselines; (d) bulk load."""
    label, sec = size_label(triples), f"scale {size_label(triples)}"
    start = time.perf_counter()
    gen = generate(bench.cfg.workdir / "data" / f"bench-{label}-s{bench.cfg.seed}.ttl", triples=triples,
                   seed=bench.cfg.seed)
    gen_s = time.perf_counter() - start
    bench.tick(sec, 1)
    f, cache = str(gen.path), f"scale-{label}"
    query = ("impact", HUB, "--data", f, "--format", "json")
    miss, _ = bench.measure(sec, "miss", bench.kg(*query), cache=cache, before=bench.clear_cache(cache))
    cached, last = bench.measure(sec, "cached", bench.kg(*query), cache=cache)
    affected = len(_json_of(last).get("affected", []) or [])  # type: ignore[arg-type]
    store_args = ("impact", HUB) if _impact_supports_store(bench) else ("info",)
    store_args += ("--data", f, "--store", "oxigraph", "--no-cache", "--format", "json")
    store, _ = bench.measure(sec, "store", bench.kg(*store_args), cache=cache)
    ox, ox_run = bench.measure(sec, "pyoxigraph", bench.probe("oxigraph", HUB, f), cache=cache)
    rdf, rdf_run = bench.measure(sec, "rdflib", bench.probe("rdflib", HUB, f), cache=cache,
                                 timeout=bench.cfg.rdflib_cap)
    load = _bulk_load(bench, sec, f, cache)
    return {
        "label": label, "triples": gen.triples, "nodes": gen.nodes, "edges": gen.edges, "hub": HUB,
        "hub_out_degree": gen.hub_out_degree, "file_mb": round(gen.path.stat().st_size / 1e6, 1),
        "generate_s": round(gen_s, 3), "affected": affected,
        "baseline_rows": {"pyoxigraph": _json_of(ox_run).get("rows"),
                          "rdflib": _json_of(rdf_run).get("rows")},
        "miss": miss.as_dict(), "cached": cached.as_dict(),
        "store": {**store.as_dict(), "command": " ".join(store_args).replace(f, "FILE")},
        "pyoxigraph": ox.as_dict(), "rdflib": rdf.as_dict(),
        "speedup": {"cached_vs_pyoxigraph": _speedup(ox, cached), "cached_vs_rdflib": _speedup(rdf, cached),
                    "store_vs_pyoxigraph": _speedup(ox, store), "store_vs_rdflib": _speedup(rdf, store),
                    "miss_vs_pyoxigraph": _speedup(ox, miss), "miss_vs_rdflib": _speedup(rdf, miss)},
        "bulk_load": load,
    }


def _bulk_load(bench: Bench, sec: str, f: str, cache: str) -> dict[str, object]:
    import statistics

    rates: dict[str, list[float]] = {"kg_tps": [], "load_tps": [], "bulk_load_tps": []}
    rss = 0.0
    n = min(3, bench.cfg.repeats)
    for _ in range(n):
        run = run_once(bench.probe("load", f), env=bench.child_env(cache), cwd=bench.cfg.workdir,
                       timeout=bench.cfg.timeout, keep_output=True)
        bench.tick(sec, 1)
        out = _json_of(run)
        if run.rc != 0 or not out:
            return {"failed": run.stderr.decode(errors="replace").strip()[-300:]}
        rss = max(rss, run.rss_mib)
        for key in rates:
            rates[key].append(float(out[key]))  # type: ignore[arg-type]
    return {"kg_store_oxigraph_tps": round(statistics.median(rates["kg_tps"])),
            "pyoxigraph_load_tps": round(statistics.median(rates["load_tps"])),
            "pyoxigraph_bulk_load_tps": round(statistics.median(rates["bulk_load_tps"])), "n": n,
            "peak_rss_mib": round(rss, 1)}


def paths(bench: Bench) -> dict[str, object]:
    """(e) bounded path listing plus DP count on a dense synthetic graph, with the `kg paths` defaults."""
    import statistics

    sec, cfg = "paths", bench.cfg
    gen = generate(cfg.workdir / "data" / f"dense-{size_label(cfg.dense_triples)}-s{cfg.seed}.ttl",
                   triples=cfg.dense_triples, seed=cfg.seed, fanout=cfg.dense_fanout)
    f, source, target = str(gen.path), HUB, "sector-0"
    core: list[dict[str, object]] = []
    for _ in range(cfg.repeats):
        run = run_once(bench.probe("paths", f, source, target), env=bench.child_env("paths"), cwd=cfg.workdir,
                       timeout=cfg.timeout, keep_output=True)
        bench.tick(sec, 1)
        if run.rc != 0:
            return {"failed": run.stderr.decode(errors="replace").strip()[-300:]}
        core.append(_json_of(run))
    cli, _ = bench.measure(sec, "cli", bench.kg("paths", source, target, "--data", f, "--format", "json"),
                           cache="paths")
    first = core[0]
    return {"triples": gen.triples, "nodes": gen.nodes, "edges": gen.edges, "fanout": cfg.dense_fanout,
            "source": source, "target": target, "max_hops": first.get("max_hops"),
            "max_paths": first.get("max_paths"), "total": first.get("total"),
            "dp_count": first.get("dp_count"),
            "listed": first.get("listed"), "limit_hit": first.get("limit_hit"),
            "core_paths_s": round(statistics.median(float(c["paths_s"]) for c in core), 4),  # type: ignore[arg-type]
            "core_count_s": round(statistics.median(float(c["count_s"]) for c in core), 4),  # type: ignore[arg-type]
            "cli": cli.as_dict()}


def planned_runs(cfg: Config) -> dict[str, int]:
    """Runs per progress section (an upper bound: slow commands run once)."""
    plan: dict[str, int] = {}
    if "startup" in cfg.sections:
        plan["startup"] = 3 * cfg.startup_repeats
    if "scale" in cfg.sections:
        for n in cfg.sizes:
            plan[f"scale {size_label(n)}"] = 1 + 5 * cfg.repeats + min(3, cfg.repeats)
    if "paths" in cfg.sections:
        plan["paths"] = 2 * cfg.repeats
    return plan
