"""kg.sparql.results: the W3C result formats read back by rdflib's own parsers, graph formats, and errors."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from kg.model.errors import UsageError
from kg.sparql.query import Answer, graph_answer
from kg.sparql.results import cells, check_format, compact, serialize

GA = URIRef("https://w3id.org/exportkg/id/gallium")
ROWS = Answer("select", ("node", "label", "n", "note"), (
    (GA, Literal("gallium", lang="en"), Literal(3, datatype=XSD.integer), Literal('tab\there, "quoted"\nline')),
    (BNode("b1"), None, Literal("x", datatype=XSD.string), None),
))


def test_json_is_w3c_and_drops_xsd_string() -> None:
    doc = json.loads(serialize(ROWS, "json"))
    first, second = doc["results"]["bindings"]
    assert doc["head"]["vars"] == ["node", "label", "n", "note"], doc["head"]
    assert first["label"] == {"type": "literal", "value": "gallium", "xml:lang": "en"}, first
    assert first["n"]["datatype"] == str(XSD.integer) and "datatype" not in second["n"], (first, second)
    assert second["node"] == {"type": "bnode", "value": "b1"} and "label" not in second, second
    back = Result.parse(io.BytesIO(serialize(ROWS, "json")), format="json")
    assert next(iter(back))[0] == GA


def test_xml_parses_back_with_rdflib() -> None:
    data = serialize(ROWS, "xml")
    ElementTree.fromstring(data)  # well-formed
    back = list(Result.parse(io.BytesIO(data), format="xml"))
    assert back[0][1] == Literal("gallium", lang="en") and back[1][1] is None, back


def test_csv_and_tsv() -> None:
    rows = list(csv.reader(io.StringIO(serialize(ROWS, "csv").decode())))
    assert rows[0] == ["node", "label", "n", "note"] and rows[1][:3] == [str(GA), "gallium", "3"], rows
    assert rows[2] == ["_:b1", "", "x", ""], rows
    lines = serialize(ROWS, "tsv").decode().splitlines()
    assert lines[0] == "?node\t?label\t?n\t?note", lines
    assert lines[1].split("\t") == [f"<{GA}>", '"gallium"@en', f'"3"^^<{XSD.integer}>',
                                    '"tab\\there, \\"quoted\\"\\nline"'], lines[1]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_ask_in_every_results_format(fmt: str) -> None:
    data = serialize(Answer("ask", boolean=True), fmt).decode()
    assert "true" in data, data
    if fmt in ("json", "xml"):
        assert Result.parse(io.StringIO(data), format=fmt).askAnswer is True


@pytest.mark.parametrize(("fmt", "parser"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_graph_formats_round_trip(fmt: str, parser: str) -> None:
    g = Graph()
    g.add((GA, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("gallium", lang="en")))
    g.add((GA, URIRef("https://w3id.org/exportkg/ont#hsCode"), Literal("811292")))
    back = Graph().parse(data=serialize(graph_answer(g), fmt), format=parser)
    assert set(back) == set(g), set(back) ^ set(g)


def test_formats_must_suit_the_query_form() -> None:
    with pytest.raises(UsageError, match="turtle"):
        check_format("select", "turtle")
    with pytest.raises(UsageError, match="CONSTRUCT"):
        check_format("graph", "csv")
    with pytest.raises(UsageError, match="terminal"):
        serialize(ROWS, "table")


def test_cells_are_compact() -> None:
    headers, rows = cells(ROWS)
    assert headers == list(ROWS.variables) and rows[0][:3] == ["ekgr:gallium", "gallium", "3"], rows
    assert compact(URIRef("https://w3id.org/exportkg/ont#Material")) == "ekg:Material"
    assert cells(Answer("ask", boolean=False)) == (["_askResult"], [["false"]])
