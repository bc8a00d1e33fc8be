"""The cached triples behind `kg sparql` on Oxigraph: reused while the sources and code are unchanged,
rebuilt (with a note where something was wrong) otherwise, safe under concurrent calls, and the same
answers as the in-memory store loaded from the Turtle.

Most tests run kg.store.oxcache in this process on the packaged ontology plus a tiny data folder, with
KG_CACHE_DIR in tmp_path; a few run `kg sparql` itself on the shipped data.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.model.resources
import kg.store.files
import kg.store.oxcache as oxcache
from kg.sparql.query import execute, prepare, query_text, run
from kg.store.load import load_graph

DATA = """\
@prefix ekg: <https://w3id.org/exportkg/ont#> .
@prefix ekgr: <https://w3id.org/exportkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ekgr:tinium a ekg:Material ; rdfs:label "tinium"@en ; ekg:note [ rdfs:label "blank" ] .
"""
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture
def data(packaged_data) -> Path:
    """A one-file packaged-data folder and a private cache folder."""
    return packaged_data("tiny.ttl", DATA)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every Turtle file parsed for the store (a cache miss parses them all)."""
    calls: list[Path] = []
    real = oxcache.read_triples

    def spy(path: Path):  # type: ignore[no-untyped-def]
        calls.append(path)
        return real(path)

    monkeypatch.setattr(oxcache, "read_triples", spy)
    return calls


def triples(store: ox.Store) -> list[str]:
    """The store's triples with every blank node written `_` (their labels differ between parses)."""
    return sorted(" ".join("_" if isinstance(t, ox.BlankNode) else str(t) for t in (q.subject, q.predicate, q.object))
                  for q in store)


def cached() -> list[Path]:
    return sorted(kg.store.files.cache_dir().glob("oxigraph-*.nt"))


