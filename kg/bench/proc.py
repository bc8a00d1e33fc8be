"""Run a command in a fresh process and measure its wall time and peak memory (no shell, no /usr/bin/time).

`os.wait4` returns the child's own rusage, so each run gets its own peak RSS (RUSAGE_CHILDREN would
report the maximum over every child so far). Output goes to a file, so large answers cannot block a pipe.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Run:
    """One process: wall seconds, peak RSS in MiB, exit code, and whether the time cap killed it."""

    wall: float
    rss_mib: float
    rc: int
    capped: bool
    stdout: bytes = b""
    stderr: bytes = b""


@dataclass(frozen=True, slots=True)
class Measure:
    """Several runs of one command: the median wall time and the highest peak RSS."""

    name: str
    runs: tuple[float, ...]
    rss_mib: float
    capped: bool = False
    cap: float | None = None
    failed: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return None if self.capped or self.failed or not self.runs else statistics.median(self.runs)

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "median_s": _round(self.median), "runs_s": [_round(r) for r in self.runs],
                "n": len(self.runs), "peak_rss_mib": round(self.rss_mib, 1), "capped": self.capped,
                "cap_s": self.cap, "failed": self.failed, **self.extra}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def run_once(cmd: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
             timeout: float | None = None, keep_output: bool = False) -> Run:
    """Run `cmd` once; kill its process group after `timeout` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=dict(env) if env is not None else None, cwd=cwd, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read() if keep_output else out.read(200)
        return Run(wall=wall, rss_mib=usage.ru_maxrss / 1024, rc=proc.returncode, capped=killed.is_set(),
                   stdout=stdout, stderr=err.read()[-2000:])


Hook = Callable[[], None]


def measure(name: str, cmd: Sequence[str], *, repeats: int, env: Mapping[str, str] | None = None,
            cwd: Path | None = None, timeout: float | None = None, slow: float = 30.0,
            before: Hook | None = None, tick: Hook | None = None) -> tuple[Measure, Run]:
    """Median of up to `repeats` runs (one run only when it takes longer than `slow` seconds).

    `before` runs ahead of every run (e.g. to empty a cache); `tick` after each (progress bars).
    Returns the measure and the last run, whose output the caller may check.
    """
    walls: list[float] = []
    rss = 0.0
    last = Run(0.0, 0.0, 0, False)
    for _ in range(repeats):
        if before:
            before()
        last = run_once(cmd, env=env, cwd=cwd, timeout=timeout, keep_output=True)
        if tick:
            tick()
        rss = max(rss, last.rss_mib)
        if last.capped:
            return Measure(name, tuple(walls), rss, capped=True, cap=timeout), last
        if last.rc != 0:
            why = last.stderr.decode(errors="replace").strip().splitlines()[-1:] or [f"exit {last.rc}"]
            return Measure(name, tuple(walls), rss, failed=why[0], cap=timeout), last
        walls.append(last.wall)
        if last.wall > slow:
            break
    return Measure(name, tuple(walls), rss, cap=timeout), last
