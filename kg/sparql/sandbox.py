"""A pool of pre-forked query processes: a crash, a runaway or a memory bomb costs one request (POSIX).

A query in rdflib or Oxigraph cannot be interrupted from another thread, and Oxigraph's parser can
overflow its stack on deeply nested text, which kills the process. So every query is parsed and run in
a worker process, never in the caller. Forking a multi-threaded process is unsafe (a lock held by
another thread stays locked in the child), so workers are forked by a *zygote*: a single-threaded
process forked once, before any thread exists, that holds the loaded store. Each worker serves one
request at a time over its own socket pair; its stderr goes to an anonymous file the pool reads when
the worker dies, so a Rust "memory allocation failed" abort is told apart from a crash.

Limits per worker: its address space may grow by `max_memory` bytes (RLIMIT_AS); a request past its
deadline gets the worker killed; one still running after `nice_after` seconds is lowered in priority
(and retired afterwards), so cheap queries stay fast beside expensive ones; a worker is retired after
`max_requests` or once it has grown by a quarter of its memory cap. Workers can also be kept off the
network (kg.sparql.guard.deny_network).
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import math
import os
import queue
import select
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kg.model.errors import KGError, StoreError
from kg.sparql.guard import cap_memory, deny_network, resident

Work = Callable[[bytes], bytes]
_HEAD = struct.Struct("!IdB")  # payload length, deadline seconds (request) / flags (reply)
_RETIRE, _FAILED, _MEMORY = 1, 2, 4
_PID = struct.Struct("!I")


class Timeout(KGError):
    """The work ran past its deadline and its process was killed."""


class MemoryLimit(KGError):
    """The work needed more memory than its process may have."""


class Crashed(KGError):
    """The worker process died while working (a native crash such as a parser stack overflow)."""


class Busy(KGError):
    """Every worker stayed busy until the deadline."""


@dataclass(frozen=True, slots=True)
class Limits:
    size: int = 4  # worker processes
    max_memory: int | None = 1 << 30  # bytes each worker may grow by
    max_requests: int = 1000  # then the worker is replaced
    nice_after: float = 0.25  # seconds before a running request is lowered in priority
    max_reply: int = 256 << 20  # bytes of one answer
    offline: bool = True  # workers cannot open Internet sockets


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(min(size - got, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _serve(conn: socket.socket, work: Work, limits: Limits) -> None:
    """A worker's loop: one request at a time until its socket closes or it retires."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    faulthandler.disable()  # a crash is reported by the pool, not dumped on the parent's terminal
    cap_memory(limits.max_memory)
    start, served = resident(), 0
    while True:
        try:
            length, seconds, _ = _HEAD.unpack(_recv_exact(conn, _HEAD.size))
            request = _recv_exact(conn, length)
        except (EOFError, OSError):
            return
        signal.alarm(math.ceil(seconds) + 2)  # stops the work even when nobody is left to kill it
        flags = 0
        try:
            reply = work(request)
        except MemoryError:
            reply, flags = b"", _MEMORY | _RETIRE
        except Exception as exc:  # the work should answer every error itself; this is the last guard
            reply, flags = f"{type(exc).__name__}: {exc}".encode()[:1000], _FAILED | _RETIRE
        signal.alarm(0)
        served += 1
        grown = limits.max_memory and resident() - start > limits.max_memory // 4
        if served >= limits.max_requests or grown:
            flags |= _RETIRE
        conn.sendall(_HEAD.pack(len(reply), 0, flags) + reply)
        if flags & _RETIRE:
            return


def _stderr_file() -> int:
    if hasattr(os, "memfd_create"):
        return os.memfd_create("kg-query-stderr")
    import tempfile

    with tempfile.TemporaryFile() as fh:
        return os.dup(fh.fileno())


