"""Files of the store layer: where the cache lives, content hashes of the sources, atomic writes.

`source_hash` identifies a set of Turtle sources (and the code that reads them) so that compiled
snapshots and persisted stores are reused only for exactly those sources. `write_atomic` is how
every output of the package is written: readers see the old file or the whole new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from pathlib import Path

from kg.model.errors import DataError
from kg.model.resources import source_files
from kg.model.version import __version__

FORMAT = 4  # bump when the Snapshot classes change shape


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
    h = hashlib.blake2b(f"{__version__}|{FORMAT}|{sys.version_info[:2]}".encode(), digest_size=20)
    dirty = False
    for path in source_files(extra):
        digest, fresh = _file_digest(path, memo)
        dirty |= fresh
        h.update(str(path).encode() + b"\0" + digest.encode())
    if dirty:
        with contextlib.suppress(OSError):
            write_atomic(memo_path, json.dumps(memo).encode("utf-8"))
    return h.hexdigest()


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
