"""One release, one version and date: package, dataset description, ontology, CITATION.cff, changelog, kg info."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from rdflib import DCTERMS, OWL, Graph, URIRef
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.store.dataset import read_dataset

ROOT = Path(__file__).resolve().parent.parent


def test_dataset_description_names_version_date_licence_and_publisher() -> None:
    ds = read_dataset()
    assert ds.version == kg.__version__ and re.fullmatch(r"\d{4}-\d\d-\d\d", ds.issued), ds
    assert ds.license == "https://creativecommons.org/licenses/by/4.0/" and ds.publisher and ds.title, ds
    assert ds.version in ds.citation and ds.issued in ds.citation, ds.citation


def test_ontology_metadata_carries_the_release() -> None:
    ds = read_dataset()
    g = Graph().parse(ROOT / "ontology" / "exportkg.ttl")
    ont = URIRef("https://w3id.org/exportkg/ont")
    assert str(g.value(ont, OWL.versionInfo)) == ds.version, g.value(ont, OWL.versionInfo)
    assert str(g.value(ont, DCTERMS.issued)) == ds.issued and str(g.value(ont, OWL.versionIRI)).endswith(ds.issued)


def test_citation_cff_matches_the_release() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    ds = read_dataset()
    assert cff["cff-version"] == "1.2.0" and {"message", "title", "authors"} <= cff.keys(), cff.keys()
    released = str(cff["date-released"])
    assert cff["version"] == ds.version and released == ds.issued, (cff["version"], released)
    assert cff["title"] == ds.title and all("name" in a or "family-names" in a for a in cff["authors"]), cff


def test_changelog_opens_with_this_release() -> None:
    ds = read_dataset()
    first = next(line for line in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
                 if line.startswith("## "))
    assert first == f"## {ds.version} - {ds.issued}", first


def test_kg_info_and_version_show_the_release() -> None:
    runner = CliRunner()
    info = json.loads(runner.invoke(app, ["info", "--format", "json"]).stdout)
    assert info["dataset"]["version"] == kg.__version__ and info["software_version"] == kg.__version__, info
    table = runner.invoke(app, ["info"]).stdout
    assert f"{kg.__version__} (issued {info['dataset']['issued']})" in table, table[:300]
    assert runner.invoke(app, ["--version"]).stdout.startswith(f"exportkg {kg.__version__} ")
