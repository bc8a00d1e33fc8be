"""What is controlled, for whom, on a date: statuses, coverage of nodes, timelines and changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

from kg.analysis.names import suggestions
from kg.analysis.status import STATUSES, Status, change_dates, derive
from kg.model.errors import UnknownNameError, UsageError
from kg.model.keys import normalise
from kg.model.snapshot import Item, Resource, Snapshot


def instrument_of(snapshot: Snapshot, resource_id: str) -> str:
    res = snapshot.resources[resource_id]
    return res.parent or res.id


def status_of(snapshot: Snapshot, resource_id: str, on: date) -> Status:
    """Derived status of an instrument or provision on `on`."""
    res = snapshot.resources[resource_id]
    if res.parent:
        parent = snapshot.resources[res.parent]
        return derive(snapshot.events_of(res.id), {}, on, parent.verified_through,
                      inherited=snapshot.events_of(parent.id))
    provisions = {p: snapshot.events_of(p) for p in res.provisions}
    return derive(snapshot.events_of(res.id), provisions, on, res.verified_through)


def statuses(snapshot: Snapshot, on: date) -> dict[str, Status]:
    return {rid: status_of(snapshot, rid, on) for rid in snapshot.resources}


@dataclass(frozen=True, slots=True)
class Coverage:
    """One instrument that controls a node on a date, and how."""

    instrument: str
    status: Status
    item: str
    via: str | None = None  # the absorbed instrument whose item the list carries on
    destinations: tuple[str, ...] = ()
    end_uses: tuple[str, ...] = ()


def _takeover(snapshot: Snapshot, resource_id: str, on: date) -> str | None:
    """The instrument that absorbed `resource_id` by `on` (incorporation or supersession), if any."""
    for e in snapshot.events_of(resource_id):
        if e.kind in ("Incorporation", "Supersession") and e.on <= on and e.into:
            return e.into
    return None


StatusFn = Callable[[str], Status]


def _statuses_on(snapshot: Snapshot, on: date) -> StatusFn:
    """`status_of` for one date, computed once per resource."""
    return cache(lambda rid: status_of(snapshot, rid, on))


def _cover(snapshot: Snapshot, item: Item, on: date, status: StatusFn) -> Coverage | None:
    if item.resource not in snapshot.resources:
        return None
    res = snapshot.resources[item.resource]
    st = status(res.id)
    if st.restricts:
        return Coverage(instrument_of(snapshot, res.id), st, item.id, None, res.destinations, res.end_uses)
    heir = _takeover(snapshot, instrument_of(snapshot, res.id), on) if st.effective == "superseded" else None
    if heir and heir in snapshot.resources:
        heir_st = status(heir)
        if heir_st.restricts:
            return Coverage(heir, heir_st, item.id, instrument_of(snapshot, res.id), res.destinations, res.end_uses)
    return None


def coverage(snapshot: Snapshot, node_id: str, on: date) -> list[Coverage]:
    """Instruments that control `node_id` on `on` (directly, through an item, or through a list
    that absorbed the original announcement), one entry per instrument and item."""
    found = {}
    status = _statuses_on(snapshot, on)
    for item in snapshot.items.values():
        if node_id in item.concerns:
            cov = _cover(snapshot, item, on, status)
            if cov is not None:
                found.setdefault((cov.instrument, cov.via, cov.destinations), cov)
    return sorted(found.values(), key=lambda c: (c.instrument, c.via or ""))


def coverage_of(snapshot: Snapshot, node_ids: list[str], on: date) -> list[Coverage]:
    """`coverage` of several nodes at once (the members of a family), one entry per instrument."""
    found: dict[tuple[str, str | None, tuple[str, ...]], Coverage] = {}
    for node_id in node_ids:
        for cov in coverage(snapshot, node_id, on):
            found.setdefault((cov.instrument, cov.via, cov.destinations), cov)
    return sorted(found.values(), key=lambda c: (c.instrument, c.via or ""))


def jurisdiction_code(snapshot: Snapshot, rid: str) -> str:
    """The ISO code ("CN", "US", "EU") of the jurisdiction whose law an instrument is ("" if unstated)."""
    res = snapshot.resources.get(rid)
    if res is None or not res.jurisdiction:
        return ""
    return snapshot.codes.get(res.jurisdiction, res.jurisdiction)


def matches_jurisdiction(snapshot: Snapshot, rid: str, wanted: list[str]) -> bool:
    """Whether an instrument's jurisdiction is one of `wanted` (ISO codes, names or ids, any case)."""
    res = snapshot.resources[rid]
    node = snapshot.nodes.get(res.jurisdiction)
    names = {normalise(x) for x in (res.jurisdiction, jurisdiction_code(snapshot, rid),
                                    *((node.label, *node.names) if node else ())) if x}
    return any(normalise(w) in names for w in wanted)


