"""kg.sparql.query: prefixes, forms, read-only refusal, syntax errors with line and column, the same answers
on every embedded store, and how QUERY is resolved (file, cookbook name, inline text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model.errors import QueryError, UnknownNameError
from kg.sparql.prepare import ServiceRefused
from kg.sparql.query import READ_ONLY, prepare, query_text, run, sparql

STORES = ("rdflib", "oxigraph")


@pytest.fixture(scope="module")
def graphs(real_graph):
    from kg.store.load import load_graph

    return {"rdflib": real_graph, "oxigraph": load_graph(store="oxigraph")}


def test_common_prefixes_are_declared_unless_the_query_declares_them() -> None:
    plain = prepare("SELECT ?x WHERE { ?x a ekg:Material }")
    assert plain.text.startswith("PREFIX ekg: <https://w3id.org/exportkg/ont#>"), plain.text[:80]
    assert plain.form == "select"
    own = prepare("PREFIX ekg: <http://example.org/other#>\nSELECT ?x WHERE { ?x a ekg:Material }")
    assert "PREFIX ekg: <https://w3id.org" not in own.text and "PREFIX ekgr:" in own.text, own.text[:200]


@pytest.mark.parametrize(("query", "form"), [
    ("ASK { ?s ?p ?o }", "ask"), ("CONSTRUCT { ?s a ekg:Material } WHERE { ?s a ekg:Material }", "graph"),
    ("DESCRIBE ekgr:gallium", "graph"), ("# a comment\nBASE <http://x/>\nselect * { ?s ?p ?o }", "select"),
])
def test_query_forms(query: str, form: str) -> None:
    assert prepare(query).form == form, query


@pytest.mark.parametrize("update", [
    "INSERT DATA { ekgr:a ekgr:b ekgr:c }", "DELETE WHERE { ?s ?p ?o }", "LOAD <http://example.org/x.ttl>",
    "CLEAR ALL", "DROP DEFAULT", "# comment first\nPREFIX x: <http://x/> insert { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_are_refused(update: str) -> None:
    with pytest.raises(QueryError) as info:
        prepare(update)
    assert str(info.value) == READ_ONLY, info.value


def test_update_words_inside_strings_and_iris_are_not_updates(graphs) -> None:
    answer = sparql('SELECT ("INSERT DATA" AS ?x) WHERE { OPTIONAL { <http://x/DELETE> ?p ?o } }', graphs["rdflib"])
    assert [str(r[0]) for r in answer.rows] == ["INSERT DATA"], answer.rows


@pytest.mark.parametrize(("query", "where"), [
    ("SELECT ?s WHERE {\n  ?s a ekg:Material .\n  FILTER(\n}", "line 4, column 1"),
    ("SELECT ?s WHERE { ?s a ekg:Material . FILTER( }", "line 1, column 47"),  # as written, whatever is sent
    ("SELEC ?s WHERE { ?s ?p ?o }", "line 1, column 1"),
    ("SELECT ?s WHERE {\n ?s ?p ?o .\n FILTER(foo:x(?o)) }", "line 3, column 9: undefined prefix foo:"),
    ("PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ex:p bar:q }", "line 2, column 26: undefined prefix bar:"),
])
@pytest.mark.parametrize("store", STORES)
def test_syntax_errors_name_line_and_column(graphs, store: str, query: str, where: str) -> None:
    with pytest.raises(QueryError) as info:
        sparql(query, graphs[store])
    message = str(info.value)
    exact = store == "oxigraph" or "prefix" in where or "SELEC " in query  # rdflib words its own messages
    assert message.startswith("SPARQL syntax error at") and "\n" not in message, message
    assert (where if exact else "at line ") in message, message


def test_empty_query_is_refused() -> None:
    with pytest.raises(QueryError, match="empty query"):
        prepare("  # nothing\n")


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment ended by a carriage return\rSERVICE <http://example.org/> { ?s ?p ?o } }",
    "ASK { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }",
    "SELECT * WHERE { FILTER EXISTS { SERVICE SILENT <http://example.org/> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT * WHERE { OPTIONAL { service ?endpoint { ?s ?p ?o } } } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }",
])
def test_service_is_refused_on_the_parsed_algebra(query: str) -> None:
    with pytest.raises(ServiceRefused):
        prepare(query)
    assert prepare(query, allow_service=True).form in ("select", "ask", "graph")


def test_the_word_service_alone_is_no_service_clause() -> None:
    assert prepare('SELECT * WHERE { ?s rdfs:label "service" } # SERVICE <http://example.org/>').form == "select"


@pytest.mark.parametrize("store", STORES)
def test_every_form_runs_on_every_store(graphs, store: str) -> None:
    g = graphs[store]
    rows = sparql("SELECT ?label WHERE { ekgr:gallium rdfs:label ?label FILTER(LANG(?label) = 'en') }", g)
    assert rows.variables == ("label",) and [str(r[0]) for r in rows.rows] == ["gallium"], rows
    assert sparql("ASK { ekgr:gallium a ekg:Material }", g).boolean is True
    built = sparql("CONSTRUCT { ?s a ekg:Material } WHERE { ?s a ekg:Material }", g)
    assert built.form == "graph" and built.size >= 10, built.size
    described = sparql("DESCRIBE ekgr:gallium", g)
    assert described.size >= 4, described.size


@pytest.mark.parametrize("store", STORES)
def test_max_rows_cuts_and_flags(graphs, store: str) -> None:
    answer = run(prepare("SELECT ?s WHERE { ?s a ekg:ControlledItem }"), graphs[store], max_rows=3)
    assert len(answer.rows) == 3 and answer.truncated, (len(answer.rows), answer.truncated)
    whole = run(prepare("SELECT ?s WHERE { ekgr:gallium a ?s }"), graphs[store], max_rows=3)
    assert not whole.truncated, whole


def test_query_text_reads_files_cookbook_names_and_inline_text(tmp_path: Path) -> None:
    rq = tmp_path / "mine.rq"
    rq.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1", encoding="utf-8")
    assert query_text(str(rq)).startswith("SELECT *")
    assert "# title:" in query_text("list-suspended-measures")
    assert query_text("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"
    with pytest.raises(QueryError, match="query file not found"):
        query_text(str(tmp_path / "missing.rq"))
    with pytest.raises(UnknownNameError) as info:
        query_text("list-suspended-measure")
    assert "list-suspended-measures" in str(info.value), info.value


def test_params_fill_every_values_line() -> None:
    text = query_text("list-restricted-inputs", {"date": "2024-01-01"})
    assert text.count('"2024-01-01"^^xsd:date') == text.count("VALUES ?date") >= 2, text
