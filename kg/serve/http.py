"""HTTP plumbing of `kg serve` that a hostile client cannot wedge: a bounded number of connections, a
listen backlog, socket read timeouts, a deadline for receiving a whole request (slow clients are cut
off), strict Content-Length handling (400, 408, 411, 413), CORS on request, and a log whose lines
carry no control characters from the request.
"""

from __future__ import annotations

import contextlib
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kg.serve.types import Reply

MAX_BODY = 1 << 20  # bytes of query a request may carry
MAX_CONNECTIONS = 64
_LENGTH = re.compile(r"[0-9]{1,15}")
_SPACES = re.compile(r"[ \t\n]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\\\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, limit: int = 200) -> str:
    """Text safe for one log line: control and bidi characters (and backslash) escaped, cut to `limit`."""
    return _CONTROL.sub(_escape, text[:limit])


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return "\\\\" if code == 0x5C else f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


class Server(ThreadingHTTPServer):
    """One thread per connection, at most MAX_CONNECTIONS of them; a reaper thread closes connections
    that take longer than `deadline` seconds to send a request (request line, headers and body)."""

    request_queue_size = 128
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], deadline: float) -> None:
        super().__init__(address, handler)
        self.deadline = deadline
        self.reading: dict[socket.socket, float] = {}  # connection -> when it began sending its request
        self.connections = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._reap, name="kg-serve-reaper", daemon=True).start()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.lock:
            full = self.connections >= MAX_CONNECTIONS
            self.connections += 0 if full else 1
        if full:
            body = b"server busy: too many open connections; try again\n"
            with contextlib.suppress(OSError):
                request.settimeout(1.0)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.lock:
                self.connections -= 1
                self.reading.pop(request, None)

    def _reap(self) -> None:
        while True:
            time.sleep(min(1.0, self.deadline / 4))
            now = time.monotonic()
            with self.lock:
                late = [conn for conn, since in self.reading.items() if now - since > self.deadline]
            for conn in late:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class Handler(BaseHTTPRequestHandler):
    """Reading, sending and logging; subclasses route (kg.serve.server)."""

    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections
    server_version = "exportkg-sparql/2"
    timeout = 10.0  # seconds a socket read may wait (kg serve --read-timeout)
    server: Server
    cors: tuple[str, ...] = ()

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):  # headers and body leave at once, not 40 ms apart (Nagle)
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        self._started = time.monotonic()
        with self.server.lock:
            self.server.reading[self.connection] = self._started
        super().handle_one_request()

    def parse_request(self) -> bool:
        self._started = time.monotonic()  # the request line arrived: time the answer from here
        self._body_read = False
        parsed = super().parse_request()
        if parsed:
            self.done_reading()  # the headers are in; read_body keeps its own deadline
        return parsed

    def done_reading(self) -> None:
        with self.server.lock:
            self.server.reading.pop(self.connection, None)

    def handle_expect_100(self) -> bool:
        problem = self.length_problem()
        if problem is not None:
            self.send(problem)
            return False
        return super().handle_expect_100()

    def length_problem(self) -> Reply | None:
        """Why the body cannot be read, or None."""
        if self.headers.get("Transfer-Encoding"):
            return Reply.text(411, "send the body with a Content-Length header (chunked bodies are not accepted)")
        values = self.headers.get_all("Content-Length") or []
        if not values:
            return Reply.text(411, "a POST request needs a Content-Length header")
        if len(set(values)) > 1 or not _LENGTH.fullmatch(values[0].strip()):
            return Reply.text(400, f"malformed Content-Length: {clean(', '.join(values), 40)!r}")
        if int(values[0]) > MAX_BODY:
            return Reply.text(413, f"request body too large: at most {MAX_BODY} bytes")
        return None

    def read_body(self) -> bytes | Reply:
        """The request body, read against the request deadline; a Reply when it cannot be had."""
        problem = self.length_problem()
        if problem is not None:
            return problem
        length, data = int(self.headers["Content-Length"]), bytearray()
        deadline = self._started + self.server.deadline
        while len(data) < length:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                self.connection.settimeout(min(left, self.timeout))
                chunk = self.rfile.read1(length - len(data))
            except (TimeoutError, OSError):
                return Reply.text(408, f"the request body did not arrive in time ({len(data)} of {length} bytes)")
            if not chunk:
                return Reply.text(400, f"the request body ended after {len(data)} of {length} bytes (Content-Length)")
            data += chunk
        self.connection.settimeout(self.timeout)
        self._body_read = True
        return bytes(data)

    def send(self, reply: Reply, query: str = "", *, head_only: bool = False) -> None:
        if reply.status >= 400 and not self._body_read and self.command == "POST":
            self.close_connection = True  # the unread body would be taken for the next request
        if self.headers.get("Content-Length", "0") != "0" and self.command != "POST":
            self.close_connection = True
        self.send_response(reply.status)
        for name, value in (("Content-Type", reply.ctype), ("Content-Length", str(len(reply.body))),
                            ("X-Content-Type-Options", "nosniff"), *reply.headers, *self.cors_headers()):
            self.send_header(name, value)
        if reply.ctype.startswith("text/html"):
            self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head_only:
            self.connection.settimeout(self.timeout + len(reply.body) / 1e6)  # at least 1 MB/s
            with contextlib.suppress(OSError):
                self.wfile.write(reply.body)
        self.log(reply, query)

    def cors_headers(self) -> list[tuple[str, str]]:
        origin = self.headers.get("Origin") if self.headers else None
        if not origin or not self.cors or ("*" not in self.cors and origin not in self.cors):
            return []
        allow = "*" if "*" in self.cors else origin
        return [("Access-Control-Allow-Origin", allow), ("Vary", "Origin"),
                ("Access-Control-Expose-Headers", "X-KG-Truncated")]

    def log(self, reply: Reply, query: str) -> None:
        took = time.monotonic() - self._started
        fields = [time.strftime("%Y-%m-%dT%H:%M:%S"), self.client_address[0], clean(self.command or "-", 10),
                  clean((self.path or "").split("?")[0], 100), str(reply.status), reply.form, f"{reply.rows} rows",
                  f"{took:.3f}s" + (" (truncated)" if reply.truncated else ""),
                  clean(_SPACES.sub(" ", query).strip(), 100)]
        sys.stderr.write(" ".join(fields) + "\n")

    def log_message(self, format: str, *args: Any) -> None:  # the base class names it `format`
        """Errors the base class answers itself (a malformed request line, too many headers)."""
        text = format % args if args else format
        if text.startswith("Request timed out"):
            return  # an idle keep-alive connection closed after the read timeout: routine
        sys.stderr.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {self.client_address[0]} {clean(text)}\n")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # every reply is logged by log()
