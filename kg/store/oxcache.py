"""The sources in an in-memory Oxigraph store for `kg sparql`, fed from a cached N-Triples copy.

A miss parses the Turtle with the one parser (kg.store.parse) and writes every triple as N-Triples to
`oxigraph-KEY.nt` in the private cache folder (kg.store.files), keyed like the compiled snapshot
(package version, store and model code, every source and `--data` file) plus the pyoxigraph version,
so a change of data or code never serves stale triples. A hit loads that file with pyoxigraph's
native N-Triples reader, about three times faster than parsing the Turtle through Python objects.

Why a file and not a persisted (RocksDB) store opened read-only: opening one takes 0.05 s against
0.2 s for loading the file, but the heavier cookbook queries run two to six times slower on it
(find-exposed-products 1.05 s against 0.18 s in memory), and those set the slowest `kg sparql` call.

The first line of the file is a comment holding the key, the blake2b digest of the rest and the
triple count: a file that fails them, is not this user's or is writable by others is not loaded but
rebuilt, with a note. Writes are atomic (temp file + rename), so concurrent builders are safe and a
killed one leaves only a temp file the next write removes.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pyoxigraph as ox

from kg.model.resources import source_files
from kg.store.files import blake2b, cache_dir, note, open_cached, private_dir, prune_cache, source_hash, write_atomic
from kg.store.parse import read_triples

PREFIX, SUFFIX = "oxigraph-", ".nt"
_MAGIC = b"# exportkg-triples"
KEEP = 3  # cached copies kept (one per set of sources); each is about 150 bytes a triple


def store_key(extra: tuple[Path, ...] = ()) -> str:
    """The content key of the sources plus `extra`, and of the code and pyoxigraph that read them."""
    return blake2b(f"{source_hash(extra)}|{ox.__version__}".encode(), digest_size=20).hexdigest()


def cache_file(extra: tuple[Path, ...] = ()) -> Path:
    """Where the N-Triples copy of the packaged sources plus `extra` is cached."""
    return cache_dir() / f"{PREFIX}{store_key(extra)}{SUFFIX}"


def oxigraph_store(extra: tuple[Path, ...] = (), *, use_cache: bool = True) -> ox.Store:
    """An in-memory pyoxigraph Store holding the ontology, the packaged data and `extra` files, from
    the cached copy when the sources are unchanged (`use_cache=False` neither reads nor writes it)."""
    path = cache_file(extra) if use_cache else None
    body = _read(path) if path is not None else None
    store = ox.Store()
    if body is not None:
        store.bulk_load(body, format=ox.RdfFormat.N_TRIPLES)
        with contextlib.suppress(OSError):  # the newest copies are the ones kept
            os.utime(path)  # type: ignore[arg-type]
        return store
    packaged, files = source_files(), source_files(extra)
    quads = [q for f in files[len(packaged):] + packaged for q in read_triples(f)]  # the user's errors first
    store.bulk_extend(quads)
    if path is not None:
        _write(path, store)
    return store


def _read(path: Path) -> bytes | None:
    """The N-Triples body cached in `path`, or None when it is missing, unsafe or damaged (with a note)."""
    fh = open_cached(path, __name__, "note: ignoring the cached triples (%s); rebuilding them")
    if fh is None:
        return None
    with fh:
        data = fh.read()
    head, _, body = data.partition(b"\n")
    parts = head.split(b" ")
    digest = blake2b(body, digest_size=20).hexdigest().encode()
    if len(parts) != 5 or b" ".join(parts[:2]) != _MAGIC or parts[2] != path.stem[len(PREFIX):].encode() \
            or parts[3] != digest:
        note(__name__, "note: the cached triples %s are damaged; rebuilding them", path)
        path.unlink(missing_ok=True)
        return None
    return body


def _write(path: Path, store: ox.Store) -> None:
    """Cache the store's triples in `path`, unless the folder is not private to this user."""
    unsafe = private_dir(path.parent)
    if unsafe:
        note(__name__, "note: not caching the triples (%s)", unsafe)
        return
    body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    digest = blake2b(body, digest_size=20).hexdigest()
    head = b" ".join([_MAGIC, path.stem[len(PREFIX):].encode(), digest.encode(), str(len(store)).encode()])
    with contextlib.suppress(OSError):  # a read-only cache folder only costs speed
        write_atomic(path, head + b"\n" + body)
        prune_cache(path, f"{PREFIX}*{SUFFIX}", KEEP)
