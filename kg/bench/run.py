"""Run the benchmark sections with progress bars; write the JSON results and docs/performance.md."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from kg.bench.suite import Bench, Config, paths, planned_runs, scale, size_label, startup

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
        "sizes": [size_label(n) for n in cfg.sizes], "repeats": cfg.repeats,
        "startup_repeats": cfg.startup_repeats, "rdflib_cap_s": cfg.rdflib_cap, "seed": cfg.seed,
        "load_before": _load(), "note": NOTE,
    }


def run_all(cfg: Config) -> dict[str, Any]:
    """Every selected section, in fresh processes, with one progress bar per section."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    results: dict[str, Any] = {"meta": _meta(cfg)}
    plan = planned_runs(cfg)
    columns = (TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        tasks = {name: progress.add_task(name, total=total) for name, total in plan.items()}
        bench = Bench(cfg, tick=lambda section, n: progress.advance(tasks[section], n))
        bench.prepare()
        results["meta"].update(bench.meta)
        if "startup" in cfg.sections:
            results["startup"] = startup(bench)
        if "scale" in cfg.sections:
            results["sizes"] = [scale(bench, n) for n in cfg.sizes]
        if "paths" in cfg.sections:
            results["paths"] = paths(bench)
    results["meta"]["load_after"] = _load()
    return results


def write_outputs(results: dict[str, Any], *, json_path: Path | None, docs_path: Path | None) -> None:
    from kg.bench.report import markdown, targets
    from kg.store.files import write_atomic

    results["targets"] = targets(results)
    outputs = {json_path: json.dumps(results, indent=2, ensure_ascii=False) + "\n",
               docs_path: markdown(results)}
    for path, text in outputs.items():
        if path is not None:
            write_atomic(path, text.encode())
            path.chmod(0o644)  # write_atomic's temp file is private (0600); these are shared files
