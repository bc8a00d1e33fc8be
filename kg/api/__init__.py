"""The Python API: `kg.open()` returns a Graph whose methods answer every question the CLI answers.

Each method takes names as a user types them (labels, symbols, codes), dates as `datetime.date` or
"YYYY-MM-DD", and returns exactly what the matching command prints with `--format json`: a `Record`
(a dict) or `Records` (a list of dicts), both plain JSON values with `to_frame()` for pandas users
(pandas is optional). An empty answer carries a one-line explanation in `.note`. Bad input raises a
`kg.KGError` subclass whose message names the option as the CLI spells it. The CLI is a thin layer
over these methods, so a notebook and a shell give the same answers.

    >>> import kg
    >>> g = kg.open()
    >>> g.impact("gallium", as_of="2025-06-01")["node"]["type"]
    'MaterialFamily'

The methods live in one module per theme: `dependencies` (impact, exposure, paths, what_if,
chokepoints), `controls` (controls, control, timeline, changes, responses), `materials` (uses,
uses_view, search), `sources` (info, validate, sparql, sparql_results, queries, query_text, export,
push) and `pages` (view, timeline_view). A new question is a method in the module of its theme that
returns a Record or Records.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kg.api.answers import (
    MAX_HOPS,
    Record,
    Records,
    Text,
    at_least_one,
    hop_limit,
    parse_date,
    parse_grade,
)
from kg.api.controls import ControlQuestions
from kg.api.dependencies import DependencyQuestions
from kg.api.materials import MaterialQuestions
from kg.api.pages import PageTools
from kg.api.sources import SourceTools

__all__ = ["MAX_HOPS", "Graph", "Record", "Records", "Text", "at_least_one", "hop_limit", "open", "parse_date",
           "parse_grade"]


class Graph(DependencyQuestions, ControlQuestions, MaterialQuestions, SourceTools, PageTools):
    """The knowledge graph: the packaged ontology and data plus `data` files, answered from a
    compiled snapshot. Make one with `kg.open()`; it loads nothing until the first question."""


def open(data: Path | str | Iterable[Path | str] | None = None, *, endpoint: str | None = None,
         store: str | None = None, cache: bool = True) -> Graph:
    """The knowledge graph: the packaged ontology and data plus `data` (a Turtle file or folder, or
    several). With `endpoint` (a SPARQL 1.1 endpoint URL), the dependency and controls layers come
    from that endpoint instead. `store` (rdflib or oxigraph) loads the sources through that RDF store
    instead of the fast parser; `cache=False` ignores the compiled cache."""
    if data is None:
        extra: tuple[Path, ...] = ()
    elif isinstance(data, str | Path):
        extra = (Path(data),)
    else:
        extra = tuple(Path(p) for p in data)
    return Graph(data=extra, endpoint=endpoint, store=store, use_cache=cache)
