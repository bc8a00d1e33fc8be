"""RDF graph -> Snapshot. The only module that reads RDF for the analyses.

It uses rdflib's triple API on a local graph. For a remote endpoint, `fetch_layer` first pulls the
needed part of the store with CONSTRUCT queries, so the analyses keep working on large stores.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from kg.model.keys import name_keys
from kg.model.namespaces import (
    DCTERMS,
    EKG,
    INSTRUMENT_TYPES,
    NODE_TYPES,
    OWL,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    STATUS_EVENT_TYPES,
    local_name,
)
from kg.model.snapshot import DepGraph, Edge, Event, Item, Node, Resource, Snapshot

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node as Term

# Most specific type first: a node typed both Firm and JointVenture is shown as JointVenture.
_TYPE_ORDER = (
    "JointVenture", *(t for t in NODE_TYPES if t != "JointVenture"), *INSTRUMENT_TYPES, "Provision",
    "ControlledItem", "Authority", "Country", "Sector",
)


class _Reader:
    """Small helpers over an rdflib graph with string IRIs."""

    def __init__(self, graph: Graph) -> None:
        from rdflib import Literal, URIRef

        self.g = graph
        self.U = URIRef
        self.Literal = Literal

    def objects(self, s: Term, p: str) -> list[Term]:
        return list(self.g.objects(s, self.U(p)))

    def subjects_of_type(self, cls: str) -> list[Term]:
        return list(self.g.subjects(self.U(RDF + "type"), self.U(EKG + cls)))

    def text(self, s: Term, p: str, lang: str | None = "en") -> str:
        values = self.objects(s, p)
        for v in values:
            if getattr(v, "language", None) == lang:
                return str(v)
        plain = [v for v in values if getattr(v, "language", None) in (None, "")]
        return str(plain[0]) if plain and lang in ("en", None) else ""

    def texts(self, s: Term, p: str) -> list[str]:
        return [str(v) for v in self.objects(s, p)]

    def flag(self, s: Term, p: str) -> bool:
        return any(str(v).lower() == "true" for v in self.objects(s, p))

    def day(self, s: Term, p: str) -> date | None:
        for v in self.objects(s, p):
            try:
                return date.fromisoformat(str(v)[:10])
            except ValueError:
                continue
        return None

    def types(self, s: Term) -> set[str]:
        return {local_name(str(t)) for t in self.objects(s, RDF + "type") if str(t).startswith(EKG)}


def _best_type(types: set[str]) -> str:
    return next((t for t in _TYPE_ORDER if t in types), sorted(types)[0] if types else "")


_STRINGS: dict[str, str] = {}
_URL_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}


def _id(term: Term) -> str:
    """Local name of an IRI, interned: the snapshot repeats ids, so equal strings are shared objects
    and the pickle stores each once (smaller cache, faster loads)."""
    text = local_name(str(term))
    return _STRINGS.setdefault(text, text)


def _urls(r: _Reader, s: Term) -> tuple[str, ...]:
    urls = []
    for src in r.objects(s, DCTERMS + "source"):
        urls.extend(r.texts(src, SCHEMA + "url") or [str(src)])
    key = tuple(dict.fromkeys(urls))
    return _URL_TUPLES.setdefault(key, key)


def _grade(r: _Reader, s: Term) -> str | None:
    for g in r.objects(s, EKG + "confidence"):
        return local_name(str(g)).removeprefix("grade-")
    return None


def _nodes(r: _Reader) -> dict[str, Node]:
    wanted = set(_TYPE_ORDER)
    nodes: dict[str, Node] = {}
    for s in set(r.g.subjects(r.U(RDF + "type"), None)):
        types = r.types(s) & wanted
        if not types:
            continue
        label = r.text(s, RDFS + "label") or _id(s)
        names = [*r.texts(s, SKOS + "altLabel"), *r.texts(s, EKG + "symbol")]
        names += [str(v) for v in r.objects(s, RDFS + "label") if str(v) != label]
        nodes[_id(s)] = Node(
            id=_id(s), iri=str(s), label=label, type=_best_type(types),
            names=tuple(dict.fromkeys(names)), comment=r.text(s, RDFS + "comment"),
            hs_codes=tuple(sorted(r.texts(s, EKG + "hsCode"))), unconfirmed=r.flag(s, EKG + "unconfirmed"),
        )
    return nodes


def _relations(r: _Reader) -> dict[str, tuple[str, bool]]:
    """Predicate IRI -> (relation name, reversed?) for every dependency relation and its inverse."""
    forward = {str(p) for p in r.g.transitive_subjects(r.U(RDFS + "subPropertyOf"), r.U(EKG + "feedsInto"))}
    rel: dict[str, tuple[str, bool]] = {p: (local_name(p), False) for p in forward}
    for a, b in r.g.subject_objects(r.U(OWL + "inverseOf")):
        a, b = str(a), str(b)
        if b in forward and a not in forward:
            rel[a] = (local_name(b), True)
        if a in forward and b not in forward:
            rel[b] = (local_name(a), True)
    return rel


def _edges(r: _Reader, relations: dict[str, tuple[str, bool]]) -> list[Edge]:
    statements: dict[tuple[str, str, str], object] = {}
    for st in r.subjects_of_type("DependencyStatement"):
        key = tuple(str(x[0]) if x else "" for x in (
            r.objects(st, RDF + "subject"), r.objects(st, RDF + "predicate"), r.objects(st, RDF + "object")))
        statements[key] = st  # type: ignore[index]
    edges = []
    for pred, (name, reverse) in relations.items():
        for s, o in r.g.subject_objects(r.U(pred)):
            st = statements.get((str(s), pred, str(o)))
            src, dst = (o, s) if reverse else (s, o)
            edges.append(Edge(
                source=_id(src), target=_id(dst), relation=_STRINGS.setdefault(name, name),
                grade=_grade(r, st) if st is not None else None,
                sources=_urls(r, st) if st is not None else (),
                statement=r.text(st, DCTERMS + "identifier", None) if st is not None else "",
                rationale=r.text(st, EKG + "rationale") if st is not None else "",
            ))
    return edges


def _dep_graph(edges: list[Edge]) -> DepGraph:
    succ: dict[str, list[Edge]] = defaultdict(list)
    pred: dict[str, list[Edge]] = defaultdict(list)
    for e in sorted(edges, key=lambda e: (e.source, e.target, e.relation)):
        succ[e.source].append(e)
        pred[e.target].append(e)
    return DepGraph(succ={k: tuple(v) for k, v in succ.items()}, pred={k: tuple(v) for k, v in pred.items()})


def _labels(r: _Reader, terms: list[Term]) -> tuple[str, ...]:
    return tuple(sorted(r.text(t, RDFS + "label") or _id(t) for t in terms))


def _resource(r: _Reader, s: Term, type_: str) -> Resource:
    parent = r.objects(s, EKG + "provisionOf")
    relations = tuple(sorted(
        (rel, _id(t)) for rel in ("implements", "amends", "supersedes", "suspends")
        for t in r.objects(s, EKG + rel)))
    return Resource(
        id=_id(s), label=r.text(s, RDFS + "label") or _id(s), type=type_,
        parent=_id(parent[0]) if parent else None,
        number=r.text(s, EKG + "officialNumber"), number_zh=r.text(s, EKG + "officialNumber", "zh"),
        title=r.text(s, DCTERMS + "title"), title_zh=r.text(s, DCTERMS + "title", "zh"),
        authorities=_labels(r, r.objects(s, EKG + "issuedBy")),
        kinds=_labels(r, r.objects(s, EKG + "measureKind")),
        destinations=_labels(r, r.objects(s, EKG + "destination")),
        end_uses=_labels(r, r.objects(s, EKG + "endUse")),
        verified_through=r.day(s, EKG + "statusVerifiedThrough"),
        sources=_urls(r, s), provisions=tuple(sorted(_id(p) for p in r.objects(s, EKG + "hasProvision"))),
        relations=relations, official_url=r.text(s, EKG + "officialUrl", None),
        comment=r.text(s, RDFS + "comment"), unconfirmed=r.flag(s, EKG + "unconfirmed"),
        note=r.text(s, EKG + "uncertaintyNote"),
    )


def _resources(r: _Reader) -> dict[str, Resource]:
    out: dict[str, Resource] = {}
    for cls in (*INSTRUMENT_TYPES, "Provision"):
        for s in r.subjects_of_type(cls):
            out[_id(s)] = _resource(r, s, cls)
    # Provisions inherit scope from their instrument when they state none of their own.
    for rid, res in list(out.items()):
        if res.parent and res.parent in out:
            up = out[res.parent]
            out[rid] = replace(res, destinations=res.destinations or up.destinations,
                                verified_through=res.verified_through or up.verified_through,
                                authorities=res.authorities or up.authorities,
                                kinds=res.kinds or up.kinds)
    return out


def _events(r: _Reader) -> tuple[Event, ...]:
    events = []
    for kind in STATUS_EVENT_TYPES:
        for s in r.subjects_of_type(kind):
            on = r.day(s, EKG + "onDate")
            of = r.objects(s, EKG + "eventOf")
            if on is None or not of:
                continue
            caused, into = r.objects(s, EKG + "causedBy"), r.objects(s, EKG + "into")
            events.append(Event(
                id=_id(s), resource=_id(of[0]), kind=kind, on=on, label=r.text(s, RDFS + "label"),
                until=r.day(s, EKG + "until"), caused_by=_id(caused[0]) if caused else None,
                into=_id(into[0]) if into else None, sources=_urls(r, s),
                note=r.text(s, RDFS + "comment") or r.text(s, EKG + "uncertaintyNote"),
            ))
    return tuple(sorted(events, key=lambda e: (e.on, e.resource, e.kind)))


def _disputed(r: _Reader) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for a in r.subjects_of_type("Assertion"):
        if r.flag(a, EKG + "unconfirmed"):
            for s in r.objects(a, RDF + "subject"):
                out[_id(s)].extend(str(o) for o in r.objects(a, RDF + "object"))
    return out


def _items(r: _Reader) -> dict[str, Item]:
    disputed = _disputed(r)
    raw = {}
    for s in r.subjects_of_type("ControlledItem"):
        owner = r.objects(s, EKG + "itemOf")
        parent = r.objects(s, EKG + "subItemOf")
        raw[_id(s)] = (s, _id(owner[0]) if owner else None, _id(parent[0]) if parent else None)

    def owner_of(item_id: str, seen: tuple[str, ...] = ()) -> str:
        _, owner, parent = raw[item_id]
        if owner or not parent or parent not in raw or parent in seen:
            return owner or ""
        return owner_of(parent, (*seen, item_id))

    items = {}
    for iid, (s, _, parent) in raw.items():
        items[iid] = Item(
            id=iid, label=r.text(s, RDFS + "label") or iid, resource=owner_of(iid), parent=parent,
            concerns=tuple(sorted(_id(n) for n in r.objects(s, EKG + "concerns"))),
            customs_codes=tuple(sorted(r.texts(s, EKG + "customsCode"))),
            tariff_lines=tuple(sorted(r.texts(s, EKG + "tariffLine"))),
            control_codes=tuple(sorted(r.texts(s, EKG + "controlCode"))),
            catalogue_codes=tuple(sorted(r.texts(s, EKG + "catalogueCode"))),
            specification=r.text(s, EKG + "specification"), unconfirmed=r.flag(s, EKG + "unconfirmed"),
            note=r.text(s, EKG + "uncertaintyNote"), disputed_codes=tuple(sorted(disputed.get(iid, ()))),
            sources=_urls(r, s),
        )
    return items


def _shares(r: _Reader) -> tuple[dict[str, object], ...]:
    rows = []
    for s in r.subjects_of_type("Share"):
        node, stage, country = (r.objects(s, EKG + p) for p in ("ofNode", "stage", "ofCountry"))
        pct = r.objects(s, EKG + "percent")
        rows.append({
            "id": _id(s), "node": _id(node[0]) if node else "", "stage": _id(stage[0]).removeprefix("stage-")
            if stage else "", "country": _id(country[0]) if country else "",
            "percent": float(pct[0]) if pct else None, "year": r.text(s, EKG + "referenceYear", None),
            "grade": _grade(r, s), "sources": _urls(r, s), "note": r.text(s, EKG + "uncertaintyNote"),
        })
    return tuple(sorted(rows, key=lambda x: (str(x["node"]), str(x["stage"]), str(x["id"]))))


def _name_index(nodes: dict[str, Node], items: dict[str, Item]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = defaultdict(list)
    for node in nodes.values():
        for key in name_keys(node.id, node.label, *node.names):
            index[key].append(node.id)
    for item in items.values():  # customs and control codes resolve to the nodes the item concerns
        for code in item.customs_codes + item.tariff_lines + item.control_codes + item.catalogue_codes:
            for key in name_keys(code):
                index[key].extend(item.concerns)
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


def compile_snapshot(graph: Graph) -> Snapshot:
    """Read the graph once and return the Snapshot every analysis works on."""
    try:
        return _compile(_Reader(graph), len(graph))
    finally:  # the intern tables only serve one compile; the snapshot keeps the shared strings
        _STRINGS.clear()
        _URL_TUPLES.clear()


def _compile(r: _Reader, triples: int) -> Snapshot:
    nodes = _nodes(r)
    edges = _edges(r, _relations(r))
    items = _items(r)
    resources = _resources(r)
    counts = {
        "triples": triples,
        "instruments": sum(1 for x in resources.values() if not x.is_provision),
        "provisions": sum(1 for x in resources.values() if x.is_provision),
        "items": len(items),
        "materials": sum(1 for n in nodes.values() if n.type in ("Material", "ProcessedForm")),
        "technologies": sum(1 for n in nodes.values() if n.type in ("Technology", "Equipment")),
        "components": sum(1 for n in nodes.values() if n.type == "Component"),
        "products": sum(1 for n in nodes.values() if n.type == "Product"),
        "sectors": sum(1 for n in nodes.values() if n.type == "Sector"),
        "firms": sum(1 for n in nodes.values() if n.type in ("Firm", "JointVenture")),
        "projects": sum(1 for n in nodes.values() if n.type == "Project"),
        "dependency_edges": len(edges),
        "sourced_edges": sum(1 for e in edges if e.sources),
    }
    return Snapshot(
        nodes=nodes, graph=_dep_graph(edges), resources=resources, events=_events(r), items=items,
        names=_name_index(nodes, items), counts=counts, shares=_shares(r),
    )
