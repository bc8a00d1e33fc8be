"""Talk to a SPARQL 1.1 endpoint: fetch the dependency and controls layers with CONSTRUCT, upload data
with the Graph Store Protocol. Uses only the standard library for HTTP."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import StoreError
from kg.namespaces import PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

_PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())

_NODE_TYPES = ("ekg:Material ekg:ProcessedForm ekg:Component ekg:Product ekg:Sector ekg:Technology "
               "ekg:Equipment ekg:Firm ekg:JointVenture ekg:Project ekg:Country ekg:Authority")
_CONTROL_TYPES = ("ekg:Law ekg:AdministrativeRegulation ekg:Announcement ekg:TechnologyCatalogue "
                  "ekg:ControlList ekg:EntityListing ekg:LicensingDecision ekg:Provision ekg:Publication "
                  "ekg:EntryIntoForce ekg:Suspension ekg:SuspensionEnd ekg:Amendment ekg:Incorporation "
                  "ekg:Supersession ekg:Repeal ekg:Expiry ekg:Milestone ekg:ControlledItem ekg:Assertion "
                  "ekg:DependencyStatement ekg:Share ekg:MeasureKind ekg:ConfidenceGrade ekg:SupplyStage "
                  "ekg:DestinationScope ekg:EndUseScope")

# Each query pulls one slice; together they are everything kg.compile reads, and nothing else.
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
        VALUES ?p {{ rdf:type rdfs:label skos:altLabel ekg:symbol rdfs:comment ekg:hsCode ekg:unconfirmed }}
        ?n ?p ?o }}""",
    "controls": f"""CONSTRUCT {{ ?s ?p ?o }}
WHERE {{ VALUES ?t {{ {_CONTROL_TYPES} }} ?s a ?t . ?s ?p ?o }}""",
    "sources": """CONSTRUCT { ?s schema:url ?u ; a ekg:SourceDocument }
WHERE { ?s a ekg:SourceDocument ; schema:url ?u }""",
}


def _request(url: str, *, data: bytes | None = None, headers: dict[str, str], method: str,
             timeout: float) -> tuple[bytes, str]:
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - user-given endpoint URL
            return resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise StoreError(f"{url} answered HTTP {exc.code}: {body[0] if body else exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise StoreError(f"cannot reach SPARQL endpoint {url}: {getattr(exc, 'reason', exc)}") from None


def construct(endpoint: str, query: str, *, timeout: float = 60.0) -> Graph:
    """Run a CONSTRUCT query on an endpoint and return the triples as an rdflib graph."""
    from rdflib import Graph

    body = urllib.parse.urlencode({"query": f"{_PREFIXES}\n{query}"}).encode()
    raw, ctype = _request(endpoint, data=body, method="POST", timeout=timeout, headers={
        "Accept": "application/n-triples, text/turtle;q=0.9",
        "Content-Type": "application/x-www-form-urlencoded"})
    fmt = "turtle" if "turtle" in ctype else "nt"
    return Graph().parse(data=raw.decode("utf-8"), format=fmt)


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
    """Upload Turtle files with the SPARQL 1.1 Graph Store Protocol; returns the triples sent."""
    from rdflib import Graph

    merged = Graph()
    from kg.load import parse_into

    for path in files:
        parse_into(merged, path)
    target = f"{store_url}?{urllib.parse.urlencode({'graph': graph_iri})}" if graph_iri else f"{store_url}?default"
    payload = merged.serialize(format="nt", encoding="utf-8")
    _request(target, data=payload, method="PUT" if replace else "POST", timeout=timeout,
             headers={"Content-Type": "application/n-triples"})
    return len(merged)
