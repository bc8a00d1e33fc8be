"""A small file format of named, checksummed binary sections, read by memory map; and column codecs
for tables of flat dataclasses (one typed array per field, strings in one deduplicated heap).

File: MAGIC, header length (8 bytes), header (JSON: byte order, section offsets, lengths, CRC32s),
the header's CRC32 (8 bytes), then 8-aligned sections. Nothing in a file is ever executed or unpickled: a
damaged or foreign file can only fail a check (FormatError), never run code. A section's CRC is
checked the first time it is used, so a large file is not read in full to answer a small question.
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

MAGIC = b"exportkg columns\x00\x01"
NONE = 0xFFFFFFFF  # string id of a missing value


class FormatError(Exception):
    """The file is not a complete, intact file of this format."""


# --- writing ---------------------------------------------------------------------------------------


class Strings:
    """Deduplicated UTF-8 strings, numbered in order of first use."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def id(self, text: str | None) -> int:
        if text is None:
            return NONE
        found = self.ids.get(text)
        if found is None:
            found = self.ids[text] = len(self.ids)
        return found

    def sections(self) -> dict[str, bytes | array]:
        data = [t.encode("utf-8", "surrogatepass") for t in self.ids]
        offsets = array("Q", [0])
        total = 0
        for chunk in data:
            total += len(chunk)
            offsets.append(total)
        return {"strings.offsets": offsets, "strings.data": b"".join(data)}


def write_file(out: BinaryIO, sections: dict[str, bytes | array], meta: dict[str, Any]) -> None:
    """Write `sections` (name -> bytes or array) with a header that also carries `meta`."""
    blobs = {name: bytes(s) if isinstance(s, bytes | bytearray) else s.tobytes() for name, s in sections.items()}
    table: dict[str, list[Any]] = {}
    offset = 0
    for name, blob in blobs.items():
        table[name] = [offset, len(blob), zlib.crc32(blob),
                       sections[name].typecode if isinstance(sections[name], array) else "B"]
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

    def __init__(self, fileno: int) -> None:
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
        self.checked: set[str] = set()

    def raw(self, name: str) -> memoryview:
        try:
            offset, length, crc, typecode = self.table[name]
        except (KeyError, ValueError):
            raise FormatError(f"section {name} is missing") from None
        blob = self.view[self.base + offset:self.base + offset + length]
        if len(blob) != length:
            raise FormatError(f"section {name} is truncated")
        if name not in self.checked:
            if zlib.crc32(blob) != crc:
                raise FormatError(f"section {name} fails its checksum")
            self.checked.add(name)
        return blob if typecode == "B" else blob.cast(typecode)

    def close(self) -> None:
        self.view.release()
        self.map.close()


class Heap:
    """The strings of a file by id, each decoded once; `ids` maps each decoded string back to its id."""

    def __init__(self, sections: Sections) -> None:
        offsets, data = sections.raw("strings.offsets"), sections.raw("strings.data")
        memo: dict[int, str | None] = {NONE: None}
        ids: dict[str, int] = {}
        self.ids = ids
        self.count = len(offsets) - 1

        def text(i: int) -> str | None:
            found = memo.get(i, memo)
            if found is memo:
                found = memo[i] = str(data[offsets[i]:offsets[i + 1]], "utf-8", "surrogatepass")
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


def encode_rows(prefix: str, cls: type, rows: Sequence[Any], strings: Strings,
                skip: tuple[str, ...] = ()) -> dict[str, bytes | array]:
    """Columns for `rows` (instances of `cls`), named `prefix.field`; fields in `skip` are left out."""
    out: dict[str, bytes | array] = {}
    for name, kind in columns_of(cls, skip):
        values = [getattr(r, name) for r in rows]
        key = f"{prefix}.{name}"
        if kind in ("str", "str?"):
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
    "str": "h(c{n}[i])", "str?": "h(c{n}[i])", "bool": "c{n}[i] != 0", "int": "c{n}[i]",
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
                           "new": object.__new__, "put": object.__setattr__}
    exprs: dict[str, str] = {}
    for n, (name, kind) in enumerate(columns_of(cls, skip)):
        env[f"c{n}"] = sections.raw(f"{prefix}.{name}")
        if kind == "strs":
            env[f"o{n}"] = sections.raw(f"{prefix}.{name}.offsets")
        exprs[name] = _EXPR[kind].format(n=n)
    if eager is None:
        code = f"def build(i, *given):\n    return cls(*given, {', '.join(exprs.values())})\n"
    else:
        env["cls"] = _lazy_class(cls, {name: expr for name, expr in exprs.items() if name not in eager}, env)
        lines = ["def build(i, *given):", "    o = new(cls)", "    put(o, '_i', i)"]
        lines += [f"    put(o, {name!r}, given[{k}])" for k, name in enumerate(skip)]
        lines += [f"    put(o, {name!r}, {expr})" for name, expr in exprs.items() if name in eager]
        code = "\n".join([*lines, "    return o", ""])
    exec(compile(code, f"<{prefix} rows>", "exec"), env)  # generated from field kinds only
    return env["build"]


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
