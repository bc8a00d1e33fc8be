"""Generate docs/data-status.md: what the shipped data can and cannot vouch for, from the data itself.

Run `python -m kg.cli.docgen` after changing the data; a test fails while the page is out of date.
The page answers on a fixed date (STATUS_DATE, the data's last review) so that it only changes when
the data does.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from kg.analysis.controls import jurisdiction_code, status_of
from kg.analysis.uses import uses
from kg.model.snapshot import Snapshot

STATUS_DATE = date(2026, 12, 3)
OFFICIAL_HOSTS = ("mofcom.gov.cn", "gov.cn", "customs.gov.cn", "most.gov.cn", "federalregister.gov", "bis.gov",
                  "bis.doc.gov", "ecfr.gov", "eur-lex.europa.eu", "europa.eu", "meti.go.jp", "government.nl",
                  "rijksoverheid.nl", "officielebekendmakingen.nl", "trade.gov.tw", "moea.gov.tw")


def _cell(text: object) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", " ")


def _instruments(snap: Snapshot) -> list[str]:
    return sorted((rid for rid, r in snap.resources.items() if not r.is_provision),
                  key=lambda rid: (jurisdiction_code(snap, rid) != "CN", jurisdiction_code(snap, rid), rid))


def _official(snap: Snapshot, rid: str) -> bool:
    url = snap.resources[rid].official_url
    return bool(url) and any(host in url for host in OFFICIAL_HOSTS)


def _summary(snap: Snapshot, ids: list[str]) -> list[str]:
    by_jur = Counter(jurisdiction_code(snap, rid) or "not stated" for rid in ids)
    official = sum(_official(snap, rid) for rid in ids)
    two = sum(len(snap.resources[rid].sources) >= 2 for rid in ids)
    grades = Counter(e.grade or "none" for e in snap.graph.edges())
    return [
        "## In numbers", "",
        f"- {len(ids)} instruments: " + ", ".join(f"{n} {j}" for j, n in sorted(by_jur.items())) + ".",
        f"- {official} of {len(ids)} ({official / max(len(ids), 1):.0%}) carry an official URL (a government page "
        "or official reprint); "
        f"{two} of {len(ids)} ({two / max(len(ids), 1):.0%}) cite two or more sources.",
        f"- {sum(grades.values())} dependency edges, every one with a statement and a source: "
        + ", ".join(f"{n} graded {g}" for g, n in sorted(grades.items())) + ".",
        f"- {len(snap.families)} material families; {len(snap.use_shares)} recorded use shares.", "",
    ]


def _statuses(snap: Snapshot, ids: list[str]) -> list[str]:
    lines = ["## Statuses and how far they were checked", "",
             f"Status on {STATUS_DATE} as `kg controls --as-of {STATUS_DATE}` derives it. *Verified through* is the "
             "date through which the status was checked against sources; *last event* is the latest dated event the "
             "data records (events are authoritative, so the status is known through the later of the two); "
             "*last searched* is the last search for news that found none.", "",
             "| instrument | jur. | verified through | last event | last searched | status | projected |",
             "|---|---|---|---|---|---|---|"]
    for rid in ids:
        st = status_of(snap, rid, STATUS_DATE)
        res = snap.resources[rid]
        last = max((e.on for o in (rid, *res.provisions) for e in snap.events_of(o)), default="")
        lines.append(f"| `{rid}` | {jurisdiction_code(snap, rid)} | {res.verified_through or ''} | {last} | "
                     f"{res.last_searched or ''} | {st.status} | {st.projected or ''} |")
    return [*lines, "", "`unverified` means the data schedules a change (the end of a suspension) after the last "
            "date checked, and no source seen says what happened; the projected status is what the scheduled "
            "events imply.", ""]


def _unconfirmed(snap: Snapshot) -> list[str]:
    lines = ["## Unconfirmed facts kept with a flag", "", "| what | note |", "|---|---|"]
    for item in sorted(snap.items.values(), key=lambda i: i.id):
        if item.unconfirmed or item.disputed_codes:
            codes = f" (disputed or inferred: {', '.join(item.disputed_codes)})" if item.disputed_codes else ""
            lines.append(f"| item `{item.id}`{codes} | {_cell(item.note)} |")
    for rid in sorted(snap.resources):
        res = snap.resources[rid]
        if res.unconfirmed:
            lines.append(f"| instrument `{rid}` | {_cell(res.note)} |")
    return [*lines, "", "Unconfirmed nodes and single facts in the supply-chain and actor layers carry "
            "`ekg:unconfirmed true` and an `ekg:uncertaintyNote`; list them with "
            "`kg sparql list-unconfirmed-facts`.", ""]


def _uses(snap: Snapshot) -> list[str]:
    lines = ["## End uses covered", "",
             "What `kg uses` reports for each family: the share of consumption its basis table places on uses the "
             "graph reaches, and the largest use.", "",
             "| family | covered | largest use | basis | note |", "|---|---|---|---|---|"]
    for fid in sorted(snap.families):
        answer = uses(snap, fid)
        rows = answer["uses"]
        top = max(rows, key=lambda r: r["share_percent"] or 0) if rows else None
        basis = answer["basis"] or {}
        largest = f"{top['label']} ({top['share_percent']}%)" if top and top["share_percent"] is not None else ""
        where = f"{basis.get('scope', '')} {basis.get('reference_year') or ''} ({basis.get('grade')})" if basis else ""
        lines.append(f"| {snap.nodes[fid].label} | {answer['covered_percent']:g}% | {_cell(largest)} | "
                     f"{_cell(where)} | {_cell(answer['note'])} |")
    return [*lines, ""]


def render_data_status(snap: Snapshot) -> str:
    """The Markdown page, from the snapshot of the shipped data."""
    ids = _instruments(snap)
    head = ["# Data status", "",
            "What the shipped data can and cannot vouch for, generated from the data by `python -m kg.cli.docgen` "
            "(do not edit by hand).", ""]
    return "\n".join([*head, *_summary(snap, ids), *_statuses(snap, ids), *_unconfirmed(snap), *_uses(snap)])
