"""Everyday commands on the shipped data against the import floor (`python -c "import rdflib,
networkx, typer"`): cached impact, view, validate, --help and every cookbook query through `kg sparql`
on its default store. All run interleaved, round by round, so load drift hits each alike."""

from __future__ import annotations

import statistics

from kg.bench.proc import Measure, Run, run_once
from kg.bench.suite import Bench, ratio

SECTION = "startup"


def commands(bench: Bench) -> dict[str, list[str]]:
    view = str(bench.cfg.workdir / "view-gallium.html")
    return {"floor": bench.floor(), "impact": bench.kg("impact", "gallium", "--format", "json"),
            "view": bench.kg("view", "gallium", "--out", view), "validate": bench.kg("validate"),
            "help": bench.kg("--help")}


def sparql_names(bench: Bench) -> list[str]:
    from kg.sparql.cookbook import cookbook, find

    return [find(n).name for n in bench.cfg.queries] if bench.cfg.queries else [q.name for q in cookbook()]


def planned(bench: Bench) -> int:
    cfg = bench.cfg
    return len(commands(bench)) * cfg.startup_repeats + len(sparql_names(bench)) * cfg.sparql_repeats


def _measures(runs: dict[str, list[Run]]) -> dict[str, Measure]:
    out = {}
    for name, rs in runs.items():
        bad = next((r for r in rs if r.rc != 0), None)
        why = bad.stderr.decode(errors="replace").strip().splitlines()[-1:] if bad else []
        out[name] = Measure(name, tuple(r.wall for r in rs), max((r.rss_mib for r in rs), default=0.0),
                            failed=(why[0] if why else f"exit {bad.rc}") if bad else "")
    return out


def startup(bench: Bench) -> dict[str, object]:
    """Each command `startup_repeats` times and each cookbook query `sparql_repeats` times, interleaved
    with the floor; ratios are medians over the same rounds."""
    cfg, env, cwd = bench.cfg, bench.child_env("startup"), bench.cfg.workdir
    cmds = commands(bench)
    queries = {f"sparql {n}": bench.kg("sparql", n) for n in sparql_names(bench)}
    for cmd in [*cmds.values(), *queries.values()]:  # warm-up: builds the cache and the OS file cache
        run_once(cmd, env=env, cwd=cwd, timeout=cfg.timeout)
    runs: dict[str, list[Run]] = {name: [] for name in [*cmds, *queries]}
    for i in range(max(cfg.startup_repeats, cfg.sparql_repeats)):
        chosen = {**(cmds if i < cfg.startup_repeats else {"floor": cmds["floor"]}),
                  **(queries if i < cfg.sparql_repeats else {})}
        for name, cmd in chosen.items():
            runs[name].append(run_once(cmd, env=env, cwd=cwd, timeout=cfg.timeout))
            bench.tick(SECTION, 1)
    m = _measures(runs)
    floor = m["floor"].median
    per_query = {n.removeprefix("sparql "): ratio(m[n].median, floor) for n in queries}
    values = [v for v in per_query.values() if v is not None]
    return {
        "floor": m["floor"].as_dict(), **{k: m[k].as_dict() for k in cmds if k != "floor"},
        "ratios": {k: ratio(m[k].median, floor) for k in cmds if k not in ("floor", "help")},
        "sparql": {"queries": {n.removeprefix("sparql "): m[n].as_dict() for n in queries}, "ratios": per_query,
                   "median_ratio": round(statistics.median(values), 3) if values else None,
                   "max_ratio": max(values) if values else None,
                   "failed": sorted(n.removeprefix("sparql ") for n in queries if m[n].failed)},
    }
