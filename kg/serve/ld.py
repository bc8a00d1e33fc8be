"""Linked Data: `kg serve` dereferences the graph's IRIs. https://w3id.org/exportkg/id/{name} is served
at /id/{name} and the ontology https://w3id.org/exportkg/ont# (terms are fragments, which browsers do
not send) at /ont, each as Turtle, N-Triples, JSON-LD, RDF/XML or an HTML page, by content negotiation
(Accept, or `format=`).

A resource's RDF is what the store says about it, looked up by a query process. Its HTML page takes
the facts a reader wants first (label, type, controls, status, sources, links) from the Python API,
so they are the answers `kg` itself gives, and lists every statement below them.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import date
from typing import TYPE_CHECKING, Any

from kg.model.errors import KGError
from kg.model.namespaces import EKGR
from kg.serve.ldpage import render_ontology, render_resource
from kg.serve.negotiate import NotAcceptable, negotiate, wants_html
from kg.serve.types import Reply
from kg.sparql.results import MEDIA_TYPES

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.api import Graph as Api
    from kg.serve.endpoint import Endpoint

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,199}")
_HTML = "text/html; charset=utf-8"
_VARY = (("Vary", "Accept"),)


def _node_facts(api: Api, node_id: str) -> dict[str, Any]:
    snap = api.snapshot
    node = snap.nodes[node_id]
    controls = [dict(row) for row in api.controls(covers=node_id)]
    links = [{"relation": e.relation, "direction": "to", "id": e.target, "grade": e.grade, "sources": e.sources}
             for e in snap.graph.out_edges(node_id)]
    links += [{"relation": e.relation, "direction": "from", "id": e.source, "grade": e.grade, "sources": e.sources}
              for e in snap.graph.in_edges(node_id)]
    statuses = sorted({str(c["status"]) for c in controls})
    return {"label": node.label, "type": node.type, "comment": node.comment, "controls": controls,
            "status": ", ".join(statuses) if statuses else "not covered by any control in the graph",
            "sources": sorted({s for link in links for s in link["sources"]}), "links": links,
            "names": list(node.names)}


def _resource_facts(api: Api, rid: str) -> dict[str, Any]:
    res = api.snapshot.resources[rid]
    detail = api.control(rid)
    links = [{"relation": r["relation"], "direction": "to", "id": r["id"]} for r in detail["related"]]
    links += [{"relation": "hasProvision", "direction": "to", "id": p["id"]} for p in detail["provisions"]]
    links += [{"relation": "hasItem", "direction": "to", "id": i["id"]} for i in detail["item_details"]]
    return {"label": res.label, "type": res.type, "comment": res.comment, "status": detail["status"],
            "controls": [], "sources": list(detail["sources"]), "links": links,
            "details": [("number", detail["instrument"]), ("title", detail["title"]),
                        ("announced", detail["announced"]), ("effective", detail["effective"]),
                        ("official page", detail["official_url"])]}


def _item_facts(api: Api, item_id: str) -> dict[str, Any]:
    snap = api.snapshot
    item = snap.items[item_id]
    owner = item.resource if item.resource in snap.resources else None
    row = api.control(owner) if owner else None
    links = [{"relation": "concerns", "direction": "to", "id": n} for n in item.concerns]
    links += [{"relation": "itemOf", "direction": "to", "id": owner}] if owner else []
    return {"label": item.label, "type": "ControlledItem", "comment": item.specification,
            "status": str(row["status"]) if row else "unknown", "controls": [dict(row)] if row else [],
            "sources": list(item.sources), "links": links,
            "details": [("customs codes", ", ".join(item.customs_codes)),
                        ("control codes", ", ".join(item.control_codes))]}


def facts(api: Api, name: str) -> dict[str, Any] | None:
    """Label, type, controls, status, sources and links of one resource, from the Python API."""
    snap = api.snapshot
    kinds = ((snap.resources, _resource_facts), (snap.nodes, _node_facts), (snap.items, _item_facts))
    for table, read in kinds:
        if name in table:
            found = read(api, name)
            found["labels"] = {i: api.snapshot.nodes[i].label for i in _ids(found) if i in snap.nodes}
            found["labels"].update({i: snap.resources[i].label for i in _ids(found) if i in snap.resources})
            return found
    return None


def _ids(found: dict[str, Any]) -> set[str]:
    return {str(link["id"]) for link in found["links"]} | {str(c.get("id")) for c in found["controls"]}


class LinkedData:
    """Answers for /id/{name} and /ont."""

    def __init__(self, api: Api | None, endpoint: Endpoint) -> None:
        self.api, self.endpoint = api, endpoint
        self.ontology, self.ontology_turtle = self._read_ontology()
        try:
            if api is not None:
                api.snapshot  # noqa: B018  # loaded now, not on the first page request
        except KGError:
            self.api = None

    def answer(self, path: str, accept: str, fmt: str) -> Reply:
        if path == "/ont":
            return self._ontology(accept, fmt)
        name = urllib.parse.unquote(path[len("/id/"):])
        if not NAME.fullmatch(name):
            return Reply.text(404, "not found: resource names are letters, digits, '.', '_', '~' and '-'")
        if fmt == "html" or (not fmt and wants_html(accept)):
            return self._page(name)
        request = {"op": "describe", "iri": EKGR + name}
        try:
            request["format"] = negotiate("graph", accept, fmt)
        except NotAcceptable as exc:
            return Reply.text(406, str(exc))
        reply = self.endpoint.ask(request)
        return Reply(reply.status, reply.body, reply.ctype, reply.rows, reply.truncated, reply.form,
                     reply.headers + _VARY)

    def _page(self, name: str) -> Reply:
        found = None
        if self.api is not None:
            try:
                found = facts(self.api, name)
            except KGError:
                found = None
        statements = self.endpoint.ask({"op": "describe", "iri": EKGR + name, "format": "cells"})
        rows = json.loads(statements.body)["rows"] if statements.status == 200 else []
        if found is None and not rows:
            return Reply(404, render_resource(name, None, [], date.today()), _HTML, headers=_VARY)
        return Reply(200, render_resource(name, found, rows, date.today()), _HTML, len(rows), form="page",
                     headers=_VARY)

    def _ontology(self, accept: str, fmt: str) -> Reply:
        graph = self.ontology
        if fmt == "html" or (not fmt and wants_html(accept)):
            return Reply(200, render_ontology(graph), _HTML, len(graph), form="page", headers=_VARY)
        try:
            chosen = negotiate("graph", accept, fmt)
        except NotAcceptable as exc:
            return Reply.text(406, str(exc))
        from kg.sparql.answer import Answer
        from kg.sparql.results import serialize

        body = self.ontology_turtle if chosen == "turtle" else serialize(Answer("graph", graph=graph), chosen)
        return Reply(200, body, f"{MEDIA_TYPES[chosen]}; charset=utf-8", len(graph), form="graph", headers=_VARY)

    @staticmethod
    def _read_ontology() -> tuple[Graph, bytes]:
        """The ontology file: parsed for the HTML page and other formats, served as written for Turtle."""
        from rdflib import Graph

        from kg.model.resources import ontology_files
        from kg.store.load import parse_into

        graph, turtle = Graph(), b""
        for path in ontology_files():
            parse_into(graph, path)
            turtle += path.read_bytes()
        return graph, turtle
