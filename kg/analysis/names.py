"""Name resolution and search: labels, alternative labels, symbols, Chinese names, everyday words,
ids, IRIs and codes -> node ids.

A name is matched under its normalised key and its singular; the strongest kind of match wins
(label or id, then alternative label or symbol, then everyday word, then code; see kg.model.keys).
A material family wins over its own members when both carry the name ("graphite", "tungsten").
Several candidates of equal strength are never picked silently: the error lists them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.analysis.families import family_of
from kg.model.errors import AmbiguousNameError, UnknownNameError
from kg.model.keys import HIDDEN, normalise, singular
from kg.model.namespaces import EKGR

if TYPE_CHECKING:
    from kg.model.snapshot import Snapshot


def _lookup(snapshot: Snapshot, name: str) -> dict[str, int]:
    """Candidate ids with the strength of their best match (lower is stronger)."""
    key = normalise(name)
    found: dict[str, int] = {}
    for probe, penalty in ((key, 0), (singular(key), 1)):
        for node_id, strength in snapshot.names.get(probe, ()):
            if node_id in snapshot.nodes:
                found[node_id] = min(found.get(node_id, 99), strength + penalty)
    return found


def _prefer_families(snapshot: Snapshot, hits: list[str]) -> list[str]:
    """Drop candidates that are members of a candidate family: the family covers them."""
    fams = {h for h in hits if h in snapshot.families}
    return [h for h in hits if h in fams or not family_of(snapshot, h) & fams] if fams else hits


def _exact(snapshot: Snapshot, name: str) -> str | None:
    """A node named by its IRI or `ekgr:` CURIE: always that node, never its family."""
    text = name.strip()
    for prefix in (EKGR, "ekgr:", "<" + EKGR):
        if text.startswith(prefix):
            node_id = text[len(prefix):].rstrip(">")
            return node_id if node_id in snapshot.nodes else None
    return None


def suggestions(snapshot: Snapshot, name: str, limit: int = 5) -> list[str]:
    """Labels of the nodes whose names come closest to `name`."""
    return list(dict.fromkeys(row.label for row in search(snapshot, name, limit=limit * 2)))[:limit]


def describe(snapshot: Snapshot, node_id: str) -> str:
    node = snapshot.nodes[node_id]
    return f"{node_id} ({node.label}, {node.type})"


def resolve(
    snapshot: Snapshot, name: str, *, types: Iterable[str] | None = None, what: str = "node"
) -> str:
    """The id of the node `name` denotes; raises with suggestions when unknown or with the candidates
    when several match equally well."""
    exact = _exact(snapshot, name)
    if exact is not None:
        return exact
    allowed = set(types) if types else None
    found = {h: s for h, s in _lookup(snapshot, name).items()
             if allowed is None or snapshot.nodes[h].type in allowed}
    if not found:
        raise UnknownNameError(name, suggestions(snapshot, name), what)
    best = min(found.values())
    if any(s == HIDDEN for s in found.values()):  # a curated everyday word: its candidates stand together
        best = max(best, HIDDEN)
    hits = _prefer_families(snapshot, sorted(h for h, s in found.items() if s <= best))
    if len(hits) > 1:
        raise AmbiguousNameError(name, [describe(snapshot, h) for h in hits])
    return hits[0]


@dataclass(frozen=True, slots=True)
class Match:
    """One search hit: the node, how well it matched, and the name it matched under."""

    id: str
    label: str
    type: str
    score: float
    matched: str


def _score(query: str, key: str) -> float:
    if key == query:
        return 100.0
    if key.startswith(query):
        return 85.0 - min(len(key) - len(query), 20) * 0.5
    words = query.split()
    if all(w in key.split() for w in words):
        return 75.0
    if query in key:
        return 60.0
    if all(any(k.startswith(w) for k in key.split()) for w in words):
        return 55.0
    ratio = difflib.SequenceMatcher(None, query, key).ratio()
    return ratio * 50.0 if ratio >= 0.6 else 0.0


def search(snapshot: Snapshot, text: str, *, limit: int = 20, types: Iterable[str] | None = None) -> list[Match]:
    """Nodes whose names match `text`, best first: exact, prefix, all words, substring, then close
    spellings. Each node appears once, under its best-matching name."""
    query = normalise(text)
    if not query:
        return []
    allowed = set(types) if types else None
    best: dict[str, tuple[float, str]] = {}
    for probe in {query, singular(query)}:
        for key, entries in snapshot.names.items():
            score = _score(probe, key)
            if score <= 0:
                continue
            for node_id, strength in entries:
                node = snapshot.nodes.get(node_id)
                if node is None or (allowed is not None and node.type not in allowed):
                    continue
                value = score - strength * 2 + (3 if node.type == "MaterialFamily" else 0)
                if value > best.get(node_id, (0.0, ""))[0]:
                    best[node_id] = (value, key)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], snapshot.nodes[kv[0]].label.casefold()))
    return [Match(n, snapshot.nodes[n].label, snapshot.nodes[n].type, round(v, 1), k)
            for n, (v, k) in ranked[:limit]]
