"""Questions about the controls: instruments in force on a date, one instrument, events, changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kg.api.answers import Record, Records, many, parse_date
from kg.api.base import GraphBase


class ControlQuestions(GraphBase):
    """What is controlled, for whom, since when, what changed, and who answered whom."""

    def _covered(self, covers: str | None) -> list[str] | None:
        """The nodes `covers` stands for: the node, or every member of a family."""
        from kg.analysis.families import members

        return members(self.snapshot, self.resolve(covers)) if covers else None

    def controls(self, *, as_of: date | str | None = None, covers: str | None = None, status: str | None = None,
                 destination: str | None = None, jurisdiction: str | Sequence[str] | None = None) -> Records:
        """Control instruments with their status on a date, optionally only those covering a node
        (`covers`; a family: any member), with one status on the date (`status`: in-force, suspended,
        ...), applying to a destination country (`destination`) or of some jurisdictions
        (`jurisdiction`: ISO code or name, one or several).

        Returns rows `{id, jurisdiction, instrument, title, type, authorities, announced, effective,
        status, projected_status, verified_through, kinds, destinations, items, sources}`, oldest
        first. Same as `kg controls --format json`."""
        from kg.analysis.controls import list_controls

        on = parse_date(as_of)
        rows = list_controls(self.snapshot, on, covers=self._covered(covers), status=status, destination=destination,
                             jurisdictions=many(jurisdiction))
        where = many(jurisdiction)
        filters = [f"covering {self.label(self.resolve(covers))}" if covers else "",
                   f"with status {status}" if status else "", f"applying to {destination}" if destination else "",
                   f"of {', '.join(where)}" if where else ""]
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
                 end: date | str | None = None, jurisdiction: str | Sequence[str] | None = None) -> Records:
        """Status events in date order: rows `{date, jurisdiction, instrument, resource, event, label,
        until, caused_by, sources}`, optionally only for the instruments covering a node (a family:
        any member), of some jurisdictions, and between two dates (both included).
        Same as `kg timeline --format json`."""
        from kg.analysis.controls import timeline

        first = parse_date(start, "--from") if start else None
        last = parse_date(end, "--to") if end else None
        rows = timeline(self.snapshot, node=self._covered(covers), start=first, end=last,
                        jurisdictions=many(jurisdiction))
        where = "".join((f" for {self.label(self.resolve(covers))}" if covers else "",
                         f" from {first}" if first else "", f" to {last}" if last else ""))
        return Records(rows, f"no status event{where}")

    def changes(self, start: date | str, end: date | str, *,
                jurisdiction: str | Sequence[str] | None = None) -> Records:
        """Instruments whose status differs between two dates: rows `{id, jurisdiction, instrument,
        title, from, to, projected, dates}` (`dates`: every day in between on which it changed),
        optionally of some jurisdictions. Same as `kg changes FROM TO --format json`."""
        from kg.analysis.controls import changes

        first, last = parse_date(start, "FROM"), parse_date(end, "TO")
        rows = changes(self.snapshot, first, last, jurisdictions=many(jurisdiction))
        return Records(rows, f"no instrument changed status between {first} and {last}")

    def responses(self, *, jurisdiction: str | Sequence[str] | None = None) -> Record:
        """Measures taken in answer to other measures: `{links: [{measure, response, days_after,
        evidence, ...}], chains, ...}`, optionally for some jurisdictions.
        Same as `kg responses --format json`."""
        from kg.analysis.responses import responses

        result = responses(self.snapshot, jurisdictions=many(jurisdiction))
        return Record(result, "links", None if result["links"] else "no measure is recorded as a response to another")
