"""The state every API method shares: which sources make up the graph, and its compiled snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.model.snapshot import Snapshot


@dataclass
class GraphBase:
    """The packaged ontology and data plus `data` files (or, with `endpoint`, the dependency and
    controls layers of a SPARQL endpoint), compiled into a snapshot on first use."""

    data: tuple[Path, ...] = ()
    endpoint: str | None = None
    store: str | None = None
    use_cache: bool = True
    _snapshot: Snapshot | None = field(default=None, repr=False)

    @property
    def snapshot(self) -> Snapshot:
        """The compiled snapshot (from the cache when the sources are unchanged)."""
        if self._snapshot is None:
            from kg.store.cache import get_snapshot

            self._snapshot = get_snapshot(self.data, store=self.store, endpoint=self.endpoint,
                                          use_cache=self.use_cache)
        return self._snapshot

    def resolve(self, name: str) -> str:
        """The id of the node `name` denotes: by label, alternative label, symbol, Chinese name, id,
        customs or control-list code, case-insensitively. Raises UnknownNameError with suggestions."""
        from kg.analysis.names import resolve

        return resolve(self.snapshot, name)

    def label(self, node_id: str) -> str:
        """The display label of a node id (the id itself for an unknown id)."""
        node = self.snapshot.nodes.get(node_id)
        return node.label if node else node_id
