"""Get a Snapshot: from the compiled cache when the sources are unchanged, else by loading the RDF.

The cache key hashes the package version, the code that compiles snapshots and the bytes of every
ontology, data and `--data` file. Files live in a folder private to the user (0700; KG_CACHE_DIR
overrides it), are written atomically (temp file + rename, so concurrent writers are safe) and carry
a digest of their content. A file that is not owned by the user, is writable by others, or fails its
digest is never unpickled but rebuilt, with a note; a stale one is never looked at (its key differs).
Nothing here imports rdflib unless the cache misses.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model.resources import source_files
from kg.store.files import cache_dir, private_dir, private_file, remove_orphans, source_hash, write_atomic

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.model.snapshot import Snapshot

log = logging.getLogger(__name__)
MAGIC = b"exportkg-snapshot\n"
DIGEST = 32


SUFFIX = ".pickle"


def cache_path(extra: tuple[Path, ...] = ()) -> Path:
    """Where the snapshot of the packaged data plus `extra` is cached."""
    return cache_dir() / f"snapshot-{source_hash(extra)}{SUFFIX}"


def read_cached(path: Path) -> Snapshot | None:
    """The snapshot cached in `path`, or None when it is missing, unsafe (with a note) or unreadable."""
    import gc

    try:
        raw = private_file(path)
    except PermissionError as exc:
        log.warning("note: ignoring the cached snapshot (%s); rebuilding it", exc)
        return None
    except OSError:
        return None
    if raw is None:
        return None
    head, digest, body = raw[:len(MAGIC)], raw[len(MAGIC):len(MAGIC) + DIGEST], raw[len(MAGIC) + DIGEST:]
    if head != MAGIC or hashlib.blake2b(body, digest_size=DIGEST).digest() != digest:
        log.warning("note: the cached snapshot %s fails its integrity check; rebuilding it", path)
        return None
    gc.disable()  # unpickling makes ~1M objects at 1M triples; collections mid-way would rescan them all
    try:
        snap = pickle.loads(body)
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
    body = pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):  # a read-only cache folder only costs speed
        write_atomic(path, MAGIC + hashlib.blake2b(body, digest_size=DIGEST).digest() + body)


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
            log.warning("note: not caching the snapshot (%s)", unsafe)
        else:
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
    """Keep the cache folder small: drop all but the newest `limit` snapshots, and what killed writers
    left behind."""
    remove_orphans(keep.parent)
    try:
        files = sorted(keep.parent.glob(f"snapshot-*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[limit:]:
            if old != keep:
                old.unlink(missing_ok=True)
    except OSError:
        pass
