"""The data contract: shipped data conforms; each broken fixture trips the check meant for it; a
shape's failure is reported under the shape's name with its path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store.validate import Report, check_files, validate_sources

INVALID = Path(__file__).parent / "data" / "invalid"


@pytest.fixture(scope="module")
def broken() -> Report:
    return validate_sources((INVALID / "edge-without-source.ttl",))


def test_shipped_data_conforms() -> None:
    report = validate_sources()
    violations = [p for p in report.problems if p.severity == "violation"]
    assert report.conforms, violations[:10]
    assert report.counts["warning"] < 20 and report.counts["info"] > 100, report.counts


def test_broken_fixture_is_caught(broken: Report) -> None:
    found = {(p.check, p.focus) for p in broken.problems if p.severity == "violation"}
    expected = {("edge-without-statement", "gallium"), ("LabelledShape", "bad-thing"), ("EventShape", "bad-event"),
                ("InstrumentShape", "bad-ann")}
    assert expected <= found, found
    assert not broken.conforms


def test_every_check_is_a_select_with_a_header_comment() -> None:
    files = check_files()
    assert len(files) >= 10
    for path in files:
        text = path.read_text()
        assert text.startswith("#") and "SELECT" in text, path.name


def test_a_property_shape_failure_names_its_node_shape_path_and_message(broken: Report) -> None:
    odd = [p for p in broken.problems if p.focus == "odd-event"]
    assert any(p.check == "EventShape" and p.severity == "violation" and p.message.startswith("onDate")
               for p in odd), odd
    assert {p.severity for p in broken.at_least("violation")} == {"violation"}
    assert {p.severity for p in broken.at_least("warning")} == {"violation", "warning"}
