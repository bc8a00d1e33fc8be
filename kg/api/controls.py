"""Questions about the controls: instruments in force on a date, one instrument, events, changes."""

from __future__ import annotations

from datetime import date

from kg.api.answers import Record, Records, parse_date
from kg.api.base import GraphBase


class ControlQuestions(GraphBase):
    """What is controlled, for whom, since when, and what changed."""

    def controls(self, *, as_of: date | str | None = None, covers: str | None = None, status: str | None = None,
                 destination: str | None = None) -> Records:
        """Control instruments with their status on a date, optionally only those covering a node
        (`covers`), with one status on the date (`status`: in-force, suspended, ...) or applying to a
        destination country (`destination`).

        Returns rows `{id, instrument, title, type, authorities, announced, effective, status,
        projected_status, verified_through, kinds, destinations, items, sources}`, oldest first.
        Same as `kg controls --format json`."""
        from kg.analysis.controls import list_controls

        on = parse_date(as_of)
        node = self.resolve(covers) if covers else None
        rows = list_controls(self.snapshot, on, covers=node, status=status, destination=destination)
        filters = [f"covering {self.label(node)}" if node else "", f"with status {status}" if status else "",
                   f"applying to {destination}" if destination else ""]
        which = " ".join(f for f in filters if f)
        return Records(rows, f"no instrument {which} on {on}" if which else f"no instrument was issued by {on}")

    def control(self, instrument: str, *, as_of: date | str | None = None) -> Record:
        """One instrument in full, by id, number or title: its `controls` row plus title_zh, number_zh,
        comment, official_url, end_uses, note, provisions (with their status), item_details (the codes
        of each item), history (its status events) and related instruments. `to_frame()` gives the
        items. Same as `kg control ID --format json`."""
        from kg.analysis.controls import control_detail, resolve_instrument

        snap = self.snapshot
        return Record(control_detail(snap, resolve_instrument(snap, instrument), parse_date(as_of)), "item_details")

    def timeline(self, *, covers: str | None = None, start: date | str | None = None,
                 end: date | str | None = None) -> Records:
        """Status events in date order: rows `{date, instrument, resource, event, label, until,
        caused_by, sources}`, optionally only for the instruments covering one node and between two
        dates (both included). Same as `kg timeline --format json`."""
        from kg.analysis.controls import timeline

        node = self.resolve(covers) if covers else None
        first = parse_date(start, "--from") if start else None
        last = parse_date(end, "--to") if end else None
        rows = timeline(self.snapshot, node=node, start=first, end=last)
        where = "".join((f" for {self.label(node)}" if node else "", f" from {first}" if first else "",
                         f" to {last}" if last else ""))
        return Records(rows, f"no status event{where}")

    def changes(self, start: date | str, end: date | str) -> Records:
        """Instruments whose status differs between two dates: rows `{id, instrument, title, from, to,
        projected, dates}` (`dates`: the days in between on which it changed).
        Same as `kg changes FROM TO --format json`."""
        from kg.analysis.controls import changes

        first, last = parse_date(start, "FROM"), parse_date(end, "TO")
        rows = changes(self.snapshot, first, last)
        return Records(rows, f"no instrument changed status between {first} and {last}")
