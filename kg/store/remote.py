"""Talk to a SPARQL 1.1 endpoint: run queries (SPARQL 1.1 Protocol), fetch the dependency and controls
layers with CONSTRUCT, upload data with the Graph Store Protocol. Uses only the standard library for HTTP."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model.errors import StoreError
from kg.model.namespaces import PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.query import Result

_PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())

_NODE_TYPES = ("ekg:Material ekg:ProcessedForm ekg:Component ekg:Product ekg:Sector ekg:Technology "
               "ekg:Equipment ekg:Firm ekg:JointVenture ekg:Project ekg:Country ekg:Authority ekg:Jurisdiction "
               "ekg:CountryGroup ekg:MaterialFamily")
_NODE_PROPERTIES = ("rdf:type rdfs:label skos:altLabel skos:hiddenLabel ekg:symbol rdfs:comment ekg:hsCode "
                    "ekg:unconfirmed ekg:isoCode ekg:inFamily ekg:familyMember ekg:formKind skos:broader "
                    "skos:narrower ekg:groupMember ekg:memberOfGroup dcterms:source")
_CONTROL_TYPES = ("ekg:Law ekg:AdministrativeRegulation ekg:Announcement ekg:TechnologyCatalogue "
                  "ekg:ControlList ekg:EntityListing ekg:LicensingDecision ekg:Provision ekg:Publication "
                  "ekg:EntryIntoForce ekg:Suspension ekg:SuspensionEnd ekg:Amendment ekg:Incorporation "
                  "ekg:Supersession ekg:Repeal ekg:Lifting ekg:Expiry ekg:Milestone ekg:ControlledItem "
                  "ekg:Assertion ekg:DependencyStatement ekg:ResponseStatement ekg:Share ekg:UseShare "
                  "ekg:MeasureKind ekg:ConfidenceGrade ekg:SupplyStage ekg:FormKind ekg:DestinationScope "
                  "ekg:EndUseScope")

# Each query pulls one slice; together they are everything kg.store.compile reads, and nothing else.
LAYER_QUERIES = {
    "relations": """CONSTRUCT { ?p rdfs:subPropertyOf ?q . ?a owl:inverseOf ?b }
WHERE { { ?p rdfs:subPropertyOf ?q . FILTER(STRSTARTS(STR(?p), STR(ekg:))) }
        UNION { ?a owl:inverseOf ?b . FILTER(STRSTARTS(STR(?a), STR(ekg:))) } }""",
    "edges": """CONSTRUCT { ?s ?p ?o }
WHERE { { ?p rdfs:subPropertyOf+ ekg:feedsInto } UNION
        { ?q rdfs:subPropertyOf+ ekg:feedsInto . { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } }
        ?s ?p ?o }""",
    "nodes": f"""CONSTRUCT {{ ?n ?p ?o }}
WHERE {{ VALUES ?t {{ {_NODE_TYPES} }} ?n a ?t .
        VALUES ?p {{ {_NODE_PROPERTIES} }}
        ?n ?p ?o }}""",
    "controls": f"""CONSTRUCT {{ ?s ?p ?o }}
WHERE {{ VALUES ?t {{ {_CONTROL_TYPES} }} ?s a ?t . ?s ?p ?o }}""",
    "sources": """CONSTRUCT { ?s schema:url ?u ; a ekg:SourceDocument }
