"""The compiled cache is invisible except for speed: changes are picked up, bad files are rebuilt.

Each test runs on the packaged ontology plus a tiny data folder (kg.model.resources.data_dir is pointed at
it) with KG_CACHE_DIR in tmp_path, so a cache miss costs a fraction of a second.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg.model.resources
import kg.store.cache
import kg.store.files
from kg.cli import app
from kg.model.snapshot import Node, Snapshot

HEADER = """\
@prefix ekg: <https://w3id.org/exportkg/ont#> .
@prefix ekgr: <https://w3id.org/exportkg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ekgr:src-t a ekg:SourceDocument ; schema:url "https://example.org/t"^^xsd:anyURI ;
    dcterms:publisher "test" ; ekg:confidence ekgr:grade-A .
"""


def node(name: str, cls: str) -> str:
    return f'ekgr:{name} a ekg:{cls} ; rdfs:label "{name}"@en .\n'


def edge(s: str, rel: str, o: str, n: int, grade: str = "A") -> str:
    return (f"ekgr:{s} ekg:{rel} ekgr:{o} .\n"
            f'ekgr:st-{n} a ekg:DependencyStatement ; dcterms:identifier "T{n}" ; rdf:subject ekgr:{s} ; '
            f"rdf:predicate ekg:{rel} ; rdf:object ekgr:{o} ; ekg:confidence ekgr:grade-{grade} ; "
            f'ekg:rationale "test"@en ; dcterms:source ekgr:src-t .\n')


BASE = "".join([
    HEADER, node("tinium", "Material"), node("tinium-oxide", "ProcessedForm"), node("widget", "Product"),
    edge("tinium", "processedInto", "tinium-oxide", 1), edge("tinium-oxide", "componentOf", "widget", 2),
])


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-file packaged-data folder and a private cache folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "deps.ttl").write_text(BASE, encoding="utf-8")
    monkeypatch.setattr(kg.model.resources, "data_dir", lambda: folder)
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    return folder


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Records every snapshot build (a cache miss), whichever loader feeds it."""
    calls: list[object] = []
    real = kg.store.cache.build_snapshot

    def spy(graph: object) -> Snapshot:
        calls.append(graph)
        return real(graph)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.store.cache, "build_snapshot", spy)
    return calls


def cache_files() -> list[Path]:
    return sorted(kg.store.files.cache_dir().glob("snapshot-*.pickle"))


def current_cache_file(extra: tuple[Path, ...] = ()) -> Path:
    return kg.store.files.cache_dir() / f"snapshot-{kg.store.files.source_hash(extra)}.pickle"


def downstream(snap: Snapshot, start: str) -> set[str]:
    from kg.analysis.dependencies import downstream as walk

    return {r.node for r in walk(snap.graph, start)}


def test_second_call_comes_from_the_cache_and_equals_a_fresh_build(data: Path, loads: list) -> None:
    first = kg.store.cache.get_snapshot()
    second = kg.store.cache.get_snapshot()
    assert len(loads) == 1, f"loads: {loads}"
    assert current_cache_file().exists(), cache_files()
    fresh = kg.store.cache.get_snapshot(use_cache=False)
    assert second == first == fresh


def test_changed_data_file_is_picked_up(data: Path, loads: list) -> None:
    assert downstream(kg.store.cache.get_snapshot(), "tinium") == {"tinium-oxide", "widget"}
    more = node("gizmo", "Product") + edge("tinium-oxide", "usedIn", "gizmo", 3)
    (data / "deps.ttl").write_text(BASE + more, encoding="utf-8")
    assert downstream(kg.store.cache.get_snapshot(), "tinium") == {"tinium-oxide", "widget", "gizmo"}
    assert len(loads) == 2


def test_same_size_edit_is_picked_up(data: Path, loads: list) -> None:
    """Content is hashed, so an edit that keeps the size (and maybe the mtime) still counts."""
    kg.store.cache.get_snapshot()
    path = data / "deps.ttl"
    path.write_text(path.read_text().replace('"widget"@en', '"wodget"@en'))
    assert kg.store.cache.get_snapshot().nodes["widget"].label == "wodget"
    assert len(loads) == 2


def test_new_file_in_the_data_folder_is_picked_up(data: Path, loads: list) -> None:
    kg.store.cache.get_snapshot()
    (data / "more.ttl").write_text(HEADER + node("gizmo", "Product") + edge("tinium", "usedIn", "gizmo", 4))
    assert "gizmo" in downstream(kg.store.cache.get_snapshot(), "tinium")


def test_changed_extra_data_file_is_picked_up(data: Path, tmp_path: Path, loads: list) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(HEADER + node("gizmo", "Product") + edge("widget", "componentOf", "gizmo", 5))
    assert "gizmo" in downstream(kg.store.cache.get_snapshot((extra,)), "tinium")
    assert "gizmo" not in downstream(kg.store.cache.get_snapshot(), "tinium"), "--data leaked into the plain cache"
    extra.write_text(HEADER + node("doohickey", "Product") + edge("widget", "componentOf", "doohickey", 5))
    after = downstream(kg.store.cache.get_snapshot((extra,)), "tinium")
    assert "doohickey" in after and "gizmo" not in after, after
    assert len(loads) == 3


