"""Get a Snapshot: from the compiled cache when the sources are unchanged, else by loading the RDF.

The cache key hashes the package version and the bytes of every ontology, data and `--data` file.
Files live in the user cache folder (KG_CACHE_DIR overrides it), are written atomically (temp file
+ rename, so concurrent writers are safe), and a corrupt, stale or unreadable file is ignored and
rebuilt. Nothing here imports rdflib unless the cache misses.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kg import __version__
from kg.resources import source_files

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.snapshot import Snapshot

_FORMAT = 3  # bump when the Snapshot classes change shape


def cache_dir() -> Path:
    env = os.environ.get("KG_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exportkg"


def _file_digest(path: Path, memo: dict[str, list[object]]) -> tuple[str, bool]:
    """Content digest of one file, and whether it was computed afresh. A digest in `memo` is reused
    while the file's size, mtime and inode are unchanged (the trust git's index places in stat data),
    so large unchanged files are not re-read on every call."""
    from kg.errors import DataError

    try:
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        known = memo.get(str(path))
        if isinstance(known, list) and known[:3] == stamp:
            return str(known[3]), False
        digest = hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()
    except OSError as exc:
        raise DataError(f"cannot read data file {path}: {exc.strerror or exc}") from None
    memo[str(path)] = [*stamp, digest]
    return digest, True


def source_hash(extra: tuple[Path, ...] = ()) -> str:
    """Hash of the package version and every source file's path and content digest."""
    import json

    memo_path = cache_dir() / "digests.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    if not isinstance(memo, dict):
        memo = {}
    h = hashlib.blake2b(f"{__version__}|{_FORMAT}|{sys.version_info[:2]}".encode(), digest_size=20)
    dirty = False
    for path in source_files(extra):
        digest, fresh = _file_digest(path, memo)
        dirty |= fresh
        h.update(str(path).encode() + b"\0" + digest.encode())
    if dirty:
        with contextlib.suppress(OSError):
            write_atomic(memo_path, json.dumps(memo).encode("utf-8"))
    return h.hexdigest()


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
    from kg.snapshot import Snapshot

    if not isinstance(snap, Snapshot):
        return None
    gc.freeze()  # it lives as long as the process: keep it out of every later collection
    return snap


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write bytes to `path` so that readers see either the old file or the whole new one. The file
    is private (0600) unless `mode` is given, e.g. 0o644 for files meant to be shared."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write(path: Path, snap: Snapshot) -> None:
    with contextlib.suppress(OSError):  # a read-only cache folder only costs speed
        write_atomic(path, pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL))


def build_snapshot(graph: Graph) -> Snapshot:
    from kg.compile import compile_snapshot

    return compile_snapshot(graph)


def get_snapshot(
    extra: tuple[Path, ...] = (), *, store: str | None = None, endpoint: str | None = None, use_cache: bool = True
) -> Snapshot:
    """The Snapshot for the packaged data plus `extra` files (or for a remote endpoint).

    A miss parses the Turtle with pyoxigraph into plain indexes (kg.index_graph) and compiles them,
    unless a `store` ("rdflib" or "oxigraph") is named: then the data goes through that RDF store
    first (kg.load). Both give the same Snapshot."""
    if endpoint:
        from kg.remote import fetch_layer

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
        from kg.index_graph import IndexGraph

        return IndexGraph.from_files(source_files(extra))
    from kg.load import load_graph

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
