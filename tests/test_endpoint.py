"""kg serve over a real socket: SPARQL client libraries, content negotiation, refused updates, the
timeout that stops a heavy query, the row limit, the HTML page, and the query log."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from servers import free_port, kg_serve_cmd, running

from kg.serve.server import negotiate

pytestmark = pytest.mark.server
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # about 10^12 rows


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """(base URL, log file) of `kg serve` on each in-memory store, with a 1 s timeout and 50 rows."""
    folder = tmp_path_factory.mktemp("kg-serve")
    port = free_port()
    log = folder / "serve.log"
    cmd = kg_serve_cmd(port, "--store", request.param, "--timeout", "1", "--max-rows", "50")
    with running(cmd, f"http://127.0.0.1:{port}/", log, env={"KG_CACHE_DIR": str(folder / "cache")}):
        yield f"http://127.0.0.1:{port}", log


def fetch(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
          method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def get(base: str, query: str, accept: str = "", **params: str) -> tuple[int, dict[str, str], bytes]:
    qs = urllib.parse.urlencode({"query": query, **params})
    return fetch(f"{base}/sparql?{qs}", headers={"Accept": accept} if accept else {})


def test_sparqlwrapper_gets_correct_json(server, real_graph) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    from kg.sparql.query import sparql

    query = "SELECT ?item ?code WHERE { ?item ekg:concerns ekgr:gallium ; ekg:customsCode ?code } ORDER BY ?item ?code"
    client = SPARQLWrapper(f"{server[0]}/sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    data = client.queryAndConvert()
    got = [(b["item"]["value"], b["code"]["value"]) for b in data["results"]["bindings"]]
    expected = [(str(r[0]), str(r[1])) for r in sparql(query, real_graph).rows]
    assert got == expected and len(got) >= 3, (got[:3], expected[:3])
    client.setQuery("ASK { ekgr:gallium a ekg:Material }")
    assert client.queryAndConvert()["boolean"] is True


def test_rdflib_sparqlstore_client(server) -> None:
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(store=SPARQLStore(f"{server[0]}/sparql"))  # XML results over GET, rdflib's default
    rows = list(remote.query("SELECT ?l WHERE { <https://w3id.org/exportkg/id/gallium> "
                             "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"))
    assert {str(r[0]) for r in rows} >= {"gallium"}, rows


ROWS = "SELECT ?s WHERE { ?s a ekg:Material } LIMIT 2"
TRIPLES = "CONSTRUCT WHERE { ekgr:gallium a ?t }"


@pytest.mark.parametrize(("query", "accept", "ctype", "needle"), [
    (ROWS, "text/csv", "text/csv", b"s\r\n"),
    (ROWS, "text/tab-separated-values", "text/tab-separated-values", b"?s\n<"),
    (ROWS, "application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
    (ROWS, "text/html,*/*;q=0.8", "application/sparql-results+json", b'"vars"'),
    (TRIPLES, "application/n-triples", "application/n-triples", b"> <"),
    ("DESCRIBE ekgr:gallium", "", "text/turtle", b"@prefix"),
    (TRIPLES, "application/ld+json;q=1, text/turtle;q=0.5", "application/ld+json", b"@"),
])
def test_content_negotiation(server, query: str, accept: str, ctype: str, needle: bytes) -> None:
    status, headers, body = get(server[0], query, accept)
    assert status == 200 and headers["Content-Type"].startswith(ctype) and needle in body, (status, headers, body[:120])


def test_format_parameter_and_post_forms(server) -> None:
    status, _, body = get(server[0], "ASK {}", format="csv")
    assert status == 200 and body.strip().endswith(b"true"), body
    q = b"SELECT ?s WHERE { ?s a ekg:Sector } LIMIT 1"
    status, _, body = fetch(f"{server[0]}/sparql", data=q, headers={"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(body)["head"]["vars"] == ["s"], body
    status, _, _ = fetch(f"{server[0]}/sparql", data=b"query=" + urllib.parse.quote_plus(q).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200


def test_updates_are_refused_with_4xx(server) -> None:
    from SPARQLWrapper import POST, SPARQLWrapper

    client = SPARQLWrapper(f"{server[0]}/sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }")
    with pytest.raises(Exception) as info:  # SPARQLWrapper raises urllib's own HTTPError for a 403
        client.query()
    assert getattr(info.value, "code", None) == 403, repr(info.value)
    update = b"DELETE WHERE { ?s ?p ?o }"
    for data, ctype in ((update, "application/sparql-update"),
                        (b"update=" + urllib.parse.quote_plus(update).encode(), "application/x-www-form-urlencoded"),
                        (b"query=" + urllib.parse.quote_plus(update).encode(), "application/x-www-form-urlencoded")):
        status, _, body = fetch(f"{server[0]}/sparql", data=data, headers={"Content-Type": ctype})
        assert status == 403 and b"read-only" in body, (ctype, status, body)
    assert fetch(f"{server[0]}/sparql", data=b"x", method="PUT")[0] == 405
    still = get(server[0], "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv")[2]
    assert int(still.split()[-1]) > 1000, still


def test_a_query_past_the_timeout_is_stopped(server) -> None:
    started = time.monotonic()
    status, _, body = get(server[0], HEAVY)
    took = time.monotonic() - started
    assert status == 503 and b"stopped" in body and b"1 s" in body and took < 10, (status, body, took)
    assert get(server[0], "ASK {}")[0] == 200  # the server still answers


def test_rows_are_cut_to_max_rows_with_a_header(server) -> None:
    status, headers, body = get(server[0], "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200 and headers.get("X-KG-Truncated") == "max-rows=50", headers
    assert len(json.loads(body)["results"]["bindings"]) == 50


@pytest.mark.parametrize(("query", "status", "needle"), [
    ("SELECT ?s WHERE {\n ?s ?p", 400, b"line 2"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403, b"SERVICE"),
])
def test_bad_queries(server, query: str, status: int, needle: bytes) -> None:
    got, _, body = get(server[0], query)
    assert got == status and needle in body, (got, body)


def test_missing_query_and_unknown_path(server) -> None:
    assert fetch(f"{server[0]}/sparql")[0] == 400
    assert fetch(f"{server[0]}/nothing-here")[0] == 404


def test_html_page_escapes_every_value(server) -> None:
    status, headers, body = fetch(f"{server[0]}/")
    assert status == 200 and b"<form" in body and b"<script" not in body and b"http" not in body.split(b"<body>")[0]
    hostile = 'SELECT ("<script>alert(1)</script>" AS ?x) WHERE {}'
    status, headers, body = fetch(f"{server[0]}/?" + urllib.parse.urlencode({"query": hostile}))
    assert status == 200 and b"<script>" not in body and body.count(b"&lt;script&gt;") >= 2, body[-400:]
    assert "default-src 'none'" in headers["Content-Security-Policy"], headers


def test_each_query_is_logged_with_its_duration(server) -> None:
    get(server[0], "ASK { ekgr:logged-query ?p ?o }")
    time.sleep(0.2)
    lines = [line for line in Path(server[1]).read_text().splitlines() if "ekgr:logged-query" in line]
    assert lines and " 200 ask " in lines[-1] and "s ASK" in lines[-1], lines


def test_negotiation_rules() -> None:
    assert negotiate("select", "text/csv;q=0.5, application/sparql-results+xml") == "xml"
    assert negotiate("select", "image/png") == "json"
    assert negotiate("graph", "*/*") == "turtle"
    assert negotiate("ask", "", "tsv") == "tsv"
