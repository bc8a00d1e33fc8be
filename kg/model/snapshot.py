"""The compiled, read-only view of the graph that every analysis runs on.

Plain frozen dataclasses of builtins, importable without rdflib or networkx, so a cached CLI call pays
for neither. `kg.store.compile` builds a Snapshot from RDF; `kg.store.cache` stores it (kg.store.snapfile):
read back from the cache, `nodes`, `names` and the graph's adjacency are read-only Mappings that build a
row when it is first asked for, so treat them as Mappings, not dicts. Sequences are tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Node:
    """A named thing: supply-chain node, firm, project, instrument, item, country or authority."""

    id: str
    iri: str
    label: str
    type: str
    names: tuple[str, ...] = ()  # alternative labels, symbols, Chinese names, ISO codes
    comment: str = ""
    hs_codes: tuple[str, ...] = ()
    unconfirmed: bool = False
    hidden: tuple[str, ...] = ()  # everyday words analysts use for it (skos:hiddenLabel)


@dataclass(frozen=True, slots=True)
class Edge:
    """One dependency edge in the upstream -> downstream direction, with its provenance."""

    source: str
    target: str
    relation: str
    grade: str | None  # "A" | "B" | "C", None when the edge has no statement
    sources: tuple[str, ...] = ()
    statement: str = ""
    rationale: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """A dated status event of an instrument or provision."""

    id: str
    resource: str
    kind: str
    on: date
    label: str = ""
    until: date | None = None
    caused_by: str | None = None
    into: str | None = None
    sources: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Resource:
    """A legal instrument or provision with the facts the status engine and the CLI need."""

    id: str
    label: str
    type: str
    parent: str | None = None  # owning instrument of a provision
    number: str = ""
    number_zh: str = ""
    title: str = ""
    title_zh: str = ""
    authorities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    end_uses: tuple[str, ...] = ()
    verified_through: date | None = None
    sources: tuple[str, ...] = ()
    provisions: tuple[str, ...] = ()
    jurisdiction: str = ""  # id of the state or union whose law it is
    last_searched: date | None = None
    relations: tuple[tuple[str, str], ...] = ()  # (relation, target id)
    official_url: str = ""
    comment: str = ""
    unconfirmed: bool = False
    note: str = ""

    @property
    def is_provision(self) -> bool:
        return self.parent is not None


@dataclass(frozen=True, slots=True)
class Item:
    """A controlled item, its codes and the nodes it concerns."""

    id: str
    label: str
    resource: str  # the instrument or provision that lists it (through parents)
    parent: str | None = None
    concerns: tuple[str, ...] = ()
    customs_codes: tuple[str, ...] = ()
    tariff_lines: tuple[str, ...] = ()
    control_codes: tuple[str, ...] = ()
    catalogue_codes: tuple[str, ...] = ()
    specification: str = ""
    unconfirmed: bool = False
    note: str = ""
    disputed_codes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    regime_codes: tuple[tuple[str, str], ...] = ()  # (scheme, code): ("eccn", "3A090.a"), ("eu", "3B001")

    @property
    def hs_codes(self) -> tuple[str, ...]:
        """6-digit HS subheadings derived from the PRC customs codes and tariff lines."""
        return tuple(dict.fromkeys(code[:6] for code in self.customs_codes + self.tariff_lines))


@dataclass(frozen=True, slots=True)
class Family:
    """A material family: an element or material with all its forms; families nest (broader/narrower)."""

    id: str
    label: str
    members: tuple[tuple[str, str], ...] = ()  # (member node id, form kind or "")
    broader: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    comment: str = ""


@dataclass(frozen=True, slots=True)
class UseShare:
    """The share of a material's consumption going to one end use (`use` empty: the remainder)."""

    id: str
    label: str
    node: str
    use: str = ""
    percent: float | None = None
    year: str = ""
    country: str = ""  # consumption scope; empty means world
    grade: str | None = None
    sources: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Response:
    """A measure taken in answer to another measure, with the evidence for the link."""

    id: str
    measure: str
    answers: str
    grade: str | None = None
    sources: tuple[str, ...] = ()
    rationale: str = ""
    unconfirmed: bool = False


# walker(start ids, upstream?, which grades to follow (None: all), hop limit) -> the nodes reached in
# breadth-first order, each with its shortest chain of edges (walk order), like kg.analysis.dependencies'
# walk; or None when it cannot answer (then the caller walks the adjacency lists itself).
Walker = Callable[[list[str], bool, Callable[[str | None], bool] | None, int | None],
                  list[tuple[str, tuple[Edge, ...]]] | None]


@dataclass(frozen=True, slots=True)
class DepGraph:
    """The typed dependency layer as adjacency lists (upstream -> downstream)."""

    succ: Mapping[str, tuple[Edge, ...]]
    pred: Mapping[str, tuple[Edge, ...]]
    # A faster breadth-first walk the storage may offer (the cache's columns do): see Walker.
    walker: Walker | None = field(default=None, compare=False, repr=False)

    def out_edges(self, node: str) -> tuple[Edge, ...]:
        return self.succ.get(node, ())

    def in_edges(self, node: str) -> tuple[Edge, ...]:
        return self.pred.get(node, ())

    def edges(self) -> list[Edge]:
        return [e for edges in self.succ.values() for e in edges]

    def node_ids(self) -> set[str]:
        return set(self.succ) | set(self.pred)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the analyses need, compiled once from the RDF sources."""

    nodes: Mapping[str, Node]
    graph: DepGraph
    resources: dict[str, Resource]
    events: tuple[Event, ...]
    items: dict[str, Item]
    names: Mapping[str, tuple[tuple[str, int], ...]]  # normalised name -> (node id, strength: 0 best)
    counts: dict[str, int] = field(default_factory=dict)
    shares: tuple[dict[str, object], ...] = ()
    families: dict[str, Family] = field(default_factory=dict)
    use_shares: tuple[UseShare, ...] = ()
    responses: tuple[Response, ...] = ()
    codes: dict[str, str] = field(default_factory=dict)  # jurisdiction/country id -> ISO code ("EU")
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # country group id -> member ids

    def events_of(self, resource: str) -> list[Event]:
        return [e for e in self.events if e.resource == resource]
