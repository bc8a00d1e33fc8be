"""The Turtle examples of docs/adding-data.md are complete files that load, validate and answer.

Each ```turtle block is extracted as it is: it must parse on its own (so it carries every @prefix it
uses); together with the shipped data they must raise no SHACL result and no check-query row about
their own nodes, and the API must see the new material, edge and control.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

import kg
from kg.model.resources import data_dir, ontology_files, shapes_file
from kg.store.load import load_graph
from kg.store.validate import check_files

DOC = Path(__file__).resolve().parent.parent / "docs" / "adding-data.md"
BLOCKS = re.findall(r"```turtle\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("snippets")
    for i, block in enumerate(BLOCKS):
        (out / f"snippet-{i}.ttl").write_text(block, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def own_nodes(folder: Path) -> set[str]:
    g = Graph()
    for path in sorted(folder.glob("*.ttl")):
        g.parse(path, format="turtle")
    return {str(s) for s in g.subjects() if isinstance(s, URIRef)}


def test_every_example_is_a_complete_turtle_file() -> None:
    assert len(BLOCKS) >= 3, f"expected the source, material and control examples in {DOC}"
    for i, block in enumerate(BLOCKS):
        try:
            triples = list(ox.parse(block.encode("utf-8"), format=ox.RdfFormat.TURTLE))
        except SyntaxError as exc:
            pytest.fail(f"example {i + 1} of {DOC.name} does not parse on its own: {exc}")
        assert triples and block.lstrip().startswith("@prefix"), f"example {i + 1} lacks its @prefix lines"


def test_examples_raise_no_shacl_result_on_their_own_nodes(folder: Path, own_nodes: set[str]) -> None:
    import pyshacl

    shapes = Graph().parse(shapes_file(), format="turtle")
    data = Graph()  # the shapes look one step from the examples' nodes: the ontology and reference.ttl suffice
    for path in (*ontology_files(), data_dir() / "reference.ttl", *sorted(folder.glob("*.ttl"))):
        data.parse(path, format="turtle")
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    sh = "http://www.w3.org/ns/shacl#"
    mine = [(str(focus), str(results.value(r, URIRef(sh + "resultMessage"))))
            for r, focus in results.subject_objects(URIRef(sh + "focusNode")) if str(focus) in own_nodes]
    assert not mine, mine


def test_examples_pass_every_check_query(folder: Path, own_nodes: set[str]) -> None:
    graph = load_graph((folder,), store="oxigraph")  # the same queries, about 200 times faster than rdflib
    rows = [(path.name, str(row[0])) for path in check_files()
            for row in graph.query(path.read_text(encoding="utf-8")) if str(row[0]) in own_nodes]
    assert not rows, rows


def test_examples_answer_through_the_api(folder: Path) -> None:
    g = kg.open(folder)
    assert g.resolve("Hf") == "hafnium"
    impact = g.impact("hafnium")
    assert {"nickel-superalloy", "jet-engine"} <= {a["id"] for a in impact["affected"]}, impact["affected"][:3]
    in_force = g.controls(as_of="2026-05-01", covers="Hf")
    assert [(r["id"], r["status"]) for r in in_force] == [("example-2026-99", "in-force")], in_force
    before = {r["id"]: r["status"] for r in g.controls(as_of="2026-03-15")}
    assert before["example-2026-99"] == "announced" and not g.controls(as_of="2026-03-15", covers="Hf"), before
    inputs = g.exposure("jet engine", as_of="2026-05-01")["restricted_inputs"]
    assert "example-2026-99" in {c for r in inputs if r["id"] == "hafnium" for c in r["controls"]}, inputs
