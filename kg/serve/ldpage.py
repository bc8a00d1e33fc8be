"""HTML pages of Linked Data resources and of the ontology: self-contained, no scripts, every value
HTML-escaped, links only to this server's own pages or to http(s) addresses."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from kg.model.namespaces import EKG, EKGR, OWL, RDF, RDFS

if TYPE_CHECKING:
    from rdflib import Graph

STYLE = """body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:60em;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:14px}th,td{border:1px solid #ccc;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f3f3f3}code{background:#f3f3f3;padding:0 .2em}
.note{color:#555;font-size:13px}dt{font-weight:600}dd{margin:0 0 .4em 1em}"""


def link(value: str, label: str | None = None) -> str:
    """An anchor for a compact or full IRI of this graph, an http(s) link, or escaped text."""
    text = escape(label if label is not None else value)
    for prefix, path in (("ekgr:", "/id/"), (EKGR, "/id/"), ("ekg:", "/ont#"), (EKG, "/ont#")):
        if value.startswith(prefix):
            return f'<a href="{escape(path + value[len(prefix):])}">{text}</a>'
    if value.startswith(("http://", "https://")) and not any(c in value for c in "\"'<> "):
        return f'<a href="{escape(value)}" rel="nofollow">{text}</a>'
    return text


def _page(title: str, body: str) -> bytes:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · exportkg</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body>{body}
<p class="note">exportkg Linked Data · <a href="/">SPARQL query page</a> · <a href="/ont">ontology</a></p>
</body></html>
""".encode()


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f"<table><tr>{head}</tr>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
                                               for row in rows) + "</table>"


def _facts(found: dict[str, Any], on: date) -> str:
    labels = found.get("labels", {})
    parts = [f"<dl><dt>type</dt><dd>{link('ekg:' + found['type'], found['type'])}</dd>",
             f"<dt>status on {on.isoformat()}</dt><dd>{escape(str(found['status']))}</dd>"]
    if found.get("comment"):
        parts.append(f"<dt>description</dt><dd>{escape(found['comment'])}</dd>")
    if found.get("names"):
        parts.append(f"<dt>also called</dt><dd>{escape(', '.join(found['names']))}</dd>")
    parts += [f"<dt>{escape(k)}</dt><dd>{link(str(v))}</dd>" for k, v in found.get("details", []) if v]
    parts.append("</dl>")
    if found["controls"]:
        rows = [[link("ekgr:" + str(c["id"]), str(c.get("instrument") or c["id"])), escape(str(c.get("title", ""))),
                 escape(str(c.get("status", "")))] for c in found["controls"]]
        parts.append("<h2>Controls</h2>" + _table(["instrument", "title", "status"], rows))
    if found["links"]:
        rows = [[escape(str(lk["relation"])), escape(lk["direction"]),
                 link("ekgr:" + str(lk["id"]), labels.get(lk["id"], str(lk["id"]))), escape(str(lk.get("grade") or "")),
                 ", ".join(link("ekgr:" + s, s) for s in lk.get("sources", ()))] for lk in found["links"]]
        parts.append("<h2>Links</h2>" + _table(["relation", "direction", "node", "grade", "sources"], rows))
    if found["sources"]:
        parts.append("<h2>Sources</h2><ul>" + "".join(f"<li>{link('ekgr:' + s, s)}</li>" for s in found["sources"])
                     + "</ul>")
    return "".join(parts)


def render_resource(name: str, found: dict[str, Any] | None, statements: list[list[str]], on: date) -> bytes:
    """The page of one resource: its facts (if the API knows it) and every statement about it."""
    iri = EKGR + name
    if found is None and not statements:
        return _page(name, f"<h1>Not found</h1><p>Nothing is known about <code>{escape(iri)}</code>.</p>")
    label = found["label"] if found else next((r[2] for r in statements if r[1] == "rdfs:label"), name)
    body = [f"<h1>{escape(label)}</h1><p><code>{escape(iri)}</code></p>"]
    if found is not None:
        body.append(_facts(found, on))
    if statements:
        rows = [[link(s), link(p), link(o)] for s, p, o in statements]
        body.append("<h2>All statements</h2>" + _table(["subject", "predicate", "object"], rows))
    return _page(label, "".join(body))


def render_ontology(graph: Graph) -> bytes:
    """The ontology as one page: every class and property with an anchor (so /ont#Material works)."""
    from rdflib import URIRef

    def text(term: URIRef, prop: str) -> str:
        values = graph.objects(term, URIRef(prop))
        return " ".join(str(v) for v in values if getattr(v, "language", "en") in (None, "en"))

    def refs(term: URIRef, prop: str) -> str:
        return ", ".join(link(str(v), str(v).replace(EKG, "ekg:")) for v in graph.objects(term, URIRef(prop))
                         if isinstance(v, URIRef))

    sections = []
    for kind, title, extra in ((OWL + "Class", "Classes", RDFS + "subClassOf"),
                               (OWL + "ObjectProperty", "Object properties", RDFS + "range"),
                               (OWL + "DatatypeProperty", "Datatype properties", RDFS + "range")):
        terms = sorted(t for t in graph.subjects(URIRef(RDF + "type"), URIRef(kind))
                       if isinstance(t, URIRef) and str(t).startswith(EKG))
        items = [f'<dt id="{escape(str(t)[len(EKG):])}">{escape(str(t)[len(EKG):])} '
                 f'<span class="note">({escape(text(t, RDFS + "label"))})</span></dt>'
                 f"<dd>{escape(text(t, RDFS + 'comment'))}"
                 + (f" <span class='note'>domain {refs(t, RDFS + 'domain')}</span>" if refs(t, RDFS + "domain") else "")
                 + (f" <span class='note'>{escape(extra.rsplit('#', 1)[1])} {refs(t, extra)}</span>"
                    if refs(t, extra) else "") + "</dd>" for t in terms]
        sections.append(f"<h2>{escape(title)} ({len(terms)})</h2><dl>{''.join(items)}</dl>")
    return _page("ontology", f"<h1>exportkg ontology</h1><p><code>{escape(EKG)}</code></p>" + "".join(sections))
