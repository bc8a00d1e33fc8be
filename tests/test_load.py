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


def test_unreadable_subfolder_of_data_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder the user cannot read must not silently drop its files from the graph."""
    import os

    from kg.model.resources import turtle_files

    hidden = tmp_path / "data" / "hidden"
    hidden.mkdir(parents=True)
    (hidden / "more.ttl").write_text("")
    (tmp_path / "data" / "top.ttl").write_text("")
    if os.getuid() == 0:  # root reads any folder: make this one fail the way it fails for a user
        real = os.scandir

        def scandir(path: object = ".") -> object:
            if str(path) == str(hidden):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        hidden.chmod(0)
    try:
        with pytest.raises(DataError, match=f"cannot read folder {hidden}: Permission denied"):
            turtle_files(tmp_path / "data")
    finally:
        hidden.chmod(0o755)