def restricted(snapshot: Snapshot, on: date) -> dict[str, list[Coverage]]:
    """Every node controlled on `on`, with its coverage."""
    out: dict[str, list[Coverage]] = defaultdict(list)
    status = _statuses_on(snapshot, on)
    for item in snapshot.items.values():
        if not item.concerns:
            continue
        cov = _cover(snapshot, item, on, status)
        if cov is not None:
            for node in item.concerns:
                if all(c.instrument != cov.instrument for c in out[node]):
                    out[node].append(cov)
    return dict(out)


def _items_of(snapshot: Snapshot, instrument: str) -> list[Item]:
    owners = {instrument, *snapshot.resources[instrument].provisions}
    return [i for i in snapshot.items.values() if i.resource in owners]


def _first(snapshot: Snapshot, rid: str, kind: str) -> date | None:
    days = [e.on for e in snapshot.events_of(rid) if e.kind == kind]
    return min(days) if days else None


def _matches_destination(snapshot: Snapshot, res: Resource, country: str) -> bool:
    key = normalise(country)
    scopes = {normalise(d) for d in res.destinations}
    for p in res.provisions:
        scopes |= {normalise(d) for d in snapshot.resources[p].destinations}
    countries = [n for n in snapshot.nodes.values() if n.type == "Country"
                 and key in {normalise(x) for x in (n.label, n.id, *n.names)}]
    names = {normalise(n.label) for n in countries} or {key}
    for group, inside in snapshot.groups.items():  # a country group covers its members
        if any(c.id in inside for c in countries) and group in snapshot.nodes:
            names.add(normalise(snapshot.nodes[group].label))
    return "all destinations" in scopes or bool(scopes & names)


def instrument_row(snapshot: Snapshot, rid: str, on: date) -> dict[str, object]:
    res = snapshot.resources[rid]
    st = status_of(snapshot, rid, on)
    effective = _first(snapshot, rid, "EntryIntoForce") or min(
        (_first(snapshot, p, "EntryIntoForce") for p in res.provisions if _first(snapshot, p, "EntryIntoForce")),
        default=None)
    return {
        "id": rid, "instrument": res.number, "title": res.title or res.label, "type": res.type,
        "jurisdiction": jurisdiction_code(snapshot, rid),
        "authorities": list(res.authorities), "announced": _iso(_first(snapshot, rid, "Publication")),
        "effective": _iso(effective), "status": st.status, "projected_status": st.projected,
        "verified_through": _iso(st.verified_through), "last_searched": _iso(res.last_searched),
        "kinds": list(res.kinds),
        "destinations": sorted({*res.destinations, *(d for p in res.provisions
                                                     for d in snapshot.resources[p].destinations)}),
        "items": [i.label for i in _items_of(snapshot, rid) if i.parent is None],
        "sources": list(res.sources),
    }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def list_controls(snapshot: Snapshot, on: date, *, covers: list[str] | str | None = None,
                  status: str | None = None, destination: str | None = None,
                  jurisdictions: list[str] | None = None) -> list[dict[str, object]]:
    """Rows for `kg controls`: instruments with their status on `on`, filtered by the nodes they
    cover (several: the members of a family), status, destination and jurisdiction."""
    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status {status!r}; choose one of: {', '.join(STATUSES)}")
    ids = [rid for rid, r in snapshot.resources.items() if not r.is_provision]
    if covers is not None:
        nodes = [covers] if isinstance(covers, str) else covers
        ids = sorted({c.instrument for c in coverage_of(snapshot, nodes, on)})
    if jurisdictions:
        ids = [rid for rid in ids if matches_jurisdiction(snapshot, rid, jurisdictions)]
    rows = [instrument_row(snapshot, rid, on) for rid in ids]
    if status is not None:
        rows = [r for r in rows if r["status"] == status]
    else:  # instruments not yet issued on the date are not part of the picture
        rows = [r for r in rows if r["status"] != "not-announced"]
    if destination is not None:
        rows = [r for r in rows if _matches_destination(snapshot, snapshot.resources[str(r["id"])], destination)]
    return sorted(rows, key=lambda r: (str(r["announced"] or ""), str(r["id"])))


def resolve_instrument(snapshot: Snapshot, name: str) -> str:
    if name in snapshot.resources:
        return name
    key = normalise(name)
    for rid, res in snapshot.resources.items():
        if key in {normalise(x) for x in (rid, res.label, res.number, res.number_zh, res.title) if x}:
            return rid
    raise UnknownNameError(name, suggestions(snapshot, name), "instrument")


