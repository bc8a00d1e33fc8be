"""Get a Snapshot: from the compiled cache when the sources are unchanged, else by loading the RDF.

The cache key hashes the package version and the bytes of every ontology, data and `--data` file.
Files live in the user cache folder (KG_CACHE_DIR overrides it), are written atomically (temp file
+ rename, so concurrent writers are safe), and a corrupt, stale or unreadable file is ignored and
rebuilt. Nothing here imports rdflib unless the cache misses.
"""

from __future__ import annotations

import contextlib
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model.resources import source_files
from kg.store.files import cache_dir, source_hash, write_atomic

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.model.snapshot import Snapshot


def _read(path: Path) -> Snapshot | None:
    import gc

    try:
        data = path.read_bytes()
    except OSError:
        return None
    gc.disable()  # unpickling makes ~1M objects at 1M triples; collections mid-way would rescan them all
    try:
        snap = pickle.loads(data)
    except (EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError, IndexError):
        return None
    finally:
        gc.enable()
    from kg.model.snapshot import Snapshot

    if not isinstance(snap, Snapshot):
        return None
    gc.freeze()  # it lives as long as the process: keep it out of every later collection
    return snap


def _write(path: Path, snap: Snapshot) -> None:
    with contextlib.suppress(OSError):  # a read-only cache folder only costs speed
        write_atomic(path, pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL))


def build_snapshot(graph: Graph) -> Snapshot:
    from kg.store.compile import compile_snapshot

    return compile_snapshot(graph)


def get_snapshot(
    extra: tuple[Path, ...] = (), *, store: str | None = None, endpoint: str | None = None, use_cache: bool = True
) -> Snapshot:
    """The Snapshot for the packaged data plus `extra` files (or for a remote endpoint).

    A miss parses the Turtle with pyoxigraph into plain indexes (kg.store.parse) and compiles them,
    unless a `store` ("rdflib" or "oxigraph") is named: then the data goes through that RDF store
    first (kg.store.load). Both give the same Snapshot."""
    if endpoint:
        from kg.store.remote import fetch_layer

        return build_snapshot(fetch_layer(endpoint))
    key = source_hash(extra)
    path = cache_dir() / f"snapshot-{key}.pickle"
    if use_cache:
        snap = _read(path)
        if snap is not None:
            return snap
    import gc

    gc.disable()  # building allocates millions of objects that all survive; collections only rescan them
    try:
        snap = build_snapshot(_source_graph(extra, store))
    finally:
        gc.enable()
    if use_cache:
        _write(path, snap)
        _prune(path)
    return snap


def _source_graph(extra: tuple[Path, ...], store: str | None):
    if store is None:
        from kg.store.parse import IndexGraph

        return IndexGraph.from_files(source_files(extra))
    from kg.store.load import load_graph

    return load_graph(extra, store=store)


def _prune(keep: Path, limit: int = 8) -> None:
    """Keep the cache folder small: drop all but the newest `limit` snapshots."""
    try:
        files = sorted(keep.parent.glob("snapshot-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[limit:]:
            if old != keep:
                old.unlink(missing_ok=True)
    except OSError:
        pass
