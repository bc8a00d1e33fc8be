"""The SHACL Core constraint components kg validate supports, and read access to the data graph.

Each component is a function of the value nodes of one focus node; `COMPONENTS` maps the component's
local name (sh:minCount -> "minCount") to it. Nested shapes (sh:or, sh:node, qualified shapes) are
checked through the `Checker` that runs the components (kg.store.shacl.Validator).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import pyoxigraph as ox

from kg.model.namespaces import RDF, RDFS, SH, XSD, local_name

Term = Any  # ox.NamedNode | ox.BlankNode | ox.Literal
TYPE, SUBCLASS = ox.NamedNode(RDF + "type"), ox.NamedNode(RDFS + "subClassOf")


class Data:
    """Read access to the data graph, one scan per predicate."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._out: dict[Term, dict[Term, list[Term]]] = {}
        self._in: dict[Term, dict[Term, list[Term]]] = {}
        self._supers: dict[Term, set[Term]] = {}

    def _index(self, p: Term) -> None:
        out: dict[Term, list[Term]] = defaultdict(list)
        inv: dict[Term, list[Term]] = defaultdict(list)
        for q in self.store.quads_for_pattern(None, p, None, None):
            out[q.subject].append(q.object)
            inv[q.object].append(q.subject)
        self._out[p], self._in[p] = dict(out), dict(inv)

    def objects(self, s: Term, p: Term) -> list[Term]:
        if p not in self._out:
            self._index(p)
        return self._out[p].get(s, [])

    def subjects(self, p: Term, o: Term) -> list[Term]:
        if p not in self._in:
            self._index(p)
        return self._in[p].get(o, [])

    def pairs(self, p: Term) -> dict[Term, list[Term]]:
        if p not in self._out:
            self._index(p)
        return self._out[p]

    def superclasses(self, cls: Term) -> set[Term]:
        """`cls` and every class it is a subclass of, through any number of rdfs:subClassOf."""
        if cls not in self._supers:
            seen, todo = {cls}, [cls]
            while todo:
                for up in self.objects(todo.pop(), SUBCLASS):
                    if up not in seen:
                        seen.add(up)
                        todo.append(up)
            self._supers[cls] = seen
        return self._supers[cls]

    def instances(self, cls: Term) -> list[Term]:
        seen, todo, found = {cls}, [cls], {}
        while todo:
            c = todo.pop()
            found.update(dict.fromkeys(self.subjects(TYPE, c)))
            for sub in self.subjects(SUBCLASS, c):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return list(found)

    def is_instance(self, node: Term, cls: Term) -> bool:
        return any(cls in self.superclasses(t) for t in self.objects(node, TYPE))


# --- value checks --------------------------------------------------------------------------------

