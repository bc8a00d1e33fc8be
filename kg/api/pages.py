"""Offline HTML pages of the graph: the interactive graph views and the controls timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kg.api.answers import MAX_HOPS, Record, at_least_one, hop_limit, parse_date, parse_grade
from kg.api.base import GraphBase
from kg.model.errors import UsageError

if TYPE_CHECKING:
    from kg.views import Selection, ViewReport

KINDS = ("neighbourhood", "impact", "exposure", "path", "all")


def report_record(report: ViewReport) -> Record:
    """What a page writer wrote, as the Record the API returns."""
    return Record({"path": str(report.path), "nodes": report.nodes, "edges": report.edges, "bytes": report.size,
                   "notes": list(report.notes)})


class PageTools(GraphBase):
    """Write self-contained HTML files that open in any browser without a network."""

    def view(self, name: str | None = None, *, out: Path | str, kind: str = "neighbourhood",
             target: str | None = None, as_of: date | str | None = None, min_confidence: str = "C",
             depth: int = 2, direction: str = "both", max_hops: int | None = None, max_paths: int = 20,
             max_nodes: int = 1000, layout: str | None = None, instruments: bool = False) -> Record:
        """Write an interactive graph view to `out` and return `{path, nodes, edges, bytes, notes}`.

        `kind`: neighbourhood (of `name`, `depth` hops `direction` down, up or both), impact or
        exposure (what those methods answer for `name`), path (from `name` to `target`) or all (the
        whole dependency layer). Nodes controlled on `as_of` are marked; `max_nodes` trims the
        farthest; `layout`: force or layered. Hop bounds follow the rule of `impact` (path: 8 unless
        given, -1 meaning 30). In a notebook, show it with `IPython.display.IFrame(path, "100%", 600)`."""
        import kg.views as views

        if kind not in KINDS:
            raise UsageError(f"unknown view kind {kind!r}; choose one of: {', '.join(KINDS)}")
        if kind != "all" and not name:
            raise UsageError(f"a {kind} view needs a node name")
        if kind == "path" and not target:
            raise UsageError("a path view needs a target")
        at_least_one(max_nodes, "--max-nodes")
        selection = self._selection(kind, name, target, as_of=as_of, grade=parse_grade(min_confidence),
                                    depth=depth, direction=direction, max_hops=max_hops, max_paths=max_paths)
        path = views.check_out_path(Path(out))
        report = views.write_view(self.snapshot, selection(), path, on=parse_date(as_of), max_nodes=max_nodes,
                                  layout=layout, instruments=instruments)
        return report_record(report)

    def _selection(self, kind: str, name: str | None, target: str | None, *, as_of: date | str | None, grade: str,
                   depth: int, direction: str, max_hops: int | None, max_paths: int) -> Callable[[], Selection]:
        """What the view draws, checked before anything is computed."""
        import kg.views as views

        snap, on = self.snapshot, parse_date(as_of)
        hops = hop_limit(max_hops)
        path_hops = 8 if max_hops is None else hops or MAX_HOPS  # enumeration stays bounded
        depth_hops = hop_limit(depth, "--depth") or MAX_HOPS
        at_least_one(max_paths, "--max-paths")
        build: dict[str, Callable[[], Selection]] = {
            "neighbourhood": lambda: views.neighbourhood(snap, self.resolve(str(name)), depth=depth_hops,
                                                         direction=direction, min_confidence=grade),
            "impact": lambda: views.impact_view(snap, self.resolve(str(name)), on=on, min_confidence=grade,
                                                max_hops=hops),
            "exposure": lambda: views.exposure_view(snap, self.resolve(str(name)), on=on, min_confidence=grade,
                                                    max_hops=hops),
            "path": lambda: views.path_view(snap, self.resolve(str(name)), self.resolve(str(target)),
                                            max_hops=path_hops,
                                            max_paths=max_paths, min_confidence=grade),
            "all": lambda: views.all_view(snap, min_confidence=grade),
        }
        return build[kind]

    def timeline_view(self, out: Path | str, *, covers: str | None = None,
                      as_of: date | str | None = None) -> Record:
        """Write the controls timeline (instruments as bars, suspensions visible, `as_of` marked) to
        `out`, optionally only the instruments covering one node. Returns `{path, nodes, edges, bytes,
        notes}` (`nodes`: the rows drawn)."""
        import kg.views as views

        node = self.resolve(covers) if covers else None
        return report_record(views.write_timeline(self.snapshot, Path(out), node=node, on=parse_date(as_of)))