def control_detail(snapshot: Snapshot, rid: str, on: date) -> dict[str, object]:
    """Everything about one instrument: items with codes, provisions, status history, relations."""
    res = snapshot.resources[rid]
    row = instrument_row(snapshot, rid, on)
    items = [{
        "id": i.id, "label": i.label, "parent": i.parent, "provision": i.resource if i.resource != rid else None,
        "concerns": [snapshot.nodes[n].label if n in snapshot.nodes else n for n in i.concerns],
        "customs_codes": list(i.customs_codes), "tariff_lines": list(i.tariff_lines),
        "hs_codes": list(i.hs_codes), "control_codes": list(i.control_codes),
        "catalogue_codes": list(i.catalogue_codes), "specification": i.specification,
        "unconfirmed": i.unconfirmed, "disputed_codes": list(i.disputed_codes), "note": i.note,
    } for i in _items_of(snapshot, rid)]
    owners = [rid, *res.provisions]
    history = [{"date": e.on.isoformat(), "event": e.kind, "resource": e.resource, "label": e.label,
                "until": _iso(e.until), "caused_by": e.caused_by, "into": e.into, "sources": list(e.sources)}
               for e in snapshot.events if e.resource in owners]
    related = [{"relation": rel, "id": target} for rel, target in res.relations]
    related += [{"relation": f"{rel}-by", "id": other.id} for other in snapshot.resources.values()
                for rel, target in other.relations if target in owners]
    provisions = [{"id": p, "label": snapshot.resources[p].label,
                   "status": status_of(snapshot, p, on).status} for p in res.provisions]
    return {**row, "title_zh": res.title_zh, "number_zh": res.number_zh, "comment": res.comment,
            "official_url": res.official_url, "end_uses": list(res.end_uses), "note": res.note,
            "provisions": provisions, "item_details": items, "history": history, "related": related}


def timeline(snapshot: Snapshot, *, node: str | list[str] | None = None, start: date | None = None,
             end: date | None = None, jurisdictions: list[str] | None = None) -> list[dict[str, object]]:
    """All status events in date order, optionally for the instruments covering a node (or any of
    several: a family's members), of some jurisdictions, and within a date range."""
    keep: set[str] | None = None
    if node is not None:
        wanted = {node} if isinstance(node, str) else set(node)
        keep = set()
        for item in snapshot.items.values():
            if wanted & set(item.concerns) and item.resource in snapshot.resources:
                inst = instrument_of(snapshot, item.resource)
                keep |= {inst, *snapshot.resources[inst].provisions}
                heir = next((e.into for e in snapshot.events_of(inst) if e.into), None)
                if heir:
                    keep.add(heir)
    rows = []
    for e in snapshot.events:
        if keep is not None and e.resource not in keep:
            continue
        if (start and e.on < start) or (end and e.on > end):
            continue
        inst = instrument_of(snapshot, e.resource) if e.resource in snapshot.resources else e.resource
        if jurisdictions and not (inst in snapshot.resources and matches_jurisdiction(snapshot, inst, jurisdictions)):
            continue
        rows.append({"date": e.on.isoformat(), "instrument": inst, "jurisdiction": jurisdiction_code(snapshot, inst),
                     "resource": e.resource, "event": e.kind,
                     "label": e.label, "until": _iso(e.until), "caused_by": e.caused_by, "sources": list(e.sources)})
    return rows


def changes(snapshot: Snapshot, start: date, end: date, *,
            jurisdictions: list[str] | None = None) -> list[dict[str, object]]:
    """Instruments whose status changed between two dates: the status on each date, and every step
    in between (so a measure suspended and restored within the range is listed too)."""
    if end < start:
        raise UsageError(f"end date {end} is before start date {start}")
    rows = []
    for rid, res in snapshot.resources.items():
        if res.is_provision or (jurisdictions and not matches_jurisdiction(snapshot, rid, jurisdictions)):
            continue
        owners = {rid, *res.provisions}
        inside = sorted({d for e in snapshot.events if e.resource in owners for d in change_dates([e])
                         if start < d <= end})
        a = status_of(snapshot, rid, start)
        steps, last = [], (a.status, a.projected)
        for d in inside:
            st = status_of(snapshot, rid, d)
            if (st.status, st.projected) != last:
                steps.append({"date": d.isoformat(), "status": st.status, "projected": st.projected})
                last = (st.status, st.projected)
        b = status_of(snapshot, rid, end)
        if steps or (a.status, a.projected) != (b.status, b.projected):
            rows.append({"id": rid, "instrument": res.number, "title": res.title or res.label,
                         "jurisdiction": jurisdiction_code(snapshot, rid), "from": a.status, "to": b.status,
                         "projected": b.projected, "dates": [x["date"] for x in steps] or
                         [d.isoformat() for d in inside], "steps": steps})
    return sorted(rows, key=lambda r: (r["dates"][0] if r["dates"] else "", str(r["id"])))
