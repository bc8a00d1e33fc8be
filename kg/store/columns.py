"""A small file format of named, checksummed binary sections, read by memory map, with one
deduplicated heap of strings (kg.store.rows stores tables of dataclasses in it as columns).

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
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from kg.model.errors import DataError

MAGIC = b"exportkg columns\x00\x02"
NONE = 0xFFFFFFFF  # string id of a missing value
CHUNK = 1 << 20  # bytes per checksum of a chunked section
CHUNKED = ("strings.offsets", "strings.data")


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
        shift = CHUNK.bit_length() - 1
        per_chunk = shift - (offsets.itemsize.bit_length() - 1)  # offsets per chunk: 2 ** per_chunk
        memo: dict[int, str | None] = {NONE: None}
        ids: dict[str, int] = {}
        self.ids = ids
        self.count = len(offsets) - 1
        self.keys = keys = int(sections.meta.get("keys", 0))
        width = offsets.itemsize

        def text(i: int) -> str | None:
            found = memo.get(i, memo)
            if found is not memo:
                return found  # type: ignore[return-value]
            if not (odone[i >> per_chunk] and odone[(i + 1) >> per_chunk]):
                check_offsets(i * width, (i + 2) * width)
            lo, hi = offsets[i], offsets[i + 1]
            if not (ddone[lo >> shift] and ddone[(hi - 1 if hi > lo else lo) >> shift]):
                check_data(lo, hi)
            found = memo[i] = str(data[lo:hi], "utf-8", "surrogatepass")
            if i < keys:
                ids[found] = i
            return found
        self.text = text
