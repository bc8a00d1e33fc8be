"""The status of an instrument or provision on a date, derived from its dated events (pure functions).

Precedence on a date D (after publication): a repeal, lifting, expiry or incorporation/supersession
that has happened wins; then an open suspension; then entry into force; else 'announced'. An
instrument whose provisions differ is 'partly-suspended'.

Events in the data are authoritative: the status is checked through the later of the recorded
`statusVerifiedThrough` date and the last recorded event of the resource (its own, its provisions'
and, for a provision, its instrument's). Only a change the data merely schedules after that date
(the end of a suspension) makes the answer 'unverified'; the projection is kept beside it.
`kg/sparql/queries/status-on-date.rq` states the same rules in SPARQL, and a test checks they agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kg.model.snapshot import Event

STATUSES = (
    "not-announced", "announced", "in-force", "partly-suspended", "suspended", "superseded", "repealed",
    "lifted", "expired", "unverified",
)
ACTIVE = frozenset({"in-force", "partly-suspended"})
_TERMINAL = {"Repeal": "repealed", "Lifting": "lifted", "Expiry": "expired", "Incorporation": "superseded",
             "Supersession": "superseded"}


@dataclass(frozen=True, slots=True)
class Status:
    """A derived status; `projected` is what the scheduled events imply when status is 'unverified'."""

    status: str
    projected: str | None = None
    verified_through: date | None = None

    @property
    def effective(self) -> str:
        """The status to act on: the projection for unverified answers, else the status."""
        return self.projected if self.status == "unverified" and self.projected else self.status

    @property
    def restricts(self) -> bool:
        return self.effective in ACTIVE


def _suspended(events: Sequence[Event], on: date) -> bool:
    ends = [e.on for e in events if e.kind == "SuspensionEnd"]
    for s in events:
        if s.kind != "Suspension" or s.on > on or (s.until is not None and on > s.until):
            continue
        if not any(s.on <= end <= on for end in ends):
            return True
    return False


def raw_status(events: Sequence[Event], on: date) -> str:
    """Status on `on` from one resource's own (and inherited) events, ignoring verification."""
    published = [e.on for e in events if e.kind == "Publication"]
    if not published or on < min(published):
        return "not-announced"
    ended = sorted((e.on, _TERMINAL[e.kind]) for e in events if e.kind in _TERMINAL and e.on <= on)
    if ended:
        return ended[0][1]
    if _suspended(events, on):
        return "suspended"
    if any(e.kind == "EntryIntoForce" and e.on <= on for e in events):
        return "in-force"
    return "announced"


def provision_events(own: Sequence[Event], inherited: Sequence[Event]) -> list[Event]:
    """A provision's effective events: its own plus the instrument's, minus entry into force if it has its own."""
    has_own_start = any(e.kind == "EntryIntoForce" for e in own)
    keep = [e for e in inherited if not (has_own_start and e.kind == "EntryIntoForce")]
    return [*own, *keep]


ENDED = ("lifted", "repealed", "expired", "superseded")  # in this order when all provisions ended differently


def combine(own: str, parts: Iterable[str]) -> str:
    """Instrument status from its own status and its provisions' statuses. Provisions that ended
    (lifted, repealed, expired, superseded) no longer count; when all of them ended, so did the
    instrument."""
    parts = list(parts)
    if own not in ("in-force", "announced") or not parts:
        return own
    live = [p for p in parts if p not in ENDED]
    if not live:
        return next(s for s in ENDED if s in parts)
    if own == "announced":
        return "in-force" if any(p == "in-force" for p in live) else own
    suspended = sum(p == "suspended" for p in live)
    if suspended == len(live):
        return "suspended"
    return "partly-suspended" if suspended else own


_NO_STATUS_CHANGE = frozenset({"Milestone", "Amendment"})


def change_dates(events: Iterable[Event]) -> set[date]:
    """Dates on which a status can change: dates of status-changing events (milestones and amendments
    change no status) and the day after each suspension ends."""
    out = set()
    for e in events:
        if e.kind in _NO_STATUS_CHANGE:
            continue
        out.add(e.on)
        if e.until is not None:
            out.add(e.until + timedelta(days=1))
    return out


def derive(
    own: Sequence[Event], provisions: dict[str, Sequence[Event]], on: date, verified_through: date | None,
    *, inherited: Sequence[Event] = (),
) -> Status:
    """Status of a resource on `on`. `provisions` maps provision id -> its own events; `inherited`
    holds the parent instrument's events when the resource is itself a provision."""
    own_events = provision_events(own, inherited) if inherited else list(own)

    def at(day: date) -> str:
        parts = [raw_status(provision_events(ev, own_events), day) for ev in provisions.values()]
        return combine(raw_status(own_events, day), parts)

    status = at(on)
    every = [*own_events, *(e for ev in provisions.values() for e in ev)]
    checked = checked_through(every, verified_through)
    if checked is None or on <= checked:
        return Status(status, verified_through=checked)
    if any(e.until is not None and checked <= e.until < on for e in every):
        return Status("unverified", projected=status, verified_through=checked)
    return Status(status, verified_through=checked)


def checked_through(events: Iterable[Event], verified_through: date | None) -> date | None:
    """The date through which a status is known: the recorded verification date or the last recorded
    event, whichever is later (None when neither exists, and then nothing is ever unverified)."""
    if verified_through is None:
        return None
    return max([verified_through, *(e.on for e in events)])
