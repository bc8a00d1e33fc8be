"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint at /sparql and a query page at /.

Standard library only (ThreadingHTTPServer). Queries are checked in the request thread (syntax,
updates, SERVICE) and run in a process of their own (kg.sparql.sandbox), so `--timeout` really stops the
work. Results are cut to `--max-rows` (the X-KG-Truncated header says so) and every request is logged
to stderr with its duration.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from kg.model.errors import KGError, QueryError
from kg.serve.page import render_page
from kg.serve.types import Reply, ServeOptions
from kg.sparql.query import READ_ONLY, prepare
from kg.sparql.results import MEDIA_TYPES

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.sparql.sandbox import Sandbox, Work

MAX_BODY = 1 << 20  # bytes of query a request may carry
# Media type -> format, per query form, in order of preference; the first is the default.
NEGOTIATION = {
    "select": {"application/sparql-results+json": "json", "application/json": "json",
               "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
               "text/csv": "csv", "text/tab-separated-values": "tsv"},
    "graph": {"text/turtle": "turtle", "application/n-triples": "nt", "text/plain": "nt",
              "application/ld+json": "jsonld", "application/x-turtle": "turtle"},
}
NEGOTIATION["ask"] = NEGOTIATION["select"]


def _accepted(header: str) -> list[str]:
    """Media types of an Accept header, best first (q-values, then order)."""
    ranked = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = next((f.partition("=")[2] for f in fields[1:] if f.startswith("q=")), "1")
        try:
            weight = float(q)
        except ValueError:
            weight = 0.0
        if fields[0] and weight > 0:
            ranked.append((-weight, i, fields[0].lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(form: str, accept: str = "", fmt: str = "") -> str:
    """The results format for a query form from a `format` parameter or the Accept header."""
    table = NEGOTIATION[form]
    if fmt:
        if fmt in table.values():
            return fmt
        if fmt in table:
            return table[fmt]
        choices = ", ".join(sorted(set(table.values())))
        raise QueryError(f"format {fmt!r} does not suit this query; choose one of: {choices}")
    return next((table[m] for m in _accepted(accept) if m in table), next(iter(table.values())))


def make_work(graph: Graph) -> Work:
    """The function a sandboxed child runs: JSON request -> JSON header line + body."""

    def work(request: bytes) -> bytes:
        from kg.sparql.query import run
        from kg.sparql.results import cells, serialize

        req = json.loads(request)
        signal.alarm(int(req["timeout"]) + 2)  # a child orphaned by a dead server still stops
        try:
            answer = run(prepare(req["query"]), graph, max_rows=req["max_rows"])
            if req["format"] == "cells":
                headers, rows = cells(answer)
                body = json.dumps({"headers": headers, "rows": rows}, ensure_ascii=False).encode()
            else:
                body = serialize(answer, req["format"])
            head = {"status": 200, "rows": answer.size, "truncated": answer.truncated}
        except KGError as exc:
            head, body = {"status": 400}, str(exc).encode()
        except Exception as exc:  # any engine failure becomes a 500 with one line
            head, body = {"status": 500}, f"query failed: {type(exc).__name__}: {exc}".encode()
        return json.dumps(head).encode() + b"\n" + body

    return work


class Endpoint:
    """The request logic, apart from HTTP plumbing: check, negotiate, run in the sandbox."""

    def __init__(self, sandbox: Sandbox, options: ServeOptions) -> None:
        self.sandbox, self.options = sandbox, options
        self.slots = threading.BoundedSemaphore(4)

    def answer(self, query: str, *, accept: str = "", fmt: str = "") -> Reply:
        try:
            prepared = prepare(query)
        except QueryError as exc:
            return Reply(403 if str(exc) == READ_ONLY else 400, f"{exc}\n".encode())
        if prepared.uses_service and not self.options.allow_service:
            return Reply(403, b"SERVICE (federated query) is disabled here; start kg serve --allow-service\n")
        try:
            fmt = fmt if fmt == "cells" else negotiate(prepared.form, accept, fmt)
        except QueryError as exc:
            return Reply(406, f"{exc}\n".encode())
        return self._run(prepared.source, prepared.form, fmt)

    def _run(self, query: str, form: str, fmt: str) -> Reply:
        from kg.sparql.sandbox import Timeout

        timeout = self.options.timeout
        if not self.slots.acquire(timeout=timeout):
            return Reply(503, b"server busy: too many queries running; try again\n")
        try:
            request = json.dumps({"query": query, "format": fmt, "max_rows": self.options.max_rows,
                                  "timeout": timeout}).encode()
            raw = self.sandbox.run(request, timeout)
        except Timeout:
            message = f"query stopped: it ran longer than the {timeout:g} s limit (kg serve --timeout)\n"
            return Reply(503, message.encode(), form=form)
        except KGError as exc:
            return Reply(500, f"{exc}\n".encode(), form=form)
        finally:
            self.slots.release()
        head_line, _, body = raw.partition(b"\n")
        head = json.loads(head_line or b'{"status": 500}')
        if head["status"] != 200:
            return Reply(head["status"], (body or b"query process failed") + b"\n", form=form)
        ctype = "application/json" if fmt == "cells" else MEDIA_TYPES[fmt]
        return Reply(200, body, f"{ctype}; charset=utf-8", head["rows"], head["truncated"], form)


def _handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:

    class Handler(BaseHTTPRequestHandler):
        server_version = "exportkg-sparql/1"

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query)
            if url.path in ("/", "/index.html"):
                self._page(params.get("query", [""])[0])
            elif url.path == "/sparql":
                self._sparql(params)
            else:
                self._send(Reply(404, b"not found: the endpoint is /sparql, the query page is /\n"))

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/sparql":
                self._send(Reply(404, b"not found: POST queries to /sparql\n"))
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(Reply(413, b"query too large\n"))
                return
            body = self.rfile.read(length).decode("utf-8", "replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            params = urllib.parse.parse_qs(url.query)
            if ctype == "application/sparql-update":
                self._send(Reply(403, f"{READ_ONLY}\n".encode()))
            elif ctype == "application/sparql-query":
                self._sparql({**params, "query": [body]})
            elif ctype in ("application/x-www-form-urlencoded", ""):
                self._sparql({**params, **urllib.parse.parse_qs(body)})
            else:
                self._send(Reply(415, b"send application/sparql-query or a form with query=\n"))

        def _refuse_writes(self) -> None:
            self._send(Reply(405, f"{READ_ONLY}\n".encode()))

        do_PUT = do_DELETE = do_PATCH = _refuse_writes

        def _sparql(self, params: dict[str, list[str]]) -> None:
            if "update" in params:
                self._send(Reply(403, f"{READ_ONLY}\n".encode()))
            elif len(params.get("query", [])) != 1:
                self._send(Reply(400, b"give exactly one query= parameter (SPARQL 1.1 Protocol); query page: /\n"))
            else:
                self._send(endpoint.answer(params["query"][0], accept=self.headers.get("Accept") or "",
                                           fmt=params.get("format", [""])[0]), params["query"][0])

        def _page(self, query: str) -> None:
            reply = endpoint.answer(query, fmt="cells") if query.strip() else None
            page = render_page(query, reply, endpoint.options)
            self._send(Reply(200, page, "text/html; charset=utf-8", reply.rows if reply else 0,
                             bool(reply and reply.truncated), reply.form if reply else "-"), query)

        def _send(self, reply: Reply, query: str = "") -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.ctype)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if reply.ctype.startswith("text/html"):
                self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
            if reply.truncated:
                self.send_header("X-KG-Truncated", f"max-rows={endpoint.options.max_rows}")
            self.end_headers()
            self.wfile.write(reply.body)
            self._log(reply, query)

        def _log(self, reply: Reply, query: str) -> None:
            took = time.monotonic() - self._started
            short = " ".join(query.split())[:100]
            sys.stderr.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {self.client_address[0]} {self.command} "
                             f"{self.path.split('?')[0]} {reply.status} {reply.form} {reply.rows} rows "
                             f"{took:.3f}s{' (truncated)' if reply.truncated else ''} {short}\n")

        def parse_request(self) -> bool:
            self._started = time.monotonic()
            return super().parse_request()

        def log_message(self, format: str, *args: Any) -> None:  # the base class names it `format`
            pass  # every reply is logged by _log

    return Handler


def serve_forever(options: ServeOptions) -> None:
    """Load the graph, fork the query sandbox, then serve until Ctrl-C or SIGTERM."""
    from kg.sparql.sandbox import Sandbox
    from kg.store.load import load_graph

    graph = load_graph(options.extra, store=options.store)
    from kg.sparql.query import run

    run(prepare("ASK { ?s ?p ?o }"), graph)  # warm the SPARQL engine once, so no child pays for it
    sandbox = Sandbox(make_work(graph))
    sandbox.start()  # before any thread exists
    try:
        server = ThreadingHTTPServer((options.host, options.port), _handler(Endpoint(sandbox, options)))
    except OSError as exc:
        sandbox.close()
        raise KGError(f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}") from None
    server.daemon_threads = True
    host, port = server.server_address[:2]
    sys.stderr.write(f"kg serve: SPARQL endpoint http://{host}:{port}/sparql, query page http://{host}:{port}/ "
                     f"({len(graph)} triples; timeout {options.timeout:g} s, max rows {options.max_rows})\n")
    sys.stderr.flush()
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sandbox.close()
