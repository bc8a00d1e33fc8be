"""The closed namespace in kg/model/namespaces.py and the ontology file must agree term for term."""

from __future__ import annotations

import re

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.model.namespaces import CLASSES, EKG, EKG_TERMS, PROPERTIES, term
from kg.model.resources import ontology_files


def _ontology() -> Graph:
    return Graph().parse(ontology_files()[0])


def test_namespace_lists_exactly_the_ontology_terms() -> None:
    g = _ontology()
    declared = {str(s)[len(EKG):] for s in g.subjects() if str(s).startswith(EKG)}
    assert declared == set(EKG_TERMS), f"only in ontology: {declared - EKG_TERMS}; only in code: {EKG_TERMS - declared}"


def test_classes_and_properties_have_the_right_kind() -> None:
    g = _ontology()
    for name in CLASSES:
        assert (URIRef(EKG + name), RDF.type, OWL.Class) in g, name
    for name in PROPERTIES:
        kinds = set(g.objects(URIRef(EKG + name), RDF.type))
        assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, name


def test_every_term_has_label_comment_and_properties_domain_range() -> None:
    g = _ontology()
    for name in sorted(EKG_TERMS):
        iri = URIRef(EKG + name)
        assert g.value(iri, RDFS.label) is not None, f"{name} has no rdfs:label"
        assert g.value(iri, RDFS.comment) is not None, f"{name} has no rdfs:comment"
        if name in PROPERTIES:
            assert g.value(iri, RDFS.domain) is not None, f"{name} has no rdfs:domain"
            assert g.value(iri, RDFS.range) is not None, f"{name} has no rdfs:range"


def test_version_iri_is_dated_and_inverses_are_declared() -> None:
    g = _ontology()
    version = g.value(URIRef("https://w3id.org/exportkg/ont"), OWL.versionIRI)
    assert version is not None and re.search(r"/\d{4}-\d{2}-\d{2}$", str(version)), version
    inverse_pairs = list(g.subject_objects(OWL.inverseOf))
    assert len(inverse_pairs) >= 20, len(inverse_pairs)


def test_term_refuses_unknown_names() -> None:
    assert term("Material") == EKG + "Material"
    try:
        term("Materiel")
    except KeyError as exc:
        assert "Materiel" in str(exc)
    else:  # pragma: no cover - the assertion below documents the failure
        raise AssertionError("term() accepted an undeclared name")


def test_ontology_reference_page_is_up_to_date() -> None:
    from kg.cli.docgen import render, target

    assert target().read_text(encoding="utf-8") == render(), "docs/ontology.md is stale: run python -m kg.cli.docgen"


def test_cli_reference_page_is_up_to_date() -> None:
    from kg.cli.docgen import render_cli, target

    stale = "docs/cli.md is stale: run python -m kg.cli.docgen"
    assert target("cli.md").read_text(encoding="utf-8") == render_cli(), stale


def test_data_status_page_is_up_to_date() -> None:
    from kg.cli.docgen import render_status, target

    stale = "docs/data-status.md is stale: run python -m kg.cli.docgen"
    assert target("data-status.md").read_text(encoding="utf-8") == render_status(), stale
