"""Measures taken in answer to other measures: the links with their dates and evidence, and the
chains they form across jurisdictions (a measure, the answer to it, the answer to that ...)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from kg.analysis.controls import jurisdiction_code, matches_jurisdiction
from kg.model.snapshot import Snapshot

MAX_CHAINS = 500


def _published(snapshot: Snapshot, rid: str) -> date | None:
    days = [e.on for e in snapshot.events_of(rid) if e.kind == "Publication"]
    return min(days) if days else None


def _measure(snapshot: Snapshot, rid: str) -> dict[str, object]:
    res = snapshot.resources.get(rid)
    day = _published(snapshot, rid)
    return {"id": rid, "number": res.number if res else "", "title": (res.title or res.label) if res else rid,
            "jurisdiction": jurisdiction_code(snapshot, rid), "published": day.isoformat() if day else None}


def links(snapshot: Snapshot, *, jurisdictions: list[str] | None = None) -> list[dict[str, object]]:
    """Every response link, oldest answered measure first: the measure, the response, the days between
    their publications, and the evidence (statement id, grade, rationale, sources)."""
    rows = []
    for r in snapshot.responses:
        if jurisdictions and not any(rid in snapshot.resources and matches_jurisdiction(snapshot, rid, jurisdictions)
                                     for rid in (r.measure, r.answers)):
            continue
        answered, response = _measure(snapshot, r.answers), _measure(snapshot, r.measure)
        a, b = _published(snapshot, r.answers), _published(snapshot, r.measure)
        rows.append({"measure": answered, "response": response, "days_after": (b - a).days if a and b else None,
                     "evidence": {"id": r.id, "grade": r.grade, "rationale": r.rationale, "sources": list(r.sources),
                                  "unconfirmed": r.unconfirmed}})
    return sorted(rows, key=lambda x: (str(x["measure"]["published"]), str(x["response"]["published"])))  # type: ignore[index]


def chains(snapshot: Snapshot, *, jurisdictions: list[str] | None = None) -> list[list[str]]:
    """Maximal chains of answers, each from a measure that answers nothing to the last answer."""
    answered_by: dict[str, list[str]] = defaultdict(list)
    answers: set[str] = set()
    for r in snapshot.responses:
        answered_by[r.answers].append(r.measure)
        answers.add(r.measure)
    out: list[list[str]] = []

    def walk(chain: list[str]) -> None:
        if len(out) >= MAX_CHAINS:  # enumeration stays bounded
            return
        nxt = [m for m in sorted(answered_by.get(chain[-1], ())) if m not in chain]
        if not nxt:
            out.append(chain)
        for m in nxt:
            walk([*chain, m])

    for start in sorted(set(answered_by) - answers):
        walk([start])
    if jurisdictions:
        out = [c for c in out if any(rid in snapshot.resources and matches_jurisdiction(snapshot, rid, jurisdictions)
                                     for rid in c)]
    return out


def responses(snapshot: Snapshot, *, jurisdictions: list[str] | None = None) -> dict[str, object]:
    """`kg responses`: the links and the chains they form."""
    return {"links": links(snapshot, jurisdictions=jurisdictions),
            "chains": [[_measure(snapshot, rid) for rid in c] for c in chains(snapshot, jurisdictions=jurisdictions)]}
