"""The data contract: shipped data conforms; each broken fixture trips the check meant for it."""

from __future__ import annotations

from pathlib import Path

from kg.store.load import load_graph
from kg.store.validate import check_files, validate_graph

INVALID = Path(__file__).parent / "data" / "invalid"


def test_shipped_data_conforms(real_graph) -> None:
    report = validate_graph(real_graph)
    violations = [p for p in report.problems if p.severity == "violation"]
    assert report.conforms, violations[:10]


def test_broken_fixture_is_caught() -> None:
    report = validate_graph(load_graph((INVALID / "edge-without-source.ttl",)))
    found = {(p.check, p.focus) for p in report.problems if p.severity == "violation"}
    checks = {c for c, _ in found}
    assert {"edge-without-statement", "LabelledShape"} <= checks or "edge-without-statement" in checks, found
    assert not report.conforms


def test_every_check_is_a_select_with_a_header_comment() -> None:
    files = check_files()
    assert len(files) >= 10
    for path in files:
        text = path.read_text()
        assert text.startswith("#") and "SELECT" in text, path.name
