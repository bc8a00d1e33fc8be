"""The controls timeline as one self-contained HTML page with an inline SVG chart.

Each instrument is a bar from its announcement to its repeal, expiry or supersession; the bar is
cut into periods of constant status, each taken from `kg.analysis.controls.status_of` at the period's start
(so suspensions, partial suspensions and unverified stretches show as differently coloured
segments). Provisions with their own events get a thinner bar under their instrument. The event
table below the chart is what `kg timeline` prints. No script: text is escaped by the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from kg.analysis.controls import jurisdiction_code, status_of, timeline
from kg.analysis.families import members
from kg.analysis.status import Status, change_dates
from kg.model.snapshot import Snapshot

LABEL_W, CHART_W, STATUS_W, ROW_H, SUB_H, LANE_H, TOP = 330, 880, 250, 30, 18, 24, 44
ENDED = frozenset({"superseded", "repealed", "expired", "not-announced"})
# status -> (fill colour, legend text); 'unverified' takes the projected status's colour, hatched.
STATUS_FILL: dict[str, tuple[str, str]] = {
    "announced": ("#bfdbfe", "announced, not yet in force"),
    "in-force": ("#1d4ed8", "in force"),
    "partly-suspended": ("#f59e0b", "partly suspended (some provisions)"),
    "suspended": ("#ea580c", "suspended"),
    "unverified": ("#9ca3af", "past the verified date: projected status, hatched"),
}
ENDINGS = {"Repeal": "repealed", "Expiry": "expired", "Supersession": "superseded by",
           "Incorporation": "incorporated into"}
MARKED_EVENTS = frozenset({"Milestone", "Amendment"})


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date
    status: Status


def periods(snap: Snapshot, rid: str, until: date) -> list[Period]:
    """Periods of constant derived status of `rid` up to `until`, from its first event on."""
    res = snap.resources[rid]
    owners = [rid, *res.provisions] + ([res.parent] if res.parent else [])
    events = [e for o in owners for e in snap.events_of(o)]
    if not events:
        return []
    verified = snap.resources[res.parent].verified_through if res.parent else res.verified_through
    points = change_dates(events) | ({verified + timedelta(days=1)} if verified else set())
    cuts = [*sorted(d for d in points if d < until), until]
    found: list[Period] = []
    for start, end in pairwise(cuts):
        st = status_of(snap, rid, start)
        if found and found[-1].status == st and found[-1].end == start:
            found[-1] = Period(found[-1].start, end, st)
        elif st.effective not in ENDED:
            found.append(Period(start, end, st))
    return found


def _instruments(snap: Snapshot, node: str | None) -> list[str]:
    if node is None:
        ids = [rid for rid, r in snap.resources.items() if not r.is_provision]
    else:
        ids = list(dict.fromkeys(str(row["instrument"]) for row in timeline(snap, node=members(snap, node))))
    published = {rid: _published(snap, rid) for rid in ids if rid in snap.resources}
    return sorted((r for r, d in published.items() if d), key=lambda r: (published[r], r))


def _name(snap: Snapshot, rid: str) -> tuple[str, str]:
    res = snap.resources[rid]
    main = res.number or res.label or rid
    return main, (res.title or res.label) if (res.title or res.label) != main else ""


def _row(snap: Snapshot, rid: str, scale: Any, until: date, on: date, sub: bool) -> dict[str, Any]:
    name, title = _name(snap, rid)
    st = status_of(snap, rid, on)
    bars = []
    for p in periods(snap, rid, until):
        last = p.end - timedelta(days=1)
        bars.append({"x": scale(p.start), "w": max(scale(p.end) - scale(p.start), 2.0),
                     "fill": STATUS_FILL.get(p.status.effective, ("#9ca3af", ""))[0],
                     "hatched": p.status.status == "unverified",
                     "tip": f"{name}: {_status_text(p.status)} from {p.start} to {last}"})
    ends = sorted((e for e in snap.events_of(rid) if e.kind in ENDINGS), key=lambda e: e.on)
    end_note = ""
    if ends:
        heir = _name(snap, ends[0].into)[0] if ends[0].into in snap.resources else ends[0].into or ""
        end_note = f"{ENDINGS[ends[0].kind]} {heir}".strip() + f" ({ends[0].on})"
    marks = [{"x": scale(e.on), "tip": f"{e.on} {e.kind}: {e.label}"} for e in snap.events_of(rid)
             if e.kind in MARKED_EVENTS and e.on < until]
    return {"id": rid, "name": name, "title": title, "sub": sub, "lane": False, "bars": bars, "marks": marks,
            "status": _status_text(st), "end_note": end_note,
            "end_x": max((b["x"] + b["w"] for b in bars), default=LABEL_W)}


def _status_text(st: Status) -> str:
    if st.status == "unverified" and st.projected:
        return f"unverified (projected {st.projected})"
    return st.status


def _axis(first: date, last: date, scale: Any) -> list[dict[str, Any]]:
    ticks = []
    for year in range(first.year, last.year + 1):
        for month in (1, 4, 7, 10):
            d = date(year, month, 1)
            if first <= d <= last:
                ticks.append({"x": scale(d), "major": month == 1, "text": str(year) if month == 1 else ""})
    return ticks


def _lanes(snap: Snapshot, ids: list[str]) -> list[tuple[str | None, list[str]]]:
    """Instruments grouped into one swimlane per jurisdiction (China first, then by first measure);
    a single jurisdiction needs no lane headers."""
    lanes: dict[str, list[str]] = {}
    for rid in ids:
        lanes.setdefault(jurisdiction_code(snap, rid), []).append(rid)
    if len(lanes) <= 1:
        return [(None, ids)]
    order = sorted(lanes, key=lambda code: (code != "CN", code == "", ids.index(lanes[code][0])))
    names = {code: next((n.label for n in snap.nodes.values() if snap.codes.get(n.id) == code), code)
             for code in order}
    return [(f"{names[code]} ({code})" if code else "jurisdiction not stated", lanes[code]) for code in order]


def _arrows(snap: Snapshot, rows: list[dict[str, Any]], scale: Any) -> list[dict[str, Any]]:
    """One arrow per response link whose two measures are both drawn: from the answered measure's
    publication to the response's."""
    at = {r["id"]: r["y"] for r in rows if r["id"] and not r["sub"]}
    out = []
    for link in snap.responses:
        a, b = link.answers, link.measure
        da, db = _published(snap, a), _published(snap, b)
        if a in at and b in at and da and db:
            out.append({"x1": scale(da), "y1": at[a] + 13, "x2": scale(db), "y2": at[b] + 13,
                        "tip": f"{_name(snap, b)[0]} answers {_name(snap, a)[0]}"
                               + (f": {link.rationale}" if link.rationale else "")})
    return out


