"""Content negotiation for the endpoint: Accept headers and `format=` parameters -> a results format.

Graph answers (CONSTRUCT, DESCRIBE, Linked Data, the service description) come in Turtle, N-Triples,
JSON-LD or RDF/XML; RDF/XML is there because SPARQLWrapper asks for it by default for every query form.
"""

from __future__ import annotations

from kg.model.errors import QueryError


class NotAcceptable(QueryError):
    """No format the client accepts (or names) suits the answer."""


_ROWS = {"application/sparql-results+json": "json", "application/json": "json",
         "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
         "text/csv": "csv", "text/tab-separated-values": "tsv"}
_GRAPH = {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "nt",
          "text/plain": "nt", "application/ld+json": "jsonld", "application/rdf+xml": "rdfxml",
          "application/xml": "rdfxml", "text/xml": "rdfxml"}
# Media type -> format, per query form, in order of preference; the first is the default.
NEGOTIATION = {"select": _ROWS, "ask": _ROWS, "graph": _GRAPH}
# Names a `format=` parameter may use besides the formats themselves (SPARQLWrapper sends format=xml, json).
ALIASES = {"graph": {"xml": "rdfxml", "json": "jsonld", "ttl": "turtle", "n3": "turtle", "n-triples": "nt",
                     "rdf": "rdfxml", "json-ld": "jsonld"},
           "select": {"sparql-results+json": "json", "sparql-results+xml": "xml"}}
ALIASES["ask"] = ALIASES["select"]


def accepted(header: str) -> list[str]:
    """Media types of an Accept header, best first (q-values, then order); wildcards kept as written."""
    ranked = []
    for i, part in enumerate(header.split(",")[:64]):
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
    named = [table[m] for m in accepted(accept) if m in table]
    if fmt:
        fmt = ALIASES.get(form, {}).get(fmt.lower(), fmt.lower())
        if fmt in table.values():
            return fmt
        if fmt in table:
            return table[fmt]
        if named:  # clients such as SPARQLWrapper repeat their Accept header as format=, output=
            return named[0]
        choices = ", ".join(sorted(set(table.values())))
        raise NotAcceptable(f"format {fmt[:40]!r} does not suit this query; choose one of: {choices}")
    return named[0] if named else next(iter(table.values()))


def wants_html(accept: str) -> bool:
    """Whether a browser asks: text/html ranks above every RDF and results type the client names."""
    for media in accepted(accept):
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media in _GRAPH or media in _ROWS:
            return False
    return False
