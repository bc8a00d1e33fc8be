"""Long checks run as child processes from the start of the test session, so that they overlap the
rest of the suite on a second core; the test that owns a job waits for it and checks its output.

conftest.py starts the job of every collected test listed in OWNERS and moves those tests to the end
of the session; a test run on its own starts its job itself. Each job gets a private scratch folder
(its working directory and cache).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Done:
    rc: int
    stdout: str
    stderr: str
    folder: Path


def _commands(folder: Path) -> dict[str, list[str]]:
    return {
        "fuzz": [sys.executable, str(TESTS / "fuzz_turtle.py"), "10000", "1", "--hostile"],
        "bench": [sys.executable, "-m", "kg", "bench", "run", "--sizes", "2k", "--repeats", "1",
                  "--startup-repeats", "1", "--sparql-repeats", "1", "--queries", "list-controls-in-force",
                  "--dense-triples", "3k", "--rdflib-cap", "60", "--workdir", str(folder / "work"),
                  "--out", str(folder / "out" / "r.json"), "--docs", str(folder / "performance.md")],
    }


# test node id (its tail) -> the job it checks
OWNERS = {"test_fuzz.py::test_ten_thousand_snippets_load_or_fail_in_one_line": "fuzz",
          "test_bench.py::test_quick_benchmark_end_to_end": "bench"}
_RUNNING: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}


def prepare(name: str, folder: Path) -> None:
    """What a job needs in its folder before it starts (the bench keeps a page section it must keep)."""
    if name == "bench":
        (folder / "performance.md").write_text("# Performance\n\nold\n\n" + ENDPOINT, encoding="utf-8")


ENDPOINT = "## Endpoint under load\n\nWritten by the endpoint's load script.\n"


def start(name: str) -> None:
    if name in _RUNNING:
        return
    folder = Path(tempfile.mkdtemp(prefix=f"kg-test-{name}-"))
    (folder / "cwd").mkdir()
    prepare(name, folder)
    env = {**os.environ, "KG_CACHE_DIR": str(folder / "cache")}
    out, err = (folder / "stdout").open("wb"), (folder / "stderr").open("wb")
    proc = subprocess.Popen(_commands(folder)[name], stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                            cwd=folder / "cwd", env=env)
    _RUNNING[name] = (proc, folder)


def owns(node_id: str) -> str | None:
    """The job the test `node_id` checks, if any."""
    return next((job for tail, job in OWNERS.items() if node_id.endswith(tail)), None)


def start_for(node_ids: list[str]) -> None:
    for node_id in node_ids:
        name = owns(node_id)
        if name:
            start(name)


def result(name: str, timeout: float = 600) -> Done:
    start(name)
    proc, folder = _RUNNING[name]
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"the {name} job did not finish within {timeout:g} s") from None
    return Done(proc.returncode, (folder / "stdout").read_text(errors="replace"),
                (folder / "stderr").read_text(errors="replace"), folder)


def stop_all() -> None:
    """End jobs still running (their test was interrupted) and remove every job's folder."""
    for proc, folder in _RUNNING.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
    _RUNNING.clear()
