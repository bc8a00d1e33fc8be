"""The status engine: pure rules on small event lists, and agreement with the SPARQL query."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from kg.analysis.controls import status_of
from kg.analysis.status import change_dates, derive, raw_status
from kg.model.resources import queries_dir, source_files
from kg.model.snapshot import Event

D = date.fromisoformat


def ev(kind: str, on: str, until: str | None = None) -> Event:
    return Event(id=f"{kind}-{on}", resource="r", kind=kind, on=D(on), until=D(until) if until else None)


BASE = [ev("Publication", "2025-10-09"), ev("EntryIntoForce", "2025-11-08")]


@pytest.mark.parametrize(("day", "expected"), [
    ("2025-10-08", "not-announced"), ("2025-10-09", "announced"), ("2025-11-06", "announced"),
    ("2025-11-07", "suspended"), ("2025-11-08", "suspended"), ("2026-11-10", "suspended"), ("2026-11-11", "in-force"),
])
def test_suspension_before_entry_into_force(day: str, expected: str) -> None:
    events = [*BASE, ev("Suspension", "2025-11-07", "2026-11-10")]
    assert raw_status(events, D(day)) == expected


def test_terminal_events_win_and_suspension_end_lifts() -> None:
    events = [*BASE, ev("Suspension", "2026-01-01"), ev("SuspensionEnd", "2026-03-01"),
              ev("Incorporation", "2027-01-01")]
    assert raw_status(events, D("2026-02-01")) == "suspended"
    assert raw_status(events, D("2026-03-01")) == "in-force"
    assert raw_status(events, D("2027-01-01")) == "superseded"
    assert raw_status([*BASE, ev("Repeal", "2026-01-01")], D("2026-06-01")) == "repealed"
    assert raw_status([*BASE, ev("Expiry", "2026-01-01")], D("2026-06-01")) == "expired"


def test_partly_suspended_and_unverified() -> None:
    part = [ev("Suspension", "2025-11-09", "2026-11-27")]
    own = [ev("Publication", "2024-12-03"), ev("EntryIntoForce", "2024-12-03")]
    status = derive(own, {"p1": [], "p2": part}, D("2026-01-01"), D("2026-01-06"))
    assert status.status == "partly-suspended", status
    # no scheduled change between the verified date and the asked date: status holds
    assert derive(own, {"p1": [], "p2": part}, D("2026-11-25"), D("2026-01-06")).status == "partly-suspended"
    # the suspension's end falls after the verified date: report unverified with the projection
    later = derive(own, {"p1": [], "p2": part}, D("2026-12-01"), D("2026-01-06"))
    assert (later.status, later.projected) == ("unverified", "in-force"), later


def test_provision_inherits_instrument_events_unless_it_has_its_own_start() -> None:
    own = [ev("Publication", "2025-10-09"), ev("EntryIntoForce", "2025-10-09")]
    late = [ev("EntryIntoForce", "2025-12-01")]
    assert derive(late, {}, D("2025-11-01"), None, inherited=own).status == "announced"
    assert derive([], {}, D("2025-11-01"), None, inherited=own).status == "in-force"


def _check_days(snapshot) -> list[date]:
    days = {d + timedelta(k) for d in change_dates(snapshot.events) for k in (-1, 0)}
    return sorted(days | {date(2026, 11, 25)})


def _sparql_statuses(rows) -> dict[tuple[str, str], tuple[str, str]]:
    return {(str(on)[:10], str(res).rsplit("/", 1)[-1]): (str(st), str(pr)) for on, res, st, pr in rows}


def test_sparql_status_query_agrees_on_every_resource_and_event_date(snapshot) -> None:
    import pyoxigraph as ox

    store = ox.Store()
    for path in source_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    days = _check_days(snapshot)
    values = " ".join(f'"{d.isoformat()}"^^xsd:date' for d in days)
    query = (queries_dir() / "status-on-date.rq").read_text().replace('"2025-11-08"^^xsd:date', values)
    rows = [(r["on"].value, r["resource"].value, r["status"].value, r["projected"].value) for r in store.query(query)]
    got = _sparql_statuses(rows)
    wrong = []
    for day in days:
        for rid in snapshot.resources:
            s = status_of(snapshot, rid, day)
            if got.get((day.isoformat(), rid)) != (s.status, s.projected or ""):
                wrong.append((day.isoformat(), rid, got.get((day.isoformat(), rid)), s.status, s.projected))
    assert len(days) > 50 and not wrong, wrong[:10]


EXPECTED = [tuple(row.values()) for row in csv.DictReader(
    (Path(__file__).parent / "data" / "status-expectations.csv").open(encoding="utf-8"))]


@pytest.mark.parametrize(("resource", "day", "expected"), EXPECTED, ids=[f"{r}@{d}" for r, d, _ in EXPECTED])
def test_entity_list_and_corrected_histories_day_by_day(snapshot, resource: str, day: str, expected: str) -> None:
    got = status_of(snapshot, resource, date.fromisoformat(day))
    assert got.status == expected, (got, expected)


@pytest.mark.parametrize(("day", "expected"), [
    ("2025-04-10", "in-force"), ("2025-05-14", "suspended"), ("2025-08-12", "suspended"),
    ("2025-11-15", "suspended"), ("2026-11-20", "unverified")])
def test_april_2025_record_counts_only_its_live_decisions(snapshot, day: str, expected: str) -> None:
    """Two of the four April 2025 decisions were stopped on 2025-08-12; the other two stay suspended."""
    got = status_of(snapshot, "mofcom-2025-04-control-list-16-12-uel-11-6", date.fromisoformat(day))
    assert got.status == expected, got
