"""What a query process of `kg serve` does with one request: parse, check and run a query, or describe
one resource, and answer with a JSON header line (status, media type, rows) and the body.

This code runs only in the worker processes of kg.sparql.sandbox, never in the server process, so the
SPARQL parsers (rdflib's for the SERVICE check, the engine's own) never see hostile text there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from kg.model.errors import KGError, QueryError
from kg.serve.negotiate import NotAcceptable, negotiate
from kg.serve.types import ServeOptions
from kg.sparql.answer import Answer
from kg.sparql.engine import describe
from kg.sparql.prepare import ServiceRefused, UpdateRefused, prepare
from kg.sparql.query import run
from kg.sparql.results import MEDIA_TYPES, cells, serialize

Head = dict[str, Any]
# The most specific class first: an error's HTTP status.
STATUS = ((UpdateRefused, 403), (ServiceRefused, 403), (NotAcceptable, 406), (QueryError, 400), (KGError, 500))


def _body(answer: Answer, fmt: str) -> tuple[bytes, str]:
    if fmt == "cells":
        headers, rows = cells(answer)
        return json.dumps({"headers": headers, "rows": rows}, ensure_ascii=False).encode(), "application/json"
    return serialize(answer, fmt), MEDIA_TYPES[fmt]


def _query(source: Any, req: dict[str, Any], options: ServeOptions) -> tuple[Head, bytes]:
    prepared = prepare(str(req["query"]), allow_service=options.allow_service)
    fmt = "cells" if req.get("format") == "cells" else negotiate(prepared.form, req.get("accept", ""),
                                                                  req.get("format", ""))
    answer = run(prepared, source, max_rows=options.max_rows)
    body, ctype = _body(answer, fmt)
    return {"status": 200, "ctype": ctype, "rows": answer.size, "truncated": answer.truncated,
            "form": prepared.form}, body


def _describe(source: Any, req: dict[str, Any], options: ServeOptions) -> tuple[Head, bytes]:
    graph = describe(source, str(req["iri"]), limit=options.max_rows)
    if not len(graph):
        return {"status": 404, "form": "graph"}, f"nothing is known about <{req['iri']}>".encode()
    fmt = str(req.get("format") or "turtle")
    body, ctype = _body(Answer("graph", graph=graph), fmt)
    return {"status": 200, "ctype": ctype, "rows": len(graph), "form": "graph"}, body


OPS: dict[str, Callable[[Any, dict[str, Any], ServeOptions], tuple[Head, bytes]]] = {
    "query": _query, "describe": _describe,
}


def make_work(source: Any, options: ServeOptions) -> Callable[[bytes], bytes]:
    """The function each worker runs: JSON request -> JSON header line + body. MemoryError is left to the
    sandbox, which reports it as the memory limit."""

    def work(request: bytes) -> bytes:
        try:
            req = json.loads(request)
            head, body = OPS[req["op"]](source, req, options)
        except KGError as exc:
            status = next(code for cls, code in STATUS if isinstance(exc, cls))
            head, body = {"status": status, "form": "-"}, str(exc).encode()
        except MemoryError:
            raise
        except Exception as exc:  # an engine or writer failure: one line, the worker lives on
            head, body = {"status": 500, "form": "-"}, f"query failed: {type(exc).__name__}: {exc}".encode()[:2000]
        return json.dumps(head).encode() + b"\n" + body

    return work