def test_extra_data_folder_gains_a_file(data: Path, tmp_path: Path, loads: list) -> None:
    folder = tmp_path / "extra"
    folder.mkdir()
    more = node("gizmo", "Product") + edge("widget", "componentOf", "gizmo", 6)
    (folder / "a.ttl").write_text(HEADER + more, encoding="utf-8")
    kg.store.cache.get_snapshot((folder,))
    (folder / "b.ttl").write_text(HEADER + node("doohickey", "Sector") + edge("gizmo", "belongsToSector",
                                                                                "doohickey", 7))
    assert "doohickey" in downstream(kg.store.cache.get_snapshot((folder,)), "tinium")


def test_new_package_version_is_picked_up(data: Path, loads: list, monkeypatch: pytest.MonkeyPatch) -> None:
    kg.store.cache.get_snapshot()
    kg.store.cache.get_snapshot()
    assert len(loads) == 1
    monkeypatch.setattr(kg.store.files, "__version__", "99.0.0")
    kg.store.cache.get_snapshot()
    assert len(loads) == 2, "a new version must not reuse the old cache"
    assert len(cache_files()) == 2, cache_files()


def test_cli_picks_up_a_changed_data_file(data: Path, tmp_path: Path) -> None:
    """The user's view: the same command, a changed --data file, a changed answer."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(HEADER + node("gizmo", "Product") + edge("widget", "componentOf", "gizmo", 8))

    def affected() -> set[str]:
        result = CliRunner().invoke(app, ["impact", "tinium", "--data", str(extra), "--format", "json"])
        assert result.exit_code == 0, result.output
        return {row["id"] for row in json.loads(result.stdout)["affected"]}

    assert affected() == {"tinium-oxide", "widget", "gizmo"}
    assert affected() == {"tinium-oxide", "widget", "gizmo"}  # cached
    extra.write_text(HEADER + node("doohickey", "Product") + edge("widget", "componentOf", "doohickey", 8))
    assert affected() == {"tinium-oxide", "widget", "doohickey"}


class _WrongShape:
    """Pickles as a Snapshot built with arguments the class no longer accepts."""

    def __reduce__(self) -> tuple[Callable[..., object], tuple[object, ...]]:
        return (Snapshot, ("too", "few"))


def _bad_payloads() -> dict[str, Callable[[bytes], bytes]]:
    def vanished(_: bytes) -> bytes:
        """A pickle of a kg.model.snapshot class that no longer exists (a cache from another version)."""
        import kg.model.snapshot

        cls = type("Vanished", (), {"__module__": "kg.model.snapshot"})
        kg.model.snapshot.Vanished = cls  # type: ignore[attr-defined]
        try:
            return pickle.dumps(cls())
        finally:
            del kg.model.snapshot.Vanished  # type: ignore[attr-defined]

    return {
        "garbage": lambda _: b"\x00\xffnot a pickle at all\x13" * 50,
        "empty": lambda _: b"",
        "truncated": lambda good: good[: len(good) // 2],
        "foreign object": lambda _: pickle.dumps({"format": 1, "nodes": []}),
        "wrong class": lambda _: pickle.dumps(Node("x", "x", "x", "Material")),
        "missing class": vanished,
        "stale shape": lambda _: pickle.dumps(_WrongShape()),
    }


@pytest.mark.parametrize("kind", list(_bad_payloads()))
def test_bad_cache_file_is_ignored_and_rebuilt(data: Path, loads: list, kind: str) -> None:
    good = kg.store.cache.get_snapshot()
    path = current_cache_file()
    path.write_bytes(_bad_payloads()[kind](path.read_bytes()))
    again = kg.store.cache.get_snapshot()
    assert again == good
    assert len(loads) == 2, "the bad file must cause a rebuild"
    with path.open("rb") as fh:
        assert isinstance(pickle.load(fh), Snapshot), "the rebuilt cache file is not a Snapshot"


WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import kg.model.resources
    kg.model.resources.data_dir = lambda: Path(sys.argv[1])
    go = Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.001)
    from kg.store.cache import get_snapshot
    for _ in range(int(sys.argv[3])):
        snap = get_snapshot()
        assert "tinium" in snap.nodes, sorted(snap.nodes)[:5]
    print(len(snap.nodes))
""")


def test_concurrent_writers_leave_a_readable_cache(data: Path, tmp_path: Path) -> None:
    """Two processes build (and keep re-reading) the same cache at once; nothing breaks or is left over."""
    go = tmp_path / "go"
    for round_ in range(3):
        for f in cache_files():
            f.unlink()
        go.unlink(missing_ok=True)
        procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(data), str(go), "3"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        go.touch()
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (_, err) in zip(procs, outs, strict=True):
            assert p.returncode == 0, f"round {round_}: {err.decode()[-2000:]}"
        assert len(cache_files()) == 1, cache_files()
        with cache_files()[0].open("rb") as fh:
            assert isinstance(pickle.load(fh), Snapshot)
        leftovers = [p.name for p in kg.store.files.cache_dir().iterdir() if p.suffix == ".tmp"]
        assert leftovers == [], leftovers
