"""The query page of `kg serve`: one self-contained HTML page (no scripts, no external files), every
value HTML-escaped. The form sends GET /?query=..., so a result page is a link one can share."""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING

from kg.model.namespaces import PREFIXES

if TYPE_CHECKING:
    from kg.serve.types import Reply, ServeOptions

EXAMPLE = """SELECT ?instrument ?label WHERE {
  ?instrument a ekg:Announcement ; rdfs:label ?label .
}
ORDER BY ?instrument
LIMIT 20"""

_STYLE = """body{font:15px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#222}
textarea{width:100%;font:14px/1.35 ui-monospace,monospace;box-sizing:border-box}
table{border-collapse:collapse;margin-top:1em;font-size:14px}th,td{border:1px solid #ccc;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f3f3f3}.err{color:#a00;white-space:pre-wrap}
.note{color:#555;font-size:13px}code{background:#f3f3f3;padding:0 .2em}"""


def _results(reply: Reply) -> str:
    if reply.status != 200:
        return f'<p class="err">Error {reply.status}: {escape(reply.body.decode("utf-8", "replace").strip())}</p>'
    data = json.loads(reply.body)
    head = "".join(f"<th>{escape(h)}</th>" for h in data["headers"])
    rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in data["rows"])
    note = f"{reply.rows} row(s)" + (" (cut to the row limit)" if reply.truncated else "")
    return f'<p class="note">{escape(note)}</p><table><tr>{head}</tr>{rows}</table>'


def render_page(query: str, reply: Reply | None, options: ServeOptions) -> bytes:
    prefixes = ", ".join(f"<code>{escape(p)}:</code>" for p in PREFIXES)
    limits = f"queries stop after {options.timeout:g} s; results are cut to {options.max_rows} rows"
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>exportkg SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>
<body><h1>exportkg SPARQL</h1>
<p>Read-only SPARQL 1.1 over the export-controls knowledge graph. Prefixes {prefixes} are declared for you.
Programs should use the endpoint <code>/sparql</code> (GET or POST; JSON, XML, CSV, TSV, Turtle, N-Triples,
JSON-LD, RDF/XML). Every resource has a page at <code>/id/NAME</code> (<a href="/id/gallium">gallium</a>),
the ontology at <a href="/ont">/ont</a>. Here {escape(limits)}.</p>
<form method="get" action="/"><textarea name="query" rows="12" spellcheck="false">{escape(query or EXAMPLE)}</textarea>
<p><button type="submit">Run query</button></p></form>
{_results(reply) if reply is not None else ""}
</body></html>
"""
    return body.encode("utf-8")
