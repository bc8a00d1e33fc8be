"""The dataset's own description (data/dataset.ttl): title, version, release date, licence, publisher.

Read on its own with pyoxigraph (a few dozen triples), so `kg info` and `kg --version` show the
release without compiling anything. The file uses DCAT, VoID and DCTERMS, so any RDF tool that
reads the graph finds the same facts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.model.errors import DataError
from kg.model.namespaces import DCAT, DCTERMS, EKGR, FOAF, OWL, RDF
from kg.model.resources import data_dir

DATASET = EKGR + "dataset"


@dataclass(frozen=True, slots=True)
class Dataset:
    """One release of the dataset, as data/dataset.ttl describes it."""

    iri: str
    title: str
    version: str
    issued: str  # YYYY-MM-DD
    license: str
    publisher: str
    citation: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def dataset_file() -> Path:
    return data_dir() / "dataset.ttl"


def _value(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> str:
    for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None):
        return str(quad.object.value)
    return ""


def read_dataset(path: Path | None = None) -> Dataset:
    """The description of the dataset in `path` (default: the packaged data/dataset.ttl)."""
    path = path or dataset_file()
    store = ox.Store()
    try:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    except (OSError, SyntaxError, ValueError) as exc:
        raise DataError(f"cannot read the dataset description {path}: {str(exc).splitlines()[0]}") from None
    node = ox.NamedNode(DATASET)
    if not any(store.quads_for_pattern(node, ox.NamedNode(RDF + "type"), ox.NamedNode(DCAT + "Dataset"))):
        raise DataError(f"{path} does not describe <{DATASET}> as a dcat:Dataset")
    publisher = _value(store, node, DCTERMS + "publisher")
    name = _value(store, ox.NamedNode(publisher), FOAF + "name") if publisher else ""
    return Dataset(
        iri=DATASET, title=_value(store, node, DCTERMS + "title"),
        version=_value(store, node, OWL + "versionInfo") or _value(store, node, DCAT + "version"),
        issued=_value(store, node, DCTERMS + "issued"), license=_value(store, node, DCTERMS + "license"),
        publisher=name or publisher, citation=_value(store, node, DCTERMS + "bibliographicCitation"),
    )
