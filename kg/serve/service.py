"""The SPARQL 1.1 Service Description that GET /sparql without a query returns: the endpoint, the
language, the result formats, the features, and the default dataset with its size."""

from __future__ import annotations

import re

from kg.model.namespaces import EKG
from kg.serve.negotiate import NotAcceptable, negotiate
from kg.serve.types import Reply, ServeOptions
from kg.sparql.answer import Answer
from kg.sparql.results import MEDIA_TYPES, serialize

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
# The W3C format IRIs of what the endpoint writes.
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML")
_HOST = re.compile(r"[A-Za-z0-9.\-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?")


def endpoint_url(host_header: str, options: ServeOptions) -> str:
    """The endpoint's URL as the client named it (a well-formed Host header), else as bound."""
    host = host_header.strip()
    if not _HOST.fullmatch(host):
        host = f"{options.host}:{options.port}"
    return f"http://{host}/sparql"


def service_graph(url: str, options: ServeOptions, triples: int):  # type: ignore[no-untyped-def]
    """The description as an rdflib Graph."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, XSD

    sd, void = Namespace(SD), Namespace(VOID)
    g = Graph()
    g.bind("sd", sd)
    g.bind("void", void)
    service, dataset, default = URIRef(url), BNode("dataset"), BNode("default-graph")
    g.add((service, RDF.type, sd.Service))
    g.add((service, sd.endpoint, service))
    g.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    for name in RESULT_FORMATS:
        g.add((service, sd.resultFormat, URIRef(FORMATS + name)))
    if options.allow_service:
        g.add((service, sd.feature, sd.BasicFederatedQuery))
    g.add((service, sd.defaultDataset, dataset))
    g.add((dataset, RDF.type, sd.Dataset))
    g.add((dataset, sd.defaultGraph, default))
    g.add((default, RDF.type, sd.Graph))
    g.add((default, void.triples, Literal(triples, datatype=XSD.integer)))
    g.add((default, void.vocabulary, URIRef(EKG)))
    return g


def service_description(host_header: str, options: ServeOptions, triples: int, accept: str, fmt: str) -> Reply:
    try:
        chosen = negotiate("graph", accept, fmt)
    except NotAcceptable as exc:
        return Reply.text(406, str(exc))
    graph = service_graph(endpoint_url(host_header, options), options, triples)
    body = serialize(Answer("graph", graph=graph), chosen)
    return Reply(200, body, f"{MEDIA_TYPES[chosen]}; charset=utf-8", len(graph), form="service",
                 headers=(("Vary", "Accept"),))
