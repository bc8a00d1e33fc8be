"""Terminal rendering of one instrument (`kg control ID`) with rich."""

from __future__ import annotations

from typing import Any


def print_control(detail: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{detail['title']}[/bold]  ({detail['id']})", markup=True, highlight=False)
    facts = [
        ("number", " / ".join(x for x in (detail["instrument"], detail["number_zh"]) if x) or "unknown"),
        ("Chinese title", detail["title_zh"]), ("issued by", ", ".join(detail["authorities"])),
        ("kind", ", ".join(detail["kinds"])), ("destinations", ", ".join(detail["destinations"])),
        ("end uses", ", ".join(detail["end_uses"])), ("announced", detail["announced"]),
        ("effective", detail["effective"]),
        ("status", detail["status"] + (f" (projected: {detail['projected_status']})"
                                       if detail["projected_status"] else "")),
        ("verified through", detail["verified_through"]), ("official text", detail["official_url"]),
        ("note", detail["note"]), ("summary", detail["comment"]),
    ]
    for key, value in facts:
        if value:
            console.print(f"[bold]{key}:[/bold] {value}", highlight=False)
    if detail["provisions"]:
        console.print("[bold]provisions:[/bold] " + "; ".join(
            f"{p['label']} ({p['status']})" for p in detail["provisions"]), highlight=False)
    _items(console, detail["item_details"], Table)
    history = Table(title="Status history", header_style="bold")
    for col in ("date", "event", "resource", "until", "by / into"):
        history.add_column(col, overflow="fold")
    for h in detail["history"]:
        history.add_row(h["date"], h["event"], h["resource"], h["until"] or "", h["caused_by"] or h["into"] or "")
    console.print(history)
    if detail["related"]:
        console.print("[bold]related:[/bold] " + "; ".join(f"{r['relation']} {r['id']}" for r in detail["related"]),
                      highlight=False)
    console.print("[bold]sources:[/bold]", highlight=False)
    for url in detail["sources"]:
        console.print(f"  {url}", highlight=False, soft_wrap=True)


def _items(console: Any, items: list[dict[str, Any]], table_cls: Any) -> None:
    if not items:
        return
    table = table_cls(title="Items", header_style="bold")
    for col in ("item", "concerns", "customs / tariff codes", "HS6", "control codes", "flags"):
        table.add_column(col, overflow="fold")
    for it in items:
        flags = []
        if it["unconfirmed"]:
            flags.append("unconfirmed")
        if it["disputed_codes"]:
            flags.append("disputed: " + ", ".join(it["disputed_codes"]))
        indent = "  " if it["parent"] else ""
        table.add_row(indent + it["label"], ", ".join(it["concerns"]),
                      ", ".join(it["customs_codes"] + it["tariff_lines"]), ", ".join(it["hs_codes"]),
                      ", ".join(it["control_codes"] + it["catalogue_codes"]), "; ".join(flags))
    console.print(table)
