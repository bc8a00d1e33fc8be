"""`kg export`: the full graph in an RDF format, or the dependency layer for Gephi, yEd and spreadsheets.

RDF formats serialise everything that was loaded (ontology, data, --data). The network formats take the
dependency layer of the compiled snapshot through kg.analysis.convert.to_networkx, with each node's
control status on a date (`as_of`): `status` ("in-force", "unverified" or "none"), `restricted` (a
boolean, for colouring in Gephi) and `controls` (the instruments). GraphML and GEXF suit graph tools
(list attributes joined into strings, since neither format has lists); csv writes a folder with
nodes.csv and edges.csv, both carrying ids and labels. Every file is written atomically
(kg.store.files.write_atomic).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kg.analysis.controls import Coverage, restricted
from kg.model.errors import UsageError
from kg.store.cache import get_snapshot
from kg.store.files import write_atomic

if TYPE_CHECKING:
    import networkx as nx

    from kg.model.snapshot import Snapshot

RDF_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}
NETWORK_FORMATS = ("graphml", "gexf", "csv")
FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS)
SEP = "; "  # joins list attributes (sources) in GraphML, GEXF and CSV

NODE_COLUMNS = ("id", "label", "type", "status", "restricted", "controls", "iri")
EDGE_COLUMNS = ("source", "source_label", "relation", "target", "target_label", "grade", "statement", "sources")


def _save(path: Path, data: bytes) -> None:
    """write_atomic with the permissions a normal file would get (0666 minus the umask); `-` is stdout.
    A special file (/dev/stdout, a FIFO) is refused: the atomic rename would replace it."""
    import os
    import sys

    if str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if (path.exists() or path.is_symlink()) and not path.resolve().is_file():
        raise UsageError(f"--out {path} is not a regular file; give a file name, or - for stdout")
    umask = os.umask(0o022)
    os.umask(umask)
    try:  # a link stays a link: the file it points to gets the new content
        write_atomic(path.resolve() if path.is_symlink() else path, data, mode=0o666 & ~umask)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


@dataclass(frozen=True, slots=True)
class Written:
    """What an export wrote: the files, a one-line summary and the counts behind it."""

    files: tuple[Path, ...]
    summary: str
    counts: dict[str, int] = field(default_factory=dict)


def _rdf(out: Path, fmt: str, extra: tuple[Path, ...]) -> Written:
    from kg.model.namespaces import PREFIXES
    from kg.store.load import load_graph

    graph = load_graph(extra)
    if fmt == "nt":  # sorted lines: the same data gives the same file
        lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        data = b"".join(sorted(line for line in lines if line.strip()))
    elif fmt == "jsonld":
        data = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True, encoding="utf-8")
    else:
        data = graph.serialize(format=RDF_FORMATS[fmt], encoding="utf-8")
    _save(out, data)
    return Written((out,), f"{len(graph)} triples", {"triples": len(graph)})


def _status(covs: list[Coverage]) -> str:
    """'in-force' if any instrument restricts the node on the date, 'unverified' if only unverified
    ones cover it, 'none' otherwise (the values `kg impact` shows as `restricted`, with 'none' for '')."""
    if any(c.status.status != "unverified" for c in covs):
        return "in-force"
    return "unverified" if covs else "none"


def dependency_network(snapshot: Snapshot, *, on: date | None = None) -> nx.MultiDiGraph:
    """The dependency layer as a networkx graph with plain attributes (sources joined), each node
    with its control status, restricted flag and instruments on `on` (default: today)."""
    from kg.analysis.convert import to_networkx

    on = on or date.today()
    g = to_networkx(snapshot)
    g.graph["as_of"] = on.isoformat()
    covered = restricted(snapshot, on)
    for node, attrs in g.nodes(data=True):
        covs = covered.get(node, [])
        attrs["status"] = _status(covs)
        attrs["restricted"] = bool(covs)
        attrs["controls"] = SEP.join(dict.fromkeys(c.instrument for c in covs))
    for _, _, attrs in g.edges(data=True):
        attrs["sources"] = SEP.join(attrs.get("sources") or ())
        attrs["statement"] = attrs.get("statement") or ""
    return g


def _graphml(g: nx.MultiDiGraph) -> bytes:
    import networkx as nx

    return ("\n".join(nx.generate_graphml(g, encoding="utf-8", prettyprint=True)) + "\n").encode()


def _gexf(g: nx.MultiDiGraph) -> bytes:
    import networkx as nx

    for node, attrs in g.nodes(data=True):
        attrs.setdefault("label", node)
    return ("\n".join(nx.generate_gexf(g, encoding="utf-8", prettyprint=True)) + "\n").encode()


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _csv_folder(out: Path, g: nx.MultiDiGraph) -> tuple[Path, ...]:
    if str(out) == "-" or (out.exists() and not out.is_dir()):
        raise UsageError(f"--out {out} is not a folder; csv export writes nodes.csv and edges.csv into one")
    labels = {n: a.get("label", n) for n, a in g.nodes(data=True)}
    nodes = sorted((n, a.get("label", ""), a.get("type", ""), a["status"], "yes" if a["restricted"] else "",
                    a["controls"], a.get("iri", "")) for n, a in g.nodes(data=True))
    edges = sorted((s, labels[s], a["relation"], t, labels[t], a["grade"], a["statement"], a["sources"])
                   for s, t, a in g.edges(data=True))
    _save(out / "nodes.csv", _table(NODE_COLUMNS, nodes))  # type: ignore[arg-type]
    _save(out / "edges.csv", _table(EDGE_COLUMNS, edges))  # type: ignore[arg-type]
    return (out / "nodes.csv", out / "edges.csv")


_NETWORK_WRITERS: dict[str, Callable[[nx.MultiDiGraph], bytes]] = {"graphml": _graphml, "gexf": _gexf}


def export(out: Path, fmt: str, *, extra: tuple[Path, ...] = (), snapshot: Snapshot | None = None,
           on: date | None = None) -> Written:
    """Write the graph (RDF formats: the sources plus `extra`) or its dependency layer (graphml, gexf,
    csv: `snapshot`, by default compiled from the sources plus `extra`, with the status on `on`)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if fmt in RDF_FORMATS:
        if on is not None:
            raise UsageError(f"--as-of applies to {', '.join(NETWORK_FORMATS)} exports; {fmt} holds the dated "
                             "events themselves")
        return _rdf(out, fmt, extra)
    if snapshot is None:
        snapshot = get_snapshot(extra)
    g = dependency_network(snapshot, on=on)
    counts = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
              "restricted": sum(1 for _, a in g.nodes(data=True) if a["restricted"])}
    summary = (f"{counts['nodes']} nodes ({counts['restricted']} controlled on {g.graph['as_of']}), "
               f"{counts['edges']} edges")
    files = _csv_folder(out, g) if fmt == "csv" else (out,)
    if fmt != "csv":
        _save(out, _NETWORK_WRITERS[fmt](g))
    return Written(files, summary, counts)
