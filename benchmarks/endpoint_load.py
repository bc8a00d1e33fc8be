"""Load test of `kg serve`: cheap SELECTs from 1 and 10 concurrent clients, and a cheap query while four
expensive ones run. Writes benchmarks/results/endpoint-load.json, benchmarks/results/endpoint-load.md
and the section "Endpoint under load" at the end of docs/performance.md.

    python benchmarks/endpoint_load.py                 # about a minute
    python benchmarks/endpoint_load.py --seconds 5 --stores oxigraph --no-docs

Each client is a process of its own with one keep-alive connection, so the clients' Python does not
share one interpreter lock with the others (the numbers are the server's, not the load generator's).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing as mp
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
CHEAP = "SELECT ?label WHERE { ekgr:gallium rdfs:label ?label } LIMIT 5"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # about 10^12 rows
SECTION = "## Endpoint under load"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(store: str, timeout: float, log: Path):
    port = _free_port()
    cmd = [sys.executable, "-m", "kg", "serve", "--port", str(port), "--store", store, "--timeout", str(timeout)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            if proc.poll() is not None:
                raise RuntimeError(f"kg serve exited: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _client(port: int, query: str, until: float, start: float, out: mp.Queue) -> None:
    """One client: the same query over one keep-alive connection until `until`; latencies to `out`."""
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while time.time() < start:
        time.sleep(0.001)
    times, codes = [], {}
    while time.time() < until:
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            resp = conn.getresponse()
            resp.read()
            code = resp.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            code = 0
        times.append(time.perf_counter() - began)
        codes[code] = codes.get(code, 0) + 1
    out.put((query == CHEAP, times, codes))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _run(port: int, cheap: int, expensive: int, seconds: float) -> dict[str, object]:
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()
    start = time.time() + 1.0
    until = start + seconds
    procs = [ctx.Process(target=_client, args=(port, EXPENSIVE, until, start, out)) for _ in range(expensive)]
    procs += [ctx.Process(target=_client, args=(port, CHEAP, until, start + (0.5 if expensive else 0), out))
              for _ in range(cheap)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join()
    times = [t for is_cheap, ts, _ in results if is_cheap for t in ts]
    codes: dict[str, int] = {}
    for is_cheap, _, c in results:
        for code, n in c.items():
            if is_cheap:
                codes[str(code)] = codes.get(str(code), 0) + n
    window = seconds - (0.5 if expensive else 0)
    return {"clients": cheap, "expensive": expensive, "seconds": window, "requests": len(times),
            "per_second": round(len(times) / window, 1), "p50_ms": round(1000 * _percentile(times, 0.5), 1),
            "p99_ms": round(1000 * _percentile(times, 0.99), 1), "max_ms": round(1000 * max(times, default=0), 1),
            "mean_ms": round(1000 * statistics.fmean(times), 1) if times else None, "status": codes}


def _machine() -> dict[str, object]:
    load = os.getloadavg()
    return {"when": datetime.now(UTC).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
            "platform": f"{platform.system()} {platform.machine()}", "python": platform.python_version(),
            "load_before": [round(x, 2) for x in load]}


def measure(stores: list[str], seconds: float) -> dict[str, object]:
    doc: dict[str, object] = {"machine": _machine(), "cheap": CHEAP, "expensive": EXPENSIVE, "runs": []}
    RESULTS.mkdir(parents=True, exist_ok=True)
    for store in stores:
        log = Path(tempfile.gettempdir()) / f"kg-endpoint-load-{store}.log"  # one line per request: large
        with serving(store, 10.0, log) as port:
            for cheap, expensive in ((1, 0), (10, 0), (1, 4)):
                row = _run(port, cheap, expensive, seconds)
                row["store"] = store
                doc["runs"].append(row)  # type: ignore[union-attr]
                print(json.dumps(row), flush=True)
    doc["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]  # type: ignore[index]
    return doc


def markdown(doc: dict[str, object]) -> str:
    m = doc["machine"]
    lines = [SECTION, "",
             "Measured by `python benchmarks/endpoint_load.py` against a real `kg serve` process on "
             f"{m['platform']}, {m['cpus']} CPUs, Python {m['python']}, {m['when']}; load average "
             f"{' '.join(map(str, m['load_before']))} before and {' '.join(map(str, m.get('load_after', [])))} "
             "after (the machine is shared, so absolute numbers are noisy). Cheap query: "
             f"`{doc['cheap']}`; expensive query: `{doc['expensive']}` (stopped by `--timeout 10`). Each client is "
             "a process with one keep-alive connection that sends its next query as soon as the answer arrives.",
             "", "| store | cheap clients | expensive running | cheap queries/s | p50 | p99 | max | statuses |",
             "|---|---|---|---|---|---|---|---|"]
    for r in doc["runs"]:  # type: ignore[union-attr]
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["status"].items()))
        lines.append(f"| {r['store']} | {r['clients']} | {r['expensive']} | {r['per_second']} | {r['p50_ms']} ms | "
                     f"{r['p99_ms']} ms | {r['max_ms']} ms | {statuses} |")
    lines += ["", "Targets: at least 300 cheap SELECTs per second from 10 clients with p99 under 100 ms (Oxigraph, "
              "the default store), and cheap queries still answered promptly while four expensive ones run: "
              f"{_verdict(doc)}.", ""]
    return "\n".join(lines)


def _verdict(doc: dict[str, object]) -> str:
    runs = {(r["store"], r["clients"], r["expensive"]): r for r in doc["runs"]}  # type: ignore[union-attr]
    busy, loaded = runs.get(("oxigraph", 10, 0)), runs.get(("oxigraph", 1, 4))
    if busy is None or loaded is None:
        return "not measured (run with the oxigraph store)"
    met = busy["per_second"] >= 300 and busy["p99_ms"] < 100 and loaded["p99_ms"] < 100
    return (f"{'met' if met else 'NOT met'} ({busy['per_second']}/s, p99 {busy['p99_ms']} ms; beside four expensive "
            f"queries p99 {loaded['p99_ms']} ms)")


def write_docs(section: str) -> None:
    """Replace (or add) the section at the end of docs/performance.md."""
    page = ROOT / "docs" / "performance.md"
    text = page.read_text(encoding="utf-8") if page.is_file() else "# Performance\n"
    head = text.split(SECTION, 1)[0].rstrip("\n")
    page.write_text(head + "\n\n" + section, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run")
    parser.add_argument("--stores", default="oxigraph,rdflib", help="comma-separated stores to serve")
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/performance.md")
    args = parser.parse_args()
    doc = measure(args.stores.split(","), args.seconds)
    section = markdown(doc)
    (RESULTS / "endpoint-load.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "endpoint-load.md").write_text(section, encoding="utf-8")
    if not args.no_docs:
        write_docs(section)
    print(section)


if __name__ == "__main__":
    main()
