"""Run each piece of work in its own process, killed outright at a deadline (POSIX only).

A query in rdflib or Oxigraph cannot be interrupted from another thread, so `kg serve` runs every
query in a child process and kills it when its time is up. Forking a multi-threaded process is unsafe
(a lock held by another thread stays locked in the child), so the children are forked by a *zygote*:
a single-threaded process forked once at start-up, before any server thread exists, that holds the
loaded graph. A request thread hands the zygote one end of a fresh socket pair; the zygote forks a
child that writes its pid, reads the request, writes the answer and exits. The thread reads with a
deadline and sends SIGKILL to the child when it passes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable

from kg.model.errors import KGError, StoreError

Work = Callable[[bytes], bytes]
_PID = struct.Struct("!I")


class Timeout(KGError):
    """The work ran past its deadline and its process was killed."""


def _serve_one(conn: socket.socket, work: Work) -> None:
    conn.sendall(_PID.pack(os.getpid()))
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    conn.sendall(work(b"".join(chunks)))
    conn.close()


def _zygote(control: socket.socket, work: Work) -> None:
    """The zygote's loop: one forked child per socket received; exits when the parent goes away."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(control, 1, 1)
        except OSError:
            return
        if not msg or not fds:
            return
        conn = socket.socket(fileno=fds[0])
        if os.fork() == 0:
            control.close()
            try:
                _serve_one(conn, work)
            finally:
                os._exit(0)
        conn.close()


class Sandbox:
    """Forks the zygote on `start()`; `run(request, timeout)` returns the work's answer or raises Timeout."""

    def __init__(self, work: Work) -> None:
        self._work = work
        self._control: socket.socket | None = None
        self._zygote_pid = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        """Fork the zygote. Call it before starting any thread."""
        if not hasattr(os, "fork") or not hasattr(socket, "send_fds"):
            raise StoreError("kg serve needs a POSIX system (fork and socket fd passing)")
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:  # the zygote
            parent.close()
            try:
                _zygote(child, self._work)
            finally:
                os._exit(0)
        child.close()
        self._control, self._zygote_pid = parent, pid

    def run(self, request: bytes, timeout: float) -> bytes:
        if self._control is None:
            raise StoreError("the query sandbox is not started")
        mine, theirs = socket.socketpair()
        with mine:
            try:
                with self._lock:
                    socket.send_fds(self._control, [b"q"], [theirs.fileno()])
            except OSError as exc:
                raise StoreError(f"the query worker process is gone: {exc}") from None
            finally:
                theirs.close()
            return self._exchange(mine, request, time.monotonic() + timeout, timeout)

    def _exchange(self, conn: socket.socket, request: bytes, deadline: float, timeout: float) -> bytes:
        pid = 0
        chunks: list[bytes] = []
        try:
            conn.settimeout(timeout)
            head = conn.recv(_PID.size, socket.MSG_WAITALL)
            if len(head) != _PID.size:
                raise StoreError("the query worker process did not start")
            pid = _PID.unpack(head)[0]
            conn.sendall(request)
            conn.shutdown(socket.SHUT_WR)
            while True:
                conn.settimeout(max(0.001, deadline - time.monotonic()))
                chunk = conn.recv(1 << 16)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
        except TimeoutError:
            if pid:
                _kill(pid)
            raise Timeout(f"stopped after {timeout:g} s") from None

    def close(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._zygote_pid:
            _kill(self._zygote_pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._zygote_pid, 0)
            self._zygote_pid = 0


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
