"""The small tables of a snapshot as self-describing JSON (kg.store.snapfile stores them so).

Every JSON object written is tagged: {"@rows": class, "keys": [...] or null, "seq": [...], "dates":
[...], "rows": [[field values], ...]} for a mapping or tuple of records of one kg.model.snapshot class
("seq" names the fields to turn back into tuples, with their nesting depth, "dates" those to turn back
into dates), {"@": class, "f": [field values]} for a single record, {"@map": [[key, value], ...]} for
a mapping and {"@date": "YYYY-MM-DD"} for a date. Sequences come back as tuples (a snapshot holds no
lists). Nothing is evaluated on reading, not even type hints, and only model classes are built.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any

import kg.model.snapshot as model

CLASSES = {name: cls for name, cls in vars(model).items() if isinstance(cls, type) and is_dataclass(cls)}


def to_json(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {"@": type(value).__name__, "f": [to_json(getattr(value, f.name)) for f in fields(value)]}
    if isinstance(value, Mapping | tuple | list) and _records(value):
        return _table(value)
    if isinstance(value, Mapping):
        return {"@map": [[k, to_json(v)] for k, v in value.items()]}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    if isinstance(value, date):
        return {"@date": value.isoformat()}
    return value


def _records(value: Any) -> bool:
    """Whether `value` holds records of one dataclass (and nothing else)."""
    rows = list(value.values() if isinstance(value, Mapping) else value)
    return bool(rows) and is_dataclass(rows[0]) and all(type(r) is type(rows[0]) for r in rows)


def _table(value: Any) -> dict[str, Any]:
    keys = list(value) if isinstance(value, Mapping) else None
    rows = list(value.values() if isinstance(value, Mapping) else value)
    names = [f.name for f in fields(rows[0])]
    columns = [[getattr(r, n) for r in rows] for n in names]
    seq = [[k, max(_depth(v) for v in col)] for k, col in enumerate(columns)
           if any(isinstance(v, tuple | list) for v in col)]
    dates = [k for k, col in enumerate(columns) if any(isinstance(v, date) for v in col)]
    plain = [[v.isoformat() if isinstance(v, date) else to_json(v) for v in (getattr(r, n) for n in names)]
             for r in rows]
    return {"@rows": type(rows[0]).__name__, "keys": keys, "seq": seq, "dates": dates, "rows": plain}


def _depth(value: Any) -> int:
    return 1 + max(map(_depth, value), default=0) if isinstance(value, tuple | list) else 0


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


_SEQ = {1: lambda v: tuple(v) if v is not None else v, 2: lambda v: tuple(map(tuple, v)) if v is not None else v}


def _rows(obj: dict[str, Any]) -> Any:
    cls = CLASSES.get(obj["@rows"])
    if cls is None:
        raise ValueError(f"unknown class {obj['@rows']!r}")
    seq = [(k, _SEQ.get(depth, _tuples)) for k, depth in obj["seq"]]
    dates, out = obj["dates"], []
    for row in obj["rows"]:
        for k, convert in seq:
            row[k] = convert(row[k])
        for k in dates:
            if row[k] is not None:
                row[k] = date.fromisoformat(row[k])
        out.append(cls(*row))
    return tuple(out) if obj["keys"] is None else dict(zip(obj["keys"], out, strict=True))


def _tagged(obj: dict[str, Any]) -> Any:
    if "@rows" in obj:
        return _rows(obj)
    if "@" in obj:
        cls = CLASSES.get(obj["@"])
        if cls is None:
            raise ValueError(f"unknown class {obj['@']!r}")
        return cls(*map(_tuples, obj["f"]))
    if "@map" in obj:
        return {k: _tuples(v) for k, v in obj["@map"]}
    if "@date" in obj:
        return date.fromisoformat(obj["@date"])
    raise ValueError(f"untagged object with keys {sorted(obj)[:3]}")


def from_json(text: bytes) -> Any:
    return _tuples(json.loads(text, object_hook=_tagged))
