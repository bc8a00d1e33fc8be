"""The query cookbook: every query against its golden rows on every embedded store it suits, the
generated docs/queries.md, the shared status blocks, agreement with the Python status engine, and
--param substitution.

Regenerate the golden files and docs/queries.md after a data change with
    KG_UPDATE_GOLDEN=1 pytest tests/test_cookbook.py
and review the diff: every changed row is a changed answer.
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from answers import table

from kg.model.errors import DataError, UsageError
from kg.sparql.cookbook import CookbookQuery, bind, cookbook, markdown, read_query, term_for
from kg.sparql.query import prepare, query_text, run, sparql

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "queries"
UPDATE = os.environ.get("KG_UPDATE_GOLDEN") == "1"
QUERIES = cookbook()


def write_golden(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")


def read_golden(path: Path) -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return header, sorted(rows)


@pytest.fixture(scope="module")
def graphs(real_graph):
    from kg.store.load import load_graph

    return {"rdflib": real_graph, "oxigraph": load_graph(store="oxigraph")}


def test_cookbook_has_the_queries_researchers_asked_for() -> None:
    names = {q.name for q in QUERIES}
    wanted = {"list-controls-in-force", "list-instrument-items", "list-us-controlled-materials",
              "list-suspended-measures", "find-items-by-hs-code", "find-exposed-products",
              "rank-sectors-by-restricted-inputs", "list-c-grade-edges", "show-edge-provenance",
              "find-overseas-plants-on-restricted-technology", "list-china-processing-shares",
              "list-family-members", "find-family-impact", "list-use-shares", "list-responses",
              "count-entity-listings-by-jurisdiction", "find-cross-regime-goods"}
    assert len(QUERIES) >= 16 and wanted <= names, sorted(wanted - names)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_cookbook_query_gives_its_golden_rows(query: CookbookQuery, graphs) -> None:
    prepared = prepare(query.text)
    results = {store: table(run(prepared, graphs[store])) for store in query.stores}
    first_store, first = next(iter(results.items()))
    for store, got in results.items():
        assert got == first, f"{query.name}: {store} differs from {first_store}: {got[1][:3]} vs {first[1][:3]}"
    path = GOLDEN / f"{query.name}.csv"
    if UPDATE:
        write_golden(path, *first)
    assert path.is_file(), f"no golden file {path}; run KG_UPDATE_GOLDEN=1 pytest {__file__}"
    expected = read_golden(path)
    assert first[0] == expected[0], f"{query.name} columns {first[0]} != golden {expected[0]}"
    missing = [r for r in expected[1] if r not in first[1]]
    extra = [r for r in first[1] if r not in expected[1]]
    assert not missing and not extra, f"{query.name}: missing {missing[:3]}, unexpected {extra[:3]}"


def test_docs_queries_md_is_generated_from_the_headers() -> None:
    path = ROOT / "docs" / "queries.md"
    text = markdown(QUERIES)
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.is_file() and path.read_text(encoding="utf-8") == text, (
        "docs/queries.md is out of date: kg queries --format markdown > docs/queries.md")


def _blocks(text: str, name: str) -> list[str]:
    pattern = re.compile(rf"# >>> {name}\b.*?# <<< {name}", re.S)
    return ["\n".join(line.strip() for line in m.group().splitlines()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", ["restricted", "applies"])
def test_shared_status_blocks_are_identical_copies(name: str) -> None:
    copies = {q.name: b for q in QUERIES for b in _blocks(q.text, name)}
    assert len(copies) >= 2 and len(set(copies.values())) == 1, sorted(copies)


DATES = ["2023-07-15", "2023-08-01", "2024-12-05", "2025-06-01", "2025-11-08", "2025-11-10", "2026-01-07",
         "2026-12-01"]


@pytest.mark.parametrize("day", DATES)
def test_restricted_nodes_agree_with_the_status_engine(day: str, graphs, snapshot) -> None:
    from kg.analysis.controls import restricted

    answer = sparql(query_text("list-restricted-inputs", {"date": day}), graphs["oxigraph"])
    got = {(str(r[0]).rsplit("/", 1)[1], str(r[3]).rsplit("/", 1)[1]) for r in answer.rows}
    expected = {(n, c.instrument) for n, covs in restricted(snapshot, date.fromisoformat(day)).items() for c in covs}
    assert got == expected, (sorted(got - expected)[:5], sorted(expected - got)[:5])


@pytest.mark.parametrize("day", DATES)
def test_controls_in_force_agree_with_kg_controls(day: str, graphs, snapshot) -> None:
    from kg.analysis.controls import list_controls
    from kg.analysis.status import ACTIVE

    answer = sparql(query_text("list-controls-in-force", {"date": day}), graphs["oxigraph"])
    got = {(str(r[0]).rsplit("/", 1)[1], str(r[3])) for r in answer.rows}
    expected = set()
    for row in list_controls(snapshot, date.fromisoformat(day)):
        effective = row["projected_status"] if row["status"] == "unverified" else row["status"]
        if effective in ACTIVE:
            expected.add((row["id"], effective))
    assert got == expected, (sorted(got - expected), sorted(expected - got))


def test_every_declared_param_has_a_values_line() -> None:
    for q in QUERIES:
        for p in q.params:
            assert f"VALUES ?{p.name}" in q.text and p.default, (q.name, p)


def test_header_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "list-things.rq"
    bad.write_text("# title: Things\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"list-things\.rq.*description"):
        read_query(bad)
    bad.write_text("# title: T\n# description: D\n# param day: a date\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"VALUES \?day"):
        read_query(bad)


@pytest.mark.parametrize(("default", "value", "term"), [
    ('"2025-06-01"^^xsd:date', "2024-01-31", '"2024-01-31"^^xsd:date'),
    ("ekgr:mofcom-gac-2023-23", "mofcom-2024-46", "ekgr:mofcom-2024-46"),
    ("ekgr:gallium", "ekg:Material", "ekg:Material"),
    ("ekgr:gallium", "https://example.org/x", "<https://example.org/x>"),
    ('"E004"', 'E"1', '"E\\"1"'),
    ("4", "12", "12"),
])
def test_param_values_become_terms_of_the_default_kind(default: str, value: str, term: str) -> None:
    assert term_for(default, "p", value) == term


@pytest.mark.parametrize(("default", "value"), [
    ('"2025-06-01"^^xsd:date', "2025-13-01"), ("ekgr:gallium", "a b"), ("ekgr:gallium", "x> } INSERT"),
    ("4", "four"),
])
def test_bad_param_values_are_usage_errors(default: str, value: str) -> None:
    with pytest.raises(UsageError):
        term_for(default, "p", value)


def test_bind_needs_a_values_line() -> None:
    with pytest.raises(UsageError, match="VALUES"):
        bind("SELECT * WHERE { ?s ?p ?o }", {"date": "2025-01-01"})
