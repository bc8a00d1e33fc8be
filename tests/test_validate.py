"""The data contract: shipped data conforms; each broken fixture trips the check meant for it; a
shape's failure is reported under the shape's name with its path."""

from __future__ import annotations

from pathlib import Path

from kg.model.namespaces import XSD
from kg.store.validate import check_files, validate_sources

INVALID = Path(__file__).parent / "data" / "invalid"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float")}
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def test_shipped_data_conforms() -> None:
    report = validate_sources()
    violations = [p for p in report.problems if p.severity == "violation"]
    assert report.conforms, violations[:10]


def test_broken_fixture_is_caught() -> None:
    report = validate_sources((INVALID / "edge-without-source.ttl",))
    found = {(p.check, p.focus) for p in report.problems if p.severity == "violation"}
    expected = {("edge-without-statement", "gallium"), ("LabelledShape", "bad-thing"), ("EventShape", "bad-event"),
                ("InstrumentShape", "bad-ann")}
    assert expected <= found, found
    assert not report.conforms


def test_every_check_is_a_select_with_a_header_comment() -> None:
    files = check_files()
    assert len(files) >= 10
    for path in files:
        text = path.read_text()
        assert text.startswith("#") and "SELECT" in text, path.name


def test_a_property_shape_failure_names_its_node_shape_path_and_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad-date.ttl"
    bad.write_text(PREFIXES + """@prefix ekg: <https://w3id.org/exportkg/ont#> .
@prefix ekgr: <https://w3id.org/exportkg/id/> .
ekgr:odd-event a ekg:EntryIntoForce ; rdfs:label "odd event"@en ; ekg:onDate "2024-13-40"^^xsd:date ;
    ekg:eventOf ekgr:mofcom-gac-2023-23 .
""")
    report = validate_sources((bad,))
    mine = [p for p in report.problems if p.focus == "odd-event"]
    assert any(p.check == "EventShape" and p.severity == "violation" and p.message.startswith("onDate")
               for p in mine), mine
    assert not report.conforms
    assert all(p.severity == "violation" for p in report.at_least("violation"))
