"""kg serve over a real socket, on both stores: SPARQL clients with their default settings, content
negotiation, the service description, OPTIONS and CORS, refused updates, the limits, the query page,
Linked Data at /id/{name} and /ont, and the log."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.serve.negotiate import negotiate

pytestmark = pytest.mark.server
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # about 10^12 rows
GA = "https://w3id.org/exportkg/id/gallium"
SD = "http://www.w3.org/ns/sparql-service-description#"


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


@pytest.mark.parametrize(("query", "check"), [
    (f"SELECT ?l WHERE {{ <{GA}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}",
     lambda doc: "gallium" in [n.firstChild.data for n in doc.getElementsByTagName("literal")]),
    (f"ASK {{ <{GA}> ?p ?o }}", lambda doc: doc.getElementsByTagName("boolean")[0].firstChild.data == "true"),
    (f"CONSTRUCT {{ <{GA}> ?p ?o }} WHERE {{ <{GA}> ?p ?o }}", lambda g: (URIRef(GA), None, None) in g),
    (f"DESCRIBE <{GA}>", lambda g: len(g) >= 4),
])
def test_sparqlwrapper_defaults_work_for_every_query_form(kg_server, query: str, check) -> None:
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(f"{kg_server.base}/sparql")  # XML results and RDF/XML graphs, format=xml in the URL
    client.setQuery(query)
    result = client.query()
    assert check(result.convert()), result.response.headers


def test_sparqlwrapper_json_gives_the_rows_of_the_library(kg_server, real_graph) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    from kg.sparql.query import sparql

    query = "SELECT ?item ?code WHERE { ?item ekg:concerns ekgr:gallium ; ekg:customsCode ?code } ORDER BY ?item ?code"
    client = SPARQLWrapper(f"{kg_server.base}/sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    got = [(b["item"]["value"], b["code"]["value"]) for b in client.queryAndConvert()["results"]["bindings"]]
    expected = [(str(r[0]), str(r[1])) for r in sparql(query, real_graph).rows]
    assert got == expected and len(got) >= 3, (got[:3], expected[:3])


def test_rdflib_sparqlstore_with_defaults(kg_server) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(store=SPARQLStore(f"{kg_server.base}/sparql"))
    rows = list(remote.query(f"SELECT ?l WHERE {{ <{GA}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"))
    assert {str(r[0]) for r in rows} >= {"gallium"}, rows
    assert remote.query(f"ASK {{ <{GA}> ?p ?o }}").askAnswer is True
    built = remote.query(f"CONSTRUCT {{ <{GA}> ?p ?o }} WHERE {{ <{GA}> ?p ?o }}").graph
    assert (URIRef(GA), RDF.type, URIRef("https://w3id.org/exportkg/ont#Material")) in built, len(built)
    assert (URIRef(GA), None, None) in remote  # triple lookups go through SELECT as well


ROWS = "SELECT ?s WHERE { ?s a ekg:Material } LIMIT 2"
TRIPLES = "CONSTRUCT WHERE { ekgr:gallium a ?t }"


@pytest.mark.parametrize(("query", "accept", "ctype", "needle"), [
    (ROWS, "text/csv", "text/csv", b"s\r\n"),
    (ROWS, "text/tab-separated-values", "text/tab-separated-values", b"?s\n<"),
    (ROWS, "application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
    (ROWS, "text/html,*/*;q=0.8", "application/sparql-results+json", b'"vars"'),
    (TRIPLES, "application/n-triples", "application/n-triples", b"> <"),
    (TRIPLES, "application/rdf+xml", "application/rdf+xml", b"<rdf:RDF"),
    ("DESCRIBE ekgr:gallium", "", "text/turtle", b"@prefix"),
    (TRIPLES, "application/ld+json;q=1, text/turtle;q=0.5", "application/ld+json", b"@"),
])
def test_content_negotiation(kg_server, query: str, accept: str, ctype: str, needle: bytes) -> None:
    status, headers, body = get(kg_server.base, query, accept)
    assert status == 200 and headers["Content-Type"].startswith(ctype) and needle in body, (status, headers, body[:120])


def test_format_parameter_and_post_forms(kg_server) -> None:
    status, _, body = get(kg_server.base, "ASK {}", format="csv")
    assert status == 200 and body.strip().endswith(b"true"), body
    q = b"SELECT ?s WHERE { ?s a ekg:Sector } LIMIT 1"
    status, _, body = fetch(f"{kg_server.base}/sparql", data=q, headers={"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(body)["head"]["vars"] == ["s"], body
    status, _, _ = fetch(f"{kg_server.base}/sparql", data=b"query=" + urllib.parse.quote_plus(q).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200
    assert get(kg_server.base, ROWS, format="turtle")[0] == 406


@pytest.mark.parametrize("accept", ["", "text/turtle", "application/rdf+xml", "application/ld+json"])
def test_service_description_at_sparql_without_a_query(kg_server, accept: str) -> None:
    status, _, body = fetch(f"{kg_server.base}/sparql", headers={"Accept": accept} if accept else {})
    parser = {"": "turtle", "text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
    described = Graph().parse(data=body, format=parser[accept])
    service = URIRef(f"{kg_server.base}/sparql")
    assert status == 200 and (service, RDF.type, URIRef(SD + "Service")) in described, body[:300]
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in described
    formats = set(described.objects(service, URIRef(SD + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/RDF_XML") in formats and len(formats) == 8, formats


def test_options_and_cors(kg_server) -> None:
    status, headers, _ = fetch(f"{kg_server.base}/sparql", method="OPTIONS")
    assert status == 204 and "POST" in headers["Allow"] and "Access-Control-Allow-Origin" not in headers, headers
    status, headers, _ = fetch(f"{kg_server.base}/sparql", method="OPTIONS",
                               headers={"Origin": "https://client.example", "Access-Control-Request-Method": "POST"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "https://client.example", headers
    assert "Content-Type" in headers["Access-Control-Allow-Headers"], headers
    _, headers, _ = get(kg_server.base, "ASK {}")
    assert "Access-Control-Allow-Origin" not in headers, headers
    _, headers, _ = fetch(f"{kg_server.base}/sparql?query=ASK%7B%7D", headers={"Origin": "https://client.example"})
    assert headers.get("Access-Control-Allow-Origin") == "https://client.example", headers
    _, headers, _ = fetch(f"{kg_server.base}/sparql?query=ASK%7B%7D", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers, headers


def test_updates_are_refused_with_4xx(kg_server) -> None:
    from SPARQLWrapper import POST, SPARQLWrapper

    client = SPARQLWrapper(f"{kg_server.base}/sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }")
    with pytest.raises(Exception) as info:  # SPARQLWrapper raises urllib's own HTTPError for a 403
        client.query()
    assert getattr(info.value, "code", None) == 403, repr(info.value)
    update = b"DELETE WHERE { ?s ?p ?o }"
    for data, ctype in ((update, "application/sparql-update"),
                        (b"update=" + urllib.parse.quote_plus(update).encode(), "application/x-www-form-urlencoded"),
                        (b"query=" + urllib.parse.quote_plus(update).encode(), "application/x-www-form-urlencoded")):
        status, _, body = fetch(f"{kg_server.base}/sparql", data=data, headers={"Content-Type": ctype})
        assert status == 403 and b"read-only" in body, (ctype, status, body)
    assert fetch(f"{kg_server.base}/sparql", data=b"x", method="PUT")[0] == 405
    still = get(kg_server.base, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ekg:DependencyStatement }", "text/csv")[2]
    assert int(still.split()[-1]) > 500, still  # the data are all there (a small count: quick on rdflib too)


def test_rows_are_cut_to_max_rows_with_a_header(kg_server) -> None:
    status, headers, body = get(kg_server.base, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200 and headers.get("X-KG-Truncated") == "max-rows=50", headers
    assert len(json.loads(body)["results"]["bindings"]) == 50


@pytest.mark.parametrize(("query", "status", "needle"), [
    ("SELECT ?s WHERE {\n ?s ?p", 400, b"SPARQL syntax error at line 2"),
    ("SELECT ?s WHERE {\n ?s foo:bar ?o }", 400, b"SPARQL syntax error at line 2, column 5: undefined prefix foo:"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403, b"SERVICE"),
    ("  ", 400, b"empty query"),
])
def test_bad_queries_get_one_line(kg_server, query: str, status: int, needle: bytes) -> None:
    got, _, body = get(kg_server.base, query)
    assert got == status and body.startswith(needle) and body.count(b"\n") == 1, (got, body)


def test_unknown_path_and_head(kg_server) -> None:
    assert fetch(f"{kg_server.base}/nothing-here")[0] == 404
    status, headers, body = fetch(f"{kg_server.base}/sparql?query=ASK%7B%7D", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 10, headers


def test_html_page_escapes_every_value(kg_server) -> None:
    status, headers, body = fetch(f"{kg_server.base}/")
    assert status == 200 and b"<form" in body and b"<script" not in body and b"http" not in body.split(b"<body>")[0]
    hostile = 'SELECT ("<script>alert(1)</script>" AS ?x) WHERE {}'
    status, headers, body = fetch(f"{kg_server.base}/?" + urllib.parse.urlencode({"query": hostile}))
    assert status == 200 and b"<script>" not in body and body.count(b"&lt;script&gt;") >= 2, body[-400:]
    assert "default-src 'none'" in headers["Content-Security-Policy"], headers
    status, _, body = fetch(f"{kg_server.base}/sparql", headers={"Accept": "text/html"})
    assert status == 200 and b"<form" in body


@pytest.mark.parametrize(("accept", "parser"), [("", "turtle"), ("text/turtle", "turtle"),
                                                 ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
                                                 ("application/n-triples", "nt")])
def test_resources_dereference_as_rdf(kg_server, accept: str, parser: str) -> None:
    status, headers, body = fetch(f"{kg_server.base}/id/gallium", headers={"Accept": accept} if accept else {})
    described = Graph().parse(data=body, format=parser)
    assert status == 200 and "Accept" in headers.get("Vary", ""), headers
    assert (URIRef(GA), RDF.type, URIRef("https://w3id.org/exportkg/ont#Material")) in described, body[:300]
    assert (None, None, URIRef(GA)) in described  # the statements that point at it too


def test_resource_page_shows_the_facts_escaped(kg_server) -> None:
    status, headers, body = fetch(f"{kg_server.base}/id/gallium", headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and "<script" not in page and "default-src 'none'" in headers["Content-Security-Policy"]
    for needle in ("<h1>gallium</h1>", 'href="/ont#Material"', "<h2>Controls</h2>", "status on",
                   "<h2>Links</h2>", "<h2>Sources</h2>", 'href="/id/mofcom-2024-46"', "All statements"):
        assert needle in page, needle
    status, _, body = fetch(f"{kg_server.base}/id/mofcom-2024-46?format=html")
    assert status == 200 and b"MOFCOM Announcement 2024 No. 46" in body and b"<h2>Links</h2>" in body, body[:500]


def test_unknown_and_hostile_names_are_404(kg_server) -> None:
    assert fetch(f"{kg_server.base}/id/no-such-thing")[0] == 404
    status, _, body = fetch(f"{kg_server.base}/id/no-such-thing", headers={"Accept": "text/html"})
    assert status == 404 and b"Not found" in body
    status, _, body = fetch(f"{kg_server.base}/id/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers={"Accept": "text/html"})
    assert status == 404 and b"<script" not in body, body


def test_ontology_dereferences(kg_server) -> None:
    status, _, body = fetch(f"{kg_server.base}/ont", headers={"Accept": "text/turtle"})
    ont = Graph().parse(data=body, format="turtle")
    assert status == 200 and (URIRef("https://w3id.org/exportkg/ont#Material"), None, None) in ont
    status, _, body = fetch(f"{kg_server.base}/ont", headers={"Accept": "application/ld+json"})
    assert status == 200 and len(Graph().parse(data=body, format="json-ld")) == len(ont)
    status, _, body = fetch(f"{kg_server.base}/ont", headers={"Accept": "text/html"})
    assert status == 200 and b'<dt id="Material">' in body and b'<dt id="feedsInto">' in body and b"<script" not in body


def test_each_query_is_logged_with_its_duration(kg_server) -> None:
    get(kg_server.base, "ASK { ekgr:logged-query ?p ?o }")
    time.sleep(0.2)
    lines = [line for line in kg_server.log_text().splitlines() if "ekgr:logged-query" in line]
    assert lines and " 200 ask " in lines[-1] and "s ASK" in lines[-1], lines


def test_negotiation_rules() -> None:
    assert negotiate("select", "text/csv;q=0.5, application/sparql-results+xml") == "xml"
    assert negotiate("select", "image/png") == "json"
    assert negotiate("graph", "*/*") == "turtle"
    assert negotiate("graph", "application/rdf+xml", "xml") == "rdfxml"  # SPARQLWrapper's format=xml
    assert negotiate("ask", "", "tsv") == "tsv"