WHERE { ?s a ekg:SourceDocument ; schema:url ?u }""",
}


def _request(url: str, *, data: bytes | None = None, headers: dict[str, str], method: str,
             timeout: float) -> tuple[bytes, str]:
    if not url.startswith(("http://", "https://")):
        raise StoreError(f"not an http(s) URL: {url!r}")
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # the URL is the user's own endpoint
            return resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip().splitlines()
        reason = body[0][:200] if body else exc.reason
        raise StoreError(f"{url} answered HTTP {exc.code}: {reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise StoreError(f"cannot reach SPARQL endpoint {url}: {getattr(exc, 'reason', exc)}") from None


# Media types a store may answer with, and the rdflib parser for each.
_RDF_PARSERS = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle",
                "application/x-turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
                "application/n-quads": "nquads", "application/trig": "trig"}
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
_RESULT_PARSERS = {"application/sparql-results+json": "json", "application/json": "json",
                   "application/sparql-results+xml": "xml", "application/xml": "xml"}


def _post_query(endpoint: str, query: str, accept: str, timeout: float) -> tuple[bytes, str]:
    body = urllib.parse.urlencode({"query": query}).encode()
    raw, ctype = _request(endpoint, data=body, method="POST", timeout=timeout, headers={
        "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
    return raw, ctype.split(";")[0].strip().lower()


def _parse_graph(endpoint: str, raw: bytes, ctype: str) -> Graph:
    from rdflib import Graph

    fmt = _RDF_PARSERS.get(ctype)
    if fmt is None:
        raise StoreError(f"{endpoint} answered with {ctype or 'no content type'}, not an RDF graph")
    try:
        return Graph().parse(data=raw, format=fmt)
    except Exception as exc:  # parser plugins raise assorted types
        raise StoreError(f"{endpoint} sent a malformed {ctype} graph: {str(exc).splitlines()[0]}") from None


def construct(endpoint: str, query: str, *, timeout: float = 60.0) -> Graph:
    """Run a CONSTRUCT query (the ontology prefixes declared) on an endpoint; return the triples."""
    raw, ctype = _post_query(endpoint, f"{_PREFIXES}\n{query}", _GRAPH_ACCEPT, timeout)
    return _parse_graph(endpoint, raw, ctype)


def graph_query(endpoint: str, query: str, *, timeout: float = 60.0) -> Graph:
    """Run a CONSTRUCT or DESCRIBE query as written on an endpoint; return the triples."""
    raw, ctype = _post_query(endpoint, query, _GRAPH_ACCEPT, timeout)
    return _parse_graph(endpoint, raw, ctype)


def result_query(endpoint: str, query: str, *, timeout: float = 60.0) -> Result:
    """Run a SELECT or ASK query as written on an endpoint; return rdflib's parsed result."""
    from io import BytesIO

    from rdflib.query import Result

    raw, ctype = _post_query(endpoint, query, _RESULTS_ACCEPT, timeout)
    fmt = _RESULT_PARSERS.get(ctype)
    if fmt is None:
        raise StoreError(f"{endpoint} answered with {ctype or 'no content type'}, not SPARQL results")
    try:
        return Result.parse(BytesIO(raw), format=fmt)
    except Exception as exc:  # result parsers raise assorted types
        raise StoreError(f"{endpoint} sent malformed SPARQL results: {str(exc).splitlines()[0]}") from None


def fetch_layer(endpoint: str, *, timeout: float = 60.0) -> Graph:
    """The dependency and controls layers of the store behind `endpoint`, as a local graph."""
    from rdflib import Graph

    graph = Graph()
    for query in LAYER_QUERIES.values():
        graph += construct(endpoint, query, timeout=timeout)
    if len(graph) == 0:
        raise StoreError(f"endpoint {endpoint} holds no export-controls data (kg push loads it)")
    return graph


def push(store_url: str, files: list[Path], *, graph_iri: str | None = None, replace: bool = True,
         timeout: float = 120.0) -> int:
    """Upload Turtle files with the SPARQL 1.1 Graph Store Protocol (PUT replaces the target graph,
    POST adds to it); returns the number of triples sent. `store_url` is the store's GSP address,
    such as http://127.0.0.1:7878/store for `oxigraph serve`."""
    from rdflib import Graph

    from kg.store.load import parse_into

    merged = Graph()
    for path in files:
        parse_into(merged, path)
    target = f"{store_url}?{urllib.parse.urlencode({'graph': graph_iri})}" if graph_iri else f"{store_url}?default"
    payload = merged.serialize(format="nt", encoding="utf-8")
    _request(target, data=payload, method="PUT" if replace else "POST", timeout=timeout,
             headers={"Content-Type": "application/n-triples"})
    return len(merged)
