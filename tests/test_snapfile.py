"""The snapshot file: what is read back equals what was written, lazily, and a damaged or forged file
fails a check instead of giving wrong answers or running anything."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pytest

from kg.analysis.dependencies import downstream, grade_filter, upstream
from kg.model.snapshot import Edge, Node, Snapshot
from kg.store.columns import FormatError
from kg.store.snapfile import BIG, read_snapshot, write_snapshot

DAMAGE = (FormatError, ValueError, KeyError, TypeError, IndexError)


@pytest.fixture(scope="module")
def written(snapshot: Snapshot, tmp_path_factory: pytest.TempPathFactory) -> Path:
    buffer = io.BytesIO()
    write_snapshot(buffer, snapshot)
    path = tmp_path_factory.mktemp("snapfile") / "real.snap"
    path.write_bytes(buffer.getvalue())
    return path


def _read(path: Path) -> Snapshot:
    with path.open("rb") as fh:
        return read_snapshot(fh.fileno())


def test_every_table_reads_back_equal(snapshot: Snapshot, written: Path) -> None:
    mapped = _read(written)
    for name in Snapshot.__dataclass_fields__:
        assert getattr(mapped, name) == getattr(snapshot, name), name
    assert mapped == snapshot


def test_big_tables_behave_as_the_dicts_they_replace(snapshot: Snapshot, written: Path) -> None:
    mapped = _read(written)
    assert BIG == ("nodes", "graph", "names")
    assert list(mapped.nodes) == sorted(snapshot.nodes) and len(mapped.nodes) == len(snapshot.nodes)
    assert mapped.nodes.get("no-such-node") is None and "no-such-node" not in mapped.nodes
    with pytest.raises(KeyError):
        mapped.nodes["no-such-node"]
    assert mapped.graph.node_ids() == snapshot.graph.node_ids()
    assert sorted(mapped.graph.edges(), key=_key) == sorted(snapshot.graph.edges(), key=_key)
    for node in snapshot.graph.node_ids():
        assert mapped.graph.out_edges(node) == snapshot.graph.out_edges(node), node
        assert mapped.graph.in_edges(node) == snapshot.graph.in_edges(node), node
    assert mapped.graph.out_edges("no-such-node") == ()
    assert set(mapped.names) == set(snapshot.names)
    assert all(mapped.names[k] == v for k, v in snapshot.names.items())


def _key(e: Edge) -> tuple[str, str, str]:
    return (e.source, e.target, e.relation)


def test_column_walks_equal_the_walk_over_the_adjacency_lists(snapshot: Snapshot, written: Path) -> None:
    mapped = _read(written)
    assert mapped.graph.walker is not None and snapshot.graph.walker is None
    starts = [*sorted(snapshot.graph.node_ids())[::7], ["gallium", "germanium", "gallium"], ["no-such-node"]]
    for start in starts:
        for walk in (downstream, upstream):
            for grade, hops in (("C", None), ("B", None), ("A", 2), ("C", 1)):
                ours = walk(mapped.graph, start, keep=grade_filter(grade), max_hops=hops)
                assert ours == walk(snapshot.graph, start, keep=grade_filter(grade), max_hops=hops), (start, grade)


def test_rows_built_lazily_compare_and_hash_as_plain_ones(snapshot: Snapshot, written: Path) -> None:
    mapped = _read(written)
    node = mapped.nodes["gallium"]
    assert isinstance(node, Node) and node == snapshot.nodes["gallium"] == node
    assert hash(node) == hash(snapshot.nodes["gallium"]) and {node, snapshot.nodes["gallium"]} == {node}
    assert node.comment == snapshot.nodes["gallium"].comment and repr(node) == repr(snapshot.nodes["gallium"])
    edge = mapped.graph.out_edges("gallium")[0]
    assert isinstance(edge, Edge) and edge == snapshot.graph.out_edges("gallium")[0]
    assert edge.sources == snapshot.graph.out_edges("gallium")[0].sources


def test_any_damaged_byte_fails_a_check(snapshot: Snapshot, written: Path, tmp_path: Path) -> None:
    """200 files with one random bit changed: each is refused when opened or read in full, or (a bit
    of the padding between sections) reads as the very same snapshot; none crashes the reader."""
    good = written.read_bytes()
    rng = random.Random(5)
    refused = 0
    for i in range(200):
        data = bytearray(good)
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
        path = tmp_path / f"bad{i}.snap"
        path.write_bytes(bytes(data))
        try:
            same = _read(path) == snapshot  # reads every row: the string heap is checked on first use
        except DAMAGE:
            refused += 1
            continue
        assert same, f"byte {at} changed the snapshot without notice"
    assert refused >= 190, refused


@pytest.mark.parametrize("cut", [0, 10, 30, 100, -1])
def test_truncated_file_is_refused(written: Path, tmp_path: Path, cut: int) -> None:
    data = written.read_bytes()
    path = tmp_path / "cut.snap"
    path.write_bytes(data[:cut] if cut >= 0 else data[: len(data) // 2])
    with pytest.raises(DAMAGE):
        _read(path)


def test_a_pickle_is_not_a_snapshot(tmp_path: Path) -> None:
    import pickle

    path = tmp_path / "evil.snap"
    path.write_bytes(pickle.dumps((os.system, ("true",))))
    with pytest.raises(FormatError):
        _read(path)
