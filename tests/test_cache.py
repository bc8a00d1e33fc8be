"""The compiled cache is invisible except for speed: changes are picked up, bad files are rebuilt.

Each test runs on the packaged ontology plus a tiny data folder (kg.model.resources.data_dir is pointed at
it) with KG_CACHE_DIR in tmp_path, so a cache miss costs a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import stat
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
from kg.model.snapshot import Snapshot

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
def data(packaged_data) -> Path:
    """A one-file packaged-data folder and a private cache folder."""
    return packaged_data("deps.ttl", BASE)


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
    return sorted(kg.store.files.cache_dir().glob("snapshot-*"))


def current_cache_file(extra: tuple[Path, ...] = ()) -> Path:
    return kg.store.cache.cache_path(extra)


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


def _bad_payloads() -> dict[str, Callable[[bytes], bytes]]:
    return {
        "garbage": lambda _: b"\x00\xffnot a snapshot at all\x13" * 50,
        "empty": lambda _: b"",
        "truncated": lambda good: good[: len(good) // 2],
        "header byte flipped": lambda good: good[:40] + bytes([good[40] ^ 1]) + good[41:],
        "foreign pickle": lambda _: pickle.dumps({"format": 1, "nodes": []}),
    }


@pytest.mark.parametrize("kind", list(_bad_payloads()))
def test_bad_cache_file_is_ignored_and_rebuilt(data: Path, loads: list, kind: str) -> None:
    good = kg.store.cache.get_snapshot()
    path = current_cache_file()
    path.write_bytes(_bad_payloads()[kind](path.read_bytes()))
    again = kg.store.cache.get_snapshot()
    assert again == good
    assert len(loads) == 2, "the bad file must cause a rebuild"
    assert kg.store.cache.read_cached(path) == good, "the rebuilt cache file does not hold the snapshot"


class _Planted:
    """Unpickling this would create the file named in its argument."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[..., object], tuple[object, ...]]:
        return (Path.touch, (self.marker,))


def _plant(path: Path, marker: Path) -> None:
    """Overwrite the cache file with a payload that runs code when unpickled, in every framing a
    reader might accept (bare, or behind the header and a correct digest)."""
    body = pickle.dumps(_Planted(marker))
    good = path.read_bytes()
    header = good[: good.index(b"\n") + 1] if b"\n" in good[:64] else b""
    framed = header + hashlib.blake2b(body, digest_size=32).digest() + body if header else body
    path.write_bytes(framed)


@pytest.mark.parametrize("how", ["writable by others", "owned by another user", "folder writable by others"])
def test_cache_file_someone_else_could_write_is_never_loaded(data: Path, loads: list, tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture, how: str) -> None:
    kg.store.cache.get_snapshot()
    path, marker = current_cache_file(), tmp_path / "code-ran"
    _plant(path, marker)
    if how == "writable by others":
        path.chmod(0o666)
    elif how == "owned by another user":
        if os.getuid() != 0:
            pytest.skip("changing a file's owner needs root")
        os.chown(path, 4242, 4242)
    else:
        path.parent.chmod(0o777)
        kg.store.files.source_hash()  # computing the key alone must not make the open folder look safe
    with caplog.at_level(logging.WARNING):
        again = kg.store.cache.get_snapshot()
    assert not marker.exists(), "the planted payload was unpickled"
    assert "tinium" in again.nodes and len(loads) == 2, loads
    if how != "folder writable by others":
        assert any("note:" in r.getMessage() and path.name in r.getMessage() for r in caplog.records), caplog.text
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700, oct(path.parent.stat().st_mode)


def test_cache_folder_is_created_private(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "fresh" / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(folder))
    kg.store.cache.get_snapshot()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700, oct(folder.stat().st_mode)
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in folder.iterdir()), list(folder.iterdir())


def test_symlinked_cache_file_is_not_followed(data: Path, loads: list, tmp_path: Path) -> None:
    kg.store.cache.get_snapshot()
    path = current_cache_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    kg.store.cache.get_snapshot()
    assert len(loads) == 2, "a symlink in the cache folder must not be read"


def test_file_restored_with_cp_p_is_picked_up(data: Path, loads: list, tmp_path: Path) -> None:
    """Same size, same mtime (cp -p), same inode: only the content and ctime differ."""
    path = data / "deps.ttl"
    old = os.stat(path)
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns - 10**10))  # as if written 10 s ago
    assert kg.store.cache.get_snapshot().nodes["widget"].label == "widget"
    backup = tmp_path / "deps.ttl.bak"
    backup.write_text(path.read_text().replace('"widget"@en', '"wodget"@en'))
    os.utime(backup, ns=(old.st_atime_ns, old.st_mtime_ns - 10**10))
    subprocess.run(["cp", "-p", str(backup), str(path)], check=True)
    assert os.stat(path).st_ino == old.st_ino and os.stat(path).st_size == old.st_size
    assert kg.store.cache.get_snapshot().nodes["widget"].label == "wodget"
    assert len(loads) == 2


def test_damage_found_on_demand_removes_the_file_and_the_next_call_rebuilds(data: Path, loads: list) -> None:
    """The string heap is checked chunk by chunk as it is read: damage there is found after the file
    was opened; the call that finds it fails with one line, the file is gone, the next call rebuilds."""
    from kg.model.errors import DataError
    from kg.store.columns import Sections

    kg.store.cache.get_snapshot()
    path = current_cache_file()
    with path.open("rb") as fh:
        sections = Sections(fh.fileno())
        offset, length = sections.table["strings.data"][:2]
        at = sections.base + offset + length // 2
    good = bytearray(path.read_bytes())
    good[at] ^= 0x20
    path.write_bytes(bytes(good))
    snap = kg.store.cache.get_snapshot()
    with pytest.raises(DataError, match=r"damaged .* run the command again") as info:
        _ = [n.label for n in snap.nodes.values()]
    assert "\n" not in str(info.value) and not path.exists()
    assert "tinium" in kg.store.cache.get_snapshot().nodes and len(loads) == 2, loads


def test_writes_killed_midway_leave_nothing_behind(data: Path, tmp_path: Path) -> None:
    """A temporary file of a writer that was killed is removed by the next write; one of a writer
    still running is left alone."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    folder = kg.store.files.cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = current_cache_file().name
    orphans = [folder / f".{target}.{gone.pid}.x1y2.tmp", folder / f".snapshot-old.pickle.{gone.pid}.q.tmp"]
    live = folder / f".{target}.{os.getpid()}.z3.tmp"
    for f in [*orphans, live]:
        f.write_bytes(b"partial")
    kg.store.cache.get_snapshot()
    assert not any(f.exists() for f in orphans), sorted(p.name for p in folder.iterdir())
    assert live.exists(), "a running writer's temporary file was removed"


def test_code_change_is_picked_up(data: Path, loads: list, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An editable install whose compiler changed must not serve the old snapshot."""
    kg.store.cache.get_snapshot()
    fake = tmp_path / "compile_extra.py"
    fake.write_text("# a changed line of compiler code\n")
    real = kg.store.files.code_files
    monkeypatch.setattr(kg.store.files, "code_files", lambda: [*real(), fake])
    kg.store.cache.get_snapshot()
    assert len(loads) == 2, "a code change must not reuse the old cache"
    assert {p.parent.name for p in real()} == {"model", "store"}, real()


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
        assert kg.store.cache.read_cached(cache_files()[0]) is not None
        leftovers = [p.name for p in kg.store.files.cache_dir().iterdir() if p.suffix == ".tmp"]
        assert leftovers == [], leftovers
