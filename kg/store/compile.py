"""RDF graph -> Snapshot. The only module that reads RDF for the analyses.

It uses rdflib's triple API on a local graph. For a remote endpoint, `fetch_layer` first pulls the
needed part of the store with CONSTRUCT queries, so the analyses keep working on large stores.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from kg.model.namespaces import (
    DCTERMS,
    EKG,
    INSTRUMENT_TYPES,
    NODE_TYPES,
    OWL,
    RDF,
    RDFS,
    SKOS,
    STATUS_EVENT_TYPES,
    local_name,
)
from kg.model.snapshot import DepGraph, Edge, Event, Item, Node, Resource, Snapshot
from kg.store import tables
from kg.store.reader import Reader, clear_interned, grade, intern_id, urls

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node as Term

# Most specific type first: a node typed both Firm and JointVenture is shown as JointVenture.
_TYPE_ORDER = (
    "JointVenture", *(t for t in NODE_TYPES if t != "JointVenture"), *INSTRUMENT_TYPES, "Provision",
    "ControlledItem", "Authority", "Country", "CountryGroup", "Jurisdiction", "Sector",
)
# Regime code properties (subproperties of ekg:controlCode) by the scheme name used in the snapshot.
REGIME_CODES = {"eccn": "eccn", "eu": "euDualUseCode", "japan": "japanListItem"}


def _best_type(types: set[str]) -> str:
    return next((t for t in _TYPE_ORDER if t in types), sorted(types)[0] if types else "")


def _nodes(r: Reader) -> dict[str, Node]:
    wanted = set(_TYPE_ORDER)
    nodes: dict[str, Node] = {}
    for s in set(r.g.subjects(r.U(RDF + "type"), None)):
        types = r.types(s) & wanted
        if not types:
            continue
        label = r.text(s, RDFS + "label") or intern_id(s)
        names = [*r.texts(s, SKOS + "altLabel"), *r.texts(s, EKG + "symbol"), *r.texts(s, EKG + "isoCode")]
        names += [str(v) for v in r.objects(s, RDFS + "label") if str(v) != label]
        nodes[intern_id(s)] = Node(
            id=intern_id(s), iri=str(s), label=label, type=_best_type(types),
            names=tuple(dict.fromkeys(names)), hidden=tuple(dict.fromkeys(r.texts(s, SKOS + "hiddenLabel"))),
            comment=r.text(s, RDFS + "comment"),
            hs_codes=tuple(sorted(r.texts(s, EKG + "hsCode"))), unconfirmed=r.flag(s, EKG + "unconfirmed"),
        )
    return nodes


def _relations(r: Reader) -> dict[str, tuple[str, bool]]:
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


def _edges(r: Reader, relations: dict[str, tuple[str, bool]]) -> list[Edge]:
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
                source=intern_id(src), target=intern_id(dst), relation=intern_id(name),
                grade=grade(r, st) if st is not None else None,
                sources=urls(r, st) if st is not None else (),
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


def _labels(r: Reader, terms: list[Term]) -> tuple[str, ...]:
    return tuple(sorted(r.text(t, RDFS + "label") or intern_id(t) for t in terms))


def _resource(r: Reader, s: Term, type_: str) -> Resource:
    parent = r.objects(s, EKG + "provisionOf")
    relations = tuple(sorted(
        (rel, intern_id(t)) for rel in ("implements", "amends", "supersedes", "suspends")
        for t in r.objects(s, EKG + rel)))
    return Resource(
        id=intern_id(s), label=r.text(s, RDFS + "label") or intern_id(s), type=type_,
        parent=intern_id(parent[0]) if parent else None,
        number=r.text(s, EKG + "officialNumber"), number_zh=r.text(s, EKG + "officialNumber", "zh"),
        title=r.text(s, DCTERMS + "title"), title_zh=r.text(s, DCTERMS + "title", "zh"),
        authorities=_labels(r, r.objects(s, EKG + "issuedBy")),
        kinds=_labels(r, r.objects(s, EKG + "measureKind")),
        destinations=_labels(r, r.objects(s, EKG + "destination")),
        end_uses=_labels(r, r.objects(s, EKG + "endUse")),
        verified_through=r.day(s, EKG + "statusVerifiedThrough"),
        sources=urls(r, s), provisions=tuple(sorted(intern_id(p) for p in r.objects(s, EKG + "hasProvision"))),
        jurisdiction=_first_id(r, s, "jurisdiction"), last_searched=r.day(s, EKG + "lastSearched"),
        relations=relations, official_url=r.text(s, EKG + "officialUrl", None),
        comment=r.text(s, RDFS + "comment"), unconfirmed=r.flag(s, EKG + "unconfirmed"),
        note=r.text(s, EKG + "uncertaintyNote"),
    )


def _first_id(r: Reader, s: Term, prop: str) -> str:
    values = r.objects(s, EKG + prop)
    return intern_id(values[0]) if values else ""


def _resources(r: Reader) -> dict[str, Resource]:
    out: dict[str, Resource] = {}
    for cls in (*INSTRUMENT_TYPES, "Provision"):
        for s in r.subjects_of_type(cls):
            out[intern_id(s)] = _resource(r, s, cls)
    # Provisions inherit scope from their instrument when they state none of their own.
    for rid, res in list(out.items()):
        if res.parent and res.parent in out:
            up = out[res.parent]
            out[rid] = replace(res, destinations=res.destinations or up.destinations,
                                verified_through=res.verified_through or up.verified_through,
                                authorities=res.authorities or up.authorities,
                                kinds=res.kinds or up.kinds, jurisdiction=res.jurisdiction or up.jurisdiction)
    return out


def _events(r: Reader) -> tuple[Event, ...]:
    events = []
    for kind in STATUS_EVENT_TYPES:
        for s in r.subjects_of_type(kind):
            on = r.day(s, EKG + "onDate")
            of = r.objects(s, EKG + "eventOf")
            if on is None or not of:
                continue
            caused, into = r.objects(s, EKG + "causedBy"), r.objects(s, EKG + "into")
            events.append(Event(
                id=intern_id(s), resource=intern_id(of[0]), kind=kind, on=on, label=r.text(s, RDFS + "label"),
                until=r.day(s, EKG + "until"), caused_by=intern_id(caused[0]) if caused else None,
                into=intern_id(into[0]) if into else None, sources=urls(r, s),
                note=r.text(s, RDFS + "comment") or r.text(s, EKG + "uncertaintyNote"),
            ))
    return tuple(sorted(events, key=lambda e: (e.on, e.resource, e.kind)))


def _disputed(r: Reader) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for a in r.subjects_of_type("Assertion"):
        if r.flag(a, EKG + "unconfirmed"):
            for s in r.objects(a, RDF + "subject"):
                out[intern_id(s)].extend(str(o) for o in r.objects(a, RDF + "object"))
    return out


def _items(r: Reader) -> dict[str, Item]:
    disputed = _disputed(r)
    raw = {}
    for s in r.subjects_of_type("ControlledItem"):
        owner = r.objects(s, EKG + "itemOf")
        parent = r.objects(s, EKG + "subItemOf")
        raw[intern_id(s)] = (s, intern_id(owner[0]) if owner else None, intern_id(parent[0]) if parent else None)

    def owner_of(item_id: str, seen: tuple[str, ...] = ()) -> str:
        _, owner, parent = raw[item_id]
        if owner or not parent or parent not in raw or parent in seen:
            return owner or ""
        return owner_of(parent, (*seen, item_id))

    items = {}
    for iid, (s, _, parent) in raw.items():
        items[iid] = Item(
            id=iid, label=r.text(s, RDFS + "label") or iid, resource=owner_of(iid), parent=parent,
            concerns=tuple(sorted(intern_id(n) for n in r.objects(s, EKG + "concerns"))),
            customs_codes=tuple(sorted(r.texts(s, EKG + "customsCode"))),
            tariff_lines=tuple(sorted(r.texts(s, EKG + "tariffLine"))),
            control_codes=tuple(sorted(r.texts(s, EKG + "controlCode"))),
            catalogue_codes=tuple(sorted(r.texts(s, EKG + "catalogueCode"))),
            specification=r.text(s, EKG + "specification"), unconfirmed=r.flag(s, EKG + "unconfirmed"),
            note=r.text(s, EKG + "uncertaintyNote"), disputed_codes=tuple(sorted(disputed.get(iid, ()))),
            sources=urls(r, s), regime_codes=tuple(sorted(
                (scheme, code) for scheme, prop in REGIME_CODES.items() for code in r.texts(s, EKG + prop))),
        )
    return items


def compile_snapshot(graph: Graph) -> Snapshot:
    """Read the graph once and return the Snapshot every analysis works on."""
    try:
        return _compile(Reader(graph), len(graph))
    finally:
        clear_interned()


def _compile(r: Reader, triples: int) -> Snapshot:
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
    families = tables.families(r)
    counts["families"] = len(families)
    use_shares = tables.use_shares(r)
    counts["use_shares"] = len(use_shares)
    responses = tables.responses(r)
    counts["responses"] = len(responses)
    nodes.update(tables.family_nodes(r, families))  # families are looked up by name like nodes
    return Snapshot(
        nodes=nodes, graph=_dep_graph(edges), resources=resources, events=_events(r), items=items,
        names=tables.name_index(nodes, items), counts=counts, shares=tables.shares(r), families=families,
        use_shares=use_shares, responses=responses, codes=tables.codes(r), groups=tables.groups(r),
    )
