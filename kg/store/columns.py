"""A small file format of named, checksummed binary sections, read by memory map; and column codecs
for tables of flat dataclasses (one typed array per field, strings in one deduplicated heap).

File: MAGIC, header length (8 bytes), header (JSON: byte order, section offsets, lengths, CRC32s),
the header's CRC32 (8 bytes), then 8-aligned sections. Nothing in a file is ever executed or
unpickled: a damaged or foreign file can only fail a check (FormatError), never run code. Sections
are checked when first used; the string heap, the largest, per 1 MiB chunk as strings are first
read, so a small answer does not read a large file in full.
"""

from __future__ import annotations

import json
import mmap
import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from typing import Any, BinaryIO, get_args, get_origin, get_type_hints

from kg.model.errors import DataError

MAGIC = b"exportkg columns\x00\x02"
NONE = 0xFFFFFFFF  # string id of a missing value
CHUNK = 1 << 20  # bytes per checksum of a chunked section
CHUNKED = ("strings.offsets", "strings.data")
CATEGORIES = 255  # a string column with at most this many distinct values is stored as small numbers


class FormatError(DataError):
    """The file is not a complete, intact file of this format."""


# --- writing ---------------------------------------------------------------------------------------


class Strings:
    """Deduplicated UTF-8 strings, numbered in order of first use after the `keys` (ids 0..len-1)."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self.ids: dict[str, int] = {}
        for key in keys:
            self.id(key)
        self.keys = len(self.ids)

    def id(self, text: str | None) -> int:
        if text is None:
            return NONE
        found = self.ids.get(text)
        if found is None:
            found = self.ids[text] = len(self.ids)
        return found

    def sections(self) -> dict[str, bytes | array]:
        data = [t.encode("utf-8", "surrogatepass") for t in self.ids]
        total = sum(map(len, data))
        offsets = array("I" if total < NONE else "Q", [0])
        running = 0
        for chunk in data:
            running += len(chunk)
            offsets.append(running)
        return {"strings.offsets": offsets, "strings.data": b"".join(data)}


def write_file(out: BinaryIO, sections: dict[str, bytes | array], meta: dict[str, Any]) -> None:
    """Write `sections` (name -> bytes or array) with a header that also carries `meta`."""
    blobs = {name: bytes(s) if isinstance(s, bytes | bytearray) else s.tobytes() for name, s in sections.items()}
    table: dict[str, list[Any]] = {}
    offset = 0
    for name, blob in blobs.items():
        crc: Any = ([zlib.crc32(blob[i:i + CHUNK]) for i in range(0, len(blob), CHUNK)] if name in CHUNKED
                    else zlib.crc32(blob))
        table[name] = [offset, len(blob), crc, sections[name].typecode if isinstance(sections[name], array) else "B"]
        offset += (len(blob) + 7) // 8 * 8
    header = json.dumps({"byteorder": sys.byteorder, "sections": table, "meta": meta}).encode()
    start = len(MAGIC) + 8 + len(header) + 8
    pad = (-start) % 8
    out.write(MAGIC + struct.pack("<Q", len(header) + pad) + header + b" " * pad)
    out.write(struct.pack("<Q", zlib.crc32(header + b" " * pad)))
    for blob in blobs.values():
        out.write(blob + b"\0" * ((-len(blob)) % 8))


# --- reading ---------------------------------------------------------------------------------------


class Sections:
    """The sections of a file, as typed memoryviews over a read-only memory map."""

    def __init__(self, fileno: int, damaged: Callable[[str], str] | None = None) -> None:
        self.damaged = damaged or (lambda why: why)
        try:
            self.map = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError) as exc:
            raise FormatError(f"cannot map the file: {exc}") from None
        view = memoryview(self.map)
        if bytes(view[:len(MAGIC)]) != MAGIC or len(view) < len(MAGIC) + 8:
            raise FormatError("not a file of this format")
        (size,) = struct.unpack("<Q", view[len(MAGIC):len(MAGIC) + 8])
        start = len(MAGIC) + 8
        header = bytes(view[start:start + size])
        crc = bytes(view[start + size:start + size + 8])
        if len(header) != size or len(crc) != 8 or struct.unpack("<Q", crc)[0] != zlib.crc32(header):
            raise FormatError("the header fails its checksum")
        try:
            info = json.loads(header)
            self.table: dict[str, list[Any]] = info["sections"]
            self.meta: dict[str, Any] = info["meta"]
        except (ValueError, KeyError, TypeError):
            raise FormatError("the header is malformed") from None
        if info.get("byteorder") != sys.byteorder:
            raise FormatError("written on a machine of the other byte order")
        self.base = start + size + 8
        self.view = view

    def _blob(self, name: str) -> tuple[memoryview, Any, str]:
        try:
            offset, length, crc, typecode = self.table[name]
        except (KeyError, ValueError, TypeError):
            raise FormatError(f"section {name} is missing") from None
        blob = self.view[self.base + offset:self.base + offset + length]
        if len(blob) != length:
            raise FormatError(f"section {name} is truncated")
        return blob, crc, typecode

    def raw(self, name: str) -> memoryview:
        """A whole section, checked against its CRC."""
        blob, crc, typecode = self._blob(name)
        if zlib.crc32(blob) != crc:
            raise FormatError(f"section {name} fails its checksum")
        return blob if typecode == "B" else blob.cast(typecode)

    def chunked(self, name: str) -> tuple[memoryview, bytearray, Callable[[int, int], None]]:
        """A section and a function that checks the chunks holding bytes [lo, hi) the first time. A
        chunk found damaged then (after the file was opened) is reported through `damaged`, which
        may remove the file and returns the message of the error raised. The bytearray says which
        chunks were checked (one byte per CHUNK), for callers that test it before calling."""
        blob, crcs, typecode = self._blob(name)
        if not isinstance(crcs, list) or len(crcs) != (len(blob) + CHUNK - 1) // CHUNK:
            raise FormatError(f"section {name} lacks its chunk checksums")
        done = bytearray(len(crcs))

        def check(lo: int, hi: int) -> None:
            for k in range(lo // CHUNK, (max(hi, lo + 1) - 1) // CHUNK + 1):
                if not done[k]:
                    if zlib.crc32(blob[k * CHUNK:(k + 1) * CHUNK]) != crcs[k]:
                        raise FormatError(self.damaged(f"section {name} fails its checksum"))
                    done[k] = 1
        return (blob if typecode == "B" else blob.cast(typecode)), done, check


class Heap:
    """The strings of a file by id, each decoded (and its chunks checked) once. Ids below `keys` are the
    table keys (node and vertex ids), in sorted order; `ids` maps each key decoded so far back to its id."""

    def __init__(self, sections: Sections) -> None:
        offsets, odone, check_offsets = sections.chunked("strings.offsets")
        data, ddone, check_data = sections.chunked("strings.data")
        width, shift = offsets.itemsize, CHUNK.bit_length() - 1
        memo: dict[int, str | None] = {NONE: None}
        ids: dict[str, int] = {}
        self.ids = ids
        self.count = len(offsets) - 1
        self.keys = keys = int(sections.meta.get("keys", 0))

        def text(i: int) -> str | None:
            found = memo.get(i, memo)
            if found is memo:
                if not (odone[i * width >> shift] and odone[((i + 2) * width - 1) >> shift]):
                    check_offsets(i * width, (i + 2) * width)
                lo, hi = offsets[i], offsets[i + 1]
                if not (ddone[lo >> shift] and ddone[max(hi - 1, lo) >> shift]):
                    check_data(lo, hi)
                found = memo[i] = str(data[lo:hi], "utf-8", "surrogatepass")
                if i < keys:
                    ids[found] = i  # type: ignore[index]
            return found  # type: ignore[return-value]
        self.text = text


# --- columns of dataclass tables -------------------------------------------------------------------


def _kind(hint: Any) -> str:
    """The column kind of a field type: str, optional str, bool, int, list of str, or JSON."""
    args = get_args(hint)
    if hint is str:
        return "str"
    if get_origin(hint) in (type(str | None),) and set(args) == {str, type(None)}:
        return "str?"
    if hint is bool:
        return "bool"
    if hint is int:
        return "int"
    if get_origin(hint) is tuple and args == (str, Ellipsis):
        return "strs"
    return "json"  # anything else: one JSON text per row, in the string heap


def columns_of(cls: type, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(field, column kind) for the fields of a dataclass, less `skip`."""
    hints = get_type_hints(cls)
    return [(f.name, _kind(hints[f.name])) for f in fields(cls) if f.name not in skip]


