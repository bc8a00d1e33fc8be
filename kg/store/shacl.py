"""SHACL Core on a pyoxigraph store: the shapes of ontology/shapes.ttl checked in plain Python.

Targets (class with its subclasses, subjects of, objects of, node), predicate and inverse paths, and
the components in kg.store.shacl_rules.COMPONENTS are supported; a shapes file using anything else is
refused with a one-line error naming the term, so the data contract never passes silently. Triples
are read once per predicate, so checking the shipped data takes milliseconds rather than pyshacl's
seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.model.errors import DataError
from kg.model.namespaces import RDF, SH, local_name
from kg.store.shacl_rules import COMPONENTS, Data, Term

FIRST, REST, NIL = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
SEVERITIES = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}
# Shape terms that are not constraints of their own.
STRUCTURE = frozenset({"path", "property", "message", "severity", "name", "description", "deactivated", "order",
                       "group", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "flags",
                       "qualifiedMinCount", "qualifiedMaxCount"})
MAX_DEPTH = 32  # nesting of sh:or / sh:node / qualified shapes


@dataclass(frozen=True, slots=True)
class Failure:
    """One constraint a focus node fails: the named shape, the path, the message and the severity."""

    shape: str
    focus: Term
    path: str
    message: str
    severity: str


@dataclass
class Shape:
    node: Term
    name: str  # local name of the nearest named (IRI) shape
    path: Term | None = None
    path_name: str = ""
    inverse: bool = False
    constraints: list[tuple[str, Any]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    targets: list[tuple[str, Term]] = field(default_factory=list)
    severity: str = "violation"
    message: str = ""


# --- the engine ----------------------------------------------------------------------------------


class Validator:
    """Shapes read from a shapes store, checked against a Data graph."""

    def __init__(self, shapes: ox.Store) -> None:
        self.g = Data(shapes)
        self.node_shapes = [self._shape(s, local_name(s.value), 0) for s in self._roots()]

    def _roots(self) -> list[Term]:
        roots = dict.fromkeys(self.g.instances(ox.NamedNode(SH + "NodeShape")))
        for kind in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            roots.update(dict.fromkeys(self.g.pairs(ox.NamedNode(SH + kind))))
        return [r for r in roots if not self._flag(r, "deactivated")]

    def _one(self, node: Term, name: str) -> Term | None:
        values = self.g.objects(node, ox.NamedNode(SH + name))
        return values[0] if values else None

    def _flag(self, node: Term, name: str) -> bool:
        value = self._one(node, name)
        return isinstance(value, ox.Literal) and value.value in ("true", "1")

    def _list(self, head: Term) -> list[Term]:
        items, seen = [], set()
        while head != NIL and head not in seen:
            seen.add(head)
            items += self.g.objects(head, FIRST)
            rest = self.g.objects(head, REST)
            if not rest:
                break
            head = rest[0]
        return items

    def _shape(self, node: Term, name: str, depth: int) -> Shape:
        if depth > MAX_DEPTH:
            raise DataError(f"shapes nest deeper than {MAX_DEPTH} levels at {name}")
        if isinstance(node, ox.NamedNode):
            name = local_name(node.value)
        shape = Shape(node, name)
        path = self._one(node, "path")
        if path is not None:
            shape.path, shape.inverse = self._path(path, name)
            shape.path_name = local_name(shape.path.value)
        severity = self._one(node, "severity")
        shape.severity = SEVERITIES.get(severity.value, "violation") if severity is not None else "violation"
        messages = self.g.objects(node, ox.NamedNode(SH + "message"))
        shape.message = next((m.value for m in messages if getattr(m, "language", None) in (None, "", "en")), "")
        for kind in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            shape.targets += [(kind, t) for t in self.g.objects(node, ox.NamedNode(SH + kind))]
        shape.properties = [self._shape(p, name, depth + 1) for p in self.g.objects(node, ox.NamedNode(SH + "property"))
                            if not self._flag(p, "deactivated")]
        for q in self.g.store.quads_for_pattern(node, None, None, None):
            term = q.predicate.value
            if not term.startswith(SH) or term[len(SH):] in STRUCTURE:
                continue
            component = term[len(SH):]
            if component not in COMPONENTS:
                raise DataError(f"shapes use sh:{component} (in {name}), which kg validate does not "
                                f"support; supported: {', '.join(sorted(COMPONENTS))}")
            shape.constraints.append((component, self._param(node, component, q.object, name, depth)))
        return shape

    def _path(self, path: Term, name: str) -> tuple[Term, bool]:
        if isinstance(path, ox.NamedNode):
            return path, False
        inverse = self._one(path, "inversePath")
        if isinstance(inverse, ox.NamedNode):
            return inverse, True
        raise DataError(f"shape {name} uses a complex sh:path; kg validate supports a predicate or sh:inversePath")

    def _param(self, node: Term, component: str, value: Term, name: str, depth: int) -> Any:
        if component in ("or", "and", "xone"):
            return [self._shape(s, name, depth + 1) for s in self._list(value)]
        if component in ("in", "languageIn"):
            return self._list(value)
        if component in ("node", "not"):
            return self._shape(value, name, depth + 1)
        if component == "qualifiedValueShape":
            low, high = self._one(node, "qualifiedMinCount"), self._one(node, "qualifiedMaxCount")
            return (self._shape(value, name, depth + 1), int(low.value) if low else None,
                    int(high.value) if high else None)
        if component == "pattern":
            flags = self._one(node, "flags")
            return re.compile(value.value, re.I if flags is not None and "i" in flags.value else 0)
        return value

    # --- evaluation ------------------------------------------------------------------------------

    def validate(self, data: Data, progress: Callable[[int, int], None] | None = None) -> list[Failure]:
        failures: list[Failure] = []
        for i, shape in enumerate(self.node_shapes):
            for focus in self._focus_nodes(data, shape):
                failures += self._check(data, shape, focus, 0)
            if progress:
                progress(i + 1, len(self.node_shapes))
        return failures

    def _focus_nodes(self, data: Data, shape: Shape) -> Iterable[Term]:
        found: dict[Term, None] = {}
        for kind, t in shape.targets:
            if kind == "targetClass":
                found.update(dict.fromkeys(data.instances(t)))
            elif kind == "targetNode":
                found[t] = None
            elif kind == "targetSubjectsOf":
                found.update(dict.fromkeys(data.pairs(t)))
            else:
                found.update(dict.fromkeys(o for objs in data.pairs(t).values() for o in objs))
        return found

    def _values(self, data: Data, shape: Shape, focus: Term) -> list[Term]:
        if shape.path is None:
            return [focus]
        found = data.subjects(shape.path, focus) if shape.inverse else data.objects(focus, shape.path)
        return list(dict.fromkeys(found))

    def _check(self, data: Data, shape: Shape, focus: Term, depth: int) -> list[Failure]:
        if depth > MAX_DEPTH:
            return []
        values = self._values(data, shape, focus)
        failures = []
        for component, param in shape.constraints:
            for text in COMPONENTS[component](self, data, values, param, depth):
                failures.append(Failure(shape.name, focus, shape.path_name, shape.message or text, shape.severity))
        for prop in shape.properties:
            for value in values:
                failures += self._check(data, prop, value, depth)
        return failures

    def conforms(self, data: Data, shape: Shape, node: Term, depth: int) -> bool:
        return not self._check(data, shape, node, depth + 1)


