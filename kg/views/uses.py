"""`kg uses --html`: the end uses of a material as a script-free bar chart (inline SVG), one offline file."""

from __future__ import annotations

from typing import Any

from kg.views.html import render

LABEL_WIDTH, BAR_MAX, ROW = 300, 520, 28


def _bars(rows: list[dict[str, Any]], unallocated: list[dict[str, Any]]) -> list[dict[str, Any]]:
    bars = []
    for i, row in enumerate([*rows, *unallocated]):
        pct = row.get("share_percent")
        reached = row.get("reached", False)
        bars.append({
            "y": i * ROW, "label": row["label"], "w": round(BAR_MAX * (pct or 0) / 100, 1),
            "value": f"{pct:g}%" if pct is not None else "share unknown", "reached": reached or "id" not in row,
            "colour": "#2563eb" if reached else ("#9ca3af" if "id" not in row else "#f59e0b"),
            "tip": f"{row['label']}: {pct if pct is not None else '?'}% ({row.get('reference_year') or 'year ?'}, "
                   f"{row.get('scope', '')})",
        })
    return bars


def build_uses_page(answer: dict[str, Any]) -> str:
    """The page for one `uses` answer: bars for the basis table's shares (orange: a use the graph does
    not reach; grey: the remainder), then the table with years, scopes, grades and sources."""
    node = answer["node"]
    basis = answer.get("basis") or {}
    bars = _bars(answer["uses"], answer["unallocated"])
    rows = [{"label": r["label"], "share": f"{r['share_percent']:g}%" if r["share_percent"] is not None else "?",
             "year": r.get("reference_year") or "", "scope": r.get("scope", ""), "grade": r.get("grade") or "",
             "reached": "yes" if r.get("reached") else "no", "sources": " ; ".join(r.get("sources", []))}
            for r in answer["uses"]]
    subtitle = (f"{answer['covered_percent']:g}% of consumption reached in the graph; basis: "
                f"{basis.get('scope', '?')} {basis.get('reference_year') or ''} ({basis.get('grade') or '?'})"
                if basis else "no consumption shares recorded")
    return render("uses.html", title=f"End uses of {node['label']}", subtitle=subtitle, bars=bars, rows=rows,
                  note=answer.get("note") or "", width=LABEL_WIDTH + BAR_MAX + 120,
                  height=max(ROW, len(bars) * ROW), label_width=LABEL_WIDTH)