def _published(snap: Snapshot, rid: str) -> date | None:
    return min((e.on for e in snap.events_of(rid) if e.kind == "Publication"), default=None)


def build_timeline(snap: Snapshot, *, node: str | None, on: date) -> tuple[str, int]:
    """The page and the number of instrument rows drawn."""
    from kg.views.html import render, safe_urls

    ids = _instruments(snap, node)
    days = [e.on for rid in ids for o in (rid, *snap.resources[rid].provisions) for e in snap.events_of(o)]
    days += [e.until for rid in ids for o in (rid, *snap.resources[rid].provisions) for e in snap.events_of(o)
             if e.until]
    first = date(min([*days, on]).year, 1, 1)
    last = max([*days, on]) + timedelta(days=120)
    span = (last - first).days

    def scale(d: date) -> float:
        return round(LABEL_W + (d - first).days / span * CHART_W, 1)

    rows: list[dict[str, Any]] = []
    for lane, lane_ids in _lanes(snap, ids):
        if lane is not None:
            rows.append({"lane": True, "sub": False, "name": lane, "id": "", "bars": [], "marks": []})
        for rid in lane_ids:
            rows.append(_row(snap, rid, scale, last, on, False))
            rows += [_row(snap, p, scale, last, on, True) for p in snap.resources[rid].provisions
                     if snap.events_of(p)]
    y = TOP
    for r in rows:
        r["y"], y = y, y + (LANE_H if r.get("lane") else SUB_H if r["sub"] else ROW_H)
    events = [{**row, "links": safe_urls(row["sources"])}
              for row in timeline(snap, node=members(snap, node) if node else None)
              if row["instrument"] in ids]
    label = snap.nodes[node].label if node and node in snap.nodes else None
    page = render("timeline.html", title=f"Export-control timeline{f' for {label}' if label else ''}",
                  on=on.isoformat(), rows=rows, ticks=_axis(first, last, scale), today_x=scale(on),
                  width=LABEL_W + CHART_W + STATUS_W, height=y + 10, chart_top=TOP - 14, chart_bottom=y,
                  label_w=LABEL_W, chart_right=LABEL_W + CHART_W, row_h=ROW_H, sub_h=SUB_H,
                  legend=[{"fill": f, "text": t, "hatched": s == "unverified"}
                          for s, (f, t) in STATUS_FILL.items()],
                  events=events, arrows=_arrows(snap, rows, scale))
    return page, len(ids)