def encode_rows(prefix: str, cls: type, rows: Sequence[Any], strings: Strings, kinds: dict[str, Any],
                skip: tuple[str, ...] = (), texts: tuple[str, ...] = ()) -> dict[str, bytes | array]:
    """Columns for `rows` (instances of `cls`), named `prefix.field`; fields in `skip` are left out. A
    string column of few distinct values becomes a category column (its values go into `kinds`),
    except the fields in `texts` (such as ids looked up by string)."""
    out: dict[str, bytes | array] = {}
    for name, kind in columns_of(cls, skip):
        values = [getattr(r, name) for r in rows]
        key = f"{prefix}.{name}"
        categories = list(dict.fromkeys(values)) if kind in ("str", "str?") and name not in texts else []
        if categories and len(categories) <= CATEGORIES:
            kinds[key] = categories
            index = {v: i for i, v in enumerate(categories)}
            out[key] = array("B", [index[v] for v in values])
        elif kind in ("str", "str?"):
            out[key] = array("I", [strings.id(v) for v in values])
        elif kind == "bool":
            out[key] = bytes(bytearray(1 if v else 0 for v in values))
        elif kind == "int":
            out[key] = array("q", values)
        elif kind == "strs":
            out[key + ".offsets"], out[key] = _lists([[strings.id(x) for x in v] for v in values])
        else:
            out[key] = array("I", [strings.id(json.dumps(_plain(v))) for v in values])
    return out


