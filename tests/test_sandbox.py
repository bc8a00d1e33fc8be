"""kg.sparql.sandbox: work runs in a forked child; past the deadline the child is killed, and the next call works."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kg.sparql.sandbox import Sandbox, Timeout

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")


def _work(request: bytes) -> bytes:
    if request == b"spin":
        while True:
            pass
    return str(os.getpid()).encode() + b":" + request.upper()


@pytest.fixture()
def sandbox():
    box = Sandbox(_work)
    box.start()
    yield box
    box.close()


def test_each_request_runs_in_its_own_process(sandbox: Sandbox) -> None:
    first, second = (sandbox.run(b"hello", 5).split(b":") for _ in range(2))
    assert first[1] == b"HELLO" and first[0] != second[0] and int(first[0]) != os.getpid(), (first, second)


def test_work_past_the_deadline_is_killed(sandbox: Sandbox) -> None:
    started = time.monotonic()
    with pytest.raises(Timeout):
        sandbox.run(b"spin", 0.5)
    assert time.monotonic() - started < 3
    time.sleep(0.2)
    assert _children(sandbox._zygote_pid) == [], "the spinning child is still alive"
    assert sandbox.run(b"after", 5).endswith(b"AFTER")


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
