"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint at /sparql, its service description, a query
page at /, and Linked Data at /id/{name} and /ont.

The server process never parses, plans or runs a query: it hands the text to a pool of pre-forked
query processes (kg.sparql.sandbox) and relays their answer, so a parser crash, a runaway or a memory
bomb costs one request (400 or 503 with one line) and the server keeps serving. Results are cut to
`--max-rows` (the X-KG-Truncated header says so) and every request is logged to stderr.
"""

from __future__ import annotations

import signal
import sys
import threading
import urllib.parse
from typing import TYPE_CHECKING, Any

from kg.model.errors import StoreError
from kg.serve.endpoint import Endpoint
from kg.serve.http import Handler, Server
from kg.serve.ld import LinkedData
from kg.serve.negotiate import wants_html
from kg.serve.page import render_page
from kg.serve.service import service_description
from kg.serve.types import Reply, ServeOptions
from kg.serve.work import make_work
from kg.sparql.prepare import READ_ONLY
from kg.sparql.sandbox import Limits, Pool

if TYPE_CHECKING:
    from kg.api import Graph as Api


def _params(query: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(query, max_num_fields=64)


def make_handler(endpoint: Endpoint, ld: LinkedData, triples: int) -> type[Handler]:

    class Routes(Handler):
        cors = endpoint.options.cors
        timeout = endpoint.options.read_timeout

        def do_GET(self, head_only: bool = False) -> None:
            url = urllib.parse.urlsplit(self.path)
            try:
                params = _params(url.query)
            except ValueError:
                self.send(Reply.text(400, "too many parameters"), head_only=head_only)
                return
            accept = self.headers.get("Accept") or ""
            fmt = params.get("format", [""])[0]
            if url.path in ("/", "/index.html"):
                self._page(params.get("query", [""])[0], head_only)
            elif url.path == "/sparql" and not ({"query", "update"} & params.keys()):
                self._describe_service(accept, fmt, head_only)
            elif url.path == "/sparql":
                self._sparql(params, head_only)
            elif url.path.startswith("/id/") or url.path == "/ont":
                self.send(ld.answer(url.path, accept, fmt), head_only=head_only)
            else:
                self.send(Reply.text(404, "not found: the endpoint is /sparql, the query page is /, "
                                          "resources are at /id/{name} and the ontology at /ont"), head_only=head_only)

        def do_HEAD(self) -> None:
            self.do_GET(head_only=True)

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/sparql":
                self.send(Reply.text(404, "not found: POST queries to /sparql"))
                return
            body = self.read_body()
            if isinstance(body, Reply):
                self.send(body)
                return
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            try:
                params = _params(url.query)
                if ctype == "application/sparql-query":
                    params["query"] = [body.decode("utf-8")]
                elif ctype in ("application/x-www-form-urlencoded", ""):
                    params.update(_params(body.decode("utf-8")))
                elif ctype != "application/sparql-update":
                    self.send(Reply.text(415, "send application/sparql-query or a form with query="))
                    return
            except (UnicodeDecodeError, ValueError):
                self.send(Reply.text(400, "the request body is not UTF-8 text or has too many parameters"))
                return
            if ctype == "application/sparql-update":
                self.send(Reply.text(403, READ_ONLY))
                return
            self._sparql(params, False)

        def do_OPTIONS(self) -> None:
            allow = (("Allow", "GET, HEAD, POST, OPTIONS"),)
            preflight = (("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
                         ("Access-Control-Allow-Headers", "Accept, Content-Type"),
                         ("Access-Control-Max-Age", "86400")) if self.cors_headers() else ()
            self.send(Reply(204, b"", headers=allow + preflight))

        def _refuse_writes(self) -> None:
            self.send(Reply.text(405, READ_ONLY, headers=(("Allow", "GET, HEAD, POST, OPTIONS"),)))

        do_PUT = do_DELETE = do_PATCH = _refuse_writes

        def _sparql(self, params: dict[str, list[str]], head_only: bool) -> None:
            if "update" in params:
                self.send(Reply.text(403, READ_ONLY), head_only=head_only)
            elif len(params.get("query", [])) != 1:
                self.send(Reply.text(400, "give exactly one query= parameter (SPARQL 1.1 Protocol); query page: /"),
                          head_only=head_only)
            else:
                query = params["query"][0]
                reply = endpoint.query(query, accept=self.headers.get("Accept") or "",
                                       fmt=params.get("format", [""])[0])
                self.send(reply, query, head_only=head_only)

        def _describe_service(self, accept: str, fmt: str, head_only: bool) -> None:
            if wants_html(accept) and not fmt:
                self._page("", head_only)
                return
            host = self.headers.get("Host") or ""
            self.send(service_description(host, endpoint.options, triples, accept, fmt), head_only=head_only)

        def _page(self, query: str, head_only: bool) -> None:
            reply = endpoint.query(query, fmt="cells") if query.strip() else None
            page = render_page(query, reply, endpoint.options)
            self.send(Reply(200, page, "text/html; charset=utf-8", reply.rows if reply else 0,
                            bool(reply and reply.truncated), reply.form if reply else "-"), query, head_only=head_only)

    return Routes


def _load(options: ServeOptions) -> tuple[Any, int]:
    """The store the query processes share (a pyoxigraph Store or an rdflib graph) and its size."""
    from kg.sparql.engine import native_store
    from kg.store.load import load_graph

    graph = load_graph(options.extra, store=options.store)
    source = native_store(graph) if options.store == "oxigraph" else graph
    return source, len(source)


def _warm(source: Any) -> None:
    """Import and exercise the engines once in the process the workers are forked from."""
    from kg.sparql.guard import uses_service
    from kg.sparql.prepare import prepare
    from kg.sparql.query import run
    from kg.sparql.results import serialize

    run(prepare("ASK { ?s ?p ?o }"), source)
    serialize(run(prepare("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"), source), "json")
    uses_service("SELECT * WHERE { ?s ?p 'service' }", {})


def serve_forever(options: ServeOptions) -> None:
    """Load the graph, fork the query processes, then serve until Ctrl-C or SIGTERM."""
    from kg.api import open as open_api

    source, triples = _load(options)
    limits = Limits(size=options.workers, max_memory=options.max_memory or None, offline=not options.allow_service)
    pool = Pool(make_work(source, options), limits, warm=lambda: _warm(source))
    pool.start()  # before any thread exists
    try:
        api: Api = open_api(options.extra)
        ld = LinkedData(api, Endpoint(pool, options))
        server = Server((options.host, options.port), make_handler(Endpoint(pool, options), ld, triples),
                        deadline=3 * options.read_timeout)
    except OSError as exc:
        pool.close()
        raise StoreError(f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}") from None
    host, port = server.server_address[:2]
    sys.stderr.write(f"kg serve: SPARQL endpoint http://{host}:{port}/sparql, query page http://{host}:{port}/ "
                     f"({triples} triples, {options.store}; {options.workers} query processes; timeout "
                     f"{options.timeout:g} s, memory {options.max_memory >> 20} MiB, max rows {options.max_rows})\n")
    sys.stderr.flush()
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        pool.close()