_LEXICAL: dict[str, Callable[[str], bool]] = {
    "date": lambda v: bool(re.fullmatch(r"-?\d{4,}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?", v)) and _real_date(v),
    "gYear": lambda v: bool(re.fullmatch(r"-?\d{4,}(Z|[+-]\d\d:\d\d)?", v)),
    "gYearMonth": lambda v: bool(re.fullmatch(r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d\d:\d\d)?", v)),
    "integer": lambda v: bool(re.fullmatch(r"[+-]?\d+", v)),
    "decimal": lambda v: bool(re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", v)),
    "double": lambda v: bool(re.fullmatch(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN", v)),
    "boolean": lambda v: v in ("true", "false", "1", "0"),
}
_NUMERIC = frozenset(XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                                       "nonNegativeInteger", "positiveInteger"))


def _real_date(v: str) -> bool:
    try:
        date.fromisoformat(v[:10])
    except ValueError:
        return v.startswith("-") or len(v.split("-")[0]) > 4
    return True


def _has_datatype(value: Term, dt: Term) -> bool:
    if not isinstance(value, ox.Literal) or value.datatype != dt:
        return False
    check = _LEXICAL.get(dt.value.removeprefix(XSD)) if dt.value.startswith(XSD) else None
    return check is None or check(value.value)


def _number(value: Term) -> Decimal | None:
    if not isinstance(value, ox.Literal) or value.datatype.value not in _NUMERIC:
        return None
    try:
        return Decimal(value.value.strip())
    except InvalidOperation:
        return None


def _kind(value: Term) -> str:
    return {ox.NamedNode: "IRI", ox.BlankNode: "BlankNode", ox.Literal: "Literal"}[type(value)]


_KINDS = {"IRI": {"IRI"}, "BlankNode": {"BlankNode"}, "Literal": {"Literal"}, "BlankNodeOrIRI": {"IRI", "BlankNode"},
          "BlankNodeOrLiteral": {"BlankNode", "Literal"}, "IRIOrLiteral": {"IRI", "Literal"}}


def _lang_matches(tag: str, ranges: list[str]) -> bool:
    tag = tag.lower()
    return any(r == "*" or tag == r or tag.startswith(r + "-") for r in (x.lower() for x in ranges))


def _text(value: Term) -> str:
    return value.value if isinstance(value, ox.Literal | ox.NamedNode) else str(value)


class Checker(Protocol):
    def conforms(self, data: Data, shape: Any, node: Term, depth: int) -> bool: ...


Check = Callable[[Checker, Data, list[Term], Any, int], Iterator[str]]
ValueTest = Callable[[Checker, Data, Term, Any, int], bool]


def _per_value(test: ValueTest, message: Callable[[Term, Any], str]) -> Check:
    """A component that each value node must pass on its own."""
    def check(v: Checker, d: Data, values: list[Term], param: Any, depth: int) -> Iterator[str]:
        return (message(x, param) for x in values if not test(v, d, x, param, depth))
    return check


def _count(low: bool) -> Check:
    def check(v: Checker, d: Data, values: list[Term], param: Term, depth: int) -> Iterator[str]:
        n = int(param.value)
        if (len(values) < n) if low else (len(values) > n):
            yield f"{'fewer' if low else 'more'} than {n} value(s): {len(values)}"
    return check


_ORDER = {"minInclusive": lambda a, b: a >= b, "maxInclusive": lambda a, b: a <= b,
          "minExclusive": lambda a, b: a > b, "maxExclusive": lambda a, b: a < b}


def _in_range(op: str) -> ValueTest:
    def test(v: Checker, d: Data, x: Term, param: Term, depth: int) -> bool:
        value, bound = _number(x), _number(param)
        return value is not None and bound is not None and _ORDER[op](value, bound)
    return test


def _unique_lang(v: Checker, d: Data, values: list[Term], param: Term, depth: int) -> Iterator[str]:
    if param.value not in ("true", "1"):
        return
    langs = [x.language.lower() for x in values if isinstance(x, ox.Literal) and x.language]
    for lang in sorted({tag for tag in langs if langs.count(tag) > 1}):
        yield f"more than one value in language {lang!r}"


def _has_value(v: Checker, d: Data, values: list[Term], param: Term, depth: int) -> Iterator[str]:
    if param not in values:
        yield f"lacks the value {_text(param)}"


def _qualified(v: Checker, d: Data, values: list[Term], param: Any, depth: int) -> Iterator[str]:
    shape, low, high = param
    n = sum(1 for x in values if v.conforms(d, shape, x, depth))
    if low is not None and n < low:
        yield f"fewer than {low} value(s) conform to the qualified shape: {n}"
    if high is not None and n > high:
        yield f"more than {high} value(s) conform to the qualified shape: {n}"


_LOGIC = {"or": lambda n, total: n >= 1, "and": lambda n, total: n == total, "xone": lambda n, total: n == 1}


def _logic(kind: str) -> ValueTest:
    def test(v: Checker, d: Data, x: Term, shapes: list[Any], depth: int) -> bool:
        return _LOGIC[kind](sum(1 for s in shapes if v.conforms(d, s, x, depth)), len(shapes))
    return test


def _not_blank(length: Callable[[int, int], bool]) -> ValueTest:
    return lambda v, d, x, p, depth: not isinstance(x, ox.BlankNode) and length(len(_text(x)), int(p.value))


COMPONENTS: dict[str, Check] = {
    "minCount": _count(low=True), "maxCount": _count(low=False), "uniqueLang": _unique_lang,
    "hasValue": _has_value, "qualifiedValueShape": _qualified,
    "datatype": _per_value(lambda v, d, x, p, depth: _has_datatype(x, p),
                           lambda x, p: f"{_text(x)} is not a valid {local_name(p.value)}"),
    "class": _per_value(lambda v, d, x, p, depth: not isinstance(x, ox.Literal) and d.is_instance(x, p),
                        lambda x, p: f"{_text(x)} is not a {local_name(p.value)}"),
    "nodeKind": _per_value(lambda v, d, x, p, depth: _kind(x) in _KINDS.get(p.value.removeprefix(SH), set()),
                           lambda x, p: f"{_text(x)} is not of kind {local_name(p.value)}"),
    "pattern": _per_value(lambda v, d, x, p, depth: not isinstance(x, ox.BlankNode) and bool(p.search(_text(x))),
                          lambda x, p: f"{_text(x)} does not match {p.pattern!r}"),
    "minLength": _per_value(_not_blank(lambda n, k: n >= k), lambda x, p: f"{_text(x)} is shorter than {p.value}"),
    "maxLength": _per_value(_not_blank(lambda n, k: n <= k), lambda x, p: f"{_text(x)} is longer than {p.value}"),
    "in": _per_value(lambda v, d, x, p, depth: x in p, lambda x, p: f"{_text(x)} is not an allowed value"),
    "languageIn": _per_value(
        lambda v, d, x, p, depth: isinstance(x, ox.Literal) and bool(x.language)
        and _lang_matches(x.language, [r.value for r in p]),
        lambda x, p: f"{_text(x)} is not in one of the languages {', '.join(r.value for r in p)}"),
    **{op: _per_value(_in_range(op), lambda x, p, op=op: f"{_text(x)} fails {op} {p.value}") for op in _ORDER},
    **{kind: _per_value(_logic(kind), lambda x, p, kind=kind: f"{_text(x)} does not conform to sh:{kind}")
       for kind in _LOGIC},
    "node": _per_value(lambda v, d, x, p, depth: v.conforms(d, p, x, depth),
                       lambda x, p: f"{_text(x)} does not conform to {p.name}"),
    "not": _per_value(lambda v, d, x, p, depth: not v.conforms(d, p, x, depth),
                      lambda x, p: f"{_text(x)} conforms to a shape it must not"),
}