def _lists(lists: Iterable[list[int]]) -> tuple[array, array]:
    offsets, flat = array("I", [0]), array("I")
    for item in lists:
        flat.extend(item)
        offsets.append(len(flat))
    return offsets, flat


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


_EXPR = {
    "str": "h(c{n}[i])", "str?": "h(c{n}[i])", "bool": "c{n}[i] != 0", "int": "c{n}[i]", "cat": "v{n}[c{n}[i]]",
    "strs": "tuple(map(h, c{n}[o{n}[i]:o{n}[i + 1]]))", "json": "j(h(c{n}[i]))",
}


def row_reader(sections: Sections, heap: Heap, prefix: str, cls: type, skip: tuple[str, ...] = (),
               eager: tuple[str, ...] | None = None) -> Callable[..., Any]:
    """A function building an instance of `cls` from row `i` of its columns. With `skip`, the caller
    passes those fields (they come first, in field order) after `i`. With `eager`, only those fields
    (and the skipped ones) are read at once: the object is of a subclass that reads the others from
    the columns when they are first looked at, and compares and hashes like a `cls`. The function is
    generated once per table: one expression per column, no per-field call overhead."""
    env: dict[str, Any] = {"cls": cls, "h": heap.text, "j": lambda text: _tuples(json.loads(text or "null")),
                           "new": object.__new__}
    categories = sections.meta.get("kinds", {})
    exprs: dict[str, str] = {}
    for n, (name, kind) in enumerate(columns_of(cls, skip)):
        key = f"{prefix}.{name}"
        env[f"c{n}"] = sections.raw(key)
        if key in categories:
            kind, env[f"v{n}"] = "cat", tuple(categories[key])
        if kind == "strs":
            env[f"o{n}"] = sections.raw(f"{key}.offsets")
        exprs[name] = _EXPR[kind].format(n=n)
    if eager is None:
        code = f"def build(i, *given):\n    return cls(*given, {', '.join(exprs.values())})\n"
    else:
        env["cls"] = lazy = _lazy_class(cls, {name: expr for name, expr in exprs.items() if name not in eager}, env)
        setters = {name: f"s_{name}" for name in (*skip, *eager, "_i")}
        env |= {f"s_{name}": _slot(lazy, name).__set__ for name in setters}
        lines = ["def build(i, *given):", "    o = new(cls)", "    s__i(o, i)"]
        lines += [f"    s_{name}(o, given[{k}])" for k, name in enumerate(skip)]
        lines += [f"    s_{name}(o, {expr})" for name, expr in exprs.items() if name in eager]
        code = "\n".join([*lines, "    return o", ""])
    exec(compile(code, f"<{prefix} rows>", "exec"), env)  # generated from field kinds only
    return env["build"]


def _slot(cls: type, name: str) -> Any:
    """The slot descriptor of `name` in `cls` or a base class (setting through it skips the frozen check)."""
    return next(k.__dict__[name] for k in cls.__mro__ if name in k.__dict__)


def _lazy_class(cls: type, lazy: dict[str, str], env: dict[str, Any]) -> type:
    """A subclass of the dataclass `cls` whose `lazy` fields are read from the columns on access."""
    names = [f.name for f in fields(cls)]
    props: dict[str, Any] = {"__slots__": ("_i",)}
    for name, expr in lazy.items():
        code = f"def get(self):\n    i = self._i\n    return {expr}\n"
        scope = dict(env)
        exec(compile(code, f"<{cls.__name__}.{name}>", "exec"), scope)  # generated from field kinds only
        props[name] = property(scope["get"])

    def as_tuple(self: Any) -> tuple[Any, ...]:
        return tuple(getattr(self, n) for n in names)

    def eq(self: Any, other: object) -> bool:
        return isinstance(other, cls) and as_tuple(self) == as_tuple(other)

    props |= {"__eq__": eq, "__hash__": lambda self: hash(as_tuple(self)), "__reduce__": None,
              "__repr__": lambda self: f"{cls.__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"}
    return type(cls.__name__, (cls,), props)
