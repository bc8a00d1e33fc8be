"""Files of the store layer: the private cache folder, content hashes of sources and code, atomic writes.

`source_hash` identifies a set of Turtle sources and the code that compiles them, so that compiled
snapshots and persisted stores are reused only for exactly those. `write_atomic` is how every output
of the package is written: readers see the old file or the whole new one, and a writer killed midway
leaves a temporary file that the next write beside it removes. `open_private` opens a cache file only
if this user owns it and no one else can write it or its folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import BinaryIO

try:  # the C module itself: hashlib would first load OpenSSL, a tenth of a cached call's time
    from _blake2 import blake2b
except ImportError:  # another Python build
    from hashlib import blake2b

from kg.model.errors import DataError
from kg.model.resources import source_files
from kg.model.version import __version__

FORMAT = 5  # bump when the cache layout changes shape
_PKG = Path(__file__).resolve().parent.parent
CODE_DIRS = ("model", "store")  # the code a compiled snapshot depends on (store imports only model)
RACY = 2.0  # seconds: a file changed this recently is hashed again next time (timestamps are coarse)


def cache_dir() -> Path:
    env = os.environ.get("KG_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exportkg"


def private_dir(folder: Path, *, tighten: bool = True) -> str | None:
    """Create `folder` private to this user (0700), or (with `tighten`) make it so if this user owns
    it; return why it must not be written to (another owner, open to others, not a folder), or None."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
        if not stat.S_ISDIR(st.st_mode):
            return f"{folder} is not a folder"
        if st.st_uid != os.getuid():
            return f"{folder} belongs to another user (uid {st.st_uid})"
        if stat.S_IMODE(st.st_mode) & 0o077:
            if not tighten:
                return f"{folder} is open to other users"
            folder.chmod(0o700)
    except OSError as exc:
        return f"{folder}: {exc.strerror or exc}"
    return None


def open_private(path: Path) -> BinaryIO | None:
    """`path` opened for reading if it is a regular file (not a symlink) owned by this user and
    writable by no one else, in a folder with the same properties; None if it is missing. Raises
    PermissionError naming the reason when the file exists but fails these checks."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PermissionError(f"{path}: {exc.strerror or exc}") from None
    fh = os.fdopen(fd, "rb")
    try:
        st, folder = os.fstat(fd), path.parent.stat()
        for what, s in (("file", st), ("folder", folder)):
            if s.st_uid != os.getuid():
                raise PermissionError(f"{path}: the {what} belongs to uid {s.st_uid}, not to this user")
            if stat.S_IMODE(s.st_mode) & 0o022:
                raise PermissionError(f"{path}: the {what} is writable by other users")
        if not stat.S_ISREG(st.st_mode):
            raise PermissionError(f"{path}: not a regular file")
    except BaseException:
        fh.close()
        raise
    return fh


def note(source: str, message: str, *args: object) -> None:
    """A note for the user through the standard logging machinery, under the logger `source` (shown on
    stderr when no handler is configured); logging is imported only when there is something to say."""
    import logging

    logging.getLogger(source).warning(message, *args)


def open_cached(path: Path, source: str, message: str) -> BinaryIO | None:
    """`open_private(path)` for a cache file: one that fails its checks is not read but noted with
    `message` (which gets the reason) and treated as missing, so that the caller rebuilds it."""
    try:
        return open_private(path)
    except PermissionError as exc:
        note(source, message, exc)
        return None


def prune_cache(keep: Path, pattern: str, limit: int) -> None:
    """Keep the cache folder small: drop all but the newest `limit` files matching `pattern` beside
    `keep` (never `keep` itself), and what killed writers left behind."""
    remove_orphans(keep.parent)
    with contextlib.suppress(OSError):
        files = sorted(keep.parent.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[limit:]:
            if old != keep:
                old.unlink(missing_ok=True)


def private_file(path: Path) -> bytes | None:
    """The bytes of `path`, on the conditions of `open_private`."""
    fh = open_private(path)
    if fh is None:
        return None
    with fh:
        return fh.read()


def _file_digest(path: Path, memo: dict[str, list[object]], now: float) -> tuple[str, bool]:
    """Content digest of one file, and whether the memo changed. A digest in `memo` is reused while the
    file's size, mtime, ctime and inode are unchanged (the trust git's index places in stat data; ctime
    moves on every write, so `cp -p` cannot fake an unchanged file). A file changed within the last
    RACY seconds is not remembered, since a second edit may keep every stamp."""
    try:
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        known = memo.get(str(path))
        if isinstance(known, list) and known[:4] == stamp:
            return str(known[4]), False
        digest = blake2b(path.read_bytes(), digest_size=20).hexdigest()
    except OSError as exc:
        raise DataError(f"cannot read data file {path}: {exc.strerror or exc}") from None
    if now - max(st.st_mtime, st.st_ctime) > RACY:
        memo[str(path)] = [*stamp, digest]
        return digest, True
    return digest, memo.pop(str(path), None) is not None


def code_files() -> list[Path]:
    return sorted(p for d in CODE_DIRS for p in (_PKG / d).glob("*.py"))


def source_hash(extra: tuple[Path, ...] = ()) -> str:
    """Hash of the package version, the code that compiles snapshots and every source file's content."""
    memo_path = cache_dir() / "digests.json"
    memo: dict[str, list[object]] = {}
    with contextlib.suppress(OSError, ValueError):
        raw = private_file(memo_path)
        memo = json.loads(raw) if raw else {}
    if not isinstance(memo, dict):
        memo = {}
    h = blake2b(f"{__version__}|{FORMAT}|{sys.version_info[:2]}".encode(), digest_size=20)
    dirty, now = False, time.time()
    for path in [*code_files(), *source_files(extra)]:
        digest, changed = _file_digest(path, memo, now)
        dirty |= changed
        h.update(str(path).encode() + b"\0" + digest.encode())
    if dirty and private_dir(memo_path.parent, tighten=False) is None:
        with contextlib.suppress(OSError):
            write_atomic(memo_path, json.dumps(memo).encode("utf-8"))
    return h.hexdigest()


def remove_orphans(folder: Path, name: str = "*") -> None:
    """Delete temporary files (of `name`, or all) that writers killed midway left in `folder`: the
    writer's pid is part of the name, and only files whose process is gone are removed."""
    with contextlib.suppress(OSError):
        for tmp in folder.glob(f".{name}.*.tmp"):
            parts = tmp.name.rsplit(".", 3)  # .NAME . PID . RANDOM . tmp
            if len(parts) == 4 and parts[1].isdigit() and not _alive(int(parts[1])):
                tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write bytes to `path` so that readers see either the old file or the whole new one. The file
    is private (0600) unless `mode` is given, e.g. 0o644 for files meant to be shared."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    remove_orphans(path.parent, path.name)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
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
