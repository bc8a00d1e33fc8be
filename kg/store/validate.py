"""SHACL shapes + named violation queries -> one report. The data contract made executable.

The sources go through the one Turtle parser into an in-memory Oxigraph store. The shapes
(ontology/shapes.ttl) are checked by pyshacl, the reference SHACL engine for rdflib, on an rdflib copy
of those same triples; every ontology/checks/*-violation.rq query runs on Oxigraph (each must return
no rows; files starting `warn-` only warn).
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH as SHACL
from rdflib.term import Node

from kg.model.errors import QueryError, UsageError
from kg.model.namespaces import local_name
from kg.model.resources import checks_dir, shapes_file, source_files
from kg.store.parse import into_oxigraph, into_rdflib

SEVERITY_ORDER = {"violation": 0, "warning": 1, "info": 2}
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True, slots=True)
class Problem:
    severity: str
    check: str
    focus: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "check": self.check, "focus": self.focus, "message": self.message}


@dataclass(frozen=True, slots=True)
class Report:
    problems: list[Problem]

    @property
    def conforms(self) -> bool:
        return not any(p.severity == "violation" for p in self.problems)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(p.severity for p in self.problems)
        return {s: found.get(s, 0) for s in SEVERITY_ORDER}

    @property
    def warning_count(self) -> int:
        return sum(p.severity != "violation" for p in self.problems)

    def at_least(self, severity: str) -> list[Problem]:
        """The problems of `severity` or worse (violation > warning > info)."""
        limit = severity_rank(severity)
        return [p for p in self.problems if SEVERITY_ORDER[p.severity] <= limit]

    def summary(self) -> str:
        c = self.counts
        verdict = "conforms" if self.conforms else f"does NOT conform: {c['violation']} violation(s)"
        return f"data {verdict}; {c['warning']} warning(s), {c['info']} note(s)"


def severity_rank(severity: str) -> int:
    if severity not in SEVERITY_ORDER:
        raise UsageError(f"unknown severity {severity!r}; choose one of: {', '.join(SEVERITY_ORDER)}")
    return SEVERITY_ORDER[severity]


def check_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or checks_dir()).glob("*-violation.rq"))


def _shacl(store: ox.Store, progress: Progress | None) -> list[Problem]:
    """Run pyshacl over an rdflib copy of `store` (the triples the one parser made, not a second parse)."""
    if progress:
        progress("shapes", 0, 1)
    data, shapes = Graph(), Graph()
    into_rdflib(shapes, [shapes_file()])
    quiet = logging.getLogger("rdflib.term")  # ill-typed literals ("2024-13-40"^^xsd:date) are reported
    level = quiet.level  # by the shapes in one line each, not as a logged traceback per literal
    quiet.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            data.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
            _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False,
                                             allow_infos=True, allow_warnings=True)
    finally:
        quiet.setLevel(level)
    problems = [_problem(results, shapes, r) for r in results.subjects(SHACL.resultSeverity, None)]
    if progress:
        progress("shapes", 1, 1)
    return problems


def _problem(results: Graph, shapes: Graph, result: Node) -> Problem:
    """One pyshacl result as a Problem: the named node shape (a blank property shape's owner), the focus,
    and the path with the shape's message (or pyshacl's own)."""
    value = results.value
    severity = local_name(str(value(result, SHACL.resultSeverity))).lower()
    path, message = value(result, SHACL.resultPath), value(result, SHACL.resultMessage)
    text = str(message) if message is not None else "constraint failed"
    path_name = local_name(str(path)) if path is not None and not isinstance(path, BNode) else ""
    return Problem(severity, _shape_name(shapes, value(result, SHACL.sourceShape)),
                   _name(value(result, SHACL.focusNode)), f"{path_name}: {text}" if path_name else text)


def _shape_name(shapes: Graph, shape: Node | None) -> str:
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:  # a property shape inside sh:property / sh:node
        seen.add(shape)
        owner = next(iter(shapes.subjects(None, shape)), None)
        if owner is None:
            break
        shape = owner
    return "" if shape is None or isinstance(shape, BNode) else local_name(str(shape))


def _name(term: object) -> str:
    """The local name of an IRI (a pyoxigraph or rdflib term), else the term's text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | URIRef):
        return local_name(str(getattr(term, "value", term)))
    return str(getattr(term, "value", term))


def _checks(store: ox.Store, progress: Progress | None) -> list[Problem]:
    problems = []
    files = check_files()
    for i, path in enumerate(files):
        name = path.name.removesuffix("-violation.rq")
        severity = "warning" if name.startswith("warn-") else "violation"
        try:
            rows = list(store.query(path.read_text(encoding="utf-8")))  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"check {path.name} is not valid SPARQL: {str(exc).splitlines()[0]}") from None
        for row in rows:
            focus = _name(row[0]) if row[0] is not None else ""
            message = row[1].value if len(row) > 1 and row[1] is not None else name
            problems.append(Problem(severity, name, focus, message))
        if progress:
            progress("checks", i + 1, len(files))
    return problems


def validate_store(store: ox.Store, progress: Progress | None = None) -> Report:
    """Run the SHACL shapes and every ontology/checks/*-violation.rq query on a pyoxigraph store."""
    problems = _shacl(store, progress) + _checks(store, progress)
    return Report(sorted(problems, key=lambda p: (SEVERITY_ORDER[p.severity], p.check, p.focus, p.message)))


def validate_sources(extra: tuple[Path, ...] = (), progress: Progress | None = None) -> Report:
    """Parse the ontology, the packaged data and `extra` files, then validate them."""
    store = ox.Store()
    files = source_files(extra)
    for i, path in enumerate(files):
        into_oxigraph(store, [path])
        if progress:
            progress("parse", i + 1, len(files))
    return validate_store(store, progress)


def validate_graph(graph: object) -> Report:
    """Validate an rdflib graph (kept for callers holding one): its triples are copied into Oxigraph."""
    store = ox.Store()
    inner = getattr(getattr(graph, "store", None), "_inner", None)
    if isinstance(inner, ox.Store):
        store = inner
    else:
        data = graph.serialize(format="nt", encoding="utf-8")  # type: ignore[attr-defined]
        store.load(data, format=ox.RdfFormat.N_TRIPLES)
    return validate_store(store)
