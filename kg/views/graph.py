"""Draw a view Selection with pyvis: styles by type, status and grade, tooltips, legend, options.

pyvis assembles the vis-network nodes, edges and options; the page is our own template
(`kg/views/templates/graph.html`) so that it is one offline file. Tooltip and side-panel content is
shipped as JSON data and turned into DOM text by `graph.js`, never parsed as HTML.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from kg.analysis.controls import instrument_of, jurisdiction_code, restricted, status_of
from kg.analysis.status import Status
from kg.model.snapshot import Edge, Snapshot

if TYPE_CHECKING:
    from kg.views.select import Selection

SEED = 20231  # layout.randomSeed: the same command gives the same picture
PHYSICS_BUDGET = 300  # above this many nodes, stabilise in few iterations and then freeze

# type -> (vis shape, fill colour, legend glyph)
TYPE_STYLES: dict[str, tuple[str, str, str]] = {
    "Material": ("hexagon", "#8d6e63", "⬢"), "ProcessedForm": ("diamond", "#f59e0b", "◆"),
    "Technology": ("star", "#a855f7", "★"), "Equipment": ("triangleDown", "#64748b", "▼"),
    "Component": ("triangle", "#3b82f6", "▲"), "Product": ("square", "#14b8a6", "■"),
    "Sector": ("dot", "#22c55e", "●"), "Firm": ("box", "#eab308", "▭"),
    "JointVenture": ("box", "#ca8a04", "▭"), "Project": ("dot", "#f472b6", "●"),
    "Instrument": ("box", "#fecaca", "▭"),
}
OTHER_STYLE = ("dot", "#9ca3af", "●")
# restriction mark on the as-of date -> (border colour, border width, dashes, legend text)
STATUS_STYLES: dict[str, tuple[str, int, list[int] | bool, str]] = {
    "in-force": ("#dc2626", 5, False, "restricted: in force"),
    "suspended": ("#ea580c", 4, [6, 4], "restriction suspended"),
    "unverified": ("#7c3aed", 4, [2, 3], "restricted, status unverified"),
}
# grade -> (dashes, width, legend text)
GRADE_STYLES: dict[str, tuple[list[int] | bool, float, str]] = {
    "A": (False, 2.5, "A: well sourced"), "B": ([9, 6], 2.0, "B: plausible"), "C": ([2, 5], 1.5, "C: weak"),
}


@dataclass(frozen=True, slots=True)
class Control:
    """One instrument listing an item that concerns a node, with its status on the date."""

    instrument: str
    status: Status
    item: str
    restricts: bool

    @property
    def text(self) -> str:
        st = self.status
        return f"{st.status} (projected {st.projected})" if st.projected else st.status


def controls_by_node(snap: Snapshot, nodes: set[str], on: date) -> dict[str, list[Control]]:
    """Instruments over each node on `on`: restricting ones from `restricted`, others via `status_of`."""
    found: dict[str, list[Control]] = defaultdict(list)
    for node, covs in restricted(snap, on).items():
        if node in nodes:
            found[node] += [Control(c.instrument, c.status, c.item, True) for c in covs]
    memo: dict[str, Status] = {}
    for item in snap.items.values():
        hit = nodes.intersection(item.concerns)
        if not hit or item.resource not in snap.resources:
            continue
        if item.resource not in memo:
            memo[item.resource] = status_of(snap, item.resource, on)
        inst = instrument_of(snap, item.resource)
        for node in hit:
            if all(c.instrument != inst for c in found[node]):
                found[node].append(Control(inst, memo[item.resource], item.id, False))
    return {n: sorted(cs, key=lambda c: (not c.restricts, c.instrument)) for n, cs in found.items()}


def mark(controls: list[Control]) -> str:
    """'in-force', 'unverified', 'suspended' or '' (kg.analysis.impact's rule for the restricting ones)."""
    live = [c for c in controls if c.restricts]
    if live:
        return "in-force" if any(c.status.status != "unverified" for c in live) else "unverified"
    return "suspended" if any(c.status.effective == "suspended" for c in controls) else ""


def _instrument_name(snap: Snapshot, rid: str) -> str:
    res = snap.resources.get(rid)
    return (res.number or res.label or rid) if res else rid


def node_info(snap: Snapshot, node_id: str, controls: list[Control], status: str, on: date) -> dict[str, Any]:
    from kg.views.html import safe_urls

    node = snap.nodes.get(node_id)
    rows: list[list[str]] = [["id", node_id]]
    links: list[str] = []
    if node is not None:
        rows += [["also known as", ", ".join(node.names)]] if node.names else []
        rows += [["HS codes", ", ".join(node.hs_codes)]] if node.hs_codes else []
        links.append(node.iri)
    rows.append([f"status on {on.isoformat()}", STATUS_STYLES[status][3] if status else "not restricted"])
    jurisdictions = sorted({j for c in controls if c.restricts and (j := jurisdiction_code(snap, c.instrument))})
    rows += [["restricted by", ", ".join(jurisdictions)]] if jurisdictions else []
    for c in controls:
        item = snap.items.get(c.item)
        res = snap.resources.get(c.instrument)
        codes = ", ".join((*item.customs_codes, *item.control_codes)) if item else ""
        text = f"{c.text}; item: {item.label if item else c.item}" + (f"; codes: {codes}" if codes else "")
        jur = jurisdiction_code(snap, c.instrument)
        rows.append([f"controlled by {_instrument_name(snap, c.instrument)}" + (f" ({jur})" if jur else ""), text])
        links += [*(item.sources if item else ()), *([res.official_url] if res and res.official_url else [])]
    if node is not None and node.comment:
        rows.append(["about", node.comment])
    return {"title": node.label if node else node_id, "subtitle": node.type if node else "",
            "rows": rows, "links": safe_urls(links)}


def edge_info(snap: Snapshot, e: Edge) -> dict[str, Any]:
    from kg.views.html import safe_urls

    rows = [["from", snap.nodes[e.source].label if e.source in snap.nodes else e.source],
            ["to", snap.nodes[e.target].label if e.target in snap.nodes else e.target],
            ["confidence", GRADE_STYLES[e.grade][2] if e.grade in GRADE_STYLES else "ungraded (drawn as C)"]]
    rows += [["statement", e.statement]] if e.statement else []
    rows += [["rationale", e.rationale]] if e.rationale else []
    return {"title": e.relation, "subtitle": "dependency edge", "rows": rows, "links": safe_urls(e.sources)}


def _node_style(snap: Snapshot, node_id: str, status: str, focus: bool) -> dict[str, Any]:
    node = snap.nodes.get(node_id)
    shape, fill, _ = TYPE_STYLES.get(node.type if node else "", OTHER_STYLE)
    border, width, dashes, _ = STATUS_STYLES.get(status, ("#374151", 1, False, ""))
    size = 26 if focus else 20 if node is not None and node.type == "Sector" else 16
    return {"shape": shape, "size": size, "borderWidth": width,
            "shapeProperties": {"borderDashes": dashes},
            "color": {"background": fill, "border": border,
                      "highlight": {"background": fill, "border": "#111827"}},
            "font": {"size": 17 if focus else 14, "color": "#000000" if focus else "#1f2937"},
            "widthConstraint": {"maximum": 170}}


def _edge_style(e: Edge) -> dict[str, Any]:
    dashes, width, _ = GRADE_STYLES.get(e.grade or "C", GRADE_STYLES["C"])
    return {"label": e.relation, "dashes": dashes, "width": width, "arrows": "to",
            "color": {"color": "#6b7280", "highlight": "#111827"}}


def vis_options(layout: str, n_nodes: int) -> dict[str, Any]:
    """vis-network options: seeded layout; above PHYSICS_BUDGET a short stabilisation, then frozen."""
    big = n_nodes > PHYSICS_BUDGET
    common: dict[str, Any] = {
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": True,
                        "keyboard": {"enabled": True, "bindToWindow": False}, "hideEdgesOnDrag": big},
        "nodes": {"font": {"face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"font": {"size": 10, "align": "middle", "strokeWidth": 3, "color": "#374151"},
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}},
    }
    if layout == "layered":
        return {**common, "physics": {"enabled": False},
                "layout": {"randomSeed": SEED, "hierarchical": {
                    "enabled": True, "direction": "LR", "sortMethod": "directed", "shakeTowards": "roots",
                    "levelSeparation": 210, "nodeSpacing": 76, "treeSpacing": 90,
                    "blockShifting": not big, "edgeMinimization": not big, "parentCentralization": True}},
                "edges": {**common["edges"], "smooth": {"type": "cubicBezier", "forceDirection": "horizontal",
                                                        "roundness": 0.4}}}
    return {**common, "layout": {"randomSeed": SEED, "improvedLayout": n_nodes <= 150},
            "physics": {"solver": "forceAtlas2Based", "timestep": 0.5, "minVelocity": 1.0,
                        "forceAtlas2Based": {"gravitationalConstant": -70, "centralGravity": 0.01,
                                             "springLength": 130, "springConstant": 0.06,
                                             "avoidOverlap": 0.5},
                        "stabilization": {"enabled": True, "iterations": 120 if big else 600,
                                          "updateInterval": 20, "fit": True}},
            "edges": {**common["edges"], "smooth": {"type": "continuous"} if not big else False}}


