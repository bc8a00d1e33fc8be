"""kg.sparql.sandbox and kg.sparql.guard: work runs in pooled worker processes; a runaway is killed at
its deadline, a native crash and a memory bomb cost one request, workers cannot open Internet sockets,
and the pool keeps answering afterwards."""

from __future__ import annotations

import ctypes
import os
import socket
import time
from pathlib import Path

import pytest

from kg.sparql.guard import mentions_service, parse_size
from kg.sparql.sandbox import Crashed, Limits, MemoryLimit, Pool, Timeout

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")


def _work(request: bytes) -> bytes:
    if request == b"spin":
        while True:
            pass
    if request == b"segfault":
        ctypes.string_at(0)  # reads address 0: SIGSEGV, as a parser stack overflow would
    if request == b"hog":
        hoard = []
        while True:
            hoard.append(bytearray(64 << 20))
    if request.startswith(b"connect:"):
        try:
            socket.create_connection(("127.0.0.1", int(request[8:])), timeout=2).close()
            return b"connected"
        except OSError as exc:
            return f"refused: {exc}".encode()
    return str(os.getpid()).encode() + b":" + request.upper()


@pytest.fixture(scope="module")
def pool():
    with Pool(_work, Limits(size=2, max_memory=256 << 20)) as box:
        yield box


def test_each_request_runs_in_a_worker_process(pool: Pool) -> None:
    replies = [pool.run(b"hello", 5).split(b":") for _ in range(4)]
    pids = {int(r[0]) for r in replies}
    assert all(r[1] == b"HELLO" for r in replies) and os.getpid() not in pids and len(pids) <= 2, replies


@pytest.mark.parametrize(("request_", "deadline", "error"), [
    (b"spin", 1.0, Timeout), (b"segfault", 10.0, Crashed), (b"hog", 10.0, MemoryLimit)])
def test_a_failing_request_costs_only_itself(pool: Pool, request_: bytes, deadline: float, error: type) -> None:
    """A crash and a memory bomb are told apart from a timeout whatever the machine's load: their deadline
    is far off, and they still end long before it."""
    started = time.monotonic()
    with pytest.raises(error):
        pool.run(request_, deadline)
    assert time.monotonic() - started < 5
    assert pool.run(b"after", 5).endswith(b"AFTER")
    time.sleep(0.2)
    assert len(_children(pool._zygote_pid)) == 2, "the pool did not replace the worker it lost"


def test_workers_cannot_reach_the_network(pool: Pool) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        reply = pool.run(f"connect:{listener.getsockname()[1]}".encode(), 5)
        listener.settimeout(0.3)
        with pytest.raises(TimeoutError):
            listener.accept()
    assert reply.startswith(b"refused") and b"denied" in reply, reply


def test_workers_may_reach_the_network_when_allowed() -> None:
    with socket.socket() as listener, Pool(_work, Limits(size=1, offline=False)) as open_pool:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert open_pool.run(f"connect:{listener.getsockname()[1]}".encode(), 5) == b"connected"


def test_service_filter_and_sizes() -> None:
    assert mentions_service("SELECT * { SeRvIcE <x> {} }") and mentions_service("\\u0053ERVICE")
    assert not mentions_service("SELECT * WHERE { ?s ?p ?o }")
    assert parse_size("1G") == 1 << 30 and parse_size("512MiB") == 512 << 20 and parse_size("0") == 0
    with pytest.raises(ValueError):
        parse_size("lots")


def _children(pid: int) -> list[int]:
    """Live processes whose parent is `pid` (Linux /proc; empty elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.parent.name))
    return found
