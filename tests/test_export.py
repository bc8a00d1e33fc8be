"""kg export: RDF formats with the full graph, GraphML/GEXF/CSV with the dependency layer, atomic files."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.model.errors import UsageError
from kg.views.export import EDGE_COLUMNS, NODE_COLUMNS, export

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_nt_export_loads_into_pyoxigraph_with_the_info_triple_count(tmp_path: Path) -> None:
    import pyoxigraph

    out = tmp_path / "graph.nt"
    code, _, err = run("export", "--format", "nt", "--out", str(out))
    assert code == 0 and "triples" in err, err
    store = pyoxigraph.Store()
    store.load(path=str(out), format=pyoxigraph.RdfFormat.N_TRIPLES)
    info = json.loads(run("info", "--format", "json")[1])
    assert len(store) == info["triples"], (len(store), info["triples"])


@pytest.mark.parametrize(("fmt", "rdf_format"), [("turtle", "TURTLE"), ("jsonld", "JSON_LD")])
def test_other_rdf_formats_hold_the_same_triples(tmp_path: Path, fmt: str, rdf_format: str, real_graph) -> None:
    import pyoxigraph

    out = tmp_path / f"graph.{fmt}"
    export(out, fmt)
    store = pyoxigraph.Store()
    store.load(path=str(out), format=getattr(pyoxigraph.RdfFormat, rdf_format))
    assert len(store) == len(real_graph), (len(store), len(real_graph))


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_formats_open_in_networkx(tmp_path: Path, fmt: str, reader, snapshot) -> None:
    from kg.analysis.convert import to_networkx

    out = tmp_path / f"deps.{fmt}"
    written = export(out, fmt)
    expected = to_networkx(snapshot)
    g = reader(out)
    assert written.files == (out,) and g.number_of_nodes() == expected.number_of_nodes(), written
    assert g.number_of_edges() == expected.number_of_edges(), (g.number_of_edges(), expected.number_of_edges())
    _, _, attrs = next(iter(g.edges(data=True)))
    assert {"relation", "grade", "sources", "statement"} <= set(attrs) and isinstance(attrs["sources"], str), attrs


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_nodes_carry_type_controls_and_status_on_the_date(tmp_path: Path, fmt: str, reader) -> None:
    before, after = tmp_path / f"before.{fmt}", tmp_path / f"after.{fmt}"
    code, _, err = run("export", "--format", fmt, "--out", str(after), "--as-of", "2023-09-01")
    assert code == 0 and "controlled on 2023-09-01" in err, err
    export(before, fmt, on=date(2023, 6, 1))
    ga_before, ga_after = reader(before).nodes["gallium"], reader(after).nodes["gallium"]
    assert ga_before["type"] == "Material" and ga_before["status"] == "none" and ga_before["restricted"] is False, \
        ga_before
    assert ga_after["status"] == "in-force" and ga_after["restricted"] is True, ga_after
    assert "mofcom-gac-2023-23" in ga_after["controls"].split("; "), ga_after
    statuses = {a["status"] for _, a in reader(after).nodes(data=True)}
    assert statuses <= {"in-force", "unverified", "none"} and "none" in statuses, statuses


def test_rdf_exports_refuse_a_date(tmp_path: Path) -> None:
    code, _, err = run("export", "--format", "turtle", "--out", str(tmp_path / "g.ttl"), "--as-of", "2025-01-01")
    assert code == 2 and "--as-of applies to graphml, gexf, csv" in err and not (tmp_path / "g.ttl").exists(), err


def test_csv_folder_has_nodes_and_edges(tmp_path: Path, snapshot) -> None:
    folder = tmp_path / "sheets"
    code, _, err = run("export", "--format", "csv", "--out", str(folder))
    with (folder / "nodes.csv").open(encoding="utf-8") as fh:
        nodes = list(csv.DictReader(fh))
    with (folder / "edges.csv").open(encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    assert code == 0 and tuple(nodes[0]) == NODE_COLUMNS and tuple(edges[0]) == EDGE_COLUMNS, err
    gallium = [e for e in edges if e["source"] == "gallium"]
    assert gallium and all(e["grade"] in "ABC" and e["statement"] and e["sources"].startswith("http")
                           for e in gallium), gallium[:2]
    assert len(edges) == snapshot.counts["dependency_edges"], (len(edges), snapshot.counts)
    by_id = {n["id"]: n for n in nodes}
    assert by_id["gallium"]["label"] == "gallium" and by_id["gallium"]["status"] in ("in-force", "unverified"), \
        by_id["gallium"]
    assert all(e["source_label"] == by_id[e["source"]]["label"] for e in edges), "edges carry ids and labels"


def test_files_are_written_atomically_and_readable(tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    out.write_text("old", encoding="utf-8")
    export(out, "turtle")
    assert out.read_text(encoding="utf-8").startswith("@prefix") and out.stat().st_mode & 0o044, oct(out.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"], list(tmp_path.iterdir())


def test_bad_format_and_bad_out(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown export format"):
        export(tmp_path / "x", "yaml")
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    code, _, err = run("export", "--format", "csv", "--out", str(a_file))
    assert code == 2 and "not a folder" in err, err
    code, _, err = run("export", "--format", "nt", "--out", str(a_file / "sub" / "g.nt"))
    assert code == 2 and "cannot write" in err and len(err.strip().splitlines()) == 1, err


def test_out_dash_is_stdout_and_special_files_are_refused(tmp_path: Path) -> None:
    code, out, err = run("export", "--format", "nt", "--out", "-")
    assert code == 0 and out.startswith("<") and out.count("\n") > 1000, err
    link = tmp_path / "stdout"
    link.symlink_to("/dev/null")
    code, _, err = run("export", "--format", "nt", "--out", str(link))
    assert code == 2 and "not a regular file" in err and link.is_symlink(), err