def _legend(snap: Snapshot, nodes: list[str], instruments: bool) -> dict[str, Any]:
    present = {snap.nodes[n].type if n in snap.nodes else "" for n in nodes}
    types = [t for t in TYPE_STYLES if t in present or (t == "Instrument" and instruments)]
    types += ["other"] if present - set(TYPE_STYLES) else []
    return {
        "types": [{"name": t, "glyph": TYPE_STYLES.get(t, OTHER_STYLE)[2],
                   "color": TYPE_STYLES.get(t, OTHER_STYLE)[1]} for t in types],
        "statuses": [{"name": text, "color": c, "width": w, "dashes": d}
                     for c, w, d, text in STATUS_STYLES.values()],
        "grades": [{"name": text, "dashes": d, "width": w} for d, w, text in GRADE_STYLES.values()],
    }


def build_network(snap: Snapshot, sel: Selection, *, on: date, instruments: bool = False
                  ) -> tuple[Any, dict[str, Any]]:
    """A pyvis Network of the selection plus the tooltip/panel content keyed by node and edge id."""
    from pyvis.network import Network

    net = Network(directed=True, height="100%", width="100%", notebook=False, cdn_resources="in_line")
    controls = controls_by_node(snap, set(sel.nodes), on)
    info: dict[str, Any] = {}
    for n in sel.nodes:
        status = mark(controls.get(n, []))
        node = snap.nodes.get(n)
        net.add_node(n, label=node.label if node else n, **_node_style(snap, n, status, n in sel.focus))
        info[n] = node_info(snap, n, controls.get(n, []), status, on)
    for i, e in enumerate(sel.edges):
        net.add_edge(e.source, e.target, id=f"e{i}", **_edge_style(e))
        info[f"e{i}"] = edge_info(snap, e)
    if instruments:
        _add_instruments(snap, net, info, controls, on)
    net.options = vis_options(sel.layout, len(sel.nodes))
    return net, info


