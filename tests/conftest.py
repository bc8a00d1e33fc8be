"""Shared fixtures: an isolated cache folder, the real snapshot, and tiny fixture files; the long
checks in tests/background.py start when the session starts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def _parallel() -> bool:
    """True in a pytest-xdist worker: the workers share the cores, so the long checks run as the tests
    that own them (first, so that they end early), not in the background."""
    return "PYTEST_XDIST_WORKER" in os.environ


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that wait for a background check run last, when it has had the most time (first when
    the tests run in parallel workers)."""
    from background import owns

    items.sort(key=lambda item: (owns(item.nodeid) is not None) != _parallel())


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the long checks of the collected tests in the background (see tests/background.py)."""
    from background import start_for

    if not _parallel():
        start_for([item.nodeid for item in session.items])


def pytest_sessionfinish(session: pytest.Session) -> None:
    from background import stop_all

    stop_all()


def _compiled(paths: list[Path]):
    """The snapshot of these files, compiled as a cache miss compiles it (the fast loader)."""
    from kg.store.compile import compile_snapshot
    from kg.store.parse import IndexGraph

    return compile_snapshot(IndexGraph.from_files(paths))  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test session uses its own compiled-cache folder, never the user's."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "kg-cache"))


@pytest.fixture
def packaged_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A function that makes one Turtle file (name, text) the whole packaged data, with a private cache
    folder (tmp_path/cache); it returns the data folder."""
    import kg.model.resources

    def use(name: str, text: str) -> Path:
        folder = tmp_path / "data"
        folder.mkdir()
        (folder / name).write_text(text, encoding="utf-8")
        monkeypatch.setattr(kg.model.resources, "data_dir", lambda: folder)
        monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
        return folder
    return use


@pytest.fixture(scope="session")
def real_graph():
    from kg.store.load import load_graph

    return load_graph()


@pytest.fixture(scope="session")
def snapshot():
    from kg.model.resources import source_files

    return _compiled(source_files())


@pytest.fixture(scope="session")
def tiny_snapshot():
    """Ontology + tests/data/valid/tiny.ttl only (no packaged data)."""
    from kg.model.resources import ontology_files

    return _compiled([*ontology_files(), DATA / "valid" / "tiny.ttl"])


@pytest.fixture(scope="session")
def family_snapshot():
    """Ontology + tiny.ttl + families.ttl: a material family, use shares, everyday words, a second
    jurisdiction answering the first, a country group."""
    from kg.model.resources import ontology_files

    return _compiled([*ontology_files(), DATA / "valid" / "tiny.ttl", DATA / "valid" / "families.ttl"])


@pytest.fixture(scope="session", params=["oxigraph", "rdflib"])
def kg_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A real `kg serve` process on each in-memory store, shared by the endpoint test modules."""
    from servers import TEST_SERVE_ARGS, kg_serve

    folder = tmp_path_factory.mktemp(f"kg-serve-{request.param}")
    cache = tmp_path_factory.getbasetemp() / "kg-cache"  # the session's compiled cache, shared
    with kg_serve(folder, request.param, *TEST_SERVE_ARGS, cache=cache) as server:
        yield server
