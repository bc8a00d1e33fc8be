"""The synthetic generator and the benchmark's quick mode (no timed assertions: speed is benchmarked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.bench.generate import BENCH, HUB, generate, parse_count
from kg.cli import app
from kg.cli.bench import bench_app
from kg.model.namespaces import EKG, PREFIXES

RELATIONS = ("processedInto", "componentOf", "usedIn", "belongsToSector")
PREFIX = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("ekg", "rdf", "rdfs", "dcterms", "schema"))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ox.Store]:
    path = tmp_path_factory.mktemp("gen") / "g.ttl"
    gen = generate(path, triples=5000, seed=7)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(store) == gen.triples, f"reported {gen.triples}, parsed {len(store)}"
    return path, store


def _rows(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(store.query(PREFIX + query))  # type: ignore[arg-type]


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a, b, c = (generate(tmp_path / f"{name}.ttl", triples=3000, seed=seed)
               for name, seed in (("a", 3), ("b", 3), ("c", 4)))
    assert a.path.read_bytes() == b.path.read_bytes()
    assert a.path.read_bytes() != c.path.read_bytes()
    assert not list(tmp_path.glob(".*.tmp")), "temporary files left behind"


@pytest.mark.parametrize("n", [2_000, 10_000, 50_000])
def test_about_n_triples(tmp_path: Path, n: int) -> None:
    gen = generate(tmp_path / "g.ttl", triples=n)
    store = ox.Store()
    store.load(path=str(gen.path), format=ox.RdfFormat.TURTLE)
    assert abs(len(store) - n) <= 0.1 * n, f"asked {n}, got {len(store)}"
    assert len(store) == gen.triples


def test_every_edge_has_one_sourced_graded_statement(small: tuple[Path, ox.Store]) -> None:
    _, store = small
    rels = " ".join(f"ekg:{r}" for r in RELATIONS)
    missing = _rows(store, f"""SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {rels} }} ?s ?p ?o .
        FILTER NOT EXISTS {{ ?st a ekg:DependencyStatement ; rdf:subject ?s ; rdf:predicate ?p ;
            rdf:object ?o ; dcterms:identifier ?id ; ekg:confidence ?g ; dcterms:source ?src .
            ?src schema:url ?url }} }}""")
    assert missing == [], f"edges without a statement: {missing[:3]}"
    (edges,) = _rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {rels} }} ?s ?p ?o }}")
    (statements,) = _rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?st a ekg:DependencyStatement }")
    assert edges["n"] == statements["n"], f"{edges['n']} edges vs {statements['n']} statements"


def test_every_node_typed_and_labelled_and_layered(small: tuple[Path, ox.Store]) -> None:
    _, store = small
    untyped = _rows(store, "SELECT DISTINCT ?n WHERE { { ?n ?p ?x } UNION { ?x ?p ?n } "
                           f"FILTER(isIRI(?n) && STRSTARTS(STR(?n), '{BENCH}')) "
                           "FILTER NOT EXISTS { ?n a ?t } }")
    assert untyped == [], f"untyped: {untyped[:3]}"
    unlabelled = _rows(store, "SELECT ?n WHERE { VALUES ?t { ekg:Material ekg:ProcessedForm ekg:Component "
                              "ekg:Product ekg:Sector } ?n a ?t FILTER NOT EXISTS { ?n rdfs:label ?l } }")
    assert unlabelled == [], f"unlabelled: {unlabelled[:3]}"
    types = {str(r["t"].value).removeprefix(EKG): int(r["n"].value) for r in _rows(  # type: ignore[union-attr]
        store, f"SELECT ?t (COUNT(?n) AS ?n) WHERE {{ ?n a ?t FILTER(STRSTARTS(STR(?n), '{BENCH}')) }} "
               "GROUP BY ?t")}
    for cls in ("Material", "ProcessedForm", "Component", "Product", "Sector", "SourceDocument",
                "DependencyStatement"):
        assert types.get(cls, 0) > 0, f"no {cls} in {types}"


def test_hub_has_the_most_direct_consumers_and_reaches_most(small: tuple[Path, ox.Store]) -> None:
    _, store = small
    rels = "|".join(f"ekg:{r}" for r in RELATIONS)

    def by_material(path: str) -> dict[int, int]:
        rows = _rows(store, "SELECT ?m (COUNT(DISTINCT ?x) AS ?n) "
                            f"WHERE {{ ?m a ekg:Material . ?m {path} ?x }} GROUP BY ?m")
        return {int(str(r["m"].value).rsplit("-", 1)[1]): int(r["n"].value) for r in rows}  # type: ignore[union-attr]

    direct, reach = by_material(f"({rels})"), by_material(f"({rels})+")
    assert max(direct, key=lambda k: direct[k]) == 0, f"direct consumers by material: {direct}"
    assert reach[0] >= 0.9 * max(reach.values()), f"downstream nodes by material: {reach}"


def test_loads_with_data_and_impact_answers(small: tuple[Path, ox.Store], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path, store = small
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(app, ["impact", HUB, "--data", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    affected = json.loads(result.stdout)["affected"]
    rels = "|".join(f"ekg:{r}" for r in RELATIONS)
    expected = {str(r["x"].value).removeprefix(BENCH)  # type: ignore[union-attr]
                for r in _rows(store, f"SELECT DISTINCT ?x WHERE {{ <{BENCH}{HUB}> ({rels})+ ?x }}")}
    assert affected, "impact of the hub is empty"
    assert {a["id"] for a in affected} == expected
    assert {a["type"] for a in affected} >= {"ProcessedForm", "Component", "Product", "Sector"}


@pytest.mark.parametrize(("text", "n"), [("10k", 10_000), ("1M", 1_000_000), ("2500", 2500), ("1.5k", 1500)])
def test_parse_count(text: str, n: int) -> None:
    assert parse_count(text) == n


def test_generate_command(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "g.ttl"
    args = ["generate", "--triples", "2k", "--out", str(out), "--seed", "2"]
    result = CliRunner().invoke(bench_app, args)
    assert result.exit_code == 0, result.output
    assert out.exists() and "material-0" in result.output
    bad = CliRunner().invoke(bench_app, ["generate", "--triples", "lots", "--out", str(out)])
    assert bad.exit_code != 0


def test_registered_as_kg_bench() -> None:
    """kg.cli.bench adds `bench` to the main app (in a child process: the app here stays unchanged)."""
    code = "import sys, kg.cli.bench; from kg.cli import main; sys.argv = ['kg', 'bench', '--help']; main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert all(cmd in done.stdout for cmd in ("generate", "run", "report")), done.stdout


def test_quick_benchmark_end_to_end(tmp_path: Path) -> None:
    """Every section at a tiny size, through `kg bench run`; checks the JSON and page, not the speed."""
    out, docs = tmp_path / "results" / "latest.json", tmp_path / "performance.md"
    result = CliRunner().invoke(bench_app, [
        "run", "--sizes", "2k", "--repeats", "1", "--startup-repeats", "1", "--dense-triples", "3k",
        "--rdflib-cap", "60", "--workdir", str(tmp_path / "work"), "--json", str(out), "--docs", str(docs)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert set(data) >= {"meta", "startup", "sizes", "paths", "targets"}
    assert data["meta"]["kg_imported_from"].startswith(str(tmp_path / "work" / "src")), data["meta"]
    size = data["sizes"][0]
    for key in ("miss", "cached", "store", "pyoxigraph", "rdflib"):
        assert size[key]["failed"] == "" and size[key]["median_s"] is not None, (key, size[key])
    assert size["affected"] > 0
    assert size["affected"] == size["baseline_rows"]["pyoxigraph"] == size["baseline_rows"]["rdflib"], size
    assert data["paths"]["total"] == data["paths"]["dp_count"] >= data["paths"]["listed"] > 0, data["paths"]
    assert data["startup"]["ratio"] is not None, data["startup"]
    assert docs.read_text().startswith("# Performance\n")
