"""Hostile input against a real `kg serve` over a socket (both stores) and against `kg sparql`: parser
crashes, SERVICE and FROM in every disguise (with a local listener that must see no connection),
memory and CPU bombs, lying and slow clients, too many connections, and control characters in the log.
Each attack costs at most its own request; the server answers the next one."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest
from test_endpoint import HEAVY, fetch, get

pytestmark = pytest.mark.server
NESTED = "SELECT * WHERE " + "{" * 3000 + "}" * 3000  # 6 KB that overflowed Oxigraph's parser stack
CHAINED = "SELECT * WHERE { FILTER(" + "+".join(["1"] * 10000) + ") }"
_PAIRS = zip("abcdefgh", "bcdefghi", strict=True)
_GROW = " ".join(f"BIND(CONCAT({', '.join([f'?{x}'] * 8)}) AS ?{y})" for x, y in _PAIRS)
CONCAT = f'SELECT (STRLEN(?i) AS ?n) WHERE {{ BIND("{"0123456789abcdef" * 4}" AS ?a) {_GROW} }}'  # 64 bytes x 8^8


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts (and closes them)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    ear = Listener()
    yield ear
    ear.sock.close()


def _outbound(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # a comment ended by a carriage return\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"ASK {{ OPTIONAL {{ sErViCe <{url}> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }} LIMIT 1",  # rdflib would fetch (or read a file:) by default
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
        f"DESCRIBE <{url}>",
    ]


def test_no_query_makes_the_server_connect_out(kg_server, listener: Listener) -> None:
    for query in _outbound(listener.url):
        status, _, body = get(kg_server.base, query)
        assert status == 200 or (status in (400, 403) and body.count(b"\n") == 1), (query, status, body)
        if "SERVICE" in query.upper():
            assert status in (400, 403), (query, status, body)
    form = b"query=" + urllib.parse.quote_plus(_outbound(listener.url)[1]).encode()
    assert fetch(f"{kg_server.base}/sparql", data=form,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert fetch(f"{kg_server.base}/?" + urllib.parse.urlencode({"query": _outbound(listener.url)[1]}))[0] == 200
    time.sleep(0.3)
    assert listener.accepted == 0, f"{listener.accepted} outbound connection(s) from kg serve ({kg_server.store})"


@pytest.mark.parametrize("query", [NESTED, CHAINED], ids=["3000-nested-braces", "10000-chained-plus"])
def test_parser_crashers_cost_one_request(kg_server, query: str) -> None:
    status, _, body = get(kg_server.base, query)  # rdflib's parser may rather hit the time limit: 503
    assert status in (400, 503) and body.count(b"\n") == 1 and b"Traceback" not in body, (status, body)
    if query is NESTED:
        status, _, body = fetch(f"{kg_server.base}/sparql", data=query.encode(),
                                headers={"Content-Type": "application/sparql-query"})
        assert status in (400, 503), (status, body)
    for _ in range(8):  # more than there are query processes: each was replaced
        assert get(kg_server.base, "ASK { ekgr:gallium ?p ?o }")[0] == 200


def test_memory_bomb_is_stopped_with_503(kg_server) -> None:
    assert len(CONCAT.encode()) < 700, len(CONCAT)
    started = time.monotonic()
    status, _, body = get(kg_server.base, CONCAT)
    assert status == 503 and body.startswith(b"query stopped") and body.count(b"\n") == 1, (status, body)
    assert time.monotonic() - started < 10 and get(kg_server.base, "ASK {}")[0] == 200


def test_memory_bomb_is_stopped_by_the_memory_limit(tmp_path_factory: pytest.TempPathFactory) -> None:
    """With a time limit far beyond what the bomb needs, only the memory cap can stop it (and does,
    however busy the machine is)."""
    from servers import kg_serve

    args = ("--timeout", "60", "--max-memory", "256M", "--workers", "1")
    folder, cache = tmp_path_factory.mktemp("memory-bomb"), tmp_path_factory.getbasetemp() / "kg-cache"
    with kg_serve(folder, "oxigraph", *args, cache=cache) as server:
        status, _, body = get(server.base, CONCAT)
        assert status == 503 and (b"256 MiB" in body or b"0.25 GiB" in body), (status, body)
        assert get(server.base, "ASK {}")[0] == 200


def test_expensive_queries_stop_at_the_limit_and_cheap_ones_stay_prompt(kg_server) -> None:
    results: list[tuple[int, bytes]] = []
    heavy = [threading.Thread(target=lambda: results.append(get(kg_server.base, HEAVY)[::2])) for _ in range(4)]
    for thread in heavy:
        thread.start()
    time.sleep(0.4)
    started = time.monotonic()
    status, _, body = get(kg_server.base, "SELECT ?l WHERE { ekgr:gallium rdfs:label ?l }")
    took = time.monotonic() - started
    running = sum(t.is_alive() for t in heavy)
    for thread in heavy:
        thread.join()
    assert status == 200 and b"gallium" in body, (status, body)
    assert took < 1.0 and running == 4, f"cheap query took {took:.2f} s with {running} expensive ones running"
    stopped = b"query stopped: it ran longer than the 1.5 s limit (kg serve --timeout)\n"
    assert results == [(503, stopped)] * 4, results  # each stopped at the limit, with one line


def _raw(port: int, data: bytes, *, wait: float = 5.0, close_write: bool = False) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as conn:
        conn.sendall(data)
        if close_write:
            conn.shutdown(socket.SHUT_WR)
        chunks = []
        try:
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
        return b"".join(chunks)


POST = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
HTTP_ONLY = pytest.mark.parametrize("kg_server", ["oxigraph"], indirect=True)  # the HTTP layer is one for both


@HTTP_ONLY
@pytest.mark.parametrize(("headers", "body", "status"), [
    (b"Content-Length: abc\r\n", b"ASK {}", b"400"),
    (b"Content-Length: -6\r\n", b"ASK {}", b"400"),
    (b"Content-Length: 6\r\nContent-Length: 7\r\n", b"ASK {}", b"400"),
    (b"", b"ASK {}", b"411"),
    (b"Transfer-Encoding: chunked\r\n", b"6\r\nASK {}\r\n0\r\n\r\n", b"411"),
    (b"Content-Length: 2000000\r\n", b"", b"413"),
    (b"Content-Length: 6\r\n", b"\xff\xfe\x00ASK", b"400"),
])
def test_malformed_requests_get_the_right_status(kg_server, headers: bytes, body: bytes, status: bytes) -> None:
    reply = _raw(kg_server.port, POST + headers + b"\r\n" + body)
    assert reply.startswith(b"HTTP/1.1 " + status), reply[:200]
    assert get(kg_server.base, "ASK {}")[0] == 200


@HTTP_ONLY
def test_lying_content_length(kg_server) -> None:
    short = _raw(kg_server.port, POST + b"Content-Length: 100\r\n\r\nASK {}", close_write=True)
    assert short.startswith(b"HTTP/1.1 400") and b"ended after 6 of 100 bytes" in short, short
    started = time.monotonic()
    stalled = _raw(kg_server.port, POST + b"Content-Length: 100\r\n\r\nASK {}", wait=10)
    assert stalled.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 6, stalled


@HTTP_ONLY
def test_slow_and_idle_clients_are_cut_off(kg_server) -> None:
    idle = socket.create_connection(("127.0.0.1", kg_server.port), timeout=10)
    with idle, socket.create_connection(("127.0.0.1", kg_server.port), timeout=10) as slow:
        started = time.monotonic()
        slow.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n")
        with pytest.raises((BrokenPipeError, ConnectionResetError)):
            for _ in range(40):  # one header byte every 0.4 s: each read is quick, the request never ends
                slow.sendall(b"X")
                time.sleep(0.4)
        assert time.monotonic() - started < 8
        assert idle.recv(100) == b""  # closed long ago, after --read-timeout 1


@HTTP_ONLY
def test_connections_are_bounded(kg_server) -> None:
    from kg.serve.http import MAX_CONNECTIONS, Server

    assert Server.request_queue_size >= 128  # the listen backlog (it was 5)

    held = [socket.create_connection(("127.0.0.1", kg_server.port), timeout=5) for _ in range(MAX_CONNECTIONS + 4)]
    try:
        last = held[-1].recv(200)
        assert last.startswith(b"HTTP/1.1 503") and b"too many open connections" in last, last
    finally:
        for conn in held:
            conn.close()
    time.sleep(1.5)
    assert get(kg_server.base, "ASK {}")[0] == 200


@HTTP_ONLY
def test_log_lines_carry_no_control_characters(kg_server) -> None:
    marker = "evil-marker"
    get(kg_server.base, f"ASK {{ ?s ?p '{marker}\x1b[2J\r\n2030-01-01T00:00:00 forged 200 line' }}")
    _raw(kg_server.port, f"GET /{marker}\x1b[31m\x07 HTTP/1.1\r\nHost: x\r\n\r\n".encode(), wait=2)
    _raw(kg_server.port, b"\x00\x01\x02 garbage\r\n\r\n", wait=2)
    time.sleep(0.3)
    lines = [line for line in kg_server.log_text().splitlines() if marker in line]
    assert len(lines) == 2 and not any(line.startswith("2030") for line in kg_server.log_text().splitlines()), lines
    assert all("\x1b" not in line and "\x07" not in line and "\\x1b" in line for line in lines), lines
    assert get(kg_server.base, "ASK {}")[0] == 200


def _kg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=timeout)


def test_kg_sparql_survives_the_same_attacks(listener: Listener) -> None:
    before = listener.accepted
    nested = _kg("sparql", NESTED, "--store", "oxigraph")
    assert nested.returncode == 2 and nested.stderr.count("\n") == 1, (nested.returncode, nested.stderr)
    assert nested.stderr.startswith("error: query failed: it crashed the SPARQL engine"), nested.stderr
    hidden = _outbound(listener.url)[1]  # SERVICE behind a comment ended by a carriage return
    refused = _kg("sparql", hidden, "--store", "oxigraph")
    assert refused.returncode == 2 and "SERVICE" in refused.stderr and listener.accepted == before, refused.stderr
    allowed = _kg("sparql", hidden, "--store", "oxigraph", "--allow-service", "--timeout", "20")
    time.sleep(0.3)
    assert listener.accepted > before, ("the hidden SERVICE would have called out; the test cannot see it", allowed)
