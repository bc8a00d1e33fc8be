"""Run the benchmark sections with progress bars; write the results (JSON) and the docs page where told."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from kg.bench import paths, scale, startup
from kg.bench.suite import Bench, Config, size_label

NOTE = ("The machine is shared with other busy processes, so single numbers are noisy; compare the "
        "ratios, which are measured in the same run.")


def _versions() -> dict[str, str]:
    out = {}
    for dist in ("exportkg", "pyoxigraph", "rdflib", "oxrdflib", "typer", "networkx"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _meta(cfg: Config) -> dict[str, Any]:
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(), "executable": sys.executable, "versions": _versions(),
        "sizes": [size_label(n) for n in cfg.sizes], "repeats": cfg.repeats, "startup_repeats": cfg.startup_repeats,
        "sparql_repeats": cfg.sparql_repeats, "rdflib_cap_s": cfg.rdflib_cap, "seed": cfg.seed,
        "load_before": _load(), "note": NOTE,
    }


def planned_runs(bench: Bench) -> dict[str, int]:
    """Runs per progress section (an upper bound: slow commands run once)."""
    cfg, plan = bench.cfg, {}
    if "startup" in cfg.sections:
        plan["startup"] = startup.planned(bench)
    if "scale" in cfg.sections:
        for n in cfg.sizes:
            plan[f"scale {size_label(n)}"] = scale.planned(bench, n)
    if "paths" in cfg.sections:
        plan["paths"] = 2 * cfg.repeats
    return plan


def run_all(cfg: Config) -> dict[str, Any]:
    """Every selected section, in fresh processes, with one progress bar per section."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    results: dict[str, Any] = {"meta": _meta(cfg)}
    columns = (TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False, redirect_stdout=False) as progress:
        tasks: dict[str, Any] = {}
        bench = Bench(cfg, tick=lambda section, n: progress.advance(tasks[section], n))
        bench.prepare()
        tasks.update({name: progress.add_task(name, total=total) for name, total in planned_runs(bench).items()})
        results["meta"].update(bench.meta)
        if "startup" in cfg.sections:
            results["startup"] = startup.startup(bench)
        if "scale" in cfg.sections:
            results["sizes"] = [scale.scale(bench, n) for n in cfg.sizes]
        if "paths" in cfg.sections:
            results["paths"] = paths.paths(bench)
    results["meta"]["load_after"] = _load()
    return results


def write_outputs(results: dict[str, Any], *, json_path: Path | None, docs_path: Path | None) -> None:
    """The results as JSON and the docs page, each only where a path is given. A section the page has
    from elsewhere ("## Endpoint under load", written from the endpoint's load results) is kept."""
    from kg.bench.markdown import markdown
    from kg.bench.report import targets
    from kg.store.files import write_atomic

    results["targets"] = targets(results)
    if json_path is not None:
        write_atomic(json_path, (json.dumps(results, indent=2, ensure_ascii=False) + "\n").encode(), mode=0o644)
    if docs_path is not None:
        kept = docs_path.read_text(encoding="utf-8") if docs_path.is_file() else ""
        write_atomic(docs_path, markdown(results, kept).encode(), mode=0o644)
