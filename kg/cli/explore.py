"""Commands for exploring materials and measures: `kg uses`, `kg search` and `kg responses`, thin
layers over the Python API (kg.api)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.base import ConfOpt, DataOpt, FormatOpt, JurisdictionOpt, NoCacheOpt, _fmt, _graph, app


@app.command()
def uses(name: str, data: DataOpt = None, fmt: FormatOpt = "table", min_confidence: ConfOpt = "C",
         html: Annotated[Path | None, typer.Option("--html", metavar="FILE",
                                                   help="Also write the uses as an offline bar chart.")] = None,
         no_cache: NoCacheOpt = False) -> None:
    """End uses of a material or family with their shares of consumption (year, scope, source), and how
    much of its use the dependency graph reaches."""
    from kg.cli.render import emit, note

    _fmt(fmt)
    graph = _graph(data, no_cache=no_cache)
    result = graph.uses(name, min_confidence=min_confidence)
    rows = [*result["uses"], *({**u, "reached": "(remainder)"} for u in result["unallocated"])]
    emit(result, fmt, rows=rows, title=f"End uses of {result['node']['label']} "
         f"({result['covered_percent']:g}% of consumption reached)",
         columns=[("label", "end use"), ("share_percent", "share %"), ("reference_year", "year"), ("scope", "scope"),
                  ("grade", "grade"), ("reached", "reached"), ("sources", "sources")])
    if result["note"]:
        note(f"note: {result['note']}")
    if html is not None:
        report = graph.uses_view(name, html, min_confidence=min_confidence)
        note(f"wrote {report['path']}")


@app.command()
def search(text: str, data: DataOpt = None, fmt: FormatOpt = "table",
           limit: Annotated[int, typer.Option("--limit", "-n", metavar="N", help="Show at most N matches.")] = 20,
           no_cache: NoCacheOpt = False) -> None:
    """Nodes whose names match TEXT (labels, symbols, everyday words, codes), best first, with type and id."""
    from kg.cli.render import emit

    _fmt(fmt)
    rows = _graph(data, no_cache=no_cache).search(text, limit=limit)
    emit(rows, fmt, title=f"Matches for {text!r}", columns=[("label", "label"), ("type", "type"), ("id", "id"),
                                                          ("matched", "matched name"), ("score", "score")])


@app.command()
def responses(data: DataOpt = None, fmt: FormatOpt = "table", jurisdiction: JurisdictionOpt = None,
              no_cache: NoCacheOpt = False) -> None:
    """Measures taken in answer to other measures: who answered whom, when, and the evidence."""
    from kg.cli.render import emit

    _fmt(fmt)
    result = _graph(data, no_cache=no_cache).responses(jurisdiction=jurisdiction)
    rows = [{"measure": f"{x['measure']['jurisdiction']} {x['measure']['number'] or x['measure']['id']}",
             "published": x["measure"]["published"],
             "response": f"{x['response']['jurisdiction']} {x['response']['number'] or x['response']['id']}",
             "answered": x["response"]["published"], "days": x["days_after"], "grade": x["evidence"]["grade"],
             "evidence": x["evidence"]["rationale"]} for x in result["links"]]
    emit(result, fmt, rows=rows, title="Measures and the responses to them",
         columns=[("measure", "measure"), ("published", "published"), ("response", "response"),
                  ("answered", "published"), ("days", "days after"), ("grade", "grade"), ("evidence", "evidence")])
