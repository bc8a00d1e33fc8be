"""SHACL shapes + named violation queries -> one report. The data contract made executable."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model.namespaces import local_name
from kg.model.resources import checks_dir, shapes_file

if TYPE_CHECKING:
    from rdflib import Graph

_SEVERITY = {"Violation": "violation", "Warning": "warning", "Info": "info"}


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
    def warning_count(self) -> int:
        return sum(p.severity != "violation" for p in self.problems)

    def summary(self) -> str:
        bad = sum(p.severity == "violation" for p in self.problems)
        verdict = "conforms" if self.conforms else f"does NOT conform: {bad} violation(s)"
        return f"data {verdict}; {self.warning_count} warning(s)/note(s)"


def _shacl(graph: Graph) -> list[Problem]:
    import pyshacl
    from rdflib import Graph, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes = Graph().parse(shapes_file(), format="turtle")
    _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=False)
    problems = []
    for res in results.subjects(sh.resultSeverity, None):
        severity = local_name(str(results.value(res, sh.resultSeverity)))
        focus = results.value(res, sh.focusNode)
        path = results.value(res, sh.resultPath)
        msg = str(results.value(res, sh.resultMessage) or "")
        shape = results.value(res, sh.sourceShape)
        check = local_name(str(shape)) if shape is not None and not shape.startswith("n") else "shape"
        where = f"{local_name(str(path))}: " if path is not None else ""
        problems.append(Problem(_SEVERITY.get(severity, "violation"), check, local_name(str(focus)), where + msg))
    return problems


def check_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or checks_dir()).glob("*-violation.rq"))


def _checks(graph: Graph) -> list[Problem]:
    problems = []
    for path in check_files():
        name = path.name.removesuffix("-violation.rq")
        severity = "warning" if name.startswith("warn-") else "violation"
        for row in graph.query(path.read_text(encoding="utf-8")):
            focus = local_name(str(row[0])) if row[0] is not None else ""
            message = str(row[1]) if len(row) > 1 and row[1] is not None else name
            problems.append(Problem(severity, name, focus, message))
    return problems


def validate_graph(graph: Graph) -> Report:
    """Run the SHACL shapes and every ontology/checks/*-violation.rq query on `graph`."""
    problems = _shacl(graph) + _checks(graph)
    order = {"violation": 0, "warning": 1, "info": 2}
    return Report(sorted(problems, key=lambda p: (order[p.severity], p.check, p.focus, p.message)))
