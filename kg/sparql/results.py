"""Answers in the W3C SPARQL result formats (JSON, XML, CSV, TSV), graphs in Turtle, N-Triples,
JSON-LD or RDF/XML, and plain cells for terminal and HTML tables.

One writer serves every store, so the bytes never depend on the engine that answered. Simple literals
are written without a datatype whether the engine typed them xsd:string (Oxigraph) or not (rdflib).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from kg.model.errors import UsageError
from kg.model.namespaces import PREFIXES, XSD

if TYPE_CHECKING:
    from rdflib.term import Node as Term

    from kg.sparql.answer import Answer

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "nt", "jsonld", "rdfxml")
MEDIA_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "turtle": "text/turtle", "nt": "application/n-triples",
    "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml",
}
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_PLAIN = (XSD + "string", _RDF_LANG_STRING)
_ASK_HEADER = "_askResult"  # CSV/TSV have no boolean form; Jena writes this header


def default_format(form: str) -> str:
    """The format used when none is asked for: a table for rows, Turtle for graphs."""
    return "turtle" if form == "graph" else "table"


def check_format(form: str, fmt: str) -> str:
    """`fmt` if it suits the query form, else a UsageError listing the formats that do."""
    allowed = GRAPH_FORMATS if form == "graph" else RESULT_FORMATS
    if fmt not in allowed:
        what = "CONSTRUCT and DESCRIBE" if form == "graph" else "SELECT and ASK"
        raise UsageError(f"format {fmt!r} does not suit {what} queries; choose one of: {', '.join(allowed)}")
    return fmt


def _kind(term: Term) -> str:
    from rdflib import BNode, Literal

    return "literal" if isinstance(term, Literal) else "bnode" if isinstance(term, BNode) else "uri"


def _datatype(term: Term) -> str | None:
    datatype = getattr(term, "datatype", None)
    return None if datatype is None or str(datatype) in _PLAIN else str(datatype)


def _json_term(term: Term) -> dict[str, str]:
    out = {"type": _kind(term), "value": str(term)}
    if out["type"] == "literal":
        if getattr(term, "language", None):
            out["xml:lang"] = str(term.language)  # type: ignore[attr-defined]
        elif _datatype(term):
            out["datatype"] = str(_datatype(term))
    return out


def to_json(answer: Answer) -> bytes:
    if answer.form == "ask":
        return json.dumps({"head": {}, "boolean": answer.boolean}).encode()
    bindings = [{var: _json_term(value) for var, value in zip(answer.variables, row, strict=True) if value is not None}
                for row in answer.rows]
    doc = {"head": {"vars": list(answer.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode()


def _xml_term(term: Term) -> str:
    kind = _kind(term)
    if kind != "literal":
        return f"<{kind}>{escape(str(term))}</{kind}>"
    lang, datatype = getattr(term, "language", None), _datatype(term)
    attr = f" xml:lang={quoteattr(lang)}" if lang else f" datatype={quoteattr(datatype)}" if datatype else ""
    return f"<literal{attr}>{escape(str(term))}</literal>"


def to_xml(answer: Answer) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in answer.variables) + "</head>")
    if answer.form == "ask":
        out.append(f"<boolean>{'true' if answer.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in answer.rows:
            out.append("<result>" + "".join(
                f"<binding name={quoteattr(var)}>{_xml_term(value)}</binding>"
                for var, value in zip(answer.variables, row, strict=True) if value is not None) + "</result>")
        out.append("</results>")
    out.append("</sparql>")
    return ("\n".join(out) + "\n").encode()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if _kind(term) == "bnode" else str(term)


def to_csv(answer: Answer) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if answer.form == "ask":
        writer.writerows([[_ASK_HEADER], ["true" if answer.boolean else "false"]])
    else:
        writer.writerow(answer.variables)
        writer.writerows([_csv_value(v) for v in row] for row in answer.rows)
    return buf.getvalue().encode()


def _nt_string(text: str) -> str:
    table = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return '"' + "".join(table.get(ch, ch) for ch in text) + '"'


def tsv_term(term: Term | None) -> str:
    """A term in N-Triples syntax, as the TSV results format writes it."""
    if term is None:
        return ""
    kind = _kind(term)
    if kind != "literal":
        return f"_:{term}" if kind == "bnode" else f"<{term}>"
    lang, datatype = getattr(term, "language", None), _datatype(term)
    suffix = f"@{lang}" if lang else f"^^<{datatype}>" if datatype else ""
    return _nt_string(str(term)) + suffix


def to_tsv(answer: Answer) -> bytes:
    if answer.form == "ask":
        return f"{_ASK_HEADER}\n{'true' if answer.boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{v}" for v in answer.variables)]
    lines += ["\t".join(tsv_term(v) for v in row) for row in answer.rows]
    return ("\n".join(lines) + "\n").encode()


def to_graph(answer: Answer, fmt: str) -> bytes:
    graph = answer.graph
    if graph is None:
        return b""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    if fmt == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True, encoding="utf-8")
    return graph.serialize(format={"rdfxml": "xml"}.get(fmt, "turtle"), encoding="utf-8")


WRITERS: dict[str, Callable[[Answer], bytes]] = {
    "json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv,
    **{fmt: (lambda a, f=fmt: to_graph(a, f)) for fmt in GRAPH_FORMATS},
}


def serialize(answer: Answer, fmt: str) -> bytes:
    """The answer in `fmt` (any format but 'table')."""
    check_format(answer.form, fmt)
    if fmt not in WRITERS:
        raise UsageError(f"format {fmt!r} is for the terminal only; choose one of: {', '.join(WRITERS)}")
    return WRITERS[fmt](answer)


def compact(term: Term | None) -> str:
    """A short display form: prefixed names for known namespaces, the lexical form of literals."""
    if term is None:
        return ""
    text = str(term)
    if _kind(term) == "uri":
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(ns) and text != ns:
                return f"{prefix}:{text[len(ns):]}"
    return f"_:{text}" if _kind(term) == "bnode" else text


def cells(answer: Answer) -> tuple[list[str], list[list[str]]]:
    """Headers and display strings for a table: variables and rows, a boolean, or triples."""
    if answer.form == "ask":
        return [_ASK_HEADER], [["true" if answer.boolean else "false"]]
    if answer.form == "graph":
        triples = sorted(answer.graph) if answer.graph is not None else []
        return ["subject", "predicate", "object"], [[compact(t) for t in triple] for triple in triples]
    return list(answer.variables), [[compact(v) for v in row] for row in answer.rows]
