"""The small tables of the snapshot: supply shares, material families, use shares, response links,
jurisdiction codes and the name index. Each reads one kind of resource from the RDF graph."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from kg.model.keys import ALT, CODE, HIDDEN, LABEL, strength_keys
from kg.model.namespaces import DCTERMS, EKG, RDF, RDFS, SKOS
from kg.model.snapshot import Family, Item, Node, Response, UseShare
from kg.store.reader import Reader, grade, intern_id, urls

if TYPE_CHECKING:
    from rdflib.term import Node as Term


def _one(r: Reader, s: Term, prop: str) -> str:
    values = r.objects(s, EKG + prop)
    return intern_id(values[0]) if values else ""


def _percent(r: Reader, s: Term) -> float | None:
    values = r.objects(s, EKG + "percent")
    try:
        return float(values[0]) if values else None
    except ValueError:
        return None


def shares(r: Reader) -> tuple[dict[str, object], ...]:
    """China's (and others') shares of world supply by stage, as plain rows."""
    rows = []
    for s in r.subjects_of_type("Share"):
        rows.append({
            "id": intern_id(s), "node": _one(r, s, "ofNode"), "stage": _one(r, s, "stage").removeprefix("stage-"),
            "country": _one(r, s, "ofCountry"), "percent": _percent(r, s),
            "year": r.text(s, EKG + "referenceYear", None), "grade": grade(r, s), "sources": urls(r, s),
            "note": r.text(s, EKG + "uncertaintyNote"),
        })
    return tuple(sorted(rows, key=lambda x: (str(x["node"]), str(x["stage"]), str(x["id"]))))


def families(r: Reader) -> dict[str, Family]:
    """Material families with their direct members (and form kinds) and their nesting."""
    members: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for node, fam in r.g.subject_objects(r.U(EKG + "inFamily")):
        members[intern_id(fam)].append((intern_id(node), _one(r, node, "formKind").removeprefix("form-")))
    for fam, node in r.g.subject_objects(r.U(EKG + "familyMember")):
        pair = (intern_id(node), _one(r, node, "formKind").removeprefix("form-"))
        if pair not in members[intern_id(fam)]:
            members[intern_id(fam)].append(pair)
    found = {intern_id(s): s for s in r.subjects_of_type("MaterialFamily")}
    broader: dict[str, set[str]] = defaultdict(set)
    for fid, s in found.items():
        broader[fid] |= {intern_id(b) for b in r.objects(s, SKOS + "broader") if intern_id(b) in found}
        for n in r.objects(s, SKOS + "narrower"):
            if intern_id(n) in found:
                broader[intern_id(n)].add(fid)
    out = {}
    for fid, s in found.items():
        out[fid] = Family(
            id=fid, label=r.text(s, RDFS + "label") or fid, members=tuple(sorted(members.get(fid, ()))),
            broader=tuple(sorted(broader[fid])), narrower=tuple(sorted(f for f in found if fid in broader[f])),
            sources=urls(r, s), comment=r.text(s, RDFS + "comment"))
    return out


def family_nodes(r: Reader, found: dict[str, Family]) -> dict[str, Node]:
    """The nodes families are looked up as (type MaterialFamily; not part of the dependency layer)."""
    out = {}
    for s in r.subjects_of_type("MaterialFamily"):
        fam = found[intern_id(s)]
        names = [*r.texts(s, SKOS + "altLabel"), *(str(v) for v in r.objects(s, RDFS + "label") if str(v) != fam.label)]
        out[fam.id] = Node(id=fam.id, iri=str(s), label=fam.label, type="MaterialFamily",
                           names=tuple(dict.fromkeys(names)), hidden=tuple(r.texts(s, SKOS + "hiddenLabel")),
                           comment=fam.comment)
    return out


def use_shares(r: Reader) -> tuple[UseShare, ...]:
    """Shares of each material's consumption by end use, as recorded (conflicting figures side by side)."""
    rows = []
    for s in r.subjects_of_type("UseShare"):
        rows.append(UseShare(
            id=intern_id(s), label=r.text(s, RDFS + "label"), node=_one(r, s, "ofNode"), use=_one(r, s, "forUse"),
            percent=_percent(r, s), year=r.text(s, EKG + "referenceYear", None)[:4],
            country=_one(r, s, "ofCountry"), grade=grade(r, s), sources=urls(r, s),
            note=r.text(s, EKG + "uncertaintyNote")))
    return tuple(sorted(rows, key=lambda u: (u.node, u.id)))


def responses(r: Reader) -> tuple[Response, ...]:
    """Measure -> the measure it answers, with the statement's evidence where one is recorded."""
    statements = {}
    for st in r.subjects_of_type("ResponseStatement"):
        subj, obj = r.objects(st, RDF + "subject"), r.objects(st, RDF + "object")
        if subj and obj:
            statements[(intern_id(subj[0]), intern_id(obj[0]))] = st
    pairs = {(intern_id(a), intern_id(b)) for a, b in r.g.subject_objects(r.U(EKG + "respondsTo"))}
    pairs |= {(intern_id(b), intern_id(a)) for a, b in r.g.subject_objects(r.U(EKG + "answeredBy"))}
    rows = []
    for measure, answers in sorted(pairs):
        st = statements.get((measure, answers))
        rows.append(Response(
            id=r.text(st, DCTERMS + "identifier", None) if st is not None else "", measure=measure, answers=answers,
            grade=grade(r, st) if st is not None else None, sources=urls(r, st) if st is not None else (),
            rationale=r.text(st, EKG + "rationale") if st is not None else "",
            unconfirmed=r.flag(st, EKG + "unconfirmed") if st is not None else False))
    return tuple(rows)


def codes(r: Reader) -> dict[str, str]:
    """ISO codes of countries and jurisdictions ("china" -> "CN", "european-union" -> "EU")."""
    return {intern_id(s): str(o) for s, o in r.g.subject_objects(r.U(EKG + "isoCode"))}


def groups(r: Reader) -> dict[str, tuple[str, ...]]:
    """Country groups and their members ("us-country-group-d5" -> ("china", "macau", ...))."""
    out: dict[str, set[str]] = defaultdict(set)
    for group, member in r.g.subject_objects(r.U(EKG + "groupMember")):
        out[intern_id(group)].add(intern_id(member))
    for member, group in r.g.subject_objects(r.U(EKG + "memberOfGroup")):
        out[intern_id(group)].add(intern_id(member))
    return {g: tuple(sorted(m)) for g, m in out.items()}


def name_index(nodes: dict[str, Node], items: dict[str, Item]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Normalised name -> (node id, strength) pairs, strongest first (see kg.model.keys)."""
    index: dict[str, dict[str, int]] = defaultdict(dict)

    def add(node_id: str, named: list[tuple[str, int]]) -> None:
        for key, strength in strength_keys(named):
            if strength < index[key].get(node_id, 99):
                index[key][node_id] = strength

    for node in nodes.values():
        add(node.id, [(node.id, LABEL), (node.label, LABEL), *((n, ALT) for n in node.names),
                      *((n, HIDDEN) for n in node.hidden)])
    for item in items.values():  # customs and control codes resolve to the nodes the item concerns
        item_codes = (*item.customs_codes, *item.tariff_lines, *item.control_codes, *item.catalogue_codes,
                      *(code for _, code in item.regime_codes))
        for node_id in item.concerns:
            add(node_id, [(code, CODE) for code in item_codes])
    return {k: tuple(sorted(v.items(), key=lambda kv: (kv[1], kv[0]))) for k, v in index.items()}