def _zygote(control: socket.socket, work: Work, limits: Limits, warm: Callable[[], None] | None) -> None:
    """Fork a worker for each byte received; send back its pid, socket and stderr file."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if limits.offline:
        deny_network()
    if warm is not None:
        with contextlib.suppress(Exception):  # a cold engine is slower, not broken
            warm()
    gc.freeze()  # the loaded store stays shared with the workers instead of being copied by the collector
    while True:
        try:
            if not control.recv(1):
                return
        except OSError:
            return
        mine, theirs = socket.socketpair()
        err = _stderr_file()
        pid = os.fork()
        if pid == 0:
            control.close()
            mine.close()
            os.dup2(err, 2)
            try:
                _serve(theirs, work, limits)
            finally:
                os._exit(0)
        theirs.close()
        socket.send_fds(control, [_PID.pack(pid)], [mine.fileno(), err])
        mine.close()
        os.close(err)


@dataclass(slots=True)
class _Worker:
    pid: int
    sock: socket.socket
    err: int
    niced: bool = False

    def close(self, kill: bool) -> None:
        if kill:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self.pid, signal.SIGKILL)
        self.sock.close()
        with contextlib.suppress(OSError):
            os.close(self.err)

    def stderr(self) -> str:
        with contextlib.suppress(OSError):
            return os.pread(self.err, 4096, 0).decode("utf-8", "replace")
        return ""


class Pool:
    """`start()` forks the zygote and the workers; `run(request, timeout)` returns the work's answer or
    raises Timeout, MemoryLimit, Crashed or Busy. Thread-safe."""

    def __init__(self, work: Work, limits: Limits | None = None, *, warm: Callable[[], None] | None = None) -> None:
        self._work, self.limits, self._warm = work, limits or Limits(), warm
        self._control: socket.socket | None = None
        self._zygote_pid = 0
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._spawn_lock = threading.Lock()
        self._workers: dict[int, _Worker] = {}  # every live worker, idle or busy

    def start(self) -> None:
        """Fork the zygote (call it before starting any thread), then the workers."""
        if not hasattr(os, "fork") or not hasattr(socket, "send_fds"):
            raise StoreError("query processes need a POSIX system (fork and socket fd passing)")
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            parent.close()
            try:
                _zygote(child, self._work, self.limits, self._warm)
            finally:
                os._exit(0)
        child.close()
        self._control, self._zygote_pid = parent, pid
        for _ in range(self.limits.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        if self._control is None:
            raise StoreError("the query processes are not started")
        with self._spawn_lock:
            try:
                self._control.send(b"w")
                msg, fds, _, _ = socket.recv_fds(self._control, _PID.size, 2)
            except OSError as exc:
                raise StoreError(f"cannot start a query process: {exc}") from None
            if len(fds) != 2 or len(msg) != _PID.size:
                raise StoreError("cannot start a query process: the process that forks them is gone")
            worker = _Worker(_PID.unpack(msg)[0], socket.socket(fileno=fds[0]), fds[1])
            self._workers[worker.pid] = worker
            return worker

    def run(self, request: bytes, timeout: float, *, meanwhile: Callable[[], None] | None = None) -> bytes:
        """The answer to `request`; `meanwhile` is called once the worker has it, to use the wait."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Busy(f"every query process stayed busy for {timeout:g} s") from None
        try:
            reply, flags = self._exchange(worker, request, deadline, timeout, meanwhile)
        except BaseException:
            self._replace(worker, kill=True)
            raise
        if flags & _RETIRE or worker.niced:
            self._replace(worker, kill=worker.niced)
        else:
            self._idle.put(worker)
        if flags & _MEMORY:
            raise MemoryLimit("the query needed more memory than its limit")
        if flags & _FAILED:
            raise StoreError(f"query process failed: {reply.decode('utf-8', 'replace')}")
        return reply

    def _replace(self, worker: _Worker, *, kill: bool) -> None:
        with self._spawn_lock:
            self._workers.pop(worker.pid, None)
        worker.close(kill)
        with contextlib.suppress(StoreError):  # a pool that cannot refill answers Busy, not a crash
            self._idle.put(self._spawn())

    def _exchange(self, worker: _Worker, request: bytes, deadline: float, timeout: float,
                  meanwhile: Callable[[], None] | None = None) -> tuple[bytes, int]:
        sock = worker.sock
        try:
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            sock.sendall(_HEAD.pack(len(request), timeout, 0) + request)
            if meanwhile is not None:
                meanwhile()
            self._wait_for_reply(worker, deadline)
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            length, _, flags = _HEAD.unpack(_recv_exact(sock, _HEAD.size))
            if length > self.limits.max_reply:
                raise MemoryLimit(f"the answer is larger than {self.limits.max_reply >> 20} MiB")
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            return _recv_exact(sock, length), flags
        except TimeoutError:
            raise Timeout(f"stopped after {timeout:g} s") from None
        except (EOFError, ConnectionError):
            raise self._death(worker) from None

    def _wait_for_reply(self, worker: _Worker, deadline: float) -> None:
        """Until the worker starts to answer; past `nice_after` its priority is lowered, once."""
        poller = select.poll()
        poller.register(worker.sock, select.POLLIN)
        nice_at = time.monotonic() + self.limits.nice_after
        while True:
            now = time.monotonic()
            if now >= deadline:
                raise TimeoutError
            limit = deadline if worker.niced else min(deadline, nice_at)
            if poller.poll(min(max(1, math.ceil((limit - now) * 1000)), 1 << 30)):
                return
            if not worker.niced and time.monotonic() >= nice_at:
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, worker.pid, 10)
                worker.niced = True

    @staticmethod
    def _death(worker: _Worker) -> KGError:
        text = worker.stderr()
        if "memory allocation" in text or "MemoryError" in text:
            return MemoryLimit("the query needed more memory than its limit")
        last = (text.strip().splitlines() or [""])[-1][:200]
        return Crashed(f"the query process crashed{': ' + last if last else ''}")

    def close(self) -> None:
        with self._spawn_lock:
            workers, self._workers = list(self._workers.values()), {}
        for worker in workers:
            worker.close(kill=True)
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._zygote_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._zygote_pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._zygote_pid, 0)
            self._zygote_pid = 0

    def __enter__(self) -> Pool:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
