"""A real `oxigraph serve` on 127.0.0.1: kg push loads it, every cookbook query gives the same rows
there as in the embedded store, and the networkx commands fetch their layer from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from answers import table
from servers import free_port, oxigraph_binary, running
from typer.testing import CliRunner

from kg.cli import app
from kg.sparql.cookbook import CookbookQuery, cookbook
from kg.sparql.query import prepare, run

pytestmark = pytest.mark.server
runner = CliRunner()
QUERIES = cookbook()


def kg(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory):
    """(query URL, Graph Store URL) of a fresh server holding the pushed data."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.fail("the oxigraph CLI is missing: pip install oxigraph (a runtime dependency of exportkg)")
    folder = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"]
    with running(cmd, f"{base}/query?query=ASK%7B%7D", folder / "oxigraph.log"):
        code, _, err = kg("push", "--endpoint", f"{base}/store")
        assert code == 0, err
        yield f"{base}/query", f"{base}/store", err


@pytest.fixture(scope="module")
def embedded(real_graph):
    from kg.store.load import load_graph

    return {"rdflib": real_graph, "oxigraph": load_graph(store="oxigraph")}


def test_push_sends_every_triple(oxigraph, real_graph) -> None:
    query_url, _, note = oxigraph
    count = run(prepare("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), query_url).rows[0][0]
    assert int(count) == len(real_graph) and str(len(real_graph)) in note, (count, len(real_graph), note)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_cookbook_query_gives_the_same_rows_on_the_server(query: CookbookQuery, oxigraph, embedded) -> None:
    prepared = prepare(query.text)
    local = table(run(prepared, embedded[query.stores[0]]))
    remote = table(run(prepared, oxigraph[0]))
    assert remote[0] == local[0], (remote[0], local[0])
    assert remote[1] == local[1], f"{query.name}: server {remote[1][:3]} vs embedded {local[1][:3]}"


def test_sparql_command_against_the_endpoint(oxigraph) -> None:
    code, out, err = kg("sparql", "DESCRIBE ekgr:gallium", "--endpoint", oxigraph[0], "-f", "nt")
    assert code == 0 and "<https://w3id.org/exportkg/id/gallium>" in out, err
    code, _, err = kg("sparql", "INSERT DATA { ekgr:a ekgr:b ekgr:c }", "--endpoint", oxigraph[0])
    assert code == 2 and "read-only" in err, err


def test_impact_over_the_endpoint_equals_the_embedded_answer(oxigraph) -> None:
    code, remote, err = kg("impact", "gallium", "--endpoint", oxigraph[0], "--format", "json")
    local = kg("impact", "gallium", "--format", "json")[1]
    assert code == 0 and json.loads(remote) == json.loads(local), err
    assert len(json.loads(remote)["affected"]) > 5


def test_append_into_a_named_graph_keeps_the_default_graph(oxigraph, tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://example.org/s> <https://example.org/p> 'o' .\n", encoding="utf-8")
    code, _, err = kg("push", "--endpoint", oxigraph[1], "--data", str(extra), "--graph", "https://example.org/g",
                      "--append")
    assert code == 0 and "added" in err, err
    named = run(prepare("ASK { GRAPH <https://example.org/g> { <https://example.org/s> ?p ?o } }"), oxigraph[0])
    assert named.boolean is True


def test_a_persisted_store_can_be_served_by_oxigraph_itself(tmp_path: Path) -> None:
    binary = oxigraph_binary()
    assert binary is not None
    store = tmp_path / "db"
    code, out, err = kg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "csv", "--store", "oxigraph",
                        "--store-path", str(store))
    assert code == 0, err
    port = free_port()
    query_url = f"http://127.0.0.1:{port}/query"
    cmd = [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
    with running(cmd, f"{query_url}?query=ASK%7B%7D", tmp_path / "ro.log"):
        served = run(prepare("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), query_url).rows[0][0]
    assert int(served) == int(out.split()[-1]) > 1000, (served, out)
