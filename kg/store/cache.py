"""Get a Snapshot: from the compiled cache when the sources are unchanged, else by loading the RDF.

The cache key hashes the package version, the code that compiles snapshots and the bytes of every
ontology, data and `--data` file. Files live in a folder private to the user (0700; KG_CACHE_DIR
overrides it) and are written atomically (temp file + rename, so concurrent writers are safe). The
format (kg.store.snapfile) holds no pickle: reading a file can only fail, never run code. A file that
is not owned by the user, is writable by others or fails a checksum is not read but rebuilt, with a
note; a stale one is never looked at (its key differs). Nothing here imports rdflib unless the
cache misses.
"""

from __future__ import annotations

import contextlib
import io
import struct
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model.resources import source_files
from kg.store.files import cache_dir, note, open_cached, private_dir, prune_cache, source_hash, write_atomic

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.model.snapshot import Snapshot

SUFFIX = ".snap"
KEEP = 8  # compiled snapshots kept (one per set of sources)


def cache_path(extra: tuple[Path, ...] = ()) -> Path:
    """Where the snapshot of the packaged data plus `extra` is cached."""
    return cache_dir() / f"snapshot-{source_hash(extra)}{SUFFIX}"


def read_cached(path: Path) -> Snapshot | None:
    """The snapshot cached in `path`, or None when it is missing, unsafe or damaged (with a note)."""
    from kg.store.columns import FormatError
    from kg.store.snapfile import read_snapshot

    fh = open_cached(path, __name__, "note: ignoring the cached snapshot (%s); rebuilding it")
    if fh is None:
        return None
    def damaged(why: str) -> str:
        path.unlink(missing_ok=True)
        return f"the compiled cache {path} is damaged ({why}) and has been removed: run the command again"

    with fh:
        try:
            return read_snapshot(fh.fileno(), damaged)
        except (FormatError, ValueError, KeyError, TypeError, IndexError, struct.error) as exc:
            note(__name__, "note: the cached snapshot %s is damaged (%s); rebuilding it", path, exc)
            return None


def _write(path: Path, snap: Snapshot) -> None:
    from kg.store.snapfile import write_snapshot

    buffer = io.BytesIO()
    write_snapshot(buffer, snap)
    with contextlib.suppress(OSError):  # a read-only cache folder only costs speed
        write_atomic(path, buffer.getvalue())


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
    path = cache_path(extra)
    if use_cache:
        snap = read_cached(path)  # before the folder is tightened: what others could write is not read
        if snap is not None:
            return snap
    import gc

    gc.disable()  # building allocates millions of objects that all survive; collections only rescan them
    try:
        snap = build_snapshot(_source_graph(extra, store))
    finally:
        gc.enable()
    if use_cache:
        unsafe = private_dir(path.parent)
        if unsafe:
            note(__name__, "note: not caching the snapshot (%s)", unsafe)
        else:
            _write(path, snap)
            prune_cache(path, "snapshot-*", KEEP)
    return snap


def _source_graph(extra: tuple[Path, ...], store: str | None):
    if store is None:
        from kg.store.parse import IndexGraph

        return IndexGraph.from_files(source_files(extra))
    from kg.store.load import load_graph

    return load_graph(extra, store=store)
