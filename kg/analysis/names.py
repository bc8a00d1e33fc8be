"""Name resolution: labels, alternative labels, symbols, Chinese names, ids and codes -> node ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kg.model.errors import AmbiguousNameError, UnknownNameError
from kg.model.keys import normalise

if TYPE_CHECKING:
    from kg.model.snapshot import Snapshot


def _lookup(snapshot: Snapshot, name: str) -> list[str]:
    key = normalise(name)
    hits = list(snapshot.names.get(key, ()))
    if not hits and key.endswith("s"):
        hits = list(snapshot.names.get(key[:-1], ()))
    return hits


def _prefer_label_match(snapshot: Snapshot, name: str, hits: list[str]) -> list[str]:
    key = normalise(name)
    exact = [h for h in hits if normalise(snapshot.nodes[h].label) == key or normalise(h) == key]
    return exact or hits


def suggestions(snapshot: Snapshot, name: str, limit: int = 5) -> list[str]:
    key = normalise(name)
    close = difflib.get_close_matches(key, snapshot.names.keys(), n=limit * 2, cutoff=0.6)
    contains = [k for k in snapshot.names if key and key in k and k not in close][:limit]
    labels = []
    for k in close + contains:
        for node_id in snapshot.names[k]:
            label = snapshot.nodes[node_id].label if node_id in snapshot.nodes else node_id
            if label not in labels:
                labels.append(label)
    return labels[:limit]


def resolve(
    snapshot: Snapshot, name: str, *, types: Iterable[str] | None = None, what: str = "node"
) -> str:
    """The id of the node `name` denotes; raises with suggestions when unknown or ambiguous."""
    allowed = set(types) if types else None
    hits = [h for h in _lookup(snapshot, name) if h in snapshot.nodes]
    if allowed is not None:
        hits = [h for h in hits if snapshot.nodes[h].type in allowed]
    if not hits:
        raise UnknownNameError(name, suggestions(snapshot, name), what)
    hits = _prefer_label_match(snapshot, name, hits)
    if len(hits) > 1:
        raise AmbiguousNameError(name, [f"{h} ({snapshot.nodes[h].label})" for h in hits])
    return hits[0]