def test_second_call_reads_the_cached_copy_and_holds_the_same_triples(data: Path, parses: list) -> None:
    first = oxcache.oxigraph_store()
    built = len(parses)
    assert built > 1 and cached() == [oxcache.cache_file()], cached()
    stamp = cached()[0].stat().st_ino
    again = oxcache.oxigraph_store()
    assert len(parses) == built, "the second call parsed the Turtle again"
    assert cached()[0].stat().st_ino == stamp, "the cached copy was rewritten"
    assert triples(again) == triples(first) and len(again) == len(first) > 100
    assert stat_mode(cached()[0]) == 0o600 and stat_mode(cached()[0].parent) == 0o700


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize("change", ["data file", "extra file", "code"])
def test_a_change_of_data_extra_files_or_code_rebuilds(data: Path, parses: list, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    oxcache.oxigraph_store()
    built, extra = len(parses), ()
    if change == "data file":
        (data / "tiny.ttl").write_text(DATA.replace('"tinium"@en', '"tinium metal"@en'), encoding="utf-8")
    elif change == "extra file":
        extra = (tmp_path / "extra.ttl",)
        extra[0].write_text(DATA.replace("tinium", "extrium"), encoding="utf-8")
    else:
        fake = tmp_path / "parse_extra.py"
        fake.write_text("# a changed line of parser code\n")
        real = kg.store.files.code_files
        monkeypatch.setattr(kg.store.files, "code_files", lambda: [*real(), fake])
    store = oxcache.oxigraph_store(extra)
    assert len(parses) > built and len(cached()) == 2, (parses, cached())
    labels = {q.object.value for q in store.quads_for_pattern(None, LABEL, None)}
    expected = {"data file": "tinium metal", "extra file": "extrium", "code": "tinium"}[change]
    assert expected in labels
    if change == "extra file":  # and the packaged data alone still has its own copy
        before = len(parses)
        assert "extrium" not in {str(q.subject) for q in oxcache.oxigraph_store()} and len(parses) == before


@pytest.mark.parametrize("damage", ["flipped byte", "cut short", "empty", "writable by others", "another owner"])
def test_a_damaged_or_unsafe_copy_is_not_loaded_but_rebuilt_with_a_note(
        data: Path, parses: list, caplog: pytest.LogCaptureFixture, damage: str) -> None:
    good = triples(oxcache.oxigraph_store())
    path, built = oxcache.cache_file(), len(parses)
    raw = path.read_bytes()
    if damage == "flipped byte":
        path.write_bytes(raw.replace(b"tinium", b"tinIum", 1))
    elif damage == "cut short":
        path.write_bytes(raw[: raw.rindex(b"\n", 0, len(raw) - 1) + 1])  # whole lines: still valid N-Triples
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "writable by others":
        path.chmod(0o666)
    else:
        if os.getuid() != 0:
            pytest.skip("changing a file's owner needs root")
        os.chown(path, 4242, 4242)
    with caplog.at_level(logging.WARNING):
        store = oxcache.oxigraph_store()
    assert len(parses) > built and triples(store) == good
    assert any("note:" in r.getMessage() and path.name in r.getMessage() for r in caplog.records), caplog.text


def test_no_cache_neither_reads_nor_writes_the_copy(data: Path, parses: list) -> None:
    oxcache.oxigraph_store(use_cache=False)
    assert cached() == [] and parses
    per_load = len(parses)
    oxcache.oxigraph_store()
    oxcache.oxigraph_store(use_cache=False)
    assert len(parses) == 3 * per_load and len(cached()) == 1


def test_only_the_newest_copies_are_kept(data: Path, tmp_path: Path) -> None:
    for n in range(oxcache.KEEP + 2):
        extra = tmp_path / f"extra{n}.ttl"
        extra.write_text(DATA.replace("tinium", f"x{n}"), encoding="utf-8")
        oxcache.oxigraph_store((extra,))
        os.utime(oxcache.cache_file((extra,)), (1e9 + n, 1e9 + n))
    assert len(cached()) == oxcache.KEEP


def test_the_query_process_imports_no_rdflib(data: Path) -> None:
    code = ("import sys; from kg.sparql.query import _on_cached_store, prepare; "
            "out = _on_cached_store(prepare('SELECT ?l WHERE { ekgr:gallium rdfs:label ?l }'), (), True, None); "
            "assert b'gallium' in out, out; assert 'rdflib' not in sys.modules, 'rdflib imported'")
    env = {**os.environ, "KG_CACHE_DIR": str(data.parent / "cache")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr[-500:]


QUERIES = ["list-controls-in-force", "find-exposed-products", "list-dependency-edges", "status-on-date",
           "ASK { ?s a ekg:Material }", "DESCRIBE ekgr:gallium",
           "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a ekg:Material ; rdfs:label ?l }"]


@pytest.fixture(scope="module")
def memory_store():  # type: ignore[no-untyped-def]
    return load_graph((), store="oxigraph")


@pytest.mark.parametrize("query", QUERIES)
def test_answers_equal_those_of_the_store_loaded_from_the_turtle(query: str, memory_store, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    expected = run(prepare(query_text(query)), memory_store)
    for _ in ("miss", "hit"):
        got, _ = execute(query, store="oxigraph")
        assert (got.form, got.variables, got.boolean) == (expected.form, expected.variables, expected.boolean)
        assert sorted(map(str, got.rows)) == sorted(map(str, expected.rows)) and got.size == expected.size
        if got.graph is not None:
            assert set(got.graph) == set(expected.graph)  # type: ignore[arg-type]
    assert len(cached()) == 1


def test_concurrent_kg_sparql_calls_on_an_empty_cache_all_succeed(tmp_path: Path) -> None:
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "kg", "sparql", "list-family-members", "-f", "csv"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-300:] for o in outs]
    assert len({o[0] for o in outs}) == 1 and outs[0][0].count(b"\n") > 5
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert len([f for f in files if f.startswith("oxigraph-")]) == 1, files
    assert not [f for f in files if f.endswith(".tmp")], files
    again = subprocess.run([*cmd, "--no-cache"], capture_output=True, env=env, timeout=120)
    assert again.returncode == 0 and again.stdout == outs[0][0], again.stderr[-300:]