def instrument_info(snap: Snapshot, rid: str, status: str, on: date) -> dict[str, Any]:
    from kg.views.html import safe_urls

    res = snap.resources.get(rid)
    links = [*(res.sources if res else ()), *([res.official_url] if res and res.official_url else [])]
    return {"title": (res.title or res.label) if res else rid, "subtitle": "instrument",
            "rows": [["id", rid], [f"status on {on.isoformat()}", status]], "links": safe_urls(links)}


def _add_instruments(snap: Snapshot, net: Any, info: dict[str, Any], controls: dict[str, list[Control]],
                     on: date) -> None:
    """Instrument nodes with a 'controls' edge to each node they restrict on `on`."""
    for node, cs in sorted(controls.items()):
        for c in (c for c in cs if c.restricts):
            if c.instrument not in info:
                net.add_node(c.instrument, label=_instrument_name(snap, c.instrument), shape="box",
                             color={"background": TYPE_STYLES["Instrument"][1], "border": "#991b1b"},
                             font={"size": 12})
                info[c.instrument] = instrument_info(snap, c.instrument, c.text, on)
            eid = f"c{len(info)}"
            net.add_edge(c.instrument, node, id=eid, label="controls", dashes=[2, 4], arrows="to",
                         color={"color": "#dc2626"}, width=1.5)
            item = snap.items.get(c.item)
            info[eid] = {"title": "controls", "subtitle": "control-list item",
                         "rows": [["item", item.label if item else c.item]], "links": []}


def build_page(snap: Snapshot, sel: Selection, *, on: date, instruments: bool = False
               ) -> tuple[str, tuple[int, int], tuple[str, ...]]:
    """The whole HTML page, the (nodes, edges) drawn, and notes for the command to print."""
    import json

    from kg.views.html import asset, raw, render, script_json, vis_assets

    net, info = build_network(snap, sel, on=on, instruments=instruments)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    notes: tuple[str, ...] = ()
    if len(nodes) > PHYSICS_BUDGET:
        notes = (f"{len(nodes)} nodes are above the physics budget of {PHYSICS_BUDGET}: the layout "
                 "stabilises in few iterations and is then frozen",)
    data = {"nodes": nodes, "edges": edges, "options": json.loads(options), "info": info,
            "legend": _legend(snap, list(sel.nodes), instruments),
            "meta": {"kind": sel.kind, "focus": list(sel.focus), "freeze": len(nodes) > PHYSICS_BUDGET}}
    subtitle = (f"as of {on.isoformat()} · confidence {sel.min_confidence} or better · "
                f"{len(nodes)} nodes, {len(edges)} edges")
    js, css = vis_assets()
    page = render("graph.html", title=sel.title, subtitle=subtitle, notes=[*sel.notes, *notes],
                  data_json=raw(script_json(data)), vis_js=raw(js), vis_css=raw(css),
                  page_js=raw(asset("graph.js")), page_css=raw(asset("graph.css")))
    return page, (len(nodes), len(edges)), notes
