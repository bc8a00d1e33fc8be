"""The SPARQL commands through CliRunner: kg sparql (formats, stores, params, errors), kg queries, kg push."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
SELECT = "SELECT ?m WHERE { ?m a ekg:Material ; ekg:symbol 'Ga' }"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("fmt", "check"), [
    ("json", lambda out: json.loads(out)["results"]["bindings"][0]["m"]["value"].endswith("/gallium")),
    ("csv", lambda out: list(csv.reader(io.StringIO(out)))[1] == ["https://w3id.org/exportkg/id/gallium"]),
    ("tsv", lambda out: out.splitlines() == ["?m", "<https://w3id.org/exportkg/id/gallium>"]),
    ("xml", lambda out: "<uri>https://w3id.org/exportkg/id/gallium</uri>" in out),
    ("table", lambda out: "ekgr:gallium" in out),
])
def test_select_in_every_results_format(fmt: str, check) -> None:
    code, out, err = run("sparql", SELECT, "--format", fmt)
    assert code == 0 and check(out), (code, out, err)


@pytest.mark.parametrize(("fmt", "parser"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_graph_results(fmt: str, parser: str) -> None:
    code, out, err = run("sparql", "CONSTRUCT { ?m a ekg:Material } WHERE { ?m a ekg:Material }", "-f", fmt)
    assert code == 0 and len(Graph().parse(data=out, format=parser)) >= 10, (code, err, out[:200])


def test_oxigraph_store_gives_the_same_rows() -> None:
    query = "SELECT ?i WHERE { ?i a ekg:ControlledItem ; ekg:concerns ekgr:gallium } ORDER BY ?i"
    _, rdflib_out, _ = run("sparql", query, "-f", "csv")
    code, ox_out, err = run("sparql", query, "-f", "csv", "--store", "oxigraph")
    assert code == 0 and ox_out == rdflib_out and ox_out.count("\n") > 3, (err, ox_out)


def test_persisted_oxigraph_store_is_reused_and_reloaded_when_data_change(tmp_path: Path) -> None:
    store = tmp_path / "store"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    code, first, err = run("sparql", query, "-f", "csv", "--store", "oxigraph", "--store-path", str(store))
    assert code == 0 and (store / ".exportkg-sources").is_file(), err
    again = run("sparql", query, "-f", "csv", "--store", "oxigraph", "--store-path", str(store))[1]
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://example.org/a> <https://example.org/b> 'c' .\n", encoding="utf-8")
    more = run("sparql", query, "-f", "csv", "--store", "oxigraph", "--store-path", str(store), "--data", str(extra))[1]
    n = [int(out.split()[-1]) for out in (first, again, more)]
    assert n[0] == n[1] and n[2] == n[0] + 1, n


def test_store_path_needs_oxigraph(tmp_path: Path) -> None:
    code, _, err = run("sparql", SELECT, "--store", "rdflib", "--store-path", str(tmp_path))
    assert code == 1 and "needs --store oxigraph" in err, err


def test_cookbook_query_by_name_with_param() -> None:
    code, out, err = run("sparql", "find-items-by-hs-code", "--param", "hs=282560", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and all(r["code"].startswith("282560") for r in rows), (err, rows[:2])


@pytest.mark.parametrize(("args", "needle"), [
    (("sparql", "SELECT ?s WHERE { ?s ?p "), "SPARQL syntax error at line 1"),
    (("sparql", "INSERT DATA { ekgr:a ekgr:b ekgr:c }"), "read-only"),
    (("sparql", "DELETE WHERE { ?s ?p ?o }", "--store", "oxigraph"), "read-only"),
    (("sparql", SELECT, "-f", "turtle"), "does not suit SELECT"),
    (("sparql", "DESCRIBE ekgr:gallium", "-f", "csv"), "does not suit CONSTRUCT"),
    (("sparql", "list-restricted-inputs", "-p", "date=2025-02-30"), "invalid date"),
    (("sparql", "list-restricted-inputs", "-p", "nodate"), "NAME=VALUE"),
    (("sparql", SELECT, "-p", "date=2025-01-01"), "no one-line"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], needle: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1, (code, err, out)


def test_unknown_cookbook_name_suggests() -> None:
    code, _, err = run("sparql", "controls-in-force")
    assert code == 1 and "did you mean" in err and "list-controls-in-force" in err, err


def test_no_traceback_from_the_console_script() -> None:
    proc = subprocess.run([sys.executable, "-m", "kg", "sparql", "SELECT * WHERE { FILTER( }"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("error: SPARQL syntax error at line 1"), proc.stderr


def test_queries_lists_prints_and_documents() -> None:
    code, out, _ = run("queries", "--format", "json")
    names = {q["name"] for q in json.loads(out)}
    assert code == 0 and "find-exposed-products" in names and len(names) >= 16, names
    code, out, _ = run("queries", "find-exposed-products")
    assert code == 0 and out.startswith("# title: Products exposed"), out[:80]
    code, out, _ = run("queries", "--format", "markdown")
    assert code == 0 and out.startswith("# Query cookbook"), out[:40]
    code, _, err = run("queries", "--format", "yaml")
    assert code == 2 and "unknown format" in err, err


def test_push_to_an_unreachable_store_is_one_line() -> None:
    code, _, err = run("push", "--endpoint", "http://127.0.0.1:9/store")
    assert code == 1 and "cannot reach" in err and len(err.strip().splitlines()) == 1, err
    code, _, err = run("sparql", SELECT, "--endpoint", "ftp://example.org/sparql")
    assert code == 1 and "not an http(s) URL" in err, err


def test_query_unsuited_to_the_store_runs_on_oxigraph_with_a_note() -> None:
    code, out, err = run("sparql", "status-on-date", "--store", "rdflib", "-f", "csv", "--param", "on=2026-01-01")
    assert code == 0 and "running it on oxigraph" in err, err
    assert "2026-01-01,https://w3id.org/exportkg/id/mofcom-2024-46,partly-suspended," in out, out[:400]


def test_table_cells_are_printed_as_they_are() -> None:
    """Cells are plain text: neither rich markup nor emoji codes are interpreted."""
    code, out, err = run("sparql", 'SELECT ?x WHERE { BIND ("[bold]x[/bold] :smile: a\\\\" AS ?x) }')
    assert code == 0 and "[bold]x[/bold] :smile: a\\" in out, (out, err)


def test_piped_tables_keep_one_line_per_row() -> None:
    """Piped or redirected, a table is plain aligned text: a header, a rule, then one line per row, however
    long the cells (so grep and sort see whole rows)."""
    code, out, err = run("sparql", "list-dependency-edges")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["subject", "relation", "object", "edge", "grade", "sources"], lines[:2]
    assert set(lines[1].replace(" ", "")) == {"-"}
    rows = int(err.split()[0])
    assert len(lines) == rows + 2 and rows > 500, (len(lines), err)
    edge_column = lines[1].split("  ").index("----")
    starts = {len(line) - len(line.lstrip()) for line in lines}
    assert starts == {0} and edge_column == 3


def test_plain_table_aligns_wide_characters_and_flattens_line_breaks() -> None:
    from kg.cli.render import plain_table

    text = plain_table([["镓", "a\nb"], ["gallium", "c"]], ["name", "note"], title="Title")
    assert text.splitlines() == ["Title", "name     note", "-------  ----", "镓       a b", "gallium  c"]
    assert plain_table([], []) == ""


def test_terminal_tables_are_drawn_by_rich(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from kg.cli import render

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    render.emit([{"a": "x"}], "table", columns=[("a", "A")])
    assert "│ x │" in capsys.readouterr().out
