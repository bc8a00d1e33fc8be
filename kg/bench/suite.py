"""What a benchmark run shares: its configuration, the commands it runs and their environment.

By default the package (kg/, ontology/, data/) is copied into the work folder and byte-compiled, and
every child imports that frozen copy: edits made to the live tree while the benchmark runs cannot
turn cached runs into cache misses, and every child finds .pyc files as after a wheel install. Peers
(kg.bench.peers) run as a script from that copy and import nothing of kg.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.bench.proc import Measure, Run, measure, run_once

Tick = Callable[[str, int], None]  # (section, runs done) -> progress update
FLOOR = "import rdflib, networkx, typer"


@dataclass(frozen=True, slots=True)
class Config:
    """What to run. Sizes are triple counts; times are seconds."""

    workdir: Path
    sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000, 10_000_000)
    repeats: int = 5
    startup_repeats: int = 10
    sparql_repeats: int = 3
    queries: tuple[str, ...] = ()  # cookbook queries to time (none given: all of them)
    rdflib_cap: float = 120.0
    timeout: float = 3600.0
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
    peers_script: str = ""
    meta: dict[str, object] = field(default_factory=dict)

    def prepare(self) -> None:
        self.cfg.workdir.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ)
        root = Path(__file__).resolve().parent.parent.parent
        if self.cfg.freeze:
            root = _freeze(self.cfg.workdir / "src")
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
        self.peers_script = str(root / "kg" / "bench" / "peers.py")
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

    def peer(self, *args: str) -> list[str]:
        return [sys.executable, self.peers_script, *args]

    def floor(self) -> list[str]:
        return [sys.executable, "-c", FLOOR]

    def measure(self, section: str, name: str, cmd: list[str], *, cache: str, timeout: float | None = None,
                before: Callable[[], None] | None = None, repeats: int | None = None) -> tuple[Measure, Run]:
        n = repeats or self.cfg.repeats
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            self.tick(section, 1)

        result = measure(name, cmd, repeats=n, env=self.child_env(cache), cwd=self.cfg.workdir,
                         timeout=timeout or self.cfg.timeout, slow=self.cfg.slow, before=before, tick=step)
        self.tick(section, n - done)
        return result

    def run(self, cmd: list[str], cache: str, *, timeout: float | None = None) -> Run:
        """One untimed run (set-up: exports, stores); its output is kept."""
        return run_once(cmd, env=self.child_env(cache), cwd=self.cfg.workdir, keep_output=True,
                        timeout=timeout or self.cfg.timeout)

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


def json_of(run: Run) -> dict[str, object]:
    try:
        value = json.loads(run.stdout.decode() or "null")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def ratio(ours: float | None, base: float | None) -> float | None:
    """ours / base, rounded; None when either is missing."""
    return round(ours / base, 3) if ours and base else None


def speedup(base: Measure, ours: Measure) -> dict[str, object] | None:
    """base / ours; a base stopped at its time cap gives a lower bound."""
    if ours.median is None:
        return None
    if base.capped and base.cap:
        return {"value": round(base.cap / ours.median, 2), "lower_bound": True}
    if base.median is None:
        return None
    return {"value": round(base.median / ours.median, 2), "lower_bound": False}
