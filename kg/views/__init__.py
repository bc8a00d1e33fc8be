"""Interactive, offline HTML views of the dependency layer and a timeline of the controls.

`select` picks what a view shows (the same answer as the matching CLI command), `graph` draws a
Selection with pyvis and vis-network, `timeline` draws the status engine's periods as SVG, and
`html` holds the shared plumbing (escaping, inlined scripts, atomic writes). `export` writes the
graph for other tools (RDF, GraphML, GEXF, CSV).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from kg.model.errors import UsageError
from kg.model.snapshot import Snapshot
from kg.views.html import check_out_path, write_page
from kg.views.select import (
    LAYERED_MAX,
    LAYOUTS,
    MAX_NODES,
    Selection,
    ViewReport,
    all_view,
    exposure_view,
    impact_view,
    neighbourhood,
    path_view,
    trim,
)

__all__ = [
    "MAX_NODES", "Selection", "ViewReport", "all_view", "check_out_path", "exposure_view", "impact_view",
    "neighbourhood", "path_view", "trim", "write_timeline", "write_uses", "write_view",
]


def write_view(snap: Snapshot, sel: Selection, path: Path, *, on: date, max_nodes: int = MAX_NODES,
               layout: str | None = None, instruments: bool = False) -> ViewReport:
    """Trim, draw and write `sel` as one self-contained HTML file."""
    from kg.views.graph import build_page  # imports pyvis: only when a page is drawn

    check_out_path(path)
    if layout is not None and layout not in LAYOUTS:
        raise UsageError(f"invalid --layout {layout!r}; choose one of: {', '.join(LAYOUTS)}")
    if max_nodes < 1:
        raise UsageError(f"--max-nodes must be at least 1, not {max_nodes}")
    sel = trim(sel, max_nodes)
    notes: tuple[str, ...] = ()
    if layout is None and sel.layout == "layered" and len(sel.nodes) > LAYERED_MAX:
        layout = "force"
        notes = (f"{len(sel.nodes)} nodes are too many for columns: using the force layout (--layout layered "
                 "to insist)",)
    sel = replace(sel, layout=layout or sel.layout, notes=(*sel.notes, *notes))
    page, counts, more = build_page(snap, sel, on=on, instruments=instruments)
    size = write_page(path, page)
    return ViewReport(path, counts[0], counts[1], size, (*sel.notes, *more))


def write_timeline(snap: Snapshot, path: Path, node: str | None = None, *,
                   on: date | None = None) -> ViewReport:
    """Write the controls timeline (instruments as bars, suspensions as segments) to `path`."""
    from kg.views.timeline import build_timeline

    check_out_path(path)
    page, rows = build_timeline(snap, node=node, on=on or date.today())
    return ViewReport(path, rows, 0, write_page(path, page))


def write_uses(answer: dict[str, object], path: Path) -> ViewReport:
    """Write one `uses` answer as an offline bar chart page."""
    from kg.views.uses import build_uses_page

    check_out_path(path)
    rows = len(answer["uses"])  # type: ignore[arg-type]
    return ViewReport(path, rows, 0, write_page(path, build_uses_page(answer)))  # type: ignore[arg-type]
