"""The Python API: `kg.open()` returns a Graph whose methods answer every question the CLI answers.

Each method takes names as a user types them (labels, symbols, codes, umbrella words), dates as
`datetime.date` or "YYYY-MM-DD", and returns exactly what the matching CLI command prints with
`--format json`: a `Record` (a dict) or `Records` (a list of dicts). Both are plain JSON values and
have `to_frame()` for pandas users (pandas is optional). Every front end (CLI, endpoint pages,
views) calls these methods, so they all give the same answer.

    >>> import kg
    >>> g = kg.open()
    >>> g.impact("gallium", as_of="2025-06-01")["affected"][0]["label"]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.model.errors import UsageError
from kg.model.namespaces import GRADES

if TYPE_CHECKING:
    from kg.model.snapshot import Snapshot
    from kg.views import ViewReport


class Record(dict):  # type: ignore[type-arg]  # a JSON object, as `--format json` prints it
    """One answer as a JSON object; `rows_key` names the list `to_frame()` turns into a table."""

    rows_key: str | None = None

    def __init__(self, data: dict[str, Any], rows_key: str | None = None) -> None:
        super().__init__(data)
        self.rows_key = rows_key

    def rows(self) -> list[dict[str, Any]]:
        """The answer's table: the list under `rows_key`, or the object itself as one row."""
        return list(self[self.rows_key]) if self.rows_key else [dict(self)]

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame (needs pandas)."""
        return _frame(self.rows())


class Records(list):  # type: ignore[type-arg]  # a JSON array of objects
    """A list of JSON objects (one per row), with `to_frame()`."""

    def rows(self) -> list[dict[str, Any]]:
        return list(self)

    def to_frame(self) -> Any:
        return _frame(self.rows())


def _frame(rows: list[dict[str, Any]]) -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise UsageError("to_frame() needs pandas: pip install pandas") from None
    return pd.DataFrame(rows)


def parse_date(value: date | str | None, option: str = "as_of") -> date:
    """A date from a date, an ISO string or None (today); a bad string is a UsageError naming `option`."""
    if value is None:
        return date.today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(f"invalid date for {option}: {value!r} (expected YYYY-MM-DD)") from None


def parse_grade(grade: str, option: str = "--min-confidence") -> str:
    """'A', 'B' or 'C' (any case); anything else is a UsageError."""
    if str(grade).upper() not in GRADES:
        raise UsageError(f"invalid {option} {grade!r}; choose A, B or C")
    return str(grade).upper()


def hop_limit(value: int | None, option: str = "--max-hops", *, upper: int = 30) -> int | None:
    """One rule for hop bounds: None or -1 means no limit where a command allows it; else 1..upper."""
    if value is None or value == -1:
        return None
    if not 1 <= value <= upper:
        raise UsageError(f"{option} must be between 1 and {upper} (or -1 for no limit), not {value}")
    return value


def _many(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value) or None


@dataclass
class Graph:
    """The knowledge graph: the packaged data plus `data` files, answered from a compiled snapshot."""

    data: tuple[Path, ...] = ()
    endpoint: str | None = None
    store: str | None = None
    use_cache: bool = True
    _snapshot: Snapshot | None = field(default=None, repr=False)

    @property
    def snapshot(self) -> Snapshot:
        """The compiled snapshot (loaded on first use, from the cache when the sources are unchanged)."""
        if self._snapshot is None:
            from kg.store.cache import get_snapshot

            self._snapshot = get_snapshot(self.data, store=self.store, endpoint=self.endpoint,
                                          use_cache=self.use_cache)
        return self._snapshot

    # --- names ---------------------------------------------------------------------------------
    def resolve(self, name: str) -> str:
        """The id of the node `name` denotes (raises UnknownNameError with suggestions)."""
        from kg.analysis.names import resolve

        return resolve(self.snapshot, name)

    def _ids(self, names: Iterable[str]) -> list[str]:
        return [self.resolve(n) for n in names]

    # --- dependency questions -------------------------------------------------------------------
    def impact(self, name: str, *, as_of: date | str | None = None, min_confidence: str = "C",
               max_hops: int | None = None) -> Record:
        """Everything downstream of a node: forms, components, products, sectors, firms, projects."""
        from kg.analysis.impact import impact

        result = impact(self.snapshot, self.resolve(name), on=parse_date(as_of),
                        min_confidence=parse_grade(min_confidence), max_hops=hop_limit(max_hops))
        return Record(result, "affected")

    def exposure(self, name: str, *, as_of: date | str | None = None, min_confidence: str = "C",
                 max_hops: int | None = None) -> Record:
        """Restricted inputs upstream of a node on a date, with the controls on each."""
        from kg.analysis.impact import exposure

        result = exposure(self.snapshot, self.resolve(name), on=parse_date(as_of),
                          min_confidence=parse_grade(min_confidence), max_hops=hop_limit(max_hops))
        return Record(result, "restricted_inputs")

    def paths(self, source: str, target: str, *, max_hops: int = 8, max_paths: int = 20,
              min_confidence: str = "C", as_of: date | str | None = None) -> Record:
        """Bounded dependency paths from `source` to `target`, with the exact count of all of them."""
        from kg.analysis.impact import find_paths

        if max_paths < 1:
            raise UsageError(f"--max-paths must be at least 1, not {max_paths}")
        hops = hop_limit(max_hops) or 30  # enumeration is always bounded
        result = find_paths(self.snapshot, self.resolve(source), self.resolve(target), max_hops=hops,
                            max_paths=max_paths, min_confidence=parse_grade(min_confidence), on=parse_date(as_of))
        return Record(result, "paths")

    def what_if(self, names: Sequence[str], *, as_of: date | str | None = None,
                min_confidence: str = "C") -> Record:
        """Products, sectors, firms and projects newly exposed if `names` were restricted."""
        from kg.analysis.impact import what_if

        result = what_if(self.snapshot, self._ids(names), on=parse_date(as_of),
                         min_confidence=parse_grade(min_confidence))
        return Record(result, "newly_exposed")

    def chokepoints(self, *, as_of: date | str | None = None, min_confidence: str = "C", top: int = 15) -> Record:
        """Nodes most restricted-input paths pass through, and single restricted points per product."""
        from kg.analysis.chokepoints import chokepoints

        if top < 1:
            raise UsageError(f"--top must be at least 1, not {top}")
        return Record(chokepoints(self.snapshot, on=parse_date(as_of), min_confidence=parse_grade(min_confidence),
                                  top=top), "through")

    # --- control questions ----------------------------------------------------------------------
    def controls(self, *, as_of: date | str | None = None, covers: str | None = None, status: str | None = None,
                 destination: str | None = None, jurisdiction: str | Sequence[str] | None = None) -> Records:
        """Control instruments with their status on a date, filtered by the node they cover (a family:
        any member), status, destination and jurisdiction (ISO code or name; several allowed)."""
        from kg.analysis.controls import list_controls
        from kg.analysis.families import members

        nodes = members(self.snapshot, self.resolve(covers)) if covers else None
        return Records(list_controls(self.snapshot, parse_date(as_of), covers=nodes, status=status,
                                     destination=destination, jurisdictions=_many(jurisdiction)))

    def control(self, instrument: str, *, as_of: date | str | None = None) -> Record:
        """One instrument in full: items with codes, provisions, status history, relations, sources."""
        from kg.analysis.controls import control_detail, resolve_instrument

        snap = self.snapshot
        return Record(control_detail(snap, resolve_instrument(snap, instrument), parse_date(as_of)), "item_details")

    def timeline(self, *, covers: str | None = None, start: date | str | None = None,
                 end: date | str | None = None, jurisdiction: str | Sequence[str] | None = None) -> Records:
        """Status events in date order, optionally for the instruments covering a node (a family: any
        member), of some jurisdictions, within a date range."""
        from kg.analysis.controls import timeline
        from kg.analysis.families import members

        nodes = members(self.snapshot, self.resolve(covers)) if covers else None
        return Records(timeline(self.snapshot, node=nodes, start=parse_date(start, "--from") if start else None,
                                end=parse_date(end, "--to") if end else None, jurisdictions=_many(jurisdiction)))

    def changes(self, start: date | str, end: date | str, *,
                jurisdiction: str | Sequence[str] | None = None) -> Records:
        """Instruments whose status changed between two dates, with every step between them."""
        from kg.analysis.controls import changes

        return Records(changes(self.snapshot, parse_date(start, "FROM"), parse_date(end, "TO"),
                               jurisdictions=_many(jurisdiction)))

    def responses(self, *, jurisdiction: str | Sequence[str] | None = None) -> Record:
        """Measures taken in answer to other measures: the links (dates, evidence) and their chains."""
        from kg.analysis.responses import responses

        return Record(responses(self.snapshot, jurisdictions=_many(jurisdiction)), "links")

    # --- materials and words --------------------------------------------------------------------
    def uses(self, name: str, *, min_confidence: str = "C") -> Record:
        """End uses of a material or family with their shares of consumption, and how much the graph
        reaches: {node, uses: [{id, label, share_percent, reference_year, sources, ...}], covered_percent}."""
        from kg.analysis.uses import uses

        return Record(uses(self.snapshot, self.resolve(name), min_confidence=parse_grade(min_confidence)), "uses")

    def uses_view(self, name: str, out: Path | str, *, min_confidence: str = "C") -> ViewReport:
        """Write the end uses of a material as an offline bar chart page."""
        import kg.views as views

        path = views.check_out_path(Path(out))
        return views.write_uses(self.uses(name, min_confidence=min_confidence), path)

    def search(self, text: str, *, limit: int = 20, types: Sequence[str] | None = None) -> Records:
        """Nodes whose names match `text`, best first, with type, id and the name matched."""
        from kg.analysis.names import search

        if limit < 1:
            raise UsageError(f"--limit must be at least 1, not {limit}")
        return Records({"id": m.id, "label": m.label, "type": m.type, "score": m.score, "matched": m.matched}
                       for m in search(self.snapshot, text, limit=limit, types=types))

    # --- the graph itself -----------------------------------------------------------------------
    def info(self) -> Record:
        """Counts of triples, instruments, items, nodes and dependency edges."""
        return Record(dict(self.snapshot.counts))

    def validate(self) -> Record:
        """The SHACL shapes and violation queries on the sources: {conforms, violations, warnings}."""
        from kg.store.load import load_graph
        from kg.store.validate import validate_graph

        report = validate_graph(load_graph(self.data))
        rows = [p.as_dict() for p in report.problems]
        return Record({"conforms": report.conforms, "violations": rows, "warnings": report.warning_count},
                      "violations")

    def sparql(self, query: str, *, params: dict[str, str] | None = None, store: str = "rdflib") -> Records | bool:
        """Run a read-only SPARQL query (text, .rq file or cookbook name): SELECT gives rows of
        {variable: value} (compact prefixed names), ASK a boolean; CONSTRUCT/DESCRIBE give rows of
        {subject, predicate, object}."""
        from kg.sparql.query import execute
        from kg.sparql.results import cells

        answer, _ = execute(query, params=params, extra=self.data, store=store, endpoint=self.endpoint)
        if answer.form == "ask":
            return bool(answer.boolean)
        headers, rows = cells(answer)
        return Records(dict(zip(headers, row, strict=True)) for row in rows)

    def view(self, name: str | None = None, *, out: Path | str, kind: str = "neighbourhood",
             target: str | None = None, as_of: date | str | None = None, min_confidence: str = "C",
             depth: int = 2, direction: str = "both", max_hops: int | None = None, max_paths: int = 20,
             max_nodes: int = 1000, layout: str | None = None, instruments: bool = False) -> ViewReport:
        """Write an offline HTML graph view. `kind`: neighbourhood, impact, exposure, path (NAME to
        `target`) or all. Returns what was written (path, node and edge counts, notes)."""
        import kg.views as views

        snap, on, grade = self.snapshot, parse_date(as_of), parse_grade(min_confidence)
        hops = hop_limit(max_hops)
        build = {
            "neighbourhood": lambda: views.neighbourhood(snap, self.resolve(str(name)), depth=depth,
                                                         direction=direction, min_confidence=grade),
            "impact": lambda: views.impact_view(snap, self.resolve(str(name)), on=on, min_confidence=grade,
                                                max_hops=hops),
            "exposure": lambda: views.exposure_view(snap, self.resolve(str(name)), on=on, min_confidence=grade,
                                                    max_hops=hops),
            "path": lambda: views.path_view(snap, self.resolve(str(name)), self.resolve(str(target)),
                                            max_hops=hops or 8, max_paths=max_paths, min_confidence=grade),
            "all": lambda: views.all_view(snap, min_confidence=grade),
        }
        if kind not in build:
            raise UsageError(f"unknown view kind {kind!r}; choose one of: {', '.join(build)}")
        if kind != "all" and not name:
            raise UsageError(f"a {kind} view needs a node name")
        if kind == "path" and not target:
            raise UsageError("a path view needs a target")
        path = views.check_out_path(Path(out))
        return views.write_view(snap, build[kind](), path, on=on, max_nodes=max_nodes, layout=layout,
                                instruments=instruments)

    def timeline_view(self, out: Path | str, *, covers: str | None = None,
                      as_of: date | str | None = None) -> ViewReport:
        """Write the controls timeline (instruments as bars, suspensions visible) as offline HTML."""
        import kg.views as views

        node = self.resolve(covers) if covers else None
        return views.write_timeline(self.snapshot, Path(out), node=node, on=parse_date(as_of))


def open(data: Path | str | Iterable[Path | str] | None = None, *, endpoint: str | None = None,
         store: str | None = None, cache: bool = True) -> Graph:
    """The knowledge graph: the packaged ontology and data plus `data` (a Turtle file or folder, or
    several). With `endpoint`, the dependency and controls layers come from that SPARQL endpoint."""
    if data is None:
        extra: tuple[Path, ...] = ()
    elif isinstance(data, str | Path):
        extra = (Path(data),)
    else:
        extra = tuple(Path(p) for p in data)
    return Graph(data=extra, endpoint=endpoint, store=store, use_cache=cache)
