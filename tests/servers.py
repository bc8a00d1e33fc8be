"""Start real servers on 127.0.0.1 for tests: `oxigraph serve` and `kg serve` (helpers, not tests)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oxigraph_binary() -> str | None:
    """The `oxigraph` CLI of the `oxigraph` pip package: next to this Python, else on PATH."""
    exe = Path(sysconfig.get_path("scripts")) / "oxigraph"
    return str(exe) if exe.is_file() else shutil.which("oxigraph")


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not answer within {timeout} s: {log.read_text(errors='replace')}")


@contextmanager
def running(cmd: list[str], probe: str, log: Path,
            env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run `cmd` (stdout and stderr to `log`) until the block ends; stop it by its pid."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    try:
        wait_until_up(probe, proc, log)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def kg_serve_cmd(port: int, *args: str) -> list[str]:
    return [sys.executable, "-m", "kg", "serve", "--port", str(port), *args]


@dataclass(frozen=True)
class KgServer:
    """A running `kg serve`: its base URL, port, log file and store."""

    base: str
    port: int
    log: Path
    store: str

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


# The test server: short limits so that limit tests are quick, CORS for one origin.
TEST_SERVE_ARGS = ("--timeout", "1.5", "--max-rows", "50", "--max-memory", "256M", "--workers", "6",
                   "--cors", "https://client.example", "--read-timeout", "1")


@contextmanager
def kg_serve(folder: Path, store: str, *args: str, cache: Path | None = None) -> Iterator[KgServer]:
    """`kg serve --store STORE ARGS` on a free port until the block ends."""
    port = free_port()
    log = folder / f"serve-{store}.log"
    cmd = kg_serve_cmd(port, "--store", store, *args)
    with running(cmd, f"http://127.0.0.1:{port}/", log, env={"KG_CACHE_DIR": str(cache or folder / "cache")}):
        yield KgServer(f"http://127.0.0.1:{port}", port, log, store)
