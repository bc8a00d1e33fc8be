"""Shared fixtures: an isolated cache folder, the real snapshot, and tiny fixture files."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test session uses its own compiled-cache folder, never the user's."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "kg-cache"))


@pytest.fixture(scope="session")
def real_graph():
    from kg.store.load import load_graph

    return load_graph()


@pytest.fixture(scope="session")
def snapshot(real_graph):
    from kg.store.compile import compile_snapshot

    return compile_snapshot(real_graph)


@pytest.fixture(scope="session")
def tiny_snapshot():
    """Ontology + tests/data/valid/tiny.ttl only (no packaged data)."""
    from rdflib import Graph

    from kg.model.resources import ontology_files
    from kg.store.compile import compile_snapshot
    from kg.store.load import parse_into

    g = Graph()
    for path in [*ontology_files(), DATA / "valid" / "tiny.ttl"]:
        parse_into(g, path)
    return compile_snapshot(g)


@pytest.fixture(scope="session")
def family_snapshot():
    """Ontology + tiny.ttl + families.ttl: a material family, use shares, everyday words, a second
    jurisdiction answering the first, a country group."""
    from rdflib import Graph

    from kg.model.resources import ontology_files
    from kg.store.compile import compile_snapshot
    from kg.store.load import parse_into

    g = Graph()
    for path in [*ontology_files(), DATA / "valid" / "tiny.ttl", DATA / "valid" / "families.ttl"]:
        parse_into(g, path)
    return compile_snapshot(g)


@pytest.fixture(scope="session", params=["oxigraph", "rdflib"])
def kg_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A real `kg serve` process on each in-memory store, shared by the endpoint test modules."""
    from servers import TEST_SERVE_ARGS, kg_serve

    folder = tmp_path_factory.mktemp(f"kg-serve-{request.param}")
    cache = tmp_path_factory.getbasetemp() / "kg-cache"  # the session's compiled cache, shared
    with kg_serve(folder, request.param, *TEST_SERVE_ARGS, cache=cache) as server:
        yield server
