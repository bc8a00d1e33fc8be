"""Compare SPARQL answers across engines: rows as canonical, sorted CSV cells (a helper, not tests)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal, InvalidOperation

from kg.sparql.query import Answer
from kg.sparql.results import to_csv


def canonical(cell: str) -> str:
    """Numbers compared by value: engines write the same xsd:decimal as 80.0 (rdflib) or 80 (Oxigraph)."""
    if not re.fullmatch(r"[+-]?\d+\.\d+", cell):
        return cell
    try:
        value = Decimal(cell)
    except InvalidOperation:
        return cell
    return str(int(value)) if value == value.to_integral() else str(value.normalize())


def table(answer: Answer) -> tuple[list[str], list[list[str]]]:
    """Header and rows (canonical, sorted) of an answer, as its W3C CSV results."""
    header, *rows = list(csv.reader(io.StringIO(to_csv(answer).decode("utf-8"))))
    return header, sorted([canonical(c) for c in row] for row in rows)
