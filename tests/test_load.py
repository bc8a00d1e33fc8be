"""Loading: packaged sources, extra files, and one-line errors for malformed Turtle."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model.errors import DataError, StoreError
from kg.store.load import load_graph

INVALID = Path(__file__).parent / "data" / "invalid"


def test_malformed_turtle_names_file_and_line() -> None:
    with pytest.raises(DataError) as info:
        load_graph((INVALID / "malformed.ttl",))
    message = str(info.value)
    assert "malformed.ttl:4" in message and "\n" not in message, message


def test_missing_extra_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        load_graph((tmp_path / "nope.ttl",))


def test_unknown_store_is_refused() -> None:
    with pytest.raises(StoreError, match="unknown store"):
        load_graph(store="sqlite")


def test_oxigraph_store_loads_the_same_triples(real_graph) -> None:
    ox = load_graph(store="oxigraph")
    assert len(ox) == len(real_graph), (len(ox), len(real_graph))
