"""Tables of flat dataclasses as columns of a kg.store.columns file: one typed array per field, strings
in the file's heap, few-valued strings as category numbers; rows are rebuilt one at a time, by a
function generated once per table, and (with `eager`) as objects that read their other fields only
when looked at.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from typing import Any, get_args, get_origin, get_type_hints

from kg.store.columns import Heap, Sections, Strings

CATEGORIES = 255  # a string column with at most this many distinct values is stored as small numbers


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
