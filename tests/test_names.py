"""Name resolution: labels, symbols, Chinese names, codes, suggestions and ambiguity."""

from __future__ import annotations

import pytest

from kg.analysis.names import resolve
from kg.model.errors import UnknownNameError


@pytest.mark.parametrize("name", ["xenonite", "XENONITE", "Xn", "氙石", "x-metal", "8112999999", "1C999.a"])
def test_names_resolve(tiny_snapshot, name: str) -> None:
    assert resolve(tiny_snapshot, name) == "x-metal"


def test_unknown_name_suggests(tiny_snapshot) -> None:
    with pytest.raises(UnknownNameError) as info:
        resolve(tiny_snapshot, "xenonit powdr")
    assert "xenonite powder" in str(info.value), str(info.value)


def test_real_data_symbols_and_chinese(snapshot) -> None:
    assert resolve(snapshot, "Ga") == "gallium"
    assert resolve(snapshot, "GaN") == "gallium-nitride"
    assert resolve(snapshot, "镓") == "family-gallium"  # the element's name stands for all its forms
    assert resolve(snapshot, "Dysprosium") == "family-dysprosium"
    assert resolve(snapshot, "ekgr:dysprosium") == "dysprosium"
